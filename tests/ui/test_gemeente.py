"""The gemeente portal: its start page shows the roll-up of its gemeente, in
the figures the corporaties' own overviews show; another gemeente, and every
role but its own, find nothing here."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

from django.urls import reverse

import pypdf
import pytest

from afspraken import gemeenterapport
from tests.cooperatie.factories import RolFactory

G = "GM0363"


def _url(code=G, **query):
    url = reverse("gemeente-start", args=[code])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"


def _veld(html: str, blok_id: str, veld: str) -> str:
    """The text of `data-veld` within the element with `id`."""
    blok = html[html.index(f'id="{blok_id}"') :]
    match = re.search(rf'data-veld="{veld}">([^<]*)<', blok)
    return match.group(1).strip()


def _decimaal(tekst: str) -> Decimal:
    """A number as a Dutch page writes it (decimal comma, no grouping)."""
    return Decimal(tekst.replace(",", "."))


def test_the_gemeente_user_lands_on_its_portal(client, gemeente):
    client.force_login(gemeente.ambtenaar)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("gemeente-start", args=[G])


def test_the_start_page_shows_the_roll_up_of_its_corporaties(client, gemeente):
    client.force_login(gemeente.ambtenaar)
    response = client.get(_url(jaar=2024))
    assert response.status_code == 200
    html = response.content.decode()
    assert gemeente.a.corporatie.naam in html
    assert gemeente.b.corporatie.naam in html
    assert gemeente.c.corporatie.naam not in html
    # No member data and no single booking reach the page.
    assert gemeente.a.lid.naam not in html
    assert gemeente.a.boeking.omschrijving not in html
    assert _veld(html, "totaal", "cooperaties") == "2"
    assert _veld(html, "totaal", "woningen") == "48"
    assert 'id="kaart"' in html
    assert reverse("gemeente-rapport", args=[G, 2024]) in html


def test_the_totals_equal_the_sum_of_the_beheerders_own_overviews(client, gemeente):
    eigen = []
    for tenant in (gemeente.a, gemeente.b):
        client.force_login(tenant.beheerder)
        url = reverse("beheer-start", args=[tenant.corporatie.pk])
        eigen.append(client.get(f"{url}?jaar=2024&gemeente={G}").content.decode())
    client.force_login(gemeente.ambtenaar)
    html = client.get(_url(jaar=2024)).content.decode()
    for veld in ("cooperaties", "woningen", "deelnemers_buurt"):
        som = sum(int(_veld(e, "jaartotalen", veld)) for e in eigen)
        assert int(_veld(html, "totaal", veld)) == som, veld
    uren = sum(_decimaal(_veld(e, "jaartotalen", "vrijwilligersuren")) for e in eigen)
    assert _decimaal(_veld(html, "totaal", "vrijwilligersuren")) == uren


def test_another_gemeente_and_an_unknown_year_are_not_found(client, gemeente):
    client.force_login(gemeente.ambtenaar)
    assert client.get(_url("GM0599")).status_code == 404
    assert client.get(_url(jaar=1990)).status_code == 404
    assert client.get(_url(jaar="twee")).status_code == 404
    rapport = reverse("gemeente-rapport", args=["GM0599", 2024])
    assert client.get(rapport).status_code == 404


@pytest.mark.parametrize("rol", ["beheerder", "auditor", "bestuur"])
def test_other_roles_find_no_gemeente_portal(client, gemeente, rol):
    client.force_login(getattr(gemeente.a, rol))
    assert client.get(_url()).status_code == 404
    assert client.get(reverse("gemeente-rapport", args=[G, 2024])).status_code == 404


def test_anonymous_is_sent_to_the_login_page(client, gemeente):
    response = client.get(_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_platform_operator_sees_any_gemeente(client, gemeente):
    client.force_login(gemeente.superuser)
    assert client.get(_url("GM0599", jaar=2024)).status_code == 200


def test_the_report_downloads_sealed(client, gemeente):
    client.force_login(gemeente.ambtenaar)
    response = client.get(reverse("gemeente-rapport", args=[G, 2024]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    data = json.loads(reader.attachments[gemeenterapport.BIJLAGE][0])
    assert data["gemeentecode"] == G
    assert [c["naam"] for c in data["per_corporatie"]] == [
        gemeente.a.corporatie.naam,
        gemeente.b.corporatie.naam,
    ]
    entry = gemeenterapport.verify(pdf=pdf)
    assert entry is not None
    assert entry.actor == gemeente.ambtenaar


# Every page of the gemeente portal × who asks (docs/security.md lists it):
# the gemeente role of that gemeente and the platform operator reach it; the
# role of another gemeente and every other role find no such gemeente (404).
PORTAL_ACTORS = {
    "gemeente": 200,
    "andere gemeente": 404,
    "beheerder": 404,
    "auditor": 404,
    "bestuur": 404,
    "superuser": 200,
}


def gemeente_routes() -> list[str]:
    from django.urls import URLResolver, get_resolver

    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern).startswith(
            "gemeente/"
        ):
            return [pattern.name for pattern in entry.url_patterns]
    return []


def _gebruiker(gemeente, actor: str):
    if actor == "gemeente":
        return gemeente.ambtenaar
    if actor == "andere gemeente":
        return RolFactory(gemeente=True, gemeentecode="GM0599").user
    if actor == "superuser":
        return gemeente.superuser
    return getattr(gemeente.a, actor)


@pytest.mark.parametrize("name", gemeente_routes())
def test_every_gemeente_page_by_who_asks(client, gemeente, name):
    url = reverse(name, args=[G, 2024] if "jaar" in name or "rapport" in name else [G])
    for actor, status in PORTAL_ACTORS.items():
        client.force_login(_gebruiker(gemeente, actor))
        assert client.get(url).status_code == status, (actor, url)
        # Read-only: a POST changes nothing (405 where the page is reached).
        assert client.post(url, {}).status_code == (405 if status == 200 else 404)
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_the_start_page_maps_the_gebouwen_and_lists_the_prestatieafspraken(
    client, gemeente
):
    for tenant, (lat, lon) in (
        (gemeente.a, (52.37, 4.89)),
        (gemeente.c, (51.92, 4.48)),
    ):
        tenant.gebouw.latitude, tenant.gebouw.longitude = lat, lon
        tenant.gebouw.save()
    client.force_login(gemeente.ambtenaar)
    response = client.get(_url(jaar=2024))
    html = response.content.decode()
    data = json.loads(
        re.search(r'id="kaart-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    # A's gebouw (with coordinates) on the map; C's lies in another gemeente.
    assert [g["naam"] for g in data["gebouwen"]] == [
        f"{gemeente.a.gebouw.complexnummer} {gemeente.a.gebouw.naam}"
    ]
    assert all(g["url"] == "" and g["dossier"] == "" for g in data["gebouwen"])
    # The prestatieafspraken made with the gemeente, not C's with Rotterdam.
    assert gemeente.a.prestatieafspraak.titel != gemeente.c.prestatieafspraak.titel
    assert gemeente.a.prestatieafspraak.titel in html
    assert gemeente.c.prestatieafspraak.titel not in html
