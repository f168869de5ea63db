"""Overdue years are visible everywhere, in one word ("te laat"): the beheerder's
overview and signalering, the auditor's start page and the portefeuillerapport;
a running year shows the early warning's word, not a verdict."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from afspraken import jaren, portefeuille
from afspraken.choices import ToetsingStatus
from tests.afspraken.factories import AfspraakFactory, ToetsingFactory, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def laat(world):
    """An afspraak of tenant A two years old: its first year never opened (late),
    its second submitted (not late), the running year open."""
    vandaag = timezone.localdate()
    afspraak = AfspraakFactory(
        corporatie=world.a.corporatie,
        cooperatie=world.a.cooperatie,
        gebouwen=[world.a.gebouw],
        titel="Afspraak met een laat jaar",
        ingangsjaar=vandaag.year - 2,
        eindjaar=None,
    )
    ingediend = ToetsingFactory(afspraak=afspraak, jaar=vandaag.year - 1)
    set_status(ingediend, ToetsingStatus.INGEDIEND)
    return afspraak


def test_afspraak_jaren_marks_only_the_year_past_its_day(world, laat):
    vandaag = timezone.localdate()
    rijen = jaren.afspraak_jaren(
        afspraken=type(laat).objects.filter(pk=laat.pk),
        tot_jaar=vandaag.year,
        vandaag=vandaag,
    )
    per_jaar = {r.jaar: r for r in rijen}
    assert set(per_jaar) == {vandaag.year - 2, vandaag.year - 1, vandaag.year}
    assert per_jaar[vandaag.year - 2].te_laat
    assert per_jaar[vandaag.year - 2].status == ""
    assert not per_jaar[vandaag.year - 1].te_laat  # submitted
    assert not per_jaar[vandaag.year].te_laat  # its day is next year
    # On its last day a year is not late yet; the day after it is.
    dag = per_jaar[vandaag.year - 2].uiterlijk
    op_de_dag = jaren.afspraak_jaren(
        afspraken=type(laat).objects.filter(pk=laat.pk),
        tot_jaar=vandaag.year,
        vandaag=dag,
    )
    assert not any(r.te_laat for r in op_de_dag)
    telling = jaren.tellingen(rijen)
    assert telling[vandaag.year - 2]["te_laat"] == 1
    assert telling[vandaag.year - 1]["ingediend"] == 1


def test_dashboard_counts_and_filters_the_late_years(client, world, laat):
    client.force_login(world.a.beheerder)
    start = reverse("beheer-start", args=[world.a.corporatie.pk])
    html = client.get(start).content.decode()
    assert "te laat, termijn voorbij" in html
    assert "status-te_laat" in html

    rijen = client.get(start, {"status": "te_laat"}).context["page"].object_list
    assert rijen
    assert all(r["te_laat"] for r in rijen)
    assert (laat.pk, timezone.localdate().year - 2) in {
        (r["afspraak"].pk, r["jaar"]) for r in rijen
    }
    # The other tenant's years never show.
    assert all(r["afspraak"].corporatie_id == world.a.corporatie.pk for r in rijen)


def test_running_year_shows_op_koers_or_risico_not_a_verdict(client, world, laat):
    client.force_login(world.a.beheerder)
    start = reverse("beheer-start", args=[world.a.corporatie.pk])
    lopend = timezone.localdate().year
    rijen = client.get(start, {"jaar": lopend}).context["page"].object_list
    eigen = [r for r in rijen if r["afspraak"].pk == laat.pk]
    assert eigen
    assert eigen[0]["koers"]["koers"] in {"op_koers", "risico"}
    vorig = client.get(start, {"jaar": lopend - 1}).context["page"].object_list
    assert all(r["koers"] is None for r in vorig)


def test_signalering_lists_the_late_years_with_the_dossier(client, world, laat):
    client.force_login(world.a.beheerder)
    response = client.get(reverse("beheer-signalering", args=[world.a.corporatie.pk]))
    assert response.status_code == 200
    te_laat = response.context["te_laat"]
    assert (laat.pk, timezone.localdate().year - 2) in {
        (r.afspraak.pk, r.jaar) for r in te_laat
    }
    html = response.content.decode()
    assert "Afspraak met een laat jaar" in html
    assert (
        reverse(
            "beheer-cooperatie-dossier",
            args=[world.a.corporatie.pk, world.a.cooperatie.pk],
        )
        in html
    )


def test_auditor_start_counts_per_year_and_names_the_late_year(client, world, laat):
    client.force_login(world.a.auditor)
    response = client.get(reverse("audit-start", args=[world.a.corporatie.pk]))
    assert response.status_code == 200
    jaar = timezone.localdate().year - 2
    stand = {j["jaar"]: j for j in response.context["stand"]}
    assert stand[jaar]["te_laat"] >= 1
    assert stand[jaar]["afspraken"] >= 2  # the world's afspraak and this one
    html = response.content.decode()
    assert "Afspraak met een laat jaar" in html
    # Only this corporatie's afspraken are counted.
    assert all(
        r.afspraak.corporatie_id == world.a.corporatie.pk
        for r in response.context["te_laat"]
    )


def test_portefeuillerapport_says_te_laat(world, laat):
    vandaag = timezone.localdate()
    jaar = vandaag.year - 2
    data = portefeuille.build(
        corporatie_id=world.a.corporatie.pk, jaar=jaar, vandaag=vandaag
    )
    regel = next(a for a in data["afspraken"] if a["id"] == laat.pk)
    assert regel["te_laat"] is True
    assert regel["uiterlijk_indienen"] == datetime.date(jaar + 1, 4, 1).isoformat()
    assert data["te_laat"] >= 1
    html = portefeuille.portefeuille_html(data, moment=timezone.now())
    assert f"te laat (uiterlijk 1 april {jaar + 1})" in html
    csv = portefeuille.overzicht_csv(data).decode()
    assert "uiterlijk_indienen;te_laat" in csv.splitlines()[0]
