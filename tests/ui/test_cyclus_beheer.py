"""The beheerder's yearly cycle pages: dashboard, early warning, toetsing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from afspraken.choices import Indicator, ToetsingStatus, Verdict
from afspraken.models import Rapport, Toetsing
from kern.models import AuditEntry
from portalen.forms.toetsing import NIET_GEOPEND
from tests.afspraken.factories import (
    AfspraakFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    CorporatieFactory,
    GebouwFactory,
    OvereenkomstFactory,
    RolFactory,
    UserFactory,
)
from tests.ledger.factories import ActiviteitFactory
from tests.ui.cyclus_helpers import (
    JAAR,
    beheer_url,
    html,
    indienen,
    lopend,
    sha256_html,
    url,
)

# Dashboard ------------------------------------------------------------------------


def test_dashboard_shows_own_toetsingen_with_verdict_text(client, world):
    a, b = world.a, world.b
    client.force_login(a.beheerder)

    response = client.get(url("beheer-start", a.corporatie))

    assert response.status_code == 200
    page = html(response)
    assert a.cooperatie.naam in page
    assert b.cooperatie.naam not in page
    assert beheer_url(a) in page
    assert url("beheer-toetsing", b.corporatie, b.toetsing.pk) not in page
    # The 2024 year: one activity against a norm of 12, so not met; a badge with
    # a symbol and text, marked provisional because it is not vastgesteld.
    assert "✗ niet nagekomen" in page
    assert "voorlopig" in page
    # The running year has no toetsing yet and still gets a row.
    assert "nog niet geopend" in page
    assert f'<td class="num">{lopend()}</td>' in page


def test_dashboard_keeps_a_past_year_the_bestuur_never_opened(client, world):
    # The world's afspraak runs from 2023 without end; 2025 has no toetsing.
    assert world.a.afspraak.ingangsjaar <= 2025
    assert not world.a.afspraak.toetsingen.filter(jaar=2025).exists()
    client.force_login(world.a.beheerder)

    response = client.get(url("beheer-start", world.a.corporatie), {"jaar": 2025})

    rijen = list(response.context["page"])
    assert [(r["jaar"], r["status"]) for r in rijen] == [(2025, NIET_GEOPEND)]
    assert "nog niet geopend" in html(response)


def test_dashboard_counters_say_what_waits_for_the_beheerder(client, world):
    indienen(world.a)
    client.force_login(world.a.beheerder)

    page = html(client.get(url("beheer-start", world.a.corporatie)))

    assert "1 ingediend, wacht op u" in page
    assert "?status=ingediend" in page


def test_dashboard_filters_by_year_status_gemeente_and_gebouw(client, world):
    a = world.a
    elders = GebouwFactory(corporatie=a.corporatie, gemeentecode="GM0344")
    tweede = CooperatieFactory(naam="Beheercoöperatie Elders")
    OvereenkomstFactory(gebouw=elders, cooperatie=tweede)
    afspraak = AfspraakFactory(
        corporatie=a.corporatie, cooperatie=tweede, gebouwen=[elders]
    )
    ToezeggingFactory(afspraak=afspraak)
    ToetsingFactory(afspraak=afspraak, jaar=JAAR)
    client.force_login(a.beheerder)
    start = url("beheer-start", a.corporatie)

    page = html(client.get(start, {"jaar": JAAR}))
    assert page.count('<td class="num">2024</td>') == 2
    assert '<td class="num">2023</td>' not in page

    page = html(client.get(start, {"status": "vastgesteld"}))
    assert '<td class="num">2023</td>' in page
    assert '<td class="num">2024</td>' not in page

    page = html(client.get(start, {"gemeente": "GM0344"}))
    assert "Beheercoöperatie Elders" in page
    assert f"<td>{a.cooperatie.naam}</td>" not in page

    page = html(client.get(start, {"gebouw": a.gebouw.pk, "jaar": JAAR}))
    assert f"<td>{a.cooperatie.naam}</td>" in page
    assert "Beheercoöperatie Elders" not in page

    page = html(client.get(start, {"gemeente": "GM0344", "status": "ingediend"}))
    assert 'class="empty"' in page
    assert "Geen toetsingen met deze filters" in page


def test_dashboard_without_afspraken_points_to_creating_one(client, world):
    corporatie = CorporatieFactory()
    beheerder = UserFactory()
    RolFactory(user=beheerder, corporatie=corporatie)
    client.force_login(beheerder)

    response = client.get(url("beheer-start", corporatie))

    assert response.status_code == 200
    page = html(response)
    assert 'class="empty"' in page
    assert "Leg eerst een afspraak met een coöperatie vast" in page
    assert "<table" not in page


def _extra_cooperaties(corporatie, n: int) -> None:
    """`n` more cooperaties with an afspraak, a clause and a 2024 toetsing."""
    for _ in range(n):
        gebouw = GebouwFactory(corporatie=corporatie)
        cooperatie = CooperatieFactory()
        OvereenkomstFactory(gebouw=gebouw, cooperatie=cooperatie)
        afspraak = AfspraakFactory(
            corporatie=corporatie, cooperatie=cooperatie, gebouwen=[gebouw]
        )
        ToezeggingFactory(afspraak=afspraak)
        ToetsingFactory(afspraak=afspraak, jaar=JAAR)
        ActiviteitFactory(cooperatie=cooperatie)


def _dashboard_queries(client, corporatie) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("beheer-start", corporatie))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_cooperaties(client, world):
    # Per page: session, user, scope, the corporatie; gebouwen, toetsing years;
    # then per year `corporatie_jaar` (afspraken, gebouwen, toezeggingen,
    # toetsingen, beoordelingen, and four `jaarcijfers` aggregates).
    corporatie = world.a.corporatie
    client.force_login(world.a.beheerder)
    _extra_cooperaties(corporatie, 1)  # two cooperaties
    twee = _dashboard_queries(client, corporatie)
    _extra_cooperaties(corporatie, 4)  # six cooperaties
    zes = _dashboard_queries(client, corporatie)
    assert twee == zes


# Signalering ----------------------------------------------------------------------


def test_signalering_shows_running_year_minimums_at_risk_first(client, world):
    a = world.a
    ToezeggingFactory(
        afspraak=a.afspraak,
        omschrijving="Minstens 1 lid",
        indicator=Indicator.AANTAL_LEDEN,
        norm=Decimal("1"),
    )
    ToezeggingFactory(
        afspraak=a.afspraak,
        omschrijving="Hoogstens 500 euro",
        indicator=Indicator.BESTEDING,
        richting="maximaal",
        norm=Decimal("500"),
    )
    client.force_login(a.beheerder)

    response = client.get(url("beheer-signalering", a.corporatie))

    assert response.status_code == 200
    page = html(response)
    # 12 activities a year, none yet in the running year: behind the pace,
    # unless the year just started.
    activiteiten = page.index("Minstens 12 activiteiten per jaar")
    leden = page.index("Minstens 1 lid")
    if datetime.date(lopend(), 1, 1) < timezone.localdate():
        assert "koers-risico" in page
        assert "! risico" in page
        assert activiteiten < leden  # risico first
        assert "nodig in de resterende" in page
    assert "✓ op koers" in page  # two members on the peildatum
    assert "Hoogstens 500 euro" not in page  # a maximum gets no early warning
    assert world.b.cooperatie.naam not in page


def test_signalering_without_running_afspraken_has_an_empty_state(client, world):
    a = world.a
    a.afspraak.eindjaar = 2024
    a.afspraak.save()
    client.force_login(a.beheerder)

    page = html(client.get(url("beheer-signalering", a.corporatie)))

    assert 'class="empty"' in page


# The toetsing page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("portal", "role", "org"),
    [
        ("beheer", "beheerder", "corporatie"),
        ("bestuur", "bestuur", "cooperatie"),
        ("audit", "auditor", "corporatie"),
    ],
)
def test_toetsing_page_shows_the_clause_table_in_every_portal(
    client, world, portal, role, org
):
    a = world.a
    client.force_login(getattr(a, role))

    response = client.get(url(f"{portal}-toetsing", getattr(a, org), a.toetsing.pk))

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Toetsing 2024 van Wooncoöperatie A</h1>" in page
    assert "Minstens 12 activiteiten per jaar" in page
    assert "minimaal 12" in page
    assert a.beoordeling.toezegging.omschrijving in page
    assert "✓ nagekomen" in page  # the assessed kwalitatief clause
    assert "<svg" in page
    assert "<title>Gemeten waarden van 2024 tegen de norm</title>" in page
    assert "style=" not in page
    # Only the beheerder gets the assessment forms.
    assert ("Beoordeling opslaan" in page) == (portal == "beheer")


@pytest.mark.parametrize(
    ("portal", "role", "org"),
    [
        ("beheer", "beheerder", "corporatie"),
        ("bestuur", "bestuur", "cooperatie"),
        ("audit", "auditor", "corporatie"),
    ],
)
def test_other_tenants_toetsing_is_not_found(client, world, portal, role, org):
    client.force_login(getattr(world.a, role))
    target = url(f"{portal}-toetsing", getattr(world.a, org), world.b.toetsing.pk)
    assert client.get(target).status_code == 404


def test_other_tenants_toetsing_actions_are_not_found(client, world):
    a, b = world.a, world.b
    indienen(b)
    client.force_login(a.beheerder)
    for name in ("beheer-toetsing-terugsturen", "beheer-toetsing-vaststellen"):
        target = url(name, a.corporatie, b.toetsing.pk)
        assert client.post(target, {"reden": "x"}).status_code == 404
    client.force_login(a.bestuur)
    target = url("bestuur-toetsing-indienen", a.cooperatie, b.toetsing.pk)
    assert client.post(target).status_code == 404
    assert Toetsing.objects.get(pk=b.toetsing.pk).status == ToetsingStatus.INGEDIEND


def test_anonymous_is_sent_to_login(client, world):
    a = world.a
    for target in (
        url("beheer-start", a.corporatie),
        url("beheer-signalering", a.corporatie),
        beheer_url(a),
        url("bestuur-start", a.cooperatie),
        url("bestuur-toetsing-indienen", a.cooperatie, a.toetsing.pk),
        url("audit-toetsing", a.corporatie, a.toetsing.pk),
    ):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_toetsing_page_of_a_sealed_year_shows_the_report(client, world):
    a = world.a
    client.force_login(a.auditor)

    page = html(client.get(url("audit-toetsing", a.corporatie, a.rapport.toetsing.pk)))

    assert sha256_html(a.rapport.sha256) in page
    assert "voorlopig" not in page
    assert "Jaar vaststellen" not in page


# Terugsturen ------------------------------------------------------------------------


def test_terugsturen_without_reason_is_refused_on_the_field(client, world):
    a = world.a
    indienen(a)
    client.force_login(a.beheerder)
    before = AuditEntry.objects.count()

    response = client.post(
        beheer_url(a, "beheer-toetsing-terugsturen", a.toetsing.pk), {"reden": " "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reden"]
    assert 'id="id_reden_error"' in html(response)
    assert Toetsing.objects.get(pk=a.toetsing.pk).status == ToetsingStatus.INGEDIEND
    assert AuditEntry.objects.count() == before


def test_terugsturen_with_reason_returns_the_year_to_the_bestuur(client, world):
    a = world.a
    indienen(a)
    client.force_login(a.beheerder)
    reden = "De bonnen van november ontbreken."

    form_page = client.get(beheer_url(a, "beheer-toetsing-terugsturen", a.toetsing.pk))
    assert form_page.status_code == 200
    assert 'name="reden"' in html(form_page)

    response = client.post(
        beheer_url(a, "beheer-toetsing-terugsturen", a.toetsing.pk),
        {"reden": reden},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == beheer_url(a)
    page = html(response)
    assert "is teruggestuurd naar het bestuur" in page
    toetsing = Toetsing.objects.get(pk=a.toetsing.pk)
    assert toetsing.status == ToetsingStatus.TERUGGESTUURD
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.action == "toetsing_terugsturen"
    assert entry.object_id == str(toetsing.pk)
    assert entry.after["reden"] == reden
    # The history on the toetsing page shows the step and its reason.
    assert "<td>teruggestuurd</td>" in page
    assert reden in page
    assert a.beheerder.username in page

    # The board sees the reason on its start page (the running year), and on
    # the overview of the returned year itself.
    client.force_login(a.bestuur)
    for query in ({}, {"jaar": JAAR}):
        overzicht = html(client.get(url("bestuur-start", a.cooperatie), query))
        assert reden in overzicht
        assert "heeft het jaar 2024 van" in overzicht
        assert url("bestuur-toetsing-indienen", a.cooperatie, toetsing.pk) in overzicht


def test_terugsturen_form_is_only_offered_for_a_submitted_year(client, world):
    a = world.a
    client.force_login(a.beheerder)
    page = html(client.get(beheer_url(a)))
    assert "Terugsturen met deze reden" not in page
    assert "Jaar vaststellen" not in page
    page = html(client.get(beheer_url(a, "beheer-toetsing-terugsturen", a.toetsing.pk)))
    assert 'name="reden"' not in page
    assert "Deze toetsing is open." in page


# Beoordelen and vaststellen ---------------------------------------------------------


@pytest.fixture
def ongetoetst(world):
    """A second kwalitatief clause, not yet assessed, and the year submitted."""
    clause = ToezeggingFactory(
        afspraak=world.a.afspraak,
        omschrijving="Jaargesprek met de wijkbeheerder",
        indicator=Indicator.KWALITATIEF,
        norm=Decimal("0"),
    )
    indienen(world.a)
    return clause


def test_vaststellen_is_refused_while_a_kwalitatief_clause_is_unassessed(
    client, world, ongetoetst
):
    a = world.a
    client.force_login(a.beheerder)
    page = html(client.get(beheer_url(a)))
    assert "Jaar vaststellen" in page
    assert "Terugsturen met deze reden" in page

    response = client.post(
        beheer_url(a, "beheer-toetsing-vaststellen", a.toetsing.pk), follow=True
    )

    page = html(response)
    assert "Vaststellen kan nog niet" in page
    assert "Jaargesprek met de wijkbeheerder" in page
    assert Toetsing.objects.get(pk=a.toetsing.pk).status == ToetsingStatus.INGEDIEND
    assert not Rapport.objects.filter(toetsing=a.toetsing).exists()


def test_beoordelen_needs_a_toelichting(client, world, ongetoetst):
    a = world.a
    client.force_login(a.beheerder)
    prefix = f"t{ongetoetst.pk}"

    response = client.post(
        beheer_url(a, "beheer-toetsing-beoordelen", a.toetsing.pk, ongetoetst.pk),
        {f"{prefix}-oordeel": "nagekomen", f"{prefix}-toelichting": ""},
    )

    assert response.status_code == 200
    assert f'id="id_{prefix}-toelichting_error"' in html(response)
    assert not ongetoetst.beoordelingen.exists()


def test_beoordelen_then_vaststellen_seals_the_year(client, world, ongetoetst):
    a = world.a
    client.force_login(a.beheerder)
    prefix = f"t{ongetoetst.pk}"

    response = client.post(
        beheer_url(a, "beheer-toetsing-beoordelen", a.toetsing.pk, ongetoetst.pk),
        {f"{prefix}-oordeel": "deels", f"{prefix}-toelichting": "Gesprek gevoerd."},
        follow=True,
    )

    assert "is beoordeeld als deels nagekomen" in html(response)
    assert response.redirect_chain == [
        (beheer_url(a, "beheer-toetsing", a.toetsing.pk), 302)
    ]
    assert ongetoetst.beoordelingen.get().oordeel == Verdict.DEELS
    assert AuditEntry.objects.order_by("-pk").first().action == "toetsing_beoordelen"

    response = client.post(
        beheer_url(a, "beheer-toetsing-vaststellen", a.toetsing.pk), follow=True
    )

    page = html(response)
    assert "is vastgesteld; het nalevingsrapport is verzegeld" in page
    toetsing = Toetsing.objects.get(pk=a.toetsing.pk)
    assert toetsing.status == ToetsingStatus.VASTGESTELD
    rapport = Rapport.objects.get(toetsing=toetsing)
    assert sha256_html(rapport.sha256) in page
    assert AuditEntry.objects.order_by("-pk").first().action == "toetsing_vaststellen"
    assert "Beoordeling opslaan" not in page


def test_bestuur_cannot_return_or_approve(client, world):
    a = world.a
    indienen(a)
    client.force_login(a.bestuur)
    before = AuditEntry.objects.count()
    for name, data in (
        ("beheer-toetsing-terugsturen", {"reden": "zelf terug"}),
        ("beheer-toetsing-vaststellen", {}),
    ):
        target = url(name, a.corporatie, a.toetsing.pk)
        assert client.post(target, data).status_code == 403
    assert Toetsing.objects.get(pk=a.toetsing.pk).status == ToetsingStatus.INGEDIEND
    assert AuditEntry.objects.count() == before
