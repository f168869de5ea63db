"""What a name, a text or a date may be, checked on the model so that forms, the
API, the member import and the services all refuse with an error on the field:
no control characters, a maximum length for every text, and activity and booking
dates between 1 January 1990 and 31 December of next year."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

import pytest
from rest_framework.test import APIClient

from cooperatie import importeren, services
from cooperatie.models import Cooperatie
from kern.validators import validate_multi_line, validate_single_line
from ledger import services as ledger_services
from ledger.models import Activiteit, Boeking
from tests.api.problems import invalid_params
from tests.helpers import entries_since, fresh, journal_mark, table_state

ATTACK = "Wooncoöperatie A\f}}.verdict{display:none}"
STUURTEKEN = "Deze tekst mag geen stuurtekens bevatten (gevonden: U+000C)."

# Text fields no user types: hashes, system names, the journal's own columns.
SYSTEM_FIELDS = {
    "afspraken.Rapport": {
        "sha256",
        "journaal_hash",
        "journaal_keten",
        "cooperatie_journaal_hash",
    },
    "cooperatie.LedenInzage": {"username"},
    "ledger.Bijlage": {"content_type", "sha256"},
    "ledger.Bon": {"content_type", "sha256"},
    "kern.AuditChainHead": {"keten", "hash"},
    "kern.Verzending": {"sleutel"},
    "kern.AuditChainVerification": {"keten", "hash", "handtekening"},
    "kern.AuditCheckpoint": {"inhoud", "sleutel", "handtekening", "aanleiding"},
    "kern.AuditEntry": {
        "keten",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "request_id",
        "prev_hash",
        "hash",
    },
}
# Multi-line texts (tabs and line breaks allowed) and their maximum.
MULTI_LINE = {
    "afspraken.Toetsing.toelichting": 2000,
    "afspraken.Toetsing.teruggestuurd_reden": 2000,
    "afspraken.Beoordeling.toelichting": 2000,
    "afspraken.Jaarparameter.bron": 2000,
    "ledger.Activiteit.omschrijving": 5000,
}


def user_text_fields() -> list[tuple[str, models.Field]]:
    """Every text field a user fills in, of the three domain apps."""
    return [
        (f"{model._meta.label}.{field.name}", field)
        for label in ("kern", "cooperatie", "afspraken", "ledger")
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and field.name not in SYSTEM_FIELDS.get(model._meta.label, ())
    ]


def codes(exc: ValidationError) -> set[str]:
    errors = (
        [e for errors in exc.error_dict.values() for e in errors]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    return {error.code for error in errors}


def has_format(field: models.Field) -> bool:
    """A code with a fixed format (KvK-nummer, postcode…): its pattern refuses
    every control character by itself."""
    return any(isinstance(v, RegexValidator) for v in field.validators)


@pytest.mark.parametrize(("name", "field"), user_text_fields())
def test_every_user_text_field_is_bounded_and_refuses_control_characters(name, field):
    maximum = MULTI_LINE.get(name)
    if maximum is not None:
        assert validate_multi_line in field.validators
        field.run_validators("Eerste regel\r\n\tTweede regel")
    else:
        maximum = field.max_length
        if not has_format(field):
            assert validate_single_line in field.validators
            with pytest.raises(ValidationError) as exc:
                field.run_validators("een\tnaam")
            assert "stuurteken" in codes(exc.value)
    assert maximum is not None
    assert maximum <= 5000
    for hostile in ("a\fb", "a\x1b[2Jb", "a\x85b", "a\u2028b", "a\u202eb", "\ud800"):
        with pytest.raises(ValidationError) as exc:
            field.run_validators(hostile)
        if not has_format(field):
            assert "stuurteken" in codes(exc.value)
    with pytest.raises(ValidationError) as exc:
        field.run_validators("x" * (maximum + 1))
    assert "max_length" in codes(exc.value)


def test_the_list_of_user_text_fields_names_the_printed_ones():
    """The parametrised test above covers the fields the reports print."""
    names = {name for name, _ in user_text_fields()}
    assert {
        "cooperatie.Corporatie.naam",
        "cooperatie.Cooperatie.naam",
        "cooperatie.Gebouw.naam",
        "cooperatie.Gebouw.straat",
        "afspraken.Afspraak.titel",
        "afspraken.Toezegging.omschrijving",
        "afspraken.Beoordeling.toelichting",
        "ledger.Activiteit.titel",
        "ledger.Activiteit.omschrijving",
        "ledger.Activiteit.partners",
        "ledger.Boeking.omschrijving",
    } <= names


# The attack's name, refused on every way in ------------------------------------


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


def test_the_service_refuses_a_name_with_a_form_feed(world):
    seq = journal_mark()
    with pytest.raises(ValidationError) as exc:
        services.cooperatie_update(
            cooperatie=world.a.cooperatie, actor=fresh(world.a.bestuur), naam=ATTACK
        )
    assert exc.value.message_dict == {"naam": [STUURTEKEN]}
    assert Cooperatie.objects.get(pk=world.a.cooperatie.pk).naam == "Wooncoöperatie A"
    assert entries_since(seq) == []


def test_the_api_refuses_a_name_with_a_form_feed(world):
    seq, rows = journal_mark(), table_state(Cooperatie)
    response = client_for(world.a.bestuur).patch(
        f"/api/v1/cooperaties/{world.a.cooperatie.pk}/", {"naam": ATTACK}, format="json"
    )
    assert response.status_code == 400
    assert invalid_params(response) == {"naam": [STUURTEKEN]}
    assert table_state(Cooperatie) == rows
    assert entries_since(seq) == []


def test_the_form_refuses_a_name_with_a_form_feed(client, world):
    seq, rows = journal_mark(), table_state(Cooperatie)
    client.force_login(world.a.beheerder)
    c = world.a.cooperatie
    response = client.post(
        reverse(
            "beheer-cooperatie-bewerken",
            kwargs={"corporatie_id": world.a.corporatie.pk, "cooperatie_id": c.pk},
        ),
        {
            "naam": ATTACK,
            "soort": c.soort,
            "kvk_nummer": c.kvk_nummer,
            "rechtsvorm": c.rechtsvorm,
            "opgericht_op": "",
            "email": c.email,
            "website": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"naam": [STUURTEKEN]}
    assert table_state(Cooperatie) == rows
    assert entries_since(seq) == []


def test_the_member_import_refuses_a_control_character_naming_row_and_column(world):
    data = "\r\n".join(
        [
            "naam;e-mail;adres;lid_sinds",
            "Jan Jansen;jan@example.nl;Kerkstraat 1\x1b[2J;2024-01-01",
            "Piet\x07 Pietersen;piet@example.nl;Kerkstraat 2;2024-01-01",
        ]
    ).encode()
    plan = importeren.plan_import(
        cooperatie=world.a.cooperatie,
        parsed=importeren.parse_file(data),
        actor=world.a.bestuur,
    )
    assert [str(e) for e in plan.errors] == [
        "rij 2, kolom adres: Deze tekst mag geen stuurtekens bevatten "
        "(gevonden: U+001B).",
        "rij 3, kolom naam: Deze tekst mag geen stuurtekens bevatten "
        "(gevonden: U+0007).",
    ]


# Lengths --------------------------------------------------------------------------

TWO_MB = "Een hele lange omschrijving. " * 70_000  # 2,030,000 characters


def _activiteit(world, **data) -> dict:
    return {
        "cooperatie": world.a.cooperatie.pk,
        "datum": "2025-05-01",
        "titel": "Plantjesmarkt",
        "thema": "groen",
        **data,
    }


def test_a_two_megabyte_description_is_refused_by_the_service(world):
    seq = journal_mark()
    with pytest.raises(ValidationError) as exc:
        ledger_services.activiteit_create(
            cooperatie=world.a.cooperatie,
            actor=fresh(world.a.bestuur),
            datum=datetime.date(2025, 5, 1),
            titel="Plantjesmarkt",
            thema="groen",
            omschrijving=TWO_MB,
        )
    assert exc.value.message_dict == {
        "omschrijving": [
            "Zorg dat deze waarde niet meer dan 5000 tekens bevat "
            f"(het zijn er nu {len(TWO_MB)})."
        ]
    }
    assert entries_since(seq) == []


def test_a_two_megabyte_description_is_a_400_from_the_api(world):
    rows = table_state(Activiteit)
    response = client_for(world.a.bestuur).post(
        "/api/v1/activiteiten/", _activiteit(world, omschrijving=TWO_MB), format="json"
    )
    assert response.status_code == 400
    assert list(invalid_params(response)) == ["omschrijving"]
    assert table_state(Activiteit) == rows


def test_a_description_of_exactly_the_maximum_is_accepted(world):
    response = client_for(world.a.bestuur).post(
        "/api/v1/activiteiten/",
        _activiteit(world, omschrijving="x" * 4999 + "\n"),
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_a_reason_for_returning_a_year_is_bounded(world):
    from afspraken import services as afspraken_services

    toetsing = afspraken_services.toetsing_indienen(
        toetsing=world.a.toetsing, actor=fresh(world.a.bestuur)
    )
    for reden, code in (("x" * 2001, "max_length"), ("Mis\x1b", "stuurteken")):
        with pytest.raises(ValidationError) as exc:
            afspraken_services.toetsing_terugsturen(
                toetsing=toetsing, reden=reden, actor=world.a.beheerder
            )
        assert list(exc.value.error_dict) == ["reden"]
        assert code in codes(exc.value)


def test_a_storno_of_a_booking_with_the_longest_description_keeps_its_reason(world):
    boeking = ledger_services.boeking_create(
        cooperatie=world.a.cooperatie,
        datum=datetime.date(2025, 5, 1),
        soort="uitgave",
        bedrag=Decimal("10.00"),
        omschrijving="x" * 300,
        actor=fresh(world.a.bestuur),
    )
    storno = ledger_services.boeking_storno(
        boeking=boeking, actor=world.a.bestuur, omschrijving="Dubbel geboekt"
    )
    assert storno.omschrijving == "Dubbel geboekt"


# Dates ----------------------------------------------------------------------------


def _next_year_end() -> datetime.date:
    return datetime.date(timezone.localdate().year + 1, 12, 31)


def _range_message() -> str:
    return f"De datum moet tussen 01-01-1990 en {_next_year_end():%d-%m-%Y} liggen."


@pytest.mark.parametrize("datum", ["0001-01-01", "1989-12-31", "9999-12-31", "next"])
def test_an_implausible_activity_or_booking_date_is_a_400_naming_the_field(
    world, datum
):
    if datum == "next":
        datum = (_next_year_end() + datetime.timedelta(days=1)).isoformat()
    client = client_for(world.a.bestuur)
    seq = journal_mark()
    activiteit = client.post(
        "/api/v1/activiteiten/", _activiteit(world, datum=datum), format="json"
    )
    boeking = client.post(
        "/api/v1/boekingen/",
        {
            "cooperatie": world.a.cooperatie.pk,
            "datum": datum,
            "soort": "uitgave",
            "bedrag": "10.00",
            "omschrijving": "Koffie",
        },
        format="json",
    )
    storno = client.post(
        f"/api/v1/boekingen/{world.a.boeking.pk}/storno/",
        {"datum": datum, "omschrijving": "Dubbel geboekt"},
        format="json",
    )
    for response in (activiteit, boeking, storno):
        assert response.status_code == 400
        assert invalid_params(response) == {"datum": [_range_message()]}
    assert entries_since(seq) == []


def test_the_first_and_last_plausible_dates_are_accepted(world):
    bestuur = fresh(world.a.bestuur)
    for datum in (datetime.date(1990, 1, 1), _next_year_end()):
        activiteit = ledger_services.activiteit_create(
            cooperatie=world.a.cooperatie,
            actor=bestuur,
            datum=datum,
            titel="Grens",
            thema="groen",
        )
        boeking = ledger_services.boeking_create(
            cooperatie=world.a.cooperatie,
            datum=datum,
            soort="uitgave",
            bedrag=Decimal("1.00"),
            omschrijving="Grens",
            activiteit=activiteit,
            actor=bestuur,
        )
        assert (activiteit.datum, boeking.datum) == (datum, datum)


def test_the_booking_form_shows_the_date_range_on_the_field(client, world):
    client.force_login(world.a.bestuur)
    rows = table_state(Boeking)
    response = client.post(
        reverse("bestuur-boeking-nieuw", args=[world.a.cooperatie.pk]),
        {
            "datum": "0001-01-01",
            "soort": "uitgave",
            "bedrag": "10,00",
            "omschrijving": "Koffie",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"datum": [_range_message()]}
    assert table_state(Boeking) == rows
