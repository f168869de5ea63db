"""Every page of every portal × who asks, generated from the URL configuration.

For each route under ``/beheer/<corporatie_id>/``, ``/bestuur/<cooperatie_id>/``
and ``/audit/<corporatie_id>/``:

- the portal's own role, own tenant: the page works (GET gives 200, a redirect
  within the site, or 405 for an action that only takes POST);
- the same user with another tenant's object id in the URL: 404;
- a user of the other tenant with the same role, in this tenant's portal: 404;
- another role of the same tenant (the organisation is visible to them, the
  portal is not theirs): 403, for GET and POST, and a POST writes nothing;
- anonymous: a redirect to the login page;
- the platform's superuser: the page works, in every portal.

A route whose URL kwargs this module cannot fill fails the guard test, so a new
page is covered the day it is added.
"""

from __future__ import annotations

import datetime

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import pytest

from cooperatie.models import ApiClient, Uitnodiging
from kern.models import AuditEntry
from tests.api.oauth_helpers import register as register_client
from tests.cooperatie.factories import RolFactory

PORTAL_KWARG = {
    "beheer": "corporatie_id",
    "bestuur": "cooperatie_id",
    "audit": "corporatie_id",
}
PORTAL_ROLE = {"beheer": "beheerder", "bestuur": "bestuur", "audit": "auditor"}
OTHER_ROLES = {
    "beheer": ("bestuur", "auditor"),
    "bestuur": ("beheerder", "auditor"),
    "audit": ("beheerder", "bestuur"),
}

# URL kwarg → the tenant attribute that fills it.
OBJECT_KWARGS = {
    "gebouw_id": "gebouw",
    "cooperatie_id": "cooperatie",
    "overeenkomst_id": "overeenkomst",
    "afspraak_id": "afspraak",
    "prestatieafspraak_id": "prestatieafspraak",
    "toezegging_id": "toezegging",
    "toetsing_id": "toetsing",
    "rapport_id": "rapport",
    "lid_id": "lid",
    "activiteit_id": "activiteit",
    "bijlage_id": "bijlage",
    "boeking_id": "boeking",
    "bon_id": "bon",
    "rol_id": "rol_bestuur",
    "uitnodiging_id": "uitnodiging",
    "apiclient_id": "apiclient",
}
# The year with a sealed report in the world (its rapport's toetsing).
JAAR = 2023


def portal_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    """(portal, URL name, object kwarg names) of every portal page."""
    routes = []
    for entry in get_resolver().url_patterns:
        if not isinstance(entry, URLResolver):
            continue
        prefix = str(entry.pattern).split("/")[0]
        if prefix not in PORTAL_KWARG:
            continue
        for pattern in entry.url_patterns:
            assert isinstance(pattern, URLPattern), pattern
            kwargs = tuple(pattern.pattern.converters)
            routes.append((prefix, pattern.name, kwargs))
    return routes


ROUTES = portal_routes()


def url_for(portal: str, name: str, kwargs: tuple[str, ...], org, objects) -> str:
    values = {PORTAL_KWARG[portal]: org.pk}
    for kwarg in kwargs:
        if kwarg == "jaar":
            values[kwarg] = JAAR
        else:
            values[kwarg] = object_of(objects, OBJECT_KWARGS[kwarg]).pk
    return reverse(name, kwargs=values)


def object_of(tenant, attribute: str):
    """The tenant's object for a URL kwarg; the world holds no invitation and
    no machine client, so one of each is made here."""
    if attribute == "apiclient":
        client = ApiClient.objects.filter(corporatie=tenant.corporatie).first()
        return client or register_client(tenant, "Coopsturing.Gebouwen.Read")[0]
    if attribute == "uitnodiging":
        return Uitnodiging.objects.get_or_create(
            cooperatie=tenant.cooperatie,
            soort="bestuur",
            defaults={
                "email": "nieuw@example.org",
                "key_hash": f"{tenant.cooperatie.pk:064d}",
                "verloopt_op": timezone.now() + datetime.timedelta(days=7),
            },
        )[0]
    return getattr(tenant, attribute)


def organisation(portal: str, tenant):
    return tenant.cooperatie if portal == "bestuur" else tenant.corporatie


def test_every_portal_route_can_be_filled():
    assert ROUTES, "no portal routes found"
    for portal, name, kwargs in ROUTES:
        assert name, f"a {portal} route has no name"
        assert name.startswith(f"{portal}-"), (portal, name)
        unknown = set(kwargs) - set(OBJECT_KWARGS) - {"jaar"}
        assert not unknown, f"{name}: add {unknown} to OBJECT_KWARGS"


def test_every_menu_item_resolves(world, client):
    from portalen.ui import NAV

    for portal, items in NAV.items():
        for item, _label in items:
            reverse(f"{portal}-{item}", args=[1])


ids = [name for _portal, name, _kwargs in ROUTES]


@pytest.mark.parametrize(("portal", "name", "kwargs"), ROUTES, ids=ids)
def test_own_role_reaches_the_page(client, world, portal, name, kwargs):
    url = url_for(portal, name, kwargs, organisation(portal, world.a), world.a)
    # The portal's own role, then the platform's superuser (one world for both).
    for user in (getattr(world.a, PORTAL_ROLE[portal]), world.superuser):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (200, 302, 405), (
            user.username,
            url,
            response.status_code,
        )
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize(("portal", "name", "kwargs"), ROUTES, ids=ids)
def test_other_tenants_objects_are_not_found(client, world, portal, name, kwargs):
    objects = [k for k in kwargs if k != "jaar"]
    if not objects:
        pytest.skip("the page names no object")
    client.force_login(getattr(world.a, PORTAL_ROLE[portal]))
    url = url_for(portal, name, kwargs, organisation(portal, world.a), world.b)
    before = AuditEntry.objects.count()
    assert client.get(url).status_code == 404, url
    assert client.post(url, {}).status_code == 404, url
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("portal", "name", "kwargs"), ROUTES, ids=ids)
def test_other_tenants_portal_is_not_found(client, world, portal, name, kwargs):
    client.force_login(getattr(world.b, PORTAL_ROLE[portal]))
    url = url_for(portal, name, kwargs, organisation(portal, world.a), world.a)
    before = AuditEntry.objects.count()
    assert client.get(url).status_code == 404, url
    assert client.post(url, {}).status_code == 404, url
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("portal", "name", "kwargs"), ROUTES, ids=ids)
def test_other_roles_are_forbidden(client, world, portal, name, kwargs):
    url = url_for(portal, name, kwargs, organisation(portal, world.a), world.a)
    before = AuditEntry.objects.count()
    for role in OTHER_ROLES[portal]:
        client.force_login(getattr(world.a, role))
        assert client.get(url).status_code == 403, (role, url)
        assert client.post(url, {}).status_code == 403, (role, url)
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("portal", "name", "kwargs"), ROUTES, ids=ids)
def test_anonymous_is_sent_to_the_login_page(client, world, portal, name, kwargs):
    url = url_for(portal, name, kwargs, organisation(portal, world.a), world.a)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


# A gemeente role (domain §1) has no page in the other portals: a corporatie
# with a gebouw in its gemeente is visible to it (by name), so that
# corporatie's portals answer 403; no cooperatie is, so a bestuur portal 404;
# and a corporatie with no gebouw in the gemeente does not exist for it (404).
GEMEENTE_STATUS = {"beheer": 403, "audit": 403, "bestuur": 404}


@pytest.mark.parametrize(("portal", "name", "kwargs"), ROUTES, ids=ids)
def test_a_gemeente_role_reaches_no_page_of_the_other_portals(
    client, world, portal, name, kwargs
):
    world.b.gebouw.gemeentecode = "GM0599"
    world.b.gebouw.save()
    user = RolFactory(gemeente=True, gemeentecode=world.a.gebouw.gemeentecode).user
    client.force_login(user)
    urls = [
        (url_for(portal, name, kwargs, organisation(portal, t), t), status)
        for t, status in ((world.a, GEMEENTE_STATUS[portal]), (world.b, 404))
    ]
    before = AuditEntry.objects.count()
    for url, status in urls:
        assert client.get(url).status_code == status, url
        assert client.post(url, {}).status_code == status, url
    assert AuditEntry.objects.count() == before
