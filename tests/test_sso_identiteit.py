"""The identity at the provider (issuer and `sub`) bound to an account at its
first completed sign-in through it: it signs the account in by itself from
then on, an address the provider gave to someone else does not take the
account over, and the platform operator can remove the binding."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

import pytest

from cooperatie import sso
from cooperatie.models import SsoIdentiteit
from kern.models import AuditEntry
from portalen import aanmelding
from tests.sso_helpers import (
    enrol,
    messages_of,
    oidc_provider,
    refused,
    sign_in_via_provider,
    signed_in_user,
)
from tests.tweestaps_helpers import next_code

__all__ = ["oidc_provider"]


def _identiteiten(user) -> list[tuple[str, str]]:
    return list(SsoIdentiteit.objects.filter(user=user).values_list("issuer", "sub"))


def test_the_first_sign_in_binds_the_identity_which_then_signs_in_by_itself(
    client, world, oidc_provider, caplog
):
    """A changed address at the provider still signs in the account the
    identity is bound to, with a line in the security log."""
    beheerder = world.a.beheerder
    oidc_provider.set_user("sub-vast", email=beheerder.email, email_verified=True)
    seq = AuditEntry.objects.count()

    sign_in_via_provider(client, oidc_provider, "sub-vast")

    assert signed_in_user(client) == beheerder
    assert _identiteiten(beheerder) == [(oidc_provider.url, "sub-vast")]
    (entry,) = AuditEntry.objects.order_by("pk")[seq:]
    assert (entry.action, entry.keten, entry.actor_id) == (
        "ssoidentiteit_create",
        "platform",
        beheerder.pk,
    )
    # The provider's number for the person is personal: a digest only.
    assert entry.after["sub"].startswith("hmac-sha256:")
    assert "sub-vast" not in str(entry.after) + entry.object_repr

    client.logout()
    oidc_provider.set_user(
        "sub-vast", email="nieuwe.naam@example.org", email_verified=True
    )
    with caplog.at_level(logging.WARNING, logger="coopsturing.security"):
        sign_in_via_provider(client, oidc_provider, "sub-vast")
    assert signed_in_user(client) == beheerder
    assert any(
        f"single sign-on: email_changed user={beheerder.pk}" in r.getMessage()
        for r in caplog.records
    )
    assert _identiteiten(beheerder) == [(oidc_provider.url, "sub-vast")]
    assert AuditEntry.objects.count() == seq + 1


def test_a_reassigned_address_does_not_take_the_bound_account_over(
    client, world, oidc_provider, caplog
):
    beheerder = world.a.beheerder
    oidc_provider.set_user("oud", email=beheerder.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "oud")
    client.logout()
    # The provider gave the address to someone else, with an identity of
    # their own.
    oidc_provider.set_user("nieuw", email=beheerder.email, email_verified=True)

    message = refused(client, oidc_provider, "nieuw", caplog)

    assert message == (
        f"Het account van {beheerder.email} moet worden aangemeld met de "
        "identiteit bij de aanmelddienst waarmee het eerder is aangemeld; hoort "
        "het adres nu bij iemand anders, vraag dan de beheerder van het platform."
    )
    assert any(
        "single sign-on refused: identity_mismatch" in r.getMessage()
        and f"detail=account={beheerder.pk}" in r.getMessage()
        for r in caplog.records
    )
    assert _identiteiten(beheerder) == [(oidc_provider.url, "oud")]


def test_an_identity_of_another_account_does_not_sign_in_by_address(
    client, world, oidc_provider, caplog
):
    """The identity decides, not the address: one bound to the beheerder
    signs the beheerder in, also with the auditor's address."""
    beheerder, auditor = world.a.beheerder, world.a.auditor
    oidc_provider.set_user("sub-b", email=beheerder.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "sub-b")
    client.logout()
    oidc_provider.set_user("sub-b", email=auditor.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "sub-b")
    assert signed_in_user(client) == beheerder
    assert _identiteiten(auditor) == []


def test_the_operator_unbinds_an_identity_in_the_admin(client, world, oidc_provider):
    beheerder = world.a.beheerder
    oidc_provider.set_user("oud", email=beheerder.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "oud")
    identiteit = SsoIdentiteit.objects.get(user=beheerder)
    operator = Client()
    operator.force_login(world.superuser)
    page = operator.get(f"/admin/cooperatie/ssoidentiteit/{identiteit.pk}/change/")
    assert page.status_code == 200
    assert "oud" in page.content.decode()

    response = operator.post(
        f"/admin/cooperatie/ssoidentiteit/{identiteit.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert _identiteiten(beheerder) == []
    entry = AuditEntry.objects.get(action="ssoidentiteit_delete")
    assert (entry.actor_id, entry.keten) == (world.superuser.pk, "platform")
    assert "oud" not in str(entry.before)
    # The account's sessions end; its next sign-in binds the identity it
    # comes with.
    portal = f"/beheer/{world.a.corporatie.pk}/"
    assert client.get(portal)["Location"].startswith(reverse("login"))
    oidc_provider.set_user("nieuw", email=beheerder.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "nieuw")
    assert signed_in_user(client) == beheerder
    assert _identiteiten(beheerder) == [(oidc_provider.url, "nieuw")]


def test_only_the_platform_operator_unbinds_an_identity(world):
    beheerder = world.a.beheerder
    identiteit = sso.ssoidentiteit_bind(user=beheerder, issuer="https://idp", sub="s")
    with pytest.raises(PermissionDenied):
        sso.ssoidentiteit_delete(ssoidentiteit=identiteit, actor=beheerder)
    assert _identiteiten(beheerder) == [("https://idp", "s")]


def test_a_sign_in_waiting_for_its_code_binds_nothing_until_the_code(
    client, world, oidc_provider
):
    """A sign-in that never completes binds no identity; one bound by another
    sign-in meanwhile refuses it at the code step."""
    beheerder = world.a.beheerder
    app = enrol(beheerder)
    oidc_provider.set_user("eerste", email=beheerder.email, email_verified=True)
    response = sign_in_via_provider(client, oidc_provider, "eerste")
    assert response["Location"] == reverse("login-code")
    assert _identiteiten(beheerder) == []

    sso.ssoidentiteit_bind(user=beheerder, issuer=oidc_provider.url, sub="tweede")
    response = client.post(reverse("login-code"), {"code": next_code(app, beheerder)})

    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert aanmelding.SESSIE_WACHT not in client.session
    assert "moet worden aangemeld met de identiteit" in messages_of(response)[0]
    assert _identiteiten(beheerder) == [(oidc_provider.url, "tweede")]


def test_binding_is_refused_for_a_bound_identity_or_account(world):
    a, b = world.a.beheerder, world.a.auditor
    eerste = sso.ssoidentiteit_bind(user=a, issuer="https://idp", sub="s-1")
    assert sso.ssoidentiteit_bind(user=a, issuer="https://idp", sub="s-1") == eerste
    with pytest.raises(sso.SsoGeweigerdError):
        sso.ssoidentiteit_bind(user=b, issuer="https://idp", sub="s-1")
    with pytest.raises(sso.SsoGeweigerdError):
        sso.ssoidentiteit_bind(user=a, issuer="https://idp", sub="s-2")
    # Another provider is another identity.
    sso.ssoidentiteit_bind(user=b, issuer="https://andere-idp", sub="s-1")
    with pytest.raises(sso.SsoGeweigerdError):
        sso.ssoidentiteit_bind(user=a, issuer="https://idp", sub="x" * 256)


@pytest.mark.parametrize(
    ("user", "sub"), [("auditor", "s-1"), ("beheerder", "s-2")], ids=["sub", "user"]
)
def test_the_database_holds_one_account_per_identity_and_one_identity_per_provider(
    world, user, sub
):
    """The unique constraints themselves (also on PostgreSQL), as two
    sign-ins at once would meet them."""
    SsoIdentiteit.objects.create(
        user=world.a.beheerder, issuer="https://idp", sub="s-1", journaal_salt="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SsoIdentiteit.objects.create(
            user=getattr(world.a, user),
            issuer="https://idp",
            sub=sub,
            journaal_salt="x",
        )
