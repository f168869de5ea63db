"""Every list endpoint costs the same number of queries for 3 rows or for 30.

Each test makes n rows of tenant A whose serializer reads every relation it
shows (gebouwen of an afspraak, vrijwilligers and bijlagen of an activiteit, the
storno of a boeking, the rapport of a toetsing, …), lists them as the user who
sees them, and counts the queries exactly. `force_authenticate` skips session and
token lookups, so they are not counted; the user is read fresh, so the scope query
(the user's roles) is. The comment above each count lists the queries.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest
from rest_framework.test import APIClient

from config.api_urls import router
from cooperatie import uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import ApiClient, ApiToken
from tests.afspraken.factories import (
    AfspraakFactory,
    JaarparameterFactory,
    PrestatieafspraakFactory,
    PrestatiedoelFactory,
    RapportFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    CorporatieFactory,
    GebouwFactory,
    LidFactory,
    OvereenkomstFactory,
    RolFactory,
    UserFactory,
)
from tests.helpers import fresh
from tests.ledger.factories import (
    ActiviteitFactory,
    AuditEntryFactory,
    BijlageFactory,
    BoekingFactory,
    BonFactory,
)

ROWS = pytest.mark.parametrize("n", [3, 30])


def list_ids(django_assert_num_queries, user, resource: str, queries: int):
    """The ids on the first page of the list, asserting the exact query count."""
    client = APIClient()
    client.force_authenticate(fresh(user))
    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1/{resource}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] <= 50, "the rows must fit on one page"
    return {row["id"] for row in body["results"]}


@ROWS
def test_corporaties_list_queries(world, django_assert_num_queries, n):
    a = world.a
    made = [CorporatieFactory() for _ in range(n)]
    for corporatie in made:
        RolFactory(user=a.beheerder, corporatie=corporatie)
    # 1 scope (the user's roles), 2 the page with the list's count (a lean
    # list reads both in one query).
    ids = list_ids(django_assert_num_queries, a.beheerder, "corporaties", 2)
    assert {c.pk for c in made} <= ids


@ROWS
def test_gebouwen_list_queries(world, django_assert_num_queries, n):
    made = GebouwFactory.create_batch(n, corporatie=world.a.corporatie)
    # 1 scope, 2 the page with its count.
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "gebouwen", 2)
    assert {g.pk for g in made} <= ids


@ROWS
def test_cooperaties_list_queries(world, django_assert_num_queries, n):
    made = CooperatieFactory.create_batch(n, aangemeld_door=world.a.corporatie)
    # 1 scope, 2 the page with its count (the scope is a subquery of both).
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "cooperaties", 2)
    assert {c.pk for c in made} <= ids


@ROWS
@pytest.mark.parametrize("role", ["auditor", "bestuur"])
def test_cooperaties_list_queries_per_role(world, django_assert_num_queries, n, role):
    """Whether the user may see a row is decided for the whole page in the
    query itself, never per row, for every role."""
    made = CooperatieFactory.create_batch(n, aangemeld_door=world.a.corporatie)
    for cooperatie in made:
        RolFactory(user=world.a.bestuur, cooperatie=cooperatie, bestuur=True)
    user = getattr(world.a, role)
    # 1 scope, 2 the page with its count.
    ids = list_ids(django_assert_num_queries, user, "cooperaties", 2)
    assert {c.pk for c in made} <= ids


@ROWS
def test_overeenkomsten_list_queries(world, django_assert_num_queries, n):
    a = world.a
    made = [
        OvereenkomstFactory(
            gebouw=GebouwFactory(corporatie=a.corporatie), cooperatie=a.cooperatie
        )
        for _ in range(n)
    ]
    # 1 scope, 2 the page with its count.
    ids = list_ids(django_assert_num_queries, a.beheerder, "overeenkomsten", 2)
    assert {o.pk for o in made} <= ids


@ROWS
def test_leden_list_queries_for_the_bestuur(world, django_assert_num_queries, n):
    made = LidFactory.create_batch(n, cooperatie=world.a.cooperatie)
    # 1 scope (also gives the cooperaties whose personal data the user reads),
    # 2 the page with its count, 3 the read log (one insert, docs/privacy.md).
    ids = list_ids(django_assert_num_queries, world.a.bestuur, "leden", 3)
    assert {lid.pk for lid in made} <= ids


@ROWS
def test_leden_list_queries_for_a_beheerder(world, django_assert_num_queries, n):
    made = LidFactory.create_batch(
        n, cooperatie=world.a.cooperatie, bestuursfunctie="bestuurslid"
    )
    # 1 scope, 2 the cooperaties whose board members the beheerder sees,
    # 3 the page with its count, 4 the read log.
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "leden", 4)
    assert {lid.pk for lid in made} <= ids


@ROWS
def test_afspraken_list_queries(world, django_assert_num_queries, n):
    a = world.a
    extra = GebouwFactory(corporatie=a.corporatie)
    made = [
        AfspraakFactory(
            corporatie=a.corporatie, cooperatie=a.cooperatie, gebouwen=[a.gebouw, extra]
        )
        for _ in range(n)
    ]
    # 1 scope, 2 the page with its count, 3 the gebouwen of the page.
    ids = list_ids(django_assert_num_queries, a.beheerder, "afspraken", 3)
    assert {x.pk for x in made} <= ids


@ROWS
def test_prestatieafspraken_list_queries(world, django_assert_num_queries, n):
    made = PrestatieafspraakFactory.create_batch(n, corporatie=world.a.corporatie)
    for p in made:
        PrestatiedoelFactory.create_batch(2, prestatieafspraak=p)
    # 1 scope, 2 the page with its count, 3 the doelen of the page.
    ids = list_ids(
        django_assert_num_queries, world.a.beheerder, "prestatieafspraken", 3
    )
    assert {p.pk for p in made} <= ids


@ROWS
def test_toezeggingen_list_queries(world, django_assert_num_queries, n):
    made = ToezeggingFactory.create_batch(n, afspraak=world.a.afspraak)
    # 1 scope, 2 the page with its count (with its afspraak joined).
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "toezeggingen", 2)
    assert {t.pk for t in made} <= ids


@ROWS
def test_activiteiten_list_queries(world, django_assert_num_queries, n):
    a = world.a
    made = []
    for _ in range(n):
        activiteit = ActiviteitFactory(
            cooperatie=a.cooperatie,
            vrijwilligers=[a.lid, a.bestuurslid],
            buurtcode=a.gebouw.buurtcode,
        )
        BijlageFactory(activiteit=activiteit)
        made.append(activiteit)
    # 1 scope, 2 the page with its count, 3 the vrijwilligers with their hours
    # (one query of vrijwilligerschappen), 4 the bijlagen, 5 the Woningwet
    # flags (the overeenkomsten of the cooperaties of the page's activities
    # with a buurtcode, with their gebouwen; none without such activities).
    ids = list_ids(django_assert_num_queries, a.beheerder, "activiteiten", 5)
    assert {x.pk for x in made} <= ids


@ROWS
def test_boekingen_list_queries(world, django_assert_num_queries, n):
    cooperatie = world.a.cooperatie
    # n rows: half of them originals, the other half their storno's.
    originals = BoekingFactory.create_batch(n - n // 2, cooperatie=cooperatie)
    for boeking in originals:
        BonFactory(boeking=boeking)
    made = originals + [
        BoekingFactory(cooperatie=cooperatie, corrigeert=boeking)
        for boeking in originals[: n // 2]
    ]
    # 1 scope, 2 the page with its count (with each boeking's storno joined),
    # 3 the receipts of the page.
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "boekingen", 3)
    assert {b.pk for b in made} <= ids


@ROWS
def test_toetsingen_list_queries(world, django_assert_num_queries, n):
    made = []
    for i in range(n):
        toetsing = ToetsingFactory(
            afspraak=world.a.afspraak, jaar=1990 + i, status="vastgesteld"
        )
        RapportFactory(toetsing=toetsing)
        made.append(toetsing)
    # 1 scope, 2 count, 3 the page (with its afspraak joined), 4 prefetch rapporten.
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "toetsingen", 4)
    assert {t.pk for t in made} <= ids


@ROWS
def test_rapporten_list_queries(world, django_assert_num_queries, n):
    made = [
        RapportFactory(
            toetsing=ToetsingFactory(
                afspraak=world.a.afspraak, jaar=1990 + i, status="vastgesteld"
            )
        )
        for i in range(n)
    ]
    # 1 scope, 2 count, 3 the page (with each toetsing joined for jaar, afspraak).
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "rapporten", 3)
    assert {r.pk for r in made} <= ids


@ROWS
def test_jaarparameters_list_queries(world, django_assert_num_queries, n):
    made = [JaarparameterFactory(jaar=1990 + i) for i in range(n)]
    # Legal figures are public to every signed-in user, so no scope query:
    # 1 the page with its count.
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "jaarparameters", 1)
    assert {p.pk for p in made} <= ids


@ROWS
def test_journaal_list_queries(world, django_assert_num_queries, n):
    made = AuditEntryFactory.create_batch(n, corporatie_id=world.a.corporatie.pk)
    # 1 scope, 2 the page with its count.
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "journaal", 2)
    assert {e.pk for e in made} <= ids


@ROWS
def test_tokens_list_queries(world, django_assert_num_queries, n):
    user = world.a.beheerder
    made = [
        ApiToken.objects.create(
            user=user,
            naam=f"Script {i}",
            prefix=f"cs_{i:05d}",
            key_hash=f"{i:064x}",
            verloopt_op=timezone.now() + datetime.timedelta(days=90),
        )
        for i in range(n)
    ]
    # A user's own tokens, by user id, so no scope query: 1 the page with its
    # count.
    ids = list_ids(django_assert_num_queries, user, "tokens", 1)
    assert {t.pk for t in made} == ids


@ROWS
def test_koppelingen_list_queries(world, django_assert_num_queries, n):
    made = [
        ApiClient.objects.create(
            corporatie=world.a.corporatie,
            naam=f"Koppeling {i}",
            scopes=["Coopsturing.Gebouwen.Read"],
            client_id=f"client-{i}",
            gebruiker=UserFactory(username=f"client:Koppeling {i} (client-{i})"),
        )
        for i in range(n)
    ]
    # 1 scope, 2 count, 3 the page.
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "koppelingen", 3)
    assert {k.pk for k in made} == ids


@ROWS
def test_uitnodigingen_list_queries(world, django_assert_num_queries, n):
    made = [
        uitnodigingen.uitnodiging_create(
            email=f"kandidaat{i}@example.org",
            soort=RolSoort.BESTUUR,
            cooperatie=world.a.cooperatie,
            actor=world.a.beheerder,
        )
        for i in range(n)
    ]
    # 1 scope, 2 count, 3 the page (the status is worked out from its own row).
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "uitnodigingen", 3)
    assert {u.pk for u in made} == ids


@ROWS
def test_rollen_list_queries(world, django_assert_num_queries, n):
    made = RolFactory.create_batch(n, cooperatie=world.a.cooperatie, bestuur=True)
    # 1 scope, 2 count, 3 the page (with each role's user joined for the name).
    ids = list_ids(django_assert_num_queries, world.a.beheerder, "rollen", 3)
    assert {r.pk for r in made} <= ids


def test_every_list_endpoint_has_a_query_count_test():
    """A new resource in the router needs its own count above."""
    tested = {
        name.removeprefix("test_").split("_list_queries")[0]
        for name in globals()
        if name.startswith("test_") and "_list_queries" in name
    }
    prefixes = {prefix for prefix, _viewset, _basename in router.registry}
    assert prefixes <= tested, sorted(prefixes - tested)
