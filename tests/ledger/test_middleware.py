"""Request ids: made per request, a client's own header never trusted."""

import re

import pytest


@pytest.mark.parametrize("trusted", [False, True])
def test_request_id_is_made_unless_a_trusted_proxy_sets_it(
    client, db, settings, trusted
):
    settings.TRUST_REQUEST_ID_HEADER = trusted
    response = client.get("/", HTTP_X_REQUEST_ID="proxy-1234")
    if trusted:
        assert response["X-Request-ID"] == "proxy-1234"
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_an_unsafe_request_id_is_replaced_even_from_a_trusted_proxy(
    client, db, settings
):
    settings.TRUST_REQUEST_ID_HEADER = True
    response = client.get("/", HTTP_X_REQUEST_ID="x" * 65)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
