"""Each model declares once how its rows reach their organisations
(`kern.scoping.Tenancy`); `visible_to`, the portal lookup and the journal's
tags follow from that declaration. Who a user is comes from the one registered
scope provider (the cooperatie app); without it kern decides nothing."""

from __future__ import annotations

from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

import pytest

from afspraken.models import Jaarparameter, Prestatieafspraak, Prestatiedoel, Toetsing
from cooperatie import scope as cooperatie_scope
from cooperatie import uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import (
    ApiClient,
    ApiToken,
    Buurtkerncijfers,
    Corporatie,
    Gebouw,
    Leefbaarometerscore,
    Lid,
    Rol,
    Uitnodiging,
)
from kern import journal, scoping
from kern.models import AuditEntry
from kern.scoping import (
    EMPTY,
    NONE,
    Scope,
    ScopedQuerySet,
    ScopeProvider,
    Tenancy,
    check_scope_provider,
    check_tenancy_paths,
    path_error,
    reached_q,
    scope_of,
    tenancy_of,
)
from portalen.ui import AUDIT, BEHEER, BESTUUR, Portal, in_portal
from tests.api.oauth_helpers import register as register_client
from tests.helpers import fresh

DECLARED = [model for model in apps.get_models() if tenancy_of(model) != NONE]

# Reached beyond the declaration: a bestuur also sees the corporaties its
# cooperatie is tied to, the gebouwen it has an overeenkomst on or an afspraak
# about, and the prestatieafspraken (with their targets) its afspraken refer to
# (the querysets add that).
WIDER = {Corporatie, Gebouw, Prestatieafspraak, Prestatiedoel}
# Reached less: a user sees their own roles, and only a beheerder the others of
# their organisations (RolQuerySet); the declaration serves the journal. Only
# a corporatie's beheerders see its machine clients.
NARROWER = {Rol, Uitnodiging, ApiClient}
# Of those, the roles add the user's own rows in `visible_to` itself.
OWN_VISIBLE_TO = {Rol}
# Scoped by their own rule, without a declaration: personal tokens, public legal
# figures, public figures per buurt, and the journal, whose entries carry their
# organisations as tags.
OWN_RULE = {
    ApiToken,
    Jaarparameter,
    AuditEntry,
    Leefbaarometerscore,
    Buurtkerncijfers,
}

USERS = [f"{t}.{r}" for t in ("a", "b") for r in ("beheerder", "auditor", "bestuur")]


def _user(world, name: str):
    tenant, role = name.split(".")
    return fresh(getattr(getattr(world, tenant), role))


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_every_scoped_model_declares_its_tenancy_or_has_its_own_rule():
    scoped = {
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), ScopedQuerySet)
    }
    assert scoped - set(DECLARED) == OWN_RULE


def test_the_declarations_lead_through_the_models_fields():
    assert check_tenancy_paths() == []
    assert path_error(Toetsing, "afspraak__corporatie") is None
    assert path_error(Gebouw, "pk") is None
    assert "gebouwen" in path_error(Toetsing, "afspraak__gebouwen__corporatie")
    assert "nergens" in path_error(Toetsing, "afspraak__nergens")


@pytest.mark.parametrize("model", DECLARED, ids=lambda m: m._meta.label)
def test_visible_to_follows_the_declaration(world, model):
    if model is Uitnodiging:  # the world holds none: one per tenant
        for tenant in (world.a, world.b):
            uitnodigingen.uitnodiging_create(
                email="nieuw@example.nl",
                soort=RolSoort.BESTUUR,
                cooperatie=tenant.cooperatie,
                actor=tenant.beheerder,
            )
    if model is ApiClient:  # the world holds none: one per tenant
        for tenant in (world.a, world.b):
            register_client(tenant, "Coopsturing.Gebouwen.Read")
    tenancy = tenancy_of(model)
    queryset = model._default_manager.all()
    reached_any = False
    for name in USERS:
        user = _user(world, name)
        declared = _ids(
            model._default_manager.filter(reached_q(tenancy, scope_of(user)))
        )
        visible = _ids(model._default_manager.visible_to(user))
        reached_any |= bool(declared)
        if model in WIDER:
            assert declared <= visible, name
        elif model not in NARROWER:
            assert visible == declared, name
    assert reached_any
    derived = type(queryset).scope_q is ScopedQuerySet.scope_q
    assert derived == (model not in WIDER | NARROWER)
    assert (type(queryset).visible_to is ScopedQuerySet.visible_to) == (
        model not in OWN_VISIBLE_TO
    )


# No page looks roles up in a portal (in_portal); their reach is their own.
@pytest.mark.parametrize(
    "model", [m for m in DECLARED if m not in NARROWER], ids=lambda m: m._meta.label
)
@pytest.mark.parametrize("soort", [BEHEER, AUDIT, BESTUUR])
def test_the_portal_lookup_follows_the_declaration(world, model, soort):
    a, b = world.a, world.b
    tenancy = tenancy_of(model)
    name = model.__name__
    own, other = a.objects()[name], b.objects()[name]
    user = {BEHEER: a.beheerder, AUDIT: a.auditor, BESTUUR: a.bestuur}[soort]
    if soort == BESTUUR:
        portal = Portal(soort, cooperatie=a.cooperatie)
    else:
        portal = Portal(soort, corporatie=a.corporatie)
    request = SimpleNamespace(user=fresh(user), portal=portal)

    found = _ids(in_portal(request, model._default_manager.all()))

    assert other.pk not in found
    if soort == BESTUUR:
        reaches = tenancy.cooperatie is not None
    else:
        reaches = tenancy.keten is not None  # through either path
    visible = model._default_manager.visible_to(request.user).filter(pk=own.pk)
    assert (own.pk in found) == (reaches and visible.exists())


def test_the_journal_tags_an_object_with_its_declared_organisations(world):
    a = world.a
    for name, obj in a.objects().items():
        tenancy = tenancy_of(obj)
        if tenancy == NONE:
            continue
        corporatie_id, cooperatie_id = journal.scope_tags(obj)
        assert corporatie_id in (None, a.corporatie.pk), name
        assert cooperatie_id in (None, a.cooperatie.pk), name
        if name != "Rol":  # a role has one of the two (this one: a bestuur role)
            assert (corporatie_id is not None) == (tenancy.corporatie is not None)
            assert (cooperatie_id is not None) == (tenancy.cooperatie is not None)


@pytest.mark.parametrize(
    ("tenancy", "keten"),
    [
        (Tenancy(corporatie="corporatie", cooperatie="cooperatie"), "corporatie"),
        (Tenancy(corporatie="pk"), "corporatie"),
        (Tenancy(cooperatie="cooperatie"), "cooperatie"),
        (Tenancy(), None),
    ],
)
def test_the_chain_of_a_model_follows_from_its_paths(tenancy, keten):
    assert tenancy.keten == keten


def test_an_unknown_label_has_no_tenancy():
    assert tenancy_of("afspraken.bestaatniet") == NONE
    assert tenancy_of("geen label") == NONE


def test_the_scope_of_one_organisation():
    corporatie = Scope.of_organisatie(corporatie_id=7)
    assert corporatie.corporaties == {7}
    assert corporatie.beheerder_corporaties == {7}
    assert not corporatie.auditor_corporaties
    assert not corporatie.bestuur_cooperaties
    cooperatie = Scope.of_organisatie(cooperatie_id=3)
    assert cooperatie.bestuur_cooperaties == {3}
    assert not cooperatie.corporaties
    assert not cooperatie.is_empty
    assert not cooperatie.is_superuser
    assert EMPTY.is_empty


def test_the_cooperatie_app_is_the_scope_provider():
    assert scoping.scope_provider() == ScopeProvider(
        scope_of=cooperatie_scope.scope_of,
        cooperaties_of_corporaties=cooperatie_scope.cooperatie_ids_of_corporaties,
    )
    assert check_scope_provider() == []


def test_a_second_scope_provider_is_refused(monkeypatch):
    monkeypatch.setattr(scoping, "_provider", scoping._provider)
    scoping.register_scope_provider(  # the same one again: harmless
        scope_of=cooperatie_scope.scope_of,
        cooperaties_of_corporaties=cooperatie_scope.cooperatie_ids_of_corporaties,
    )
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        scoping.register_scope_provider(
            scope_of=lambda user: EMPTY, cooperaties_of_corporaties=lambda ids: []
        )
    assert scoping.scope_provider().scope_of is cooperatie_scope.scope_of


@pytest.mark.parametrize(
    "model", [Corporatie, Lid, Toetsing, AuditEntry], ids=lambda m: m.__name__
)
def test_without_a_scope_provider_kern_decides_no_reach(world, monkeypatch, model):
    """Never everything, never silently nothing: every question fails loudly."""
    user = fresh(world.a.beheerder)
    monkeypatch.setattr(scoping, "_provider", None)

    for who in (user, AnonymousUser()):
        with pytest.raises(ImproperlyConfigured, match="register_scope_provider"):
            model._default_manager.visible_to(who)
    with pytest.raises(ImproperlyConfigured, match="No scope provider"):
        scope_of(user)
    with pytest.raises(ImproperlyConfigured, match="No scope provider"):
        reached_q(tenancy_of(model), Scope.of_organisatie(corporatie_id=1))
    assert [error.id for error in check_scope_provider()] == ["kern.E002"]
