"""The services of the ledger app: who may call them, the one journal entry each
writes, the input they refuse, evidence files, and the yearly lock."""

from __future__ import annotations

import datetime
import hashlib
import os
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from afspraken.choices import ToetsingStatus
from cooperatie import services as cooperatie_services
from cooperatie.models import Lid
from ledger import services
from ledger.models import Activiteit, Bijlage, Boeking, Bon
from tests.afspraken.factories import set_status
from tests.helpers import (
    BESTUUR_DENIED,
    ServiceCase,
    check_denied,
    check_refused,
    check_success,
    denied_params,
    entries_since,
    fresh,
    journal_mark,
    public_services,
    success_params,
)
from tests.ledger.bulk_cases import BULK_CASES
from tests.ledger.factories import PNG_1PX, ActiviteitFactory, BijlageFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
D = datetime.date


def _cooperatie_a(world, obj):
    return (None, world.a.cooperatie.pk)


CASES = [
    ServiceCase(
        id="activiteit_create",
        kind="create",
        model=Activiteit,
        action="activiteit_create",
        call=lambda w, t, actor: services.activiteit_create(
            cooperatie=w.a.cooperatie,
            datum=D(2025, 4, 12),
            titel="Moestuindag",
            thema="groen",
            vrijwilligersuren=Decimal("6.50"),
            deelnemers_buurt=7,
            vrijwilligers=[w.a.lid, w.a.bestuurslid],
            actor=actor,
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "cooperatie": w.a.cooperatie.pk,
            "datum": "2025-04-12",
            "titel": "Moestuindag",
            "vrijwilligersuren": "6.50",
            "deelnemers_buurt": 7,
            "vrijwilligers": sorted([w.a.lid.pk, w.a.bestuurslid.pk]),
        },
    ),
    # The composite write (tests/ledger/test_activiteit_save.py), here as an
    # update of the activiteit without files: one entry, the activiteit's.
    ServiceCase(
        id="activiteit_save",
        kind="update",
        model=Activiteit,
        action="activiteit_update",
        target=lambda w: w.a.activiteit,
        call=lambda w, t, actor: (
            services.activiteit_save(
                activiteit=t, data={"titel": "Taalcafé (verplaatst)"}, actor=actor
            ).activiteit
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        before=lambda w, t: {"titel": t.titel},
        after=lambda w, obj: {"titel": "Taalcafé (verplaatst)"},
    ),
    ServiceCase(
        id="activiteit_update",
        kind="update",
        model=Activiteit,
        action="activiteit_update",
        target=lambda w: w.a.activiteit,
        call=lambda w, t, actor: services.activiteit_update(
            activiteit=t,
            titel="Taalcafé (verplaatst)",
            thema=t.thema,
            vrijwilligers=[w.a.lid, w.a.bestuurslid],
            actor=actor,
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        before=lambda w, t: {"titel": t.titel, "vrijwilligers": [w.a.lid.pk]},
        after=lambda w, obj: {
            "titel": "Taalcafé (verplaatst)",
            "vrijwilligers": sorted([w.a.lid.pk, w.a.bestuurslid.pk]),
        },
    ),
    ServiceCase(
        id="activiteit_delete",
        kind="delete",
        model=Activiteit,
        action="activiteit_delete",
        target=lambda w: ActiviteitFactory(
            cooperatie=w.a.cooperatie, datum=D(2025, 5, 1), titel="Vergissing"
        ),
        call=lambda w, t, actor: services.activiteit_delete(activiteit=t, actor=actor),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        before=lambda w, t: {"titel": "Vergissing", "datum": "2025-05-01"},
    ),
    ServiceCase(
        id="bijlage_add",
        kind="create",
        model=Bijlage,
        action="bijlage_add",
        call=lambda w, t, actor: services.bijlage_add(
            activiteit=w.a.activiteit,
            bestand=SimpleUploadedFile("foto.png", PNG_1PX),
            omschrijving="Groepsfoto",
            actor=actor,
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "activiteit": w.a.activiteit.pk,
            "content_type": "image/png",
            "grootte": len(PNG_1PX),
            "sha256": hashlib.sha256(PNG_1PX).hexdigest(),
            "omschrijving": "Groepsfoto",
        },
    ),
    ServiceCase(
        id="bijlage_delete",
        kind="delete",
        model=Bijlage,
        action="bijlage_delete",
        target=lambda w: w.a.bijlage,
        call=lambda w, t, actor: services.bijlage_delete(bijlage=t, actor=actor),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        before=lambda w, t: {
            "activiteit": w.a.activiteit.pk,
            "bestand": t.bestand.name,
        },
    ),
    ServiceCase(
        id="bon_add",
        kind="create",
        model=Bon,
        action="bon_add",
        call=lambda w, t, actor: services.bon_add(
            boeking=w.a.boeking,
            bestand=SimpleUploadedFile("kassabon.png", PNG_1PX),
            omschrijving="Kassabon",
            actor=actor,
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "boeking": w.a.boeking.pk,
            "content_type": "image/png",
            "grootte": len(PNG_1PX),
            "sha256": hashlib.sha256(PNG_1PX).hexdigest(),
            "omschrijving": "Kassabon",
            "oorspronkelijke_naam": "kassabon.png",
        },
    ),
    ServiceCase(
        id="bon_delete",
        kind="delete",
        model=Bon,
        action="bon_delete",
        target=lambda w: w.a.bon,
        call=lambda w, t, actor: services.bon_delete(bon=t, actor=actor),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        before=lambda w, t: {
            "boeking": w.a.boeking.pk,
            "bestand": t.bestand.name,
        },
    ),
    ServiceCase(
        id="boeking_create",
        kind="create",
        model=Boeking,
        action="boeking_create",
        call=lambda w, t, actor: services.boeking_create(
            cooperatie=w.a.cooperatie,
            datum=D(2025, 2, 1),
            soort="uitgave",
            bedrag=Decimal("12.50"),
            omschrijving="Zaaigoed",
            activiteit=w.a.activiteit,
            actor=actor,
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "cooperatie": w.a.cooperatie.pk,
            "datum": "2025-02-01",
            "soort": "uitgave",
            "bedrag": "12.50",
            "activiteit": w.a.activiteit.pk,
            "corrigeert": None,
        },
    ),
    ServiceCase(
        id="boeking_storno",
        kind="create",
        model=Boeking,
        action="boeking_storno",
        call=lambda w, t, actor: services.boeking_storno(
            boeking=w.a.boeking,
            datum=D(2025, 1, 10),
            omschrijving="Dubbel",
            actor=actor,
        ),
        allowed=("a.bestuur",),
        denied=BESTUUR_DENIED,
        tags=_cooperatie_a,
        after=lambda w, obj: {
            "corrigeert": w.a.boeking.pk,
            "bedrag": "25.00",
            "datum": "2025-01-10",
        },
    ),
]


CASES += BULK_CASES


def test_cases_cover_every_service():
    assert public_services(services) == {case.id for case in CASES}


@pytest.mark.parametrize(("case", "actor"), success_params(CASES))
def test_service_writes_one_journal_entry(world, case, actor):
    check_success(world, case, actor)


@pytest.mark.parametrize(("case", "actor"), denied_params(CASES))
def test_service_refuses_other_users_and_writes_nothing(world, case, actor):
    check_denied(world, case, actor)


# Validation: activiteit and boeking -------------------------------------------------


def _activiteit(world, **data):
    data = {
        "datum": D(2025, 3, 1),
        "titel": "Buurtborrel",
        "thema": "ontmoeting",
        **data,
    }
    return lambda: services.activiteit_create(
        cooperatie=world.a.cooperatie, actor=world.a.bestuur, **data
    )


def _boeking(world, **data):
    data = {
        "datum": D(2025, 3, 1),
        "soort": "uitgave",
        "bedrag": Decimal("10.00"),
        "omschrijving": "Koffie",
        **data,
    }
    return lambda: services.boeking_create(
        cooperatie=world.a.cooperatie, actor=world.a.bestuur, **data
    )


def test_activiteit_with_a_volunteer_of_another_cooperatie_is_refused(world):
    check_refused(
        _activiteit(world, vrijwilligers=[world.a.lid, world.b.lid]),
        "vrijwilligers",
        "leden van deze coöperatie",
        model=Activiteit,
    )


def test_activiteit_update_with_a_volunteer_of_another_cooperatie_is_refused(world):
    check_refused(
        lambda: services.activiteit_update(
            activiteit=world.a.activiteit,
            vrijwilligers=[world.b.lid],
            actor=world.a.bestuur,
        ),
        "vrijwilligers",
        model=Activiteit,
    )
    assert list(world.a.activiteit.vrijwilligers.all()) == [world.a.lid]


def test_activiteit_negative_hours_are_refused(world):
    check_refused(
        _activiteit(world, vrijwilligersuren=Decimal("-1")),
        "vrijwilligersuren",
        model=Activiteit,
    )


def test_activiteit_unknown_thema_is_refused(world):
    check_refused(_activiteit(world, thema="sport"), "thema", model=Activiteit)


def test_activiteit_with_boekingen_is_not_deleted(world):
    check_refused(
        lambda: services.activiteit_delete(
            activiteit=world.a.activiteit, actor=world.a.bestuur
        ),
        "__all__",
        "boekingen",
        model=Activiteit,
    )


@pytest.mark.parametrize("bedrag", [Decimal("0"), Decimal("0.00"), Decimal("-5.00")])
def test_boeking_bedrag_zero_or_negative_is_refused(world, bedrag):
    check_refused(
        _boeking(world, bedrag=bedrag), "bedrag", "groter dan nul", model=Boeking
    )


def test_boeking_with_an_activiteit_of_another_cooperatie_is_refused(world):
    check_refused(
        _boeking(world, activiteit=world.b.activiteit),
        "activiteit",
        "andere coöperatie",
        model=Boeking,
    )


def test_boeking_with_more_than_two_decimals_is_refused(world):
    check_refused(_boeking(world, bedrag=Decimal("1.005")), "bedrag", model=Boeking)


def test_boeking_unknown_soort_is_refused(world):
    check_refused(_boeking(world, soort="lening"), "soort", model=Boeking)


# Evidence files ----------------------------------------------------------------------


def _add(world, name, content, **kwargs):
    return services.bijlage_add(
        activiteit=world.a.activiteit,
        bestand=SimpleUploadedFile(name, content),
        actor=world.a.bestuur,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("foto.png", PNG_1PX, "image/png", ".png"),
        ("bon.pdf", PDF, "application/pdf", ".pdf"),
        ("scan.jpg", PDF, "application/pdf", ".pdf"),
        ("document", PNG_1PX, "image/png", ".png"),
    ],
)
def test_bijlage_type_comes_from_its_bytes(
    world, name, content, content_type, extension
):
    bijlage = _add(world, name, content)

    bijlage.refresh_from_db()
    assert bijlage.content_type == content_type
    assert bijlage.bestand.name.endswith(extension)
    assert bijlage.grootte == len(content)
    assert bijlage.sha256 == hashlib.sha256(content).hexdigest()
    with bijlage.bestand.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.jpg", b"Dit is geen foto maar gewone tekst.\n"),
        ("bon.pdf", b"<html><body>bon</body></html>"),
        ("leeg.png", b""),
    ],
)
def test_bijlage_that_is_no_photo_or_pdf_is_refused(world, name, content):
    check_refused(lambda: _add(world, name, content), "bestand", "PDF", model=Bijlage)


def test_bijlage_over_the_size_limit_is_refused(world, settings):
    settings.BIJLAGE_MAX_BYTES = len(PNG_1PX) - 1

    check_refused(
        lambda: _add(world, "foto.png", PNG_1PX), "bestand", "hoogstens", model=Bijlage
    )


def test_bijlage_at_the_size_limit_is_accepted(world, settings):
    settings.BIJLAGE_MAX_BYTES = len(PNG_1PX)

    bijlage = _add(world, "foto.png", PNG_1PX)

    assert Bijlage.objects.filter(pk=bijlage.pk).exists()


def _files(root) -> set:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_bijlage_refused_after_storing_leaves_no_file(world, settings):
    before = _files(settings.MEDIA_ROOT)

    check_refused(
        lambda: _add(world, "foto.png", PNG_1PX, omschrijving="x" * 201),
        "omschrijving",
        model=Bijlage,
    )

    assert _files(settings.MEDIA_ROOT) == before


def test_bijlage_delete_removes_the_file_after_commit(
    world, django_capture_on_commit_callbacks
):
    bijlage = _add(world, "foto.png", PNG_1PX)
    path = bijlage.bestand.path

    with django_capture_on_commit_callbacks(execute=True):
        services.bijlage_delete(bijlage=bijlage, actor=world.a.bestuur)

    assert not Bijlage.objects.filter(pk=bijlage.pk).exists()
    assert not os.path.exists(path)


# The yearly lock ---------------------------------------------------------------------

LOCKED_FIELD = {
    "activiteit_create": "datum",
    "boeking_create": "datum",
    "lid_create": "lid_sinds",
}


def _dated(world, service, datum):
    if service == "activiteit_create":
        return _activiteit(world, datum=datum)
    if service == "boeking_create":
        return _boeking(world, datum=datum)
    return lambda: cooperatie_services.lid_create(
        cooperatie=world.a.cooperatie,
        naam="Nieuw lid",
        lid_sinds=datum,
        actor=world.a.bestuur,
    )


MODEL_OF = {
    "activiteit_create": Activiteit,
    "boeking_create": Boeking,
    "lid_create": Lid,
}


@pytest.mark.parametrize("service", list(LOCKED_FIELD))
@pytest.mark.parametrize(
    ("status", "label"),
    [
        (ToetsingStatus.INGEDIEND, "ingediend"),
        (ToetsingStatus.VASTGESTELD, "vastgesteld"),
    ],
)
def test_write_dated_in_a_locked_year_is_refused(world, service, status, label):
    set_status(world.a.toetsing, status)

    check_refused(
        _dated(world, service, D(2024, 6, 1)),
        LOCKED_FIELD[service],
        "2024",
        label,
        model=MODEL_OF[service],
    )


@pytest.mark.parametrize("service", list(LOCKED_FIELD))
def test_write_dated_in_the_next_year_is_allowed(world, service):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    seq = journal_mark()

    obj = _dated(world, service, D(2025, 1, 1))()

    assert MODEL_OF[service].objects.filter(pk=obj.pk).exists()
    assert [e.action for e in entries_since(seq)] == [service]


@pytest.mark.parametrize("service", list(LOCKED_FIELD))
def test_returned_year_is_open_again(world, service):
    set_status(world.a.toetsing, ToetsingStatus.TERUGGESTUURD)

    obj = _dated(world, service, D(2024, 6, 1))()

    assert MODEL_OF[service].objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("service", list(LOCKED_FIELD))
def test_locked_year_of_another_cooperatie_does_not_lock(world, service):
    set_status(world.b.toetsing, ToetsingStatus.INGEDIEND)

    obj = _dated(world, service, D(2024, 6, 1))()

    assert MODEL_OF[service].objects.filter(pk=obj.pk).exists()


def test_activiteit_moved_into_a_locked_year_is_refused(world):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    activiteit = ActiviteitFactory(cooperatie=world.a.cooperatie, datum=D(2025, 2, 1))

    check_refused(
        lambda: services.activiteit_update(
            activiteit=activiteit, datum=D(2024, 12, 31), actor=world.a.bestuur
        ),
        "datum",
        "2024",
        model=Activiteit,
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda w, a: {"titel": "Anders"}, id="edit"),
        pytest.param(lambda w, a: {"datum": D(2025, 1, 5)}, id="move-out"),
    ],
)
def test_activiteit_in_a_locked_year_cannot_change(world, change):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)
    activiteit = world.a.activiteit

    check_refused(
        lambda: services.activiteit_update(
            activiteit=activiteit, actor=world.a.bestuur, **change(world, activiteit)
        ),
        "datum",
        "ingediend",
        model=Activiteit,
    )


def test_evidence_for_an_activiteit_in_a_locked_year_is_refused(world):
    set_status(world.a.toetsing, ToetsingStatus.INGEDIEND)

    check_refused(
        lambda: _add(world, "foto.png", PNG_1PX), "datum", "2024", model=Bijlage
    )


def test_an_activity_with_evidence_cannot_be_deleted_with_its_files(world):
    # The world's activity also has a booking; this one has only evidence.
    activiteit = ActiviteitFactory(cooperatie=world.a.cooperatie)
    BijlageFactory(activiteit=activiteit)
    seq = journal_mark()
    with pytest.raises(ValidationError, match="bewijsstukken"):
        services.activiteit_delete(activiteit=activiteit, actor=fresh(world.a.bestuur))
    assert activiteit.bijlagen.count() == 1
    assert entries_since(seq) == []
