"""The yearly cycle pages of the bestuur: the year overview and submitting the year."""

from __future__ import annotations

import datetime

from django.utils import timezone

from afspraken.choices import ToetsingStatus
from afspraken.models import Toetsing
from kern.models import AuditEntry
from tests.afspraken.factories import (
    AfspraakFactory,
    ToetsingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    RolFactory,
)
from tests.ledger.factories import ActiviteitFactory, BoekingFactory
from tests.ui.cyclus_helpers import JAAR, html, lopend, url

# Indienen (bestuur) -----------------------------------------------------------------


def test_indienen_confirmation_lists_what_will_be_locked(client, world):
    a = world.a
    ActiviteitFactory(cooperatie=a.cooperatie, datum=datetime.date(JAAR, 6, 1))
    BoekingFactory(cooperatie=a.cooperatie, datum=datetime.date(JAAR, 6, 2))
    ActiviteitFactory(cooperatie=a.cooperatie, datum=datetime.date(JAAR + 1, 1, 1))
    client.force_login(a.bestuur)

    response = client.get(url("bestuur-toetsing-indienen", a.cooperatie, a.toetsing.pk))

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Jaar 2024 indienen</h1>" in page
    assert "<strong>2 activiteiten</strong> met een datum in 2024" in page
    assert "<strong>2 boekingen</strong> met een datum in 2024" in page
    assert "<strong>2 leden</strong> op de peildatum 31 december 2024" in page
    assert "Minstens 12 activiteiten per jaar" in page
    assert "Jaar 2024 definitief indienen" in page


def test_indienen_submits_the_year(client, world):
    a = world.a
    client.force_login(a.bestuur)

    response = client.post(
        url("bestuur-toetsing-indienen", a.cooperatie, a.toetsing.pk), follow=True
    )

    assert response.redirect_chain[0][0] == (
        f"{url('bestuur-start', a.cooperatie)}?jaar={JAAR}"
    )
    assert "Het jaar 2024 is ingediend" in html(response)
    toetsing = Toetsing.objects.get(pk=a.toetsing.pk)
    assert toetsing.status == ToetsingStatus.INGEDIEND
    assert toetsing.snapshot is not None
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.object_id) == ("toetsing_indienen", str(toetsing.pk))


def test_indienen_of_the_running_year_is_refused_with_a_message(client, world):
    a = world.a
    toetsing = ToetsingFactory(afspraak=a.afspraak, jaar=lopend())
    client.force_login(a.bestuur)
    target = url("bestuur-toetsing-indienen", a.cooperatie, toetsing.pk)

    assert "definitief indienen" not in html(client.get(target))
    response = client.post(target)

    assert response.status_code == 200
    assert f"Het jaar {lopend()} loopt nog" in html(response)
    assert Toetsing.objects.get(pk=toetsing.pk).status == ToetsingStatus.OPEN


def test_beheerder_and_auditor_cannot_submit(client, world):
    a = world.a
    target = url("bestuur-toetsing-indienen", a.cooperatie, a.toetsing.pk)
    for user in (a.beheerder, a.auditor):
        client.force_login(user)
        assert client.post(target).status_code == 403
    assert Toetsing.objects.get(pk=a.toetsing.pk).status == ToetsingStatus.OPEN


# Bestuur year overview ----------------------------------------------------------------


def test_year_overview_shows_progress_and_koers_for_the_running_year(client, world):
    a = world.a
    heden = timezone.localdate()
    ActiviteitFactory(cooperatie=a.cooperatie, datum=heden)
    ActiviteitFactory(cooperatie=a.cooperatie, datum=heden)
    ActiviteitFactory(cooperatie=a.cooperatie, datum=heden)
    client.force_login(a.bestuur)

    response = client.get(url("bestuur-start", a.cooperatie))

    assert response.status_code == 200
    page = html(response)
    assert f"Jaaroverzicht {lopend()}" in page
    assert '<progress value="3.00" max="12.00"' in page
    assert "3 van 12, 25%" in page
    assert "koers-" in page
    assert f"Indienen kan vanaf 1 januari {lopend() + 1}" in page
    assert f'href="?jaar={JAAR}"' in page  # a year with a toetsing
    assert world.b.cooperatie.naam not in page


def test_year_overview_reminds_of_past_years_not_yet_submitted(client, world):
    a = world.a
    client.force_login(a.bestuur)

    page = html(client.get(url("bestuur-start", a.cooperatie)))

    assert f"Het jaar 2024 van “{a.afspraak.titel}” is nog niet ingediend." in page
    assert url("bestuur-toetsing-indienen", a.cooperatie, a.toetsing.pk) in page
    vorig = lopend() - 1
    assert f"Het jaar {vorig} van “{a.afspraak.titel}” is nog niet ingediend." in page
    assert f'href="?jaar={vorig}"' in page


def test_year_overview_of_a_past_year_offers_to_submit(client, world):
    a = world.a
    client.force_login(a.bestuur)

    page = html(client.get(url("bestuur-start", a.cooperatie), {"jaar": JAAR}))

    assert "Jaaroverzicht 2024" in page
    assert "1 van 12, 8%" in page
    assert url("bestuur-toetsing-indienen", a.cooperatie, a.toetsing.pk) in page
    assert "koers-" not in page


def test_year_without_toetsing_can_be_opened_by_the_bestuur(client, world):
    a = world.a
    jaar = lopend() - 1
    client.force_login(a.bestuur)
    page = html(client.get(url("bestuur-start", a.cooperatie), {"jaar": jaar}))
    openen = url("bestuur-toetsing-openen", a.cooperatie, a.afspraak.pk, jaar)
    assert openen in page

    response = client.post(openen, follow=True)

    toetsing = Toetsing.objects.get(afspraak=a.afspraak, jaar=jaar)
    assert response.redirect_chain[0][0] == url(
        "bestuur-toetsing-indienen", a.cooperatie, toetsing.pk
    )
    assert f"De toetsing {jaar}" in html(response)
    assert AuditEntry.objects.order_by("-pk").first().action == "toetsing_open"


def test_opening_a_year_outside_the_afspraak_is_refused(client, world):
    a = world.a
    client.force_login(a.bestuur)

    response = client.post(
        url("bestuur-toetsing-openen", a.cooperatie, a.afspraak.pk, 2019), follow=True
    )

    assert "2019 valt erbuiten" in html(response)
    assert not Toetsing.objects.filter(afspraak=a.afspraak, jaar=2019).exists()


def test_year_overview_without_afspraak_explains_who_records_it(client, world):
    cooperatie = CooperatieFactory()
    RolFactory(user=world.a.bestuur, cooperatie=cooperatie, bestuur=True)
    client.force_login(world.a.bestuur)

    page = html(client.get(url("bestuur-start", cooperatie)))

    assert 'class="empty"' in page
    assert "De corporatie legt de afspraak en de toezeggingen vast" in page


def test_indienen_without_toezeggingen_is_refused_with_a_message(client, world):
    a = world.a
    leeg = AfspraakFactory(corporatie=a.corporatie, cooperatie=a.cooperatie)
    toetsing = ToetsingFactory(afspraak=leeg, jaar=JAAR)
    client.force_login(a.bestuur)
    target = url("bestuur-toetsing-indienen", a.cooperatie, toetsing.pk)

    response = client.post(target)

    assert response.status_code == 200
    assert "Deze afspraak heeft geen toezeggingen" in html(response)
    assert "definitief indienen" not in html(response)
    assert Toetsing.objects.get(pk=toetsing.pk).status == ToetsingStatus.OPEN
