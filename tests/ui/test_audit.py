"""The auditor's journal browser: scoped, filtered, paginated, with the state of
the hash chain."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from kern import journal
from kern.models import AuditEntry
from tests.ledger.factories import AuditEntryFactory
from tests.ledger.tamper import raw


def journaal_url(tenant) -> str:
    return reverse("audit-journaal", args=[tenant.corporatie.pk])


@pytest.fixture
def entries(world):
    """One recognisable entry per tenant, with a change to show."""
    a = AuditEntryFactory(
        actor=world.a.bestuur,
        action="boeking_storno",
        object_type="ledger.boeking",
        object_id=world.a.boeking.pk,
        object_repr="Storno Alfa-moestuin",
        before={"bedrag": "12.50"},
        after={"bedrag": "0.00", "omschrijving": "Zaaigoed"},
        cooperatie_id=world.a.cooperatie.pk,
    )
    b = AuditEntryFactory(
        actor=world.b.beheerder,
        action="gebouw_update",
        object_type="cooperatie.gebouw",
        object_id=world.b.gebouw.pk,
        object_repr="Bravo-complex",
        corporatie_id=world.b.corporatie.pk,
    )
    return a, b


def test_journal_shows_the_corporaties_entries_and_never_tenant_b(
    client, world, entries
):
    entry_a, entry_b = entries
    client.force_login(world.a.auditor)

    response = client.get(journaal_url(world.a))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Storno Alfa-moestuin" in html
    assert "boeking_storno" in html
    assert world.a.bestuur.get_username() in html
    assert "Bravo-complex" not in html
    assert entry_b.hash not in html
    assert entry_b.keten not in html
    shown = {row["entry"].pk for row in response.context["rows"]}
    visible = set(
        AuditEntry.objects.visible_to(world.a.auditor).values_list("pk", flat=True)
    )
    assert entry_a.pk in shown
    assert shown <= visible
    assert not AuditEntry.objects.filter(
        pk__in=shown, corporatie_id=world.b.corporatie.pk
    ).exists()
    assert not AuditEntry.objects.filter(
        pk__in=shown, cooperatie_id=world.b.cooperatie.pk
    ).exists()


def test_journal_rows_show_time_in_amsterdam_seq_and_the_changes(
    client, world, entries
):
    entry_a, _ = entries
    client.force_login(world.a.auditor)

    html = client.get(journaal_url(world.a)).content.decode()

    local = timezone.localtime(entry_a.timestamp)
    assert local.utcoffset() in (
        datetime.timedelta(hours=1),
        datetime.timedelta(hours=2),
    )
    assert local.strftime("%d-%m-%Y %H:%M:%S") in html
    assert f'<td class="num">{entry_a.seq}<br>' in html
    assert f"<code>{entry_a.keten}</code>" in html
    assert "<details>" in html
    # Before and after as pretty JSON, one key a line.
    assert "&quot;bedrag&quot;: &quot;12.50&quot;" in html
    assert "&quot;omschrijving&quot;: &quot;Zaaigoed&quot;" in html
    assert entry_a.hash in html


def test_journal_newest_first(client, world, entries):
    client.force_login(world.a.auditor)
    rows = client.get(journaal_url(world.a)).context["rows"]
    moments = [(row["entry"].timestamp, row["entry"].pk) for row in rows]
    assert len(moments) > 1
    assert moments == sorted(moments, reverse=True)


def test_chain_status_lists_only_the_corporaties_own_chains_with_heads(
    client, world, entries
):
    client.force_login(world.a.auditor)

    response = client.get(journaal_url(world.a))

    html = response.content.decode()
    assert "De ketens kloppen" in html
    assert 'role="alert"' not in html
    own = [
        journal.keten_of("cooperatie.corporatie", world.a.corporatie.pk, None),
        journal.keten_of("cooperatie.cooperatie", None, world.a.cooperatie.pk),
    ]
    rijen = response.context["ketens"]["rijen"]
    assert [r["keten"] for r in rijen] == own
    for kop in journal.heads(own):
        assert kop.hash in html
    other = journal.keten_of("cooperatie.cooperatie", None, world.b.cooperatie.pk)
    assert other not in html
    assert journal.head_of(other).hash not in html
    # No platform-wide figure: neither the total nor the platform chain.
    assert f"{AuditEntry.objects.count()} regels" not in html
    assert "platform" not in [r["keten"] for r in rijen]


def test_the_chain_check_reads_no_other_tenants_entries(client, world, entries):
    """The verification queries name only the corporatie's own chains."""
    client.force_login(world.a.auditor)
    with CaptureQueriesContext(connection) as ctx:
        client.get(journaal_url(world.a))
    other = journal.keten_of("cooperatie.cooperatie", None, world.b.cooperatie.pk)
    chain_queries = [
        q["sql"]
        for q in ctx.captured_queries
        if '"ledger_auditentry"' in q["sql"] and '"keten"' in q["sql"]
    ]
    assert chain_queries
    for sql in chain_queries:
        assert other not in sql
        assert "platform" not in sql


def test_a_tampered_row_shows_a_prominent_alert_naming_it(client, world, entries):
    entry_a, _ = entries
    raw(
        "UPDATE ledger_auditentry SET object_repr = %s WHERE id = %s",
        ["Vervalst", entry_a.pk],
    )
    client.force_login(world.a.auditor)

    response = client.get(journaal_url(world.a))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "klopt niet" in html
    assert f"journaalregel #{entry_a.seq}" in html
    assert entry_a.keten in html
    assert "✓ De ketens kloppen" not in html


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"actie": "boeking_storno"}, "Storno Alfa-moestuin", "Alfa-activiteit"),
        ({"objectsoort": "ledger.activiteit"}, "Alfa-activiteit", "Storno Alfa"),
        ({"gebruiker": "BEHEERDER_a"}, "Alfa-activiteit", "Storno Alfa"),
        ({"zoek": "moestuin"}, "Storno Alfa-moestuin", "Alfa-activiteit"),
    ],
)
def test_journal_filters(client, world, entries, params, shown, hidden):
    AuditEntryFactory(
        actor=world.a.beheerder,
        action="activiteit_update",
        object_type="ledger.activiteit",
        object_id=world.a.activiteit.pk,
        object_repr="Alfa-activiteit",
        cooperatie_id=world.a.cooperatie.pk,
    )
    client.force_login(world.a.auditor)

    html = client.get(journaal_url(world.a), params).content.decode()

    assert shown in html
    assert hidden not in html
    assert "Filters wissen" in html


def test_journal_date_filters_are_whole_days_in_amsterdam(client, world, entries):
    client.force_login(world.a.auditor)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    def shown(**params):
        response = client.get(journaal_url(world.a), params)
        return "Storno Alfa-moestuin" in response.content.decode()

    assert shown(van=today.isoformat(), tot=today.isoformat())
    assert shown(tot=today.isoformat())
    assert not shown(van=(today + day).isoformat())
    assert not shown(tot=(today - day).isoformat())


def test_journal_filters_that_match_nothing_say_so(client, world, entries):
    client.force_login(world.a.auditor)

    response = client.get(journaal_url(world.a), {"zoek": "bestaat-niet"})

    html = response.content.decode()
    assert 'class="empty"' in html
    assert "Geen journaalregels die aan deze filters voldoen" in html


def test_journal_names_the_field_of_a_reversed_period(client, world, entries):
    client.force_login(world.a.auditor)

    response = client.get(
        journaal_url(world.a), {"van": "2025-02-01", "tot": "2025-01-01"}
    )

    assert response.status_code == 200
    form = response.context["filters"].form
    assert (
        "De einddatum mag niet vóór de begindatum (01-02-2025) liggen."
        in form.errors["tot"]
    )


def test_journal_paginates_by_50_and_verifies_the_chain_on_the_first_page(
    client, world
):
    for n in range(55):
        AuditEntryFactory(
            actor=world.a.bestuur,
            action="activiteit_import",
            object_repr=f"Regel {n}",
            cooperatie_id=world.a.cooperatie.pk,
        )
    client.force_login(world.a.auditor)
    url = journaal_url(world.a)

    first = client.get(url, {"actie": "activiteit_import"})
    second = client.get(url, {"actie": "activiteit_import", "pagina": "2"})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert first.context["page"].paginator.count == 55
    first_html = first.content.decode()
    assert "Regel 54" in first_html
    assert "Pagina 1 van 2" in first_html
    assert "actie=activiteit_import&amp;pagina=2" in first_html
    assert "De ketens kloppen" in first_html
    second_html = second.content.decode()
    assert "Regel 0<" in second_html
    assert "Regel 54" not in second_html
    # Later pages skip the chain check and say where it is.
    assert second.context["ketens"] is None
    assert "gecontroleerd op de eerste pagina" in second_html


@pytest.mark.parametrize("role", ["beheerder", "bestuur"])
def test_journal_is_only_for_the_auditor(client, world, role):
    client.force_login(getattr(world.a, role))
    assert client.get(journaal_url(world.a)).status_code == 403


def test_journal_of_another_corporatie_is_not_found(client, world):
    client.force_login(world.b.auditor)
    assert client.get(journaal_url(world.a)).status_code == 404


def test_journal_sends_anonymous_to_the_login_page(client, world):
    response = client.get(journaal_url(world.a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_journal_is_read_only(client, world):
    client.force_login(world.a.auditor)
    before = AuditEntry.objects.count()
    assert client.post(journaal_url(world.a)).status_code == 405
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "query", [{"tot": "9999-12-31"}, {"van": "0001-01-01"}, {"van": "1899-12-31"}]
)
def test_journal_dates_out_of_range_are_a_field_error(client, world, query):
    client.force_login(world.a.auditor)
    response = client.get(
        reverse("audit-journaal", args=[world.a.corporatie.pk]), query
    )
    assert response.status_code == 200
    [field] = query
    assert response.context["filters"].form.errors[field] == [
        "Kies een datum tussen 1900 en 9998."
    ]
