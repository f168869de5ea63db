"""Property-based API test: every operation of the OpenAPI schema, fuzzed by
Schemathesis with all its checks, as a beheerder and as a bestuur member.

The schema is loaded from the app in-process (`/api/v1/schema/` through Django's
WSGI handler) and every request goes through that handler too, inside the test's
transaction. The world is the usual two-tenant one, built fresh for each role, so
the run does not depend on test order. Path ids are drawn half of the time from
the rows that exist at the start (both tenants'), so detail, update and action
endpoints meet real objects of the user's own tenant and of the other one, not
only ids that answer 404.

Every check runs (see CONFIG for the one widened expectation). Generation is
deterministic (`derandomize`, plus a fixed seed): the same code gives the same
requests. Each run prints how many requests reached the app; `max_response_time`
stays off, as timing belongs in bench/, not in tests.
"""

from __future__ import annotations

import os
import time

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core.failures import FailureGroup
from schemathesis.transport.requests import prepare_multipart_parts
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from afspraken import services as afspraken_services
from afspraken.models import (
    Afspraak,
    Jaarparameter,
    Prestatieafspraak,
    Rapport,
    Toetsing,
    Toezegging,
)
from cooperatie import services, uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import (
    ApiClient,
    ApiToken,
    Cooperatie,
    Corporatie,
    Gebouw,
    Lid,
    Overeenkomst,
    Rol,
    Uitnodiging,
)
from kern.models import AuditEntry
from ledger.models import Activiteit, Boeking
from tests.api.oauth_helpers import register as register_client

# Examples per operation and role; SCHEMATHESIS_EXAMPLES=200 for a deeper run.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))

# Every check runs, with Schemathesis' default expectations, except two
# widenings for writes. A write may answer 400 to a body the schema allows: the
# services enforce rules no schema states (an id must exist and be in the user's
# scope, einddatum after ingangsdatum, a year that is closed, a transition from
# the wrong status, a gebouw that still has overeenkomsten); a 400 naming the
# field is the designed answer. And an If-Match that names no version of the
# object is a 412, whatever the body (a precondition is decided before the
# request is carried out, RFC 9110 §13.2.1). Reads get no such leeway: a query
# the schema allows must succeed.
WRITE_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "429", "5xx"]
REFUSED_STATUSES = [
    *("400", "401", "403", "404", "405", "406", "409", "412", "415", "422"),
    *("428", "429", "5xx"),
]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20240101,
        "generation": {"deterministic": True},
        "operations": [
            {
                "include-method-regex": "^(POST|PUT|PATCH|DELETE)$",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": WRITE_STATUSES},
                    "negative_data_rejection": {"expected-statuses": REFUSED_STATUSES},
                },
            }
        ],
    }
)

# Which rows a path parameter of a resource names.
PATH_MODELS = {
    "corporaties": (Corporatie, "pk"),
    "gebouwen": (Gebouw, "pk"),
    "cooperaties": (Cooperatie, "pk"),
    "overeenkomsten": (Overeenkomst, "pk"),
    "leden": (Lid, "pk"),
    "afspraken": (Afspraak, "pk"),
    "toezeggingen": (Toezegging, "pk"),
    "activiteiten": (Activiteit, "pk"),
    "boekingen": (Boeking, "pk"),
    "toetsingen": (Toetsing, "pk"),
    "rapporten": (Rapport, "pk"),
    "jaarparameters": (Jaarparameter, "pk"),
    "prestatieafspraken": (Prestatieafspraak, "pk"),
    "journaal": (AuditEntry, "seq"),
    "tokens": (ApiToken, "pk"),
    "koppelingen": (ApiClient, "pk"),
    "uitnodigingen": (Uitnodiging, "pk"),
    "rollen": (Rol, "pk"),
}


class CountingApp:
    """The WSGI app, counting every request that reaches it (the checks' own
    follow-up requests included)."""

    def __init__(self, app):
        self.app = app
        self.requests = 0

    def __call__(self, environ, start_response):
        self.requests += 1
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def totals(request):
    """Requests and failures of both runs, printed once at the end, also when
    pytest captures output (so `make test` shows it)."""
    counts = {"requests": 0, "failures": 0, "seconds": 0.0, "runs": []}
    yield counts
    if not counts["runs"]:
        return
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nschemathesis: {counts['requests']:,} requests, "
            f"{counts['failures']} failures ({', '.join(counts['runs'])}; "
            f"{MAX_EXAMPLES} examples per operation) in {counts['seconds']:.0f} s"
        )


@pytest.fixture(params=["beheerder", "bestuur"])
def role(request):
    return request.param


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, which (like the test client) keeps the test's
    connection open across requests: closing it would end the transaction
    that holds the world."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield CountingApp(WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _multipart(ctx, value):
    """Multipart bodies encoded as `requests` does. Werkzeug's test encoder, which
    Schemathesis' WSGI transport uses, leaves out the blank line of an empty form
    field, so the field (e.g. `sha256=""`) never reaches the app and a request the
    app would refuse looks accepted."""
    if not isinstance(value, dict):
        return _WERKZEUG_MULTIPART(ctx, value)
    files, data = prepare_multipart_parts(ctx, value)
    if not files and not data:
        return _WERKZEUG_MULTIPART(ctx, value)
    prepared = requests.PreparedRequest()
    prepared.prepare_headers(None)
    prepared.prepare_body(data, files)
    return {"data": prepared.body, "content_type": prepared.headers["Content-Type"]}


_WERKZEUG_MULTIPART = WSGI_TRANSPORT._serializers["multipart/form-data"]


@pytest.fixture
def wsgi_multipart():
    WSGI_TRANSPORT.serializer("multipart/form-data")(_multipart)
    yield
    WSGI_TRANSPORT.serializer("multipart/form-data")(_WERKZEUG_MULTIPART)


@pytest.fixture
def run(world, role, wsgi_app, wsgi_multipart):
    """The user of this run, their token header, the counting app, and the ids
    that exist at the start (both tenants'), per resource."""
    user = getattr(world.a, role)
    token, key = services.apitoken_create(naam="schemathesis", actor=user)
    # A submitted year next to the world's open one, so that terugsturen,
    # beoordelen and vaststellen can succeed too.
    afspraken_services.toetsing_indienen(
        toetsing=afspraken_services.toetsing_open(
            afspraak=world.a.afspraak, jaar=2025, actor=world.a.beheerder
        ),
        actor=world.a.bestuur,
    )
    # Tokens to find: a spare one of the user's own, and one of another user.
    services.apitoken_create(naam="reserve", actor=user)
    services.apitoken_create(naam="van B", actor=world.b.beheerder)
    # A machine client of each tenant's corporatie (the world holds none), to
    # find and revoke.
    for tenant in (world.a, world.b):
        register_client(tenant, "Coopsturing.Gebouwen.Read")
    # An open invitation to the board of each tenant's cooperatie (the world
    # holds none), to withdraw and send again.
    for tenant in (world.a, world.b):
        uitnodigingen.uitnodiging_create(
            email="kandidaat@example.org",
            soort=RolSoort.BESTUUR,
            cooperatie=tenant.cooperatie,
            actor=tenant.beheerder,
        )
    ids = {
        resource: list(model.objects.order_by(field).values_list(field, flat=True)[:50])
        for resource, (model, field) in PATH_MODELS.items()
    }
    ids["tokens"].remove(token.pk)
    return {
        "user": user,
        "token": token,
        "headers": {"Authorization": f"Token {key}"},
        "app": wsgi_app,
        "ids": ids,
        "failures": set(),  # operations with a failing check
    }


@pytest.fixture
def api_schema(run):
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", run["app"], config=CONFIG
    )

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        """Half of the time, the id of a row that exists (either tenant's). The
        pool is fixed at the start, so generation never depends on what earlier
        requests did."""
        if not path_parameters:
            return st.just(path_parameters)
        # Paths are relative to the schema's server URL (/api/v1).
        resource = context.operation.path.split("/")[1]
        # A document named by a code, not a row (gemeente-overzichten): the
        # generated values only.
        ids = run["ids"].get(resource)
        name = "seq" if resource == "journaal" else "id"
        if not ids:
            return st.just(path_parameters)
        return st.one_of(
            st.just(path_parameters),
            st.sampled_from(ids).map(lambda pk: {**path_parameters, name: pk}),
        )

    @schema.hook
    def map_query(context, query):
        """A `vervolg` is a position the server made and signed
        (kern.api.seek): none can be generated, and a value the server did not
        make is refused by design (tests/api/test_vervolg.py), so generated
        queries go without one."""
        if query:
            query.pop("vervolg", None)
        return query

    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case, run):
    if (
        case.method == "DELETE"
        and case.path == "/tokens/{id}/"
        and str(case.path_parameters.get("id")) == str(run["token"].pk)
    ):
        # Revoking the token the run authenticates with would end the run.
        case.path_parameters = {**case.path_parameters, "id": 0}
    try:
        case.call_and_validate(headers=run["headers"])
    except FailureGroup:
        run["failures"].add(case.operation.label)
        raise


@pytest.fixture(autouse=True)
def _report(request, run, role, totals, capsys):
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    run["token"].refresh_from_db()
    assert run["token"].revoked_at is None, "the run revoked its own token"
    totals["requests"] += run["app"].requests
    totals["failures"] += len(run["failures"])
    totals["seconds"] += seconds
    totals["runs"].append(f"{role} {run['app'].requests:,}")
    with capsys.disabled():
        print(
            f"\nschemathesis ({role}): {run['app'].requests:,} requests, "
            f"{len(run['failures'])} failures, {seconds:.0f} s"
        )
