"""Who gets what from every API route: one declarative matrix.

For every route the router registers and every HTTP method (GET, POST, PUT, PATCH,
DELETE), the status each actor gets on tenant A's objects:

- 200/201/204: allowed (and an allowed write leaves exactly one journal entry with
  the named action, by that actor);
- 401: anonymous;
- 404: the object is outside the actor's scope (it does not exist for them);
- 403: in scope, but the actor's role may not do this; for a create: a role
  that may not create such objects at all, whatever the body holds (decided
  before the body is read);
- 400: a create by a role that may create such objects, whose related input
  (tenant A's corporatie, afspraak, …) is outside the actor's scope: a field
  error, as if the object did not exist;
- 405: the route does not take this method.

A denied cell writes nothing: no journal entry and no changed row. Each actor's
request runs in its own savepoint that is rolled back, so every actor meets the
same world. `test_matrix_covers_every_route_and_method` enumerates the router: a
new route or method without a row here fails the suite. The bodies and targets
the cells use are in `matrix_inputs`.

Machine clients (OAuth2 client credentials) are not a row of their own: a client
of corporatie A acts as A's beheerder within its scopes, so its status follows
from beheerder A's and the route's scope (`client_statuses`). Every cell is also
run for two real clients of A with tokens from the token endpoint: one holding
the scope the cell needs, one holding every other scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from afspraken.api import serializers as afspraken_s
from config.api_urls import router
from cooperatie.api import serializers as cooperatie_s
from kern.api.oauth import view_scopes
from ledger.api import serializers as ledger_s
from tests.api.matrix_inputs import (
    as_put,
    beoordeling,
    corporatie_a_2024,
    fixed,
    ingediend,
    loose_activiteit,
    loose_gebouw,
    new_activiteit,
    new_afspraak,
    new_apiclient,
    new_bijlage,
    new_boeking,
    new_cooperatie,
    new_corporatie,
    new_gebouw,
    new_jaarparameter,
    new_lid,
    new_overeenkomst,
    new_toetsing,
    new_toezegging,
    new_uitnodiging,
    sealed_2024,
    sha256_of_a_rapport,
)

ACTORS = (
    "anonymous",
    "a.beheerder",
    "a.auditor",
    "a.bestuur",
    "b.beheerder",
    "b.bestuur",
    "superuser",
)
METHODS = ("get", "post", "put", "patch", "delete")
ALLOWED = frozenset({200, 201, 204})


@dataclass(frozen=True)
class Cell:
    """The expected status per actor of one route and method, with what the
    request needs: its body, query, target and the journal action it writes."""

    statuses: dict[str, int]
    action: str | None = None
    body: Callable[[Any, Any], dict] | None = None
    query: Callable[[Any], dict] | None = None
    target: Callable[[Any], Any] | None = None
    fmt: str = "json"


def row(*statuses: int, **kwargs) -> Cell:
    """A matrix row: the statuses in the order of ACTORS."""
    assert len(statuses) == len(ACTORS), statuses
    return Cell(dict(zip(ACTORS, statuses, strict=True)), **kwargs)


NOT_ALLOWED = row(401, 405, 405, 405, 405, 405, 405)


def not_allowed(*methods: str) -> dict[str, Cell]:
    return dict.fromkeys(methods, NOT_ALLOWED)


# Machine clients -----------------------------------------------------------------

# A client of corporatie A with the scope the cell needs, and one with every
# other scope.
CLIENT = "a.koppeling"
CLIENT_WITHOUT_SCOPE = "a.koppeling-zonder-scope"
CLIENTS = (CLIENT, CLIENT_WITHOUT_SCOPE)


def client_scopes(name: str, method: str) -> tuple[str, ...]:
    """The scopes of which a client needs one for this route and method (the
    view's `scope_group`, and `scope_reads` of its action)."""
    pattern = next(p for p in router.get_urls() if p.name == name)
    callback = pattern.callback
    view_class = getattr(callback, "cls", None) or callback.view_class
    view = view_class(**getattr(callback, "initkwargs", {}))
    return view_scopes(view, method)


def client_statuses(name: str, method: str, cell: Cell) -> dict[str, int]:
    """What each client gets: 405 where the route takes no such method; with
    an accepted scope, what beheerder A gets; without one, 403."""
    if cell.statuses == NOT_ALLOWED.statuses:
        return dict.fromkeys(CLIENTS, 405)
    scoped = cell.statuses["a.beheerder"] if client_scopes(name, method) else 403
    return {CLIENT: scoped, CLIENT_WITHOUT_SCOPE: 403}


# The matrix ----------------------------------------------------------------------
# One row per route and method; the columns are ACTORS:
#   an = anonymous, aB = a.beheerder, aA = a.auditor, aS = a.bestuur,
#   bB = b.beheerder, bS = b.bestuur, su = superuser.

# fmt: off
MATRIX: dict[str, dict[str, Cell]] = {
    #                     an   aB   aA   aS   bB   bS   su
    "api-root": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    # Corporaties: the platform operator registers them; a beheerder edits its own.
    "corporatie-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 403, 403, 403, 403, 403, 201,
                          body=new_corporatie, action="corporatie_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "corporatie-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        "put":        row(401, 200, 403, 403, 404, 404, 200,
                          body=as_put(cooperatie_s.CorporatieSerializer,
                                      plaats="Amersfoort"),
                          action="corporatie_update"),
        "patch":      row(401, 200, 403, 403, 404, 404, 200,
                          body=fixed({"plaats": "Amersfoort"}),
                          action="corporatie_update"),
        **not_allowed("post", "delete"),
    },
    # Gebouwen: the beheerder of the corporatie.
    "gebouw-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 403, 403, 400, 403, 201,
                          body=new_gebouw, action="gebouw_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "gebouw-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        "put":        row(401, 200, 403, 403, 404, 404, 200,
                          body=as_put(cooperatie_s.GebouwUpdateSerializer,
                                      naam="De Oude Linde"),
                          action="gebouw_update"),
        "patch":      row(401, 200, 403, 403, 404, 404, 200,
                          body=fixed({"naam": "De Oude Linde"}),
                          action="gebouw_update"),
        # A gebouw without contracts (one with contracts is kept): the bestuur
        # has no link to it at all.
        "delete":     row(401, 204, 403, 404, 404, 404, 204,
                          target=loose_gebouw, action="gebouw_delete"),
        "post":       NOT_ALLOWED,
    },
    # Cooperaties: a beheerder registers one for its corporatie; the beheerder or
    # the cooperatie's own bestuur edits it.
    "cooperatie-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 403, 403, 400, 403, 201,
                          body=new_cooperatie, action="cooperatie_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "cooperatie-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        "put":        row(401, 200, 403, 200, 404, 404, 200,
                          body=as_put(cooperatie_s.CooperatieUpdateSerializer,
                                      website="https://linde.example.nl"),
                          action="cooperatie_update"),
        "patch":      row(401, 200, 403, 200, 404, 404, 200,
                          body=fixed({"naam": "Wooncoöperatie De Linde"}),
                          action="cooperatie_update"),
        **not_allowed("post", "delete"),
    },
    # Overeenkomsten: the beheerder of the gebouw's corporatie.
    "overeenkomst-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 403, 403, 400, 403, 201,
                          body=new_overeenkomst, action="overeenkomst_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "overeenkomst-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        "put":        row(401, 200, 403, 403, 404, 404, 200,
                          body=as_put(cooperatie_s.OvereenkomstUpdateSerializer,
                                      einddatum="2030-12-31"),
                          action="overeenkomst_update"),
        "patch":      row(401, 200, 403, 403, 404, 404, 200,
                          body=fixed({"einddatum": "2030-12-31"}),
                          action="overeenkomst_update"),
        **not_allowed("post", "delete"),
    },
    "overeenkomst-beeindigen": {
        "post":       row(401, 200, 403, 403, 404, 404, 200,
                          body=fixed({"einddatum": "2030-12-31"}),
                          action="overeenkomst_end"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    # Leden: the bestuur keeps its member list. The target is a board member, whom
    # a beheerder sees (name and function); an auditor sees no member rows.
    "lid-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 403, 403, 201, 403, 400, 201,
                          body=new_lid, action="lid_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "lid-detail": {
        "get":        row(401, 200, 404, 200, 404, 404, 200),
        "put":        row(401, 403, 404, 200, 404, 404, 200,
                          body=as_put(cooperatie_s.LidUpdateSerializer,
                                      telefoon="0612345678"),
                          action="lid_update"),
        "patch":      row(401, 403, 404, 200, 404, 404, 200,
                          body=fixed({"telefoon": "0612345678"}),
                          action="lid_update"),
        **not_allowed("post", "delete"),
    },
    "lid-beeindigen": {
        "post":       row(401, 403, 404, 200, 404, 404, 200,
                          body=fixed({"lid_tot": "2025-06-01"}), action="lid_end"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    # Afspraken and toezeggingen: the beheerder; the bestuur reads its own.
    "afspraak-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 403, 403, 400, 403, 201,
                          body=new_afspraak, action="afspraak_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "afspraak-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        "put":        row(401, 200, 403, 403, 404, 404, 200,
                          body=as_put(afspraken_s.AfspraakUpdateSerializer,
                                      titel="Herzien"),
                          action="afspraak_update"),
        "patch":      row(401, 200, 403, 403, 404, 404, 200,
                          body=fixed({"titel": "Herzien"}), action="afspraak_update"),
        **not_allowed("post", "delete"),
    },
    "toezegging-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 403, 403, 400, 403, 201,
                          body=new_toezegging, action="toezegging_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "toezegging-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        "put":        row(401, 200, 403, 403, 404, 404, 200,
                          body=as_put(afspraken_s.ToezeggingUpdateSerializer,
                                      norm="15.00"),
                          action="toezegging_update"),
        "patch":      row(401, 200, 403, 403, 404, 404, 200,
                          body=fixed({"norm": "15.00"}), action="toezegging_update"),
        "delete":     row(401, 204, 403, 403, 404, 404, 204,
                          action="toezegging_delete"),
        "post":       NOT_ALLOWED,
    },
    # Activiteiten, bijlagen and boekingen: the bestuur books them.
    "activiteit-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 403, 403, 201, 403, 400, 201,
                          body=new_activiteit, action="activiteit_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "activiteit-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        "put":        row(401, 403, 403, 200, 404, 404, 200,
                          body=as_put(ledger_s.ActiviteitUpdateSerializer,
                                      titel="Taalcafé plus"),
                          action="activiteit_update"),
        "patch":      row(401, 403, 403, 200, 404, 404, 200,
                          body=fixed({"titel": "Taalcafé plus"}),
                          action="activiteit_update"),
        # An activiteit without bookings (one with bookings is kept).
        "delete":     row(401, 403, 403, 204, 404, 404, 204,
                          target=loose_activiteit, action="activiteit_delete"),
        "post":       NOT_ALLOWED,
    },
    # Many at once, all or nothing: the same rights as one create.
    "activiteit-bulk": {
        "post":       row(401, 403, 403, 201, 403, 400, 201,
                          body=lambda w, t: [new_activiteit(w, t)],
                          action="activiteit_create"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    "activiteit-bijlagen": {
        "post":       row(401, 403, 403, 201, 404, 404, 201,
                          body=new_bijlage, fmt="multipart", action="bijlage_add"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    "boeking-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 403, 403, 201, 403, 400, 201,
                          body=new_boeking, action="boeking_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "boeking-bulk": {
        "post":       row(401, 403, 403, 201, 403, 400, 201,
                          body=lambda w, t: [new_boeking(w, t)],
                          action="boeking_create"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    # Bookings are never changed or deleted: a storno cancels one.
    "boeking-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    "boeking-bonnen": {
        "post":       row(401, 403, 403, 201, 404, 404, 201,
                          body=new_bijlage, fmt="multipart", action="bon_add"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    "boeking-storno": {
        "post":       row(401, 403, 403, 201, 404, 404, 201,
                          body=fixed({"omschrijving": "Dubbel geboekt"}),
                          action="boeking_storno"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    # The yearly cycle: either the beheerder or the bestuur opens a year; the
    # bestuur submits it; the beheerder returns, assesses and approves.
    "toetsing-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 403, 201, 400, 400, 201,
                          body=new_toetsing, action="toetsing_open"),
        **not_allowed("put", "patch", "delete"),
    },
    "toetsing-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    "toetsing-indienen": {
        "post":       row(401, 403, 403, 200, 404, 404, 200,
                          body=fixed({}), action="toetsing_indienen"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    "toetsing-terugsturen": {
        "post":       row(401, 200, 403, 403, 404, 404, 200,
                          target=ingediend,
                          body=fixed({"reden": "De uren van maart ontbreken."}),
                          action="toetsing_terugsturen"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    "toetsing-beoordelen": {
        "post":       row(401, 200, 403, 403, 404, 404, 200,
                          body=beoordeling, action="toetsing_beoordelen"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    "toetsing-vaststellen": {
        "post":       row(401, 200, 403, 403, 404, 404, 200,
                          target=ingediend, body=fixed({}),
                          action="toetsing_vaststellen"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    # Sealed reports: read by everyone of the tenant.
    "rapport-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    "rapport-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    "rapport-pdf": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    "rapport-bundel": {
        "get":        row(401, 200, 200, 200, 404, 404, 200,
                          target=sealed_2024, query=corporatie_a_2024),
        **not_allowed("post", "put", "patch", "delete"),
    },
    # Verifying is a read: anyone signed in may ask; outside the scope the answer
    # is "not sealed" (see test_rules).
    "rapport-verifieer": {
        "post":       row(401, 200, 200, 200, 200, 200, 200,
                          body=sha256_of_a_rapport),
        **not_allowed("get", "put", "patch", "delete"),
    },
    # Legal figures: public to every signed-in user, kept by the platform operator.
    "jaarparameter-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 403, 403, 403, 403, 403, 201,
                          body=new_jaarparameter, action="jaarparameter_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "jaarparameter-detail": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "put":        row(401, 403, 403, 403, 403, 403, 200,
                          body=as_put(afspraken_s.JaarparameterUpdateSerializer,
                                      waarde="48000.00"),
                          action="jaarparameter_update"),
        "patch":      row(401, 403, 403, 403, 403, 403, 200,
                          body=fixed({"waarde": "48000.00"}),
                          action="jaarparameter_update"),
        **not_allowed("post", "delete"),
    },
    # The journal is read-only.
    "journaal-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    "journaal-detail": {
        "get":        row(401, 200, 200, 200, 404, 404, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    # API tokens are personal: the target is a.beheerder's own token.
    "apitoken-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 201, 201, 201, 201, 201,
                          body=fixed({"naam": "Script"}), action="apitoken_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "apitoken-detail": {
        "get":        row(401, 200, 404, 404, 404, 404, 404),
        "delete":     row(401, 204, 404, 404, 404, 404, 404,
                          action="apitoken_revoke"),
        **not_allowed("post", "put", "patch"),
    },
    # Machine clients (OAuth2 client credentials) of a corporatie: its beheerders
    # register and revoke them (registering needs a session, not a token); the
    # target is a client of A. An auditor or a bestuur sees none.
    "apiclient-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 403, 403, 400, 403, 201,
                          body=new_apiclient, action="apiclient_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "apiclient-detail": {
        "get":        row(401, 200, 404, 404, 404, 404, 200),
        "delete":     row(401, 204, 404, 404, 404, 404, 204,
                          action="apiclient_revoke"),
        **not_allowed("post", "put", "patch"),
    },
    # Invitations to a role: a beheerder invites to its corporatie and to the
    # board of the cooperaties in its reach, a bestuur its fellow board members.
    # The target is A's invitation to the board of cooperatie A; an auditor sees
    # no invitations. An invitation is withdrawn or sent again, never changed.
    "uitnodiging-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        "post":       row(401, 201, 403, 201, 400, 400, 201,
                          body=new_uitnodiging, action="uitnodiging_create"),
        **not_allowed("put", "patch", "delete"),
    },
    "uitnodiging-detail": {
        "get":        row(401, 200, 404, 200, 404, 404, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    "uitnodiging-intrekken": {
        "post":       row(401, 200, 404, 200, 404, 404, 200,
                          body=fixed({}), action="uitnodiging_withdraw"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    "uitnodiging-opnieuw-versturen": {
        "post":       row(401, 200, 404, 200, 404, 404, 200,
                          body=fixed({}), action="uitnodiging_resend"),
        **not_allowed("get", "put", "patch", "delete"),
    },
    # Roles: granted by invitation, ended with DELETE. The target is the bestuur
    # role of a fellow board member of a.bestuur on cooperatie A.
    "rol-list": {
        "get":        row(401, 200, 200, 200, 200, 200, 200),
        **not_allowed("post", "put", "patch", "delete"),
    },
    "rol-detail": {
        "get":        row(401, 200, 404, 200, 404, 404, 200),
        "delete":     row(401, 204, 404, 204, 404, 404, 204, action="rol_delete"),
        **not_allowed("post", "put", "patch"),
    },
}
# fmt: on
