"""The demo's overdue year is shown as overdue where people look: the beheerder's
overview, the auditor's start page and the portefeuillerapport."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

import pytest

from afspraken import jaren, portefeuille
from afspraken.models import Afspraak
from cooperatie.choices import RolSoort
from cooperatie.models import Rol
from demo import wereld


@pytest.mark.django_db
def test_the_demos_overdue_year_is_overdue_on_every_page(client):
    vandaag = timezone.localdate()
    assert wereld.seed(today=vandaag)
    rijen = jaren.afspraak_jaren(
        afspraken=Afspraak.objects.all(), tot_jaar=vandaag.year, vandaag=vandaag
    )
    met_auditor = set(
        Rol.objects.filter(soort=RolSoort.AUDITOR).values_list(
            "corporatie_id", flat=True
        )
    )
    te_laat = [
        r for r in rijen if r.te_laat and r.afspraak.corporatie_id in met_auditor
    ]
    assert te_laat, "the demo must hold an overdue year where an auditor looks"
    rij = te_laat[0]
    corporatie = rij.afspraak.corporatie
    rollen = Rol.objects.filter(corporatie=corporatie).select_related("user")

    client.force_login(rollen.get(soort=RolSoort.BEHEERDER).user)
    start = reverse("beheer-start", args=[corporatie.pk])
    overzicht = client.get(start, {"status": "te_laat"})
    assert (rij.afspraak.pk, rij.jaar) in {
        (r["afspraak"].pk, r["jaar"]) for r in overzicht.context["page"].object_list
    }
    assert "te laat, termijn voorbij" in client.get(start).content.decode()

    client.force_login(rollen.filter(soort=RolSoort.AUDITOR)[0].user)
    audit = client.get(reverse("audit-start", args=[corporatie.pk]))
    stand = {j["jaar"]: j for j in audit.context["stand"]}
    assert stand[rij.jaar]["te_laat"] >= 1
    assert rij.afspraak.titel in audit.content.decode()

    data = portefeuille.build(
        corporatie_id=corporatie.pk, jaar=rij.jaar, vandaag=vandaag
    )
    regel = next(a for a in data["afspraken"] if a["id"] == rij.afspraak.pk)
    assert regel["te_laat"] is True
    html = portefeuille.portefeuille_html(data, moment=timezone.now())
    assert "te laat (uiterlijk" in html
