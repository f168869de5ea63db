"""The beheerder's and auditor's pages show what fits a page, not what the
corporatie holds: the gebouw filter offers the gebouwen that matter (a search by
complexnummer when there are many), the late years and the journal's chains
show their first rows and how many more, and the journal reads no DISTINCT over
itself and counts no further than its bound."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from cooperatie.choices import RolSoort
from kern import journal
from portalen import filters as portal_filters
from portalen.audit.views import journaal as journaal_view
from tests.cooperatie.factories import (
    CooperatieFactory,
    CorporatieFactory,
    GebouwFactory,
    OvereenkomstFactory,
    RolFactory,
    UserFactory,
)
from tests.ledger.factories import AuditEntryFactory
from tests.ledger.tamper import raw
from tests.ui.test_overzicht_kosten import _afspraak


@pytest.fixture
def corporatie(db):
    return CorporatieFactory()


@pytest.fixture
def beheerder(client, corporatie):
    user = UserFactory()
    RolFactory(user=user, soort=RolSoort.BEHEERDER, corporatie=corporatie)
    client.force_login(user)
    return client


def _start(corporatie) -> str:
    return reverse("beheer-start", kwargs={"corporatie_id": corporatie.pk})


def _count_queries(client, url: str) -> tuple[int, list[str], object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), [q["sql"] for q in ctx.captured_queries], response


# The gebouw filter ----------------------------------------------------------------


def test_gebouw_filter_offers_only_gebouwen_with_an_afspraak(beheerder, corporatie):
    lopend = timezone.localdate().year
    afspraken = [_afspraak(corporatie, i, lopend - 1, None) for i in range(3)]
    zonder = GebouwFactory(corporatie=corporatie, complexnummer="ZONDER-1")
    response = beheerder.get(_start(corporatie))
    keuzes = dict(response.context["filters"].fields["gebouw"].choices)
    assert set(keuzes) - {""} == {a.gebouwen.get().pk for a in afspraken}
    assert zonder.pk not in keuzes


def test_many_gebouwen_are_searched_by_complexnummer(
    beheerder, corporatie, monkeypatch
):
    monkeypatch.setattr(portal_filters, "GEBOUW_KEUZE_MAX", 3)
    lopend = timezone.localdate().year
    afspraken = [_afspraak(corporatie, i, lopend - 1, None) for i in range(4)]
    gezocht = afspraken[2].gebouwen.get()

    response = beheerder.get(
        _start(corporatie), {"gebouw": gezocht.complexnummer.lower()}
    )

    html = response.content.decode()
    assert 'type="search"' in html
    assert 'name="gebouw"' in html
    assert str(portal_filters.COMPLEXNUMMER_HELP) in html  # the help text shows
    assert {r["afspraak_id"] for r in response.context["page"]} == {afspraken[2].pk}


def test_complexnummers_differing_in_case_are_both_found(
    beheerder, corporatie, monkeypatch
):
    """The number is unique per corporatie as written, so "CX1" and "cx1" can
    both exist: the search finds both, not one of them silently."""
    monkeypatch.setattr(portal_filters, "GEBOUW_KEUZE_MAX", 2)
    lopend = timezone.localdate().year
    afspraken = [_afspraak(corporatie, i, lopend - 1, None) for i in range(4)]
    for afspraak, nummer in zip(afspraken[:2], ("CX1", "cx1"), strict=True):
        afspraak.gebouwen.update(complexnummer=nummer)

    response = beheerder.get(_start(corporatie), {"gebouw": "Cx1"})

    assert not response.context["filters"].errors
    assert {r["afspraak_id"] for r in response.context["page"]} == {
        afspraken[0].pk,
        afspraken[1].pk,
    }


def test_a_gebouw_link_from_the_choice_keeps_its_meaning_in_search_mode(
    client, world, monkeypatch
):
    """A link made while the filter was a choice (?gebouw=<id>) finds the same
    gebouw once the corporatie has more gebouwen than the choice shows, on the
    dashboard and on the overeenkomsten list; another corporatie's id finds
    nothing."""
    monkeypatch.setattr(portal_filters, "GEBOUW_KEUZE_MAX", 2)
    a = world.a
    lopend = timezone.localdate().year
    afspraken = [_afspraak(a.corporatie, i, lopend - 1, None) for i in range(4)]
    gebouw = afspraken[1].gebouwen.get()
    for i in range(3):
        OvereenkomstFactory(
            gebouw=GebouwFactory(corporatie=a.corporatie, complexnummer=f"OV-{i}"),
            cooperatie=CooperatieFactory(aangemeld_door=a.corporatie),
        )
    client.force_login(a.beheerder)
    overeenkomsten = reverse(
        "beheer-overeenkomsten", kwargs={"corporatie_id": a.corporatie.pk}
    )

    dashboard = client.get(_start(a.corporatie), {"gebouw": str(gebouw.pk)})
    lijst = client.get(overeenkomsten, {"gebouw": str(gebouw.pk)})
    vreemd = client.get(_start(a.corporatie), {"gebouw": str(world.b.gebouw.pk)})

    assert {r["afspraak_id"] for r in dashboard.context["page"]} == {afspraken[1].pk}
    eigen = list(gebouw.overeenkomsten.values_list("pk", flat=True))
    assert len(eigen) == 1  # the one _afspraak made
    assert [o.pk for o in lijst.context["page"]] == eigen
    assert "gebouw" in vreemd.context["filters"].errors


def test_an_unknown_complexnummer_is_an_error_and_the_other_filters_apply(
    beheerder, corporatie, monkeypatch
):
    monkeypatch.setattr(portal_filters, "GEBOUW_KEUZE_MAX", 3)
    lopend = timezone.localdate().year
    for i in range(4):
        _afspraak(corporatie, i, lopend - 1, None)

    response = beheerder.get(
        _start(corporatie), {"gebouw": "BESTAAT-NIET", "jaar": lopend}
    )

    form = response.context["filters"]
    assert "gebouw" in form.errors
    assert "BESTAAT-NIET" in response.content.decode()
    assert {r["jaar"] for r in response.context["page"]} == {lopend}
    assert len(response.context["page"].object_list) == 4


def test_the_gebouw_filter_reads_a_bounded_number_of_gebouwen(
    beheerder, corporatie, monkeypatch
):
    monkeypatch.setattr(portal_filters, "GEBOUW_KEUZE_MAX", 3)
    lopend = timezone.localdate().year
    for i in range(4):
        _afspraak(corporatie, i, lopend - 1, None)
    # One year chosen: the same year is measured for 4 afspraken and for 30.
    url = f"{_start(corporatie)}?jaar={lopend - 1}"
    vier, _sql, _r = _count_queries(beheerder, url)
    for i in range(4, 30):
        _afspraak(corporatie, i, lopend - 1, None)
    dertig, sql, _r = _count_queries(beheerder, url)
    assert vier == dertig
    gebouw_sql = [
        q
        for q in sql
        if q.startswith(
            'SELECT "cooperatie_gebouw"."id" AS "pk", '
            '"cooperatie_gebouw"."complexnummer"'
        )
    ]
    assert len(gebouw_sql) == 1
    assert all("LIMIT 4" in q for q in gebouw_sql)


def test_overeenkomsten_search_their_gebouw_by_complexnummer(
    client, world, monkeypatch
):
    monkeypatch.setattr(portal_filters, "GEBOUW_KEUZE_MAX", 2)
    a = world.a
    for i in range(3):
        OvereenkomstFactory(
            gebouw=GebouwFactory(corporatie=a.corporatie, complexnummer=f"OV-{i}"),
            cooperatie=CooperatieFactory(aangemeld_door=a.corporatie),
        )
    client.force_login(a.beheerder)
    url = reverse("beheer-overeenkomsten", kwargs={"corporatie_id": a.corporatie.pk})

    response = client.get(url, {"gebouw": "ov-1"})

    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [o.gebouw.complexnummer for o in rows] == ["OV-1"]
    assert 'type="search"' in response.content.decode()


# Late years on the signalering ----------------------------------------------------


def test_signalering_shows_the_first_10_late_years_and_links_the_rest(
    beheerder, corporatie
):
    lopend = timezone.localdate().year
    for i in range(12):
        _afspraak(corporatie, i, lopend - 2, None)  # last year returned: late
    url = reverse("beheer-signalering", kwargs={"corporatie_id": corporatie.pk})

    response = beheerder.get(url)

    te_laat = response.context["te_laat"]
    assert (te_laat.totaal, len(te_laat.rijen), te_laat.meer) == (12, 10, 2)
    html = response.content.decode()
    section = html[html.index('id="te-laat"') : html.index("</section>")]
    assert section.count("<li>") == 10
    assert "12 jaren te laat" in section
    assert "En nog 2 jaren te laat" in section
    assert f'href="{_start(corporatie)}?status=te_laat"' in section


# The journal ----------------------------------------------------------------------


def _journaal(tenant) -> str:
    return reverse("audit-journaal", args=[tenant.corporatie.pk])


def test_journal_shows_10_chains_problems_first_and_all_on_request(client, world):
    a = world.a
    coops = [
        CooperatieFactory(aangemeld_door=a.corporatie, naam=f"Keten {i:02d}")
        for i in range(12)
    ]
    entries = [
        AuditEntryFactory(
            actor=a.bestuur,
            action="boeking_create",
            object_type="ledger.boeking",
            cooperatie_id=c.pk,
        )
        for c in coops
    ]
    # The last chain by name is broken: it comes first.
    raw(
        "UPDATE ledger_auditentry SET object_repr = %s WHERE id = %s",
        ["Vervalst", entries[-1].pk],
    )
    client.force_login(a.auditor)

    response = client.get(_journaal(a))

    ketens = response.context["ketens"]
    assert ketens["tabel"].totaal == 14  # 12 + a's own coöperatie + the corporatie
    assert len(ketens["tabel"].rijen) == 10
    assert ketens["tabel"].rijen[0]["keten"] == journal.cooperatie_keten(coops[-1].pk)
    assert ketens["tabel"].rijen[1]["eigen"]
    html = response.content.decode()
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert table.count("<tr>") == 10
    assert 'href="?ketens=alle"' in html
    assert "En nog 4 ketens" in html

    alle = client.get(_journaal(a), {"ketens": "alle"})
    html = alle.content.decode()
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert table.count("<tr>") == 14
    assert 'href="?ketens=alle' not in html


def test_journal_reads_no_distinct_and_counts_no_further_than_its_bound(
    client, world, monkeypatch
):
    monkeypatch.setattr(journaal_view, "MAX_GETELD", 5)
    monkeypatch.setattr(journaal_view, "PER_PAGINA", 2)
    a = world.a
    for i in range(12):
        AuditEntryFactory(
            actor=a.bestuur,
            action="boeking_create",
            object_type="ledger.boeking",
            object_repr=f"Regel {i}",
            cooperatie_id=a.cooperatie.pk,
        )
    client.force_login(a.auditor)

    _n, sql, response = _count_queries(client, _journaal(a))

    journal_sql = [q for q in sql if 'FROM "ledger_auditentry"' in q]
    assert not [q for q in journal_sql if "DISTINCT" in q]
    counts = [q for q in journal_sql if "COUNT(" in q]
    assert counts
    assert all("LIMIT 6" in q for q in counts)
    page = response.context["page"]
    assert page.paginator.afgekapt
    assert page.paginator.count == 5
    assert "meer dan 5 rijen" in response.content.decode()
    # The choices are the codes the product knows, with their labels.
    form = response.context["filters"].form
    acties = dict(form.fields["actie"].choices)
    assert "boeking_create" in acties
    assert "toetsing_vaststellen" in acties
    assert "ledger.boeking" in dict(form.fields["objectsoort"].choices)


@pytest.mark.parametrize("n", [3])
def test_journal_queries_are_the_same_for_3_and_30_chains(client, world, n):
    a = world.a
    client.force_login(a.auditor)

    def maak(aantal):
        for _ in range(aantal):
            c = CooperatieFactory(aangemeld_door=a.corporatie)
            AuditEntryFactory(
                actor=a.bestuur,
                action="boeking_create",
                object_type="ledger.boeking",
                cooperatie_id=c.pk,
            )

    maak(n)
    client.get(_journaal(a))  # verify what is new once
    drie, _sql, _r = _count_queries(client, _journaal(a))
    maak(27)
    client.get(_journaal(a))
    dertig, _sql, response = _count_queries(client, _journaal(a))
    assert drie == dertig
    assert len(response.context["ketens"]["tabel"].rijen) == 10
