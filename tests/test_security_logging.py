"""Failed authorizations are logged on `coopsturing.security` at WARNING.

Each refused request is one line with the kind (401, 403, 404), method, path,
user id and username and the request id the response carries; never personal
data of members. A 404 for an id that does not exist at all is no failed
authorization and is not logged.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from portalen.ui import beheer_view

LOGGER = "coopsturing.security"


def denials(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER]


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    return caplog


def only_denial(caplog) -> logging.LogRecord:
    records = denials(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert record.levelno == logging.WARNING
    return record


def assert_names(record, *, kind, method, path, user, response):
    assert record.security_kind == kind
    assert record.security_method == method
    assert record.security_path == path
    assert record.security_user_id == (user.pk if user else None)
    assert record.security_username == (user.username if user else "")
    assert record.request_id == response["X-Request-ID"]
    message = record.getMessage()
    assert str(kind) in message
    assert path in message
    assert response["X-Request-ID"] in message


# Web pages -----------------------------------------------------------------------


def test_ui_role_missing_is_logged_as_403(client, world, security_log):
    user = world.a.bestuur
    client.force_login(user)
    path = reverse("beheer-gebouwen", args=[world.a.corporatie.pk])
    response = client.get(path)
    assert response.status_code == 403
    record = only_denial(security_log)
    assert_names(
        record, kind=403, method="GET", path=path, user=user, response=response
    )


def test_ui_other_tenants_portal_is_logged_as_404(client, world, security_log):
    user = world.b.beheerder
    client.force_login(user)
    path = reverse("beheer-gebouwen", args=[world.a.corporatie.pk])
    response = client.post(path, {})
    assert response.status_code == 404
    record = only_denial(security_log)
    assert_names(
        record, kind=404, method="POST", path=path, user=user, response=response
    )


def test_ui_other_tenants_object_is_logged_as_404(client, world, security_log):
    user = world.a.bestuur
    client.force_login(user)
    path = reverse("bestuur-lid-bewerken", args=[world.a.cooperatie.pk, world.b.lid.pk])
    response = client.get(path)
    assert response.status_code == 404
    record = only_denial(security_log)
    assert_names(
        record, kind=404, method="GET", path=path, user=user, response=response
    )
    # The member's personal data is not in the line.
    for value in (world.b.lid.naam, world.b.lid.email):
        if value:
            assert value not in record.getMessage()


def test_ui_anonymous_is_logged_as_401(client, world, security_log):
    path = reverse("bestuur-leden", args=[world.a.cooperatie.pk])
    response = client.get(f"{path}?zoek=Jansen")
    assert response.status_code == 302
    record = only_denial(security_log)
    assert_names(
        record, kind=401, method="GET", path=path, user=None, response=response
    )
    # The query string (a search may hold a name) stays out of the log.
    assert "Jansen" not in record.getMessage()


def test_ui_service_refusal_is_logged_as_403(rf, world, security_log):
    """A service's PermissionDenied inside a portal page (the role is right, a
    rule of the service says no) is logged before Django answers 403."""

    @beheer_view
    def refusing_page(request):
        raise PermissionDenied("refused by the service")

    request = rf.post("/beheer/pagina/")
    request.user = world.a.beheerder
    with pytest.raises(PermissionDenied):
        refusing_page(request, corporatie_id=world.a.corporatie.pk)
    record = only_denial(security_log)
    assert record.security_kind == 403
    assert record.security_reason == "service_refused"
    assert record.security_user_id == world.a.beheerder.pk
    assert record.security_path == "/beheer/pagina/"


def test_ui_unknown_id_and_allowed_page_are_not_logged(client, world, security_log):
    client.force_login(world.a.bestuur)
    ok = client.get(reverse("bestuur-leden", args=[world.a.cooperatie.pk]))
    missing = client.get(
        reverse("bestuur-lid-bewerken", args=[world.a.cooperatie.pk, 999_999])
    )
    assert (ok.status_code, missing.status_code) == (200, 404)
    assert denials(security_log) == []


# API -----------------------------------------------------------------------------


def test_api_anonymous_is_logged_as_401(world, security_log):
    path = reverse("gebouw-list")
    response = APIClient().get(path)
    assert response.status_code == 401
    record = only_denial(security_log)
    assert_names(
        record, kind=401, method="GET", path=path, user=None, response=response
    )


def test_api_role_missing_is_logged_as_403(world, security_log):
    user = world.a.auditor
    client = APIClient()
    client.force_authenticate(user)
    path = reverse("gebouw-detail", args=[world.a.gebouw.pk])
    response = client.patch(path, {"naam": "Anders"}, format="json")
    assert response.status_code == 403
    record = only_denial(security_log)
    assert_names(
        record, kind=403, method="PATCH", path=path, user=user, response=response
    )


def test_api_other_tenants_object_is_logged_as_404(world, security_log):
    user = world.b.bestuur
    client = APIClient()
    client.force_authenticate(user)
    path = reverse("lid-detail", args=[world.a.lid.pk])
    response = client.get(path)
    assert response.status_code == 404
    record = only_denial(security_log)
    assert_names(
        record, kind=404, method="GET", path=path, user=user, response=response
    )
    assert world.a.lid.naam not in record.getMessage()


def test_api_unknown_id_and_allowed_read_are_not_logged(world, security_log):
    client = APIClient()
    client.force_authenticate(world.a.beheerder)
    ok = client.get(reverse("gebouw-detail", args=[world.a.gebouw.pk]))
    missing = client.get(reverse("gebouw-detail", args=[999_999]))
    garbage = client.get(reverse("gebouw-detail", args=["abc"]))
    assert (ok.status_code, missing.status_code, garbage.status_code) == (
        200,
        404,
        404,
    )
    assert denials(security_log) == []
