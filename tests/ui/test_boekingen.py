"""The bestuur's money book: the list with the year's totals, a new booking, and
storno instead of edit."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

import pytest

from ledger.models import Boeking
from tests.afspraken.factories import ToetsingFactory
from tests.helpers import entries_since, journal_mark, table_state
from tests.ledger.factories import BoekingFactory

REDEN = {"omschrijving": "Dubbel geboekt"}


def url(tenant, name: str, *args) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def bestuur(client, world):
    client.force_login(world.a.bestuur)
    return client


# List ----------------------------------------------------------------------------


def test_list_shows_the_years_bookings_and_totals(bestuur, world):
    a = world.a
    BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2024, 1, 10),
        soort="budget",
        bedrag=Decimal("1000.00"),
        omschrijving="Leefbaarheidsbudget 2024",
    )
    fout = BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2024, 6, 1),
        bedrag=Decimal("100.00"),
        omschrijving="Verkeerd bedrag",
    )
    # Cancelled in the next year: still counts against 2024, as in the toetsing.
    storno = BoekingFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2025, 1, 5),
        bedrag=Decimal("100.00"),
        omschrijving="Storno",
        corrigeert=fout,
    )
    BoekingFactory(cooperatie=a.cooperatie, datum=datetime.date(2023, 5, 1))

    response = bestuur.get(url(a, "boekingen"), {"jaar": 2024})

    assert response.status_code == 200
    rows = {b.pk: b for b in response.context["page"]}
    # The budget, the world's uitgave, the mistake and its storno; not 2023.
    assert len(rows) == 4
    assert {a.boeking.pk, fout.pk, storno.pk} <= set(rows)
    assert response.context["totalen"] == {
        "budget": Decimal("1000.00"),
        "besteed": Decimal("25.00"),  # the world's uitgave; 100 and its storno cancel
        "saldo": Decimal("975.00"),
        "saldo_negatief": False,
        "aantal": 4,
    }
    html = response.content.decode()
    assert "<dd>€ 1.000,00</dd>" in html
    assert "<dd>€ 25,00</dd>" in html
    assert "<dd>€ 975,00" in html
    assert "−€ 100,00" in html  # the storno
    assert "gecorrigeerd door storno van 5-1-2025" in html
    assert "storno van de boeking van 1-6-2024 (Verkeerd bedrag)" in html
    assert world.b.boeking.pk not in rows
    assert url(a, "boeking-storno", world.b.boeking.pk) not in html
    # Only an uncancelled, non-storno booking can be cancelled.
    assert rows[a.boeking.pk].stornobaar
    assert not rows[fout.pk].stornobaar
    assert not rows[storno.pk].stornobaar
    assert url(a, "boeking-storno", a.boeking.pk) in html
    assert url(a, "boeking-storno", fout.pk) not in html


def test_list_defaults_to_the_running_year_with_an_empty_state(bestuur, world):
    response = bestuur.get(url(world.a, "boekingen"))

    assert response.status_code == 200
    assert response.context["jaar"] == timezone.localdate().year
    assert list(response.context["page"]) == []
    html = response.content.decode()
    assert 'class="empty"' in html
    assert url(world.a, "boeking-nieuw") in html


def test_list_of_all_years(bestuur, world):
    oud = BoekingFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2021, 2, 3))

    response = bestuur.get(url(world.a, "boekingen"), {"jaar": "alle"})

    assert {b.pk for b in response.context["page"]} == {world.a.boeking.pk, oud.pk}
    assert response.context["totalen"]["besteed"] == Decimal("50.00")


def test_booking_in_a_locked_year_cannot_be_cancelled_from_the_list(bestuur, world):
    # 2023 is vastgesteld in the world.
    oud = BoekingFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2023, 5, 1))

    response = bestuur.get(url(world.a, "boekingen"), {"jaar": 2023})

    [row] = response.context["page"]
    assert row.pk == oud.pk
    assert row.vergrendeld
    assert not row.stornobaar
    assert url(world.a, "boeking-storno", oud.pk) not in response.content.decode()


# New booking ---------------------------------------------------------------------


def test_create_a_booking_for_an_activity(bestuur, world):
    seq = journal_mark()

    response = bestuur.post(
        url(world.a, "boeking-nieuw"),
        {
            "datum": "2024-04-02",
            "soort": "uitgave",
            "bedrag": "12,50",
            "omschrijving": "Zaden voor de moestuin",
            "activiteit": world.a.activiteit.pk,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url(world.a, "boekingen") + "?jaar=2024"
    boeking = Boeking.objects.get(omschrijving="Zaden voor de moestuin")
    assert boeking.cooperatie == world.a.cooperatie
    assert boeking.bedrag == Decimal("12.50")
    assert boeking.soort == "uitgave"
    assert boeking.activiteit == world.a.activiteit
    [entry] = entries_since(seq)
    assert entry.action == "boeking_create"
    assert entry.object_id == str(boeking.pk)
    assert messages_of(response) == ["Boeking van € 12,50 (uitgave) is vastgelegd."]


def test_create_form_offers_only_own_activities(bestuur, world):
    response = bestuur.get(url(world.a, "boeking-nieuw"))

    assert response.status_code == 200
    keuzes = response.context["form"].fields["activiteit"].queryset
    assert list(keuzes) == [world.a.activiteit]


def test_create_refuses_another_cooperaties_activity(bestuur, world):
    seq = journal_mark()
    rows = table_state(Boeking)

    response = bestuur.post(
        url(world.a, "boeking-nieuw"),
        {
            "datum": "2024-04-02",
            "soort": "uitgave",
            "bedrag": "12.50",
            "omschrijving": "Iets",
            "activiteit": world.b.activiteit.pk,
        },
    )

    assert response.status_code == 200
    assert "activiteit" in response.context["form"].errors
    assert entries_since(seq) == []
    assert table_state(Boeking) == rows


@pytest.mark.parametrize(
    ("bedrag", "message"),
    [
        ("0", "Het bedrag moet groter dan nul zijn."),
        ("-5", "Het bedrag moet groter dan nul zijn."),
        ("twaalf", None),
    ],
)
def test_create_refuses_a_bad_amount_on_its_field(bestuur, world, bedrag, message):
    seq = journal_mark()

    response = bestuur.post(
        url(world.a, "boeking-nieuw"),
        {
            "datum": "2024-04-02",
            "soort": "uitgave",
            "bedrag": bedrag,
            "omschrijving": "Iets",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"bedrag"}
    if message:
        assert errors["bedrag"] == [message]
    assert entries_since(seq) == []


def test_create_in_a_submitted_year_is_refused_on_the_date(bestuur, world):
    ToetsingFactory(afspraak=world.a.afspraak, jaar=2022, status="ingediend")
    seq = journal_mark()
    rows = table_state(Boeking)

    response = bestuur.post(
        url(world.a, "boeking-nieuw"),
        {
            "datum": "2022-11-30",
            "soort": "budget",
            "bedrag": "500",
            "omschrijving": "Te laat geboekt",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["datum"] == [
        "Het jaar 2022 is ingediend en kan niet meer worden gewijzigd."
    ]
    assert entries_since(seq) == []
    assert table_state(Boeking) == rows


def test_there_is_no_edit_or_delete_page_for_bookings(world):
    for name in ("bestuur-boeking-bewerken", "bestuur-boeking-verwijderen"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[world.a.cooperatie.pk, world.a.boeking.pk])


# Storno --------------------------------------------------------------------------


def test_storno_page_explains_and_asks_to_confirm(bestuur, world):
    response = bestuur.get(url(world.a, "boeking-storno", world.a.boeking.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert world.a.boeking.omschrijving in html
    assert "€ 25,00" in html
    assert "nooit gewijzigd" in html
    assert "Boeking storneren</button>" in html
    assert set(response.context["form"].fields) == {"datum", "omschrijving"}


def test_storno_cancels_the_booking(bestuur, world):
    boeking = world.a.boeking
    seq = journal_mark()

    response = bestuur.post(
        url(world.a, "boeking-storno", boeking.pk),
        {"datum": "2024-03-20", "omschrijving": "Dubbel geboekt"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(world.a, "boekingen") + "?jaar=2024"
    storno = Boeking.objects.get(corrigeert=boeking)
    assert storno.bedrag == boeking.bedrag
    assert storno.soort == boeking.soort
    assert storno.datum == datetime.date(2024, 3, 20)
    assert storno.omschrijving == "Dubbel geboekt"
    [entry] = entries_since(seq)
    assert entry.action == "boeking_storno"
    assert entry.object_id == str(storno.pk)
    assert messages_of(response) == [
        "Boeking van € 25,00 op 15-3-2024 is gestorneerd. "
        "Leg zo nodig een nieuwe, juiste boeking vast."
    ]
    # The list now shows both, and the year's spending is zero.
    lijst = bestuur.get(url(world.a, "boekingen"), {"jaar": 2024})
    assert lijst.context["totalen"]["besteed"] == 0
    assert "<dd>€ 0,00</dd>" in lijst.content.decode()
    assert "gecorrigeerd door storno van 20-3-2024" in lijst.content.decode()


def test_storno_without_a_date_uses_the_bookings_date(bestuur, world):
    response = bestuur.post(
        url(world.a, "boeking-storno", world.a.boeking.pk), {"omschrijving": "Fout"}
    )

    assert response.status_code == 302
    storno = Boeking.objects.get(corrigeert=world.a.boeking)
    assert storno.datum == world.a.boeking.datum
    assert storno.omschrijving == "Fout"


@pytest.mark.parametrize("reden", ["", "   "])
def test_storno_without_a_reason_is_refused(bestuur, world, reden):
    seq = journal_mark()
    rows = table_state(Boeking)

    response = bestuur.post(
        url(world.a, "boeking-storno", world.a.boeking.pk), {"omschrijving": reden}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["omschrijving"] == [
        "Een reden voor de storno moet ingevuld zijn."
    ]
    assert entries_since(seq) == []
    assert table_state(Boeking) == rows


def test_second_storno_is_refused(bestuur, world):
    boeking = world.a.boeking
    bestuur.post(url(world.a, "boeking-storno", boeking.pk), REDEN)
    seq = journal_mark()
    rows = table_state(Boeking)

    response = bestuur.post(url(world.a, "boeking-storno", boeking.pk), REDEN)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Deze boeking is al gestorneerd."
    ]
    assert "Deze boeking is al gestorneerd." in response.content.decode()
    assert entries_since(seq) == []
    assert table_state(Boeking) == rows

    # Asked again, the page says so and offers no button.
    page = bestuur.get(url(world.a, "boeking-storno", boeking.pk)).content.decode()
    assert "Deze boeking is al gestorneerd op" in page
    assert "Boeking storneren</button>" not in page


def test_a_storno_itself_cannot_be_cancelled(bestuur, world):
    bestuur.post(url(world.a, "boeking-storno", world.a.boeking.pk), REDEN)
    storno = Boeking.objects.get(corrigeert=world.a.boeking)
    seq = journal_mark()

    page = bestuur.get(url(world.a, "boeking-storno", storno.pk))
    response = bestuur.post(url(world.a, "boeking-storno", storno.pk), REDEN)

    assert "Boeking storneren</button>" not in page.content.decode()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Een storno kan niet zelf worden gestorneerd."
    ]
    assert entries_since(seq) == []


def test_storno_dated_in_a_submitted_year_is_refused_on_the_date(bestuur, world):
    ToetsingFactory(afspraak=world.a.afspraak, jaar=2025, status="ingediend")
    seq = journal_mark()

    response = bestuur.post(
        url(world.a, "boeking-storno", world.a.boeking.pk),
        {"datum": "2025-02-01", **REDEN},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["datum"] == [
        "Het jaar 2025 is ingediend en kan niet meer worden gewijzigd."
    ]
    assert entries_since(seq) == []
    assert not Boeking.objects.filter(corrigeert=world.a.boeking).exists()


def test_storno_of_a_booking_in_a_locked_year_is_refused(bestuur, world):
    oud = BoekingFactory(cooperatie=world.a.cooperatie, datum=datetime.date(2023, 5, 1))
    seq = journal_mark()

    page = bestuur.get(url(world.a, "boeking-storno", oud.pk)).content.decode()
    response = bestuur.post(url(world.a, "boeking-storno", oud.pk), REDEN)

    assert "kan niet meer worden gestorneerd" in page
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Het jaar 2023 is vastgesteld en kan niet meer worden gewijzigd."
    ]
    assert entries_since(seq) == []


# Access --------------------------------------------------------------------------

PAGES = [
    ("boekingen", False, "get"),
    ("boeking-nieuw", False, "get"),
    ("boeking-nieuw", False, "post"),
    ("boeking-storno", True, "get"),
    ("boeking-storno", True, "post"),
]


def _url(world, tenant, name, with_boeking):
    args = [tenant.boeking.pk] if with_boeking else []
    return url(world.a, name, *args)


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_tenants_booking_is_not_found(bestuur, world, method):
    seq = journal_mark()

    response = getattr(bestuur, method)(
        url(world.a, "boeking-storno", world.b.boeking.pk)
    )

    assert response.status_code == 404
    assert entries_since(seq) == []
    assert not Boeking.objects.filter(corrigeert=world.b.boeking).exists()


@pytest.mark.parametrize(("name", "with_boeking", "method"), PAGES)
@pytest.mark.parametrize("role", ["beheerder", "auditor"])
def test_other_roles_of_the_tenant_are_forbidden(
    client, world, name, with_boeking, method, role
):
    client.force_login(getattr(world.a, role))
    seq = journal_mark()

    response = getattr(client, method)(_url(world, world.a, name, with_boeking))

    assert response.status_code == 403
    assert entries_since(seq) == []


@pytest.mark.parametrize(("name", "with_boeking", "method"), PAGES)
def test_anonymous_is_sent_to_login(client, world, name, with_boeking, method):
    response = getattr(client, method)(_url(world, world.a, name, with_boeking))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_cooperaties_money_book_is_not_found(bestuur, world):
    assert bestuur.get(url(world.b, "boekingen")).status_code == 404
