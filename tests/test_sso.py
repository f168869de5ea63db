"""Single sign-on through a real OpenID Connect provider (tests/sso_helpers.py):
who a sign-in is, what it is refused for and why, and the session that ends
when the provider no longer accepts its user."""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

import pytest

from cooperatie import uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import Rol, Uitnodiging
from kern import tweestaps
from kern.models import AuditEntry
from portalen import aanmelding, oidc
from tests.cooperatie.factories import PASSWORD, UserFactory
from tests.sso_helpers import (
    check_due,
    enrol,
    messages_of,
    oidc_provider,
    refused,
    sign_in_via_provider,
    signed_in_user,
    state_of,
)
from tests.tweestaps_helpers import next_code

__all__ = ["oidc_provider"]

User = get_user_model()


def _invite(world, email: str, soort=RolSoort.BESTUUR):
    tenant = world.a
    if soort == RolSoort.BESTUUR:
        return uitnodigingen.uitnodiging_create(
            email=email,
            soort=soort,
            cooperatie=tenant.cooperatie,
            actor=tenant.beheerder,
        )
    return uitnodigingen.uitnodiging_create(
        email=email, soort=soort, corporatie=tenant.corporatie, actor=tenant.beheerder
    )


@pytest.mark.django_db
def test_login_page_offers_the_provider_only_when_configured(client, settings):
    settings.OIDC_ISSUER = ""
    page = client.get(reverse("login")).content.decode()
    assert "Inloggen met" not in page
    assert client.get(reverse("oidc-start")).status_code == 404
    assert client.get(reverse("oidc-callback")).status_code == 404
    settings.OIDC_ISSUER = "https://login.example.org/tenant/v2.0"
    settings.OIDC_RP_CLIENT_ID = "app"
    settings.OIDC_NAAM = "Entra ID"
    page = client.get(reverse("login") + "?next=/audit/1/").content.decode()
    assert "Inloggen met Entra ID" in page
    assert 'href="/accounts/sso/start/?next=/audit/1/"' in page


def test_existing_account_signs_in_by_its_verified_address_in_any_case(
    client, world, oidc_provider
):
    beheerder = world.a.beheerder
    adres = beheerder.email.upper()
    oidc_provider.set_user("entra-sub-1", email=adres, email_verified=True)
    rollen = set(Rol.objects.values_list("pk", flat=True))
    users = User.objects.count()

    response = sign_in_via_provider(client, oidc_provider, "entra-sub-1")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user(client) == beheerder
    assert f"Welkom, {beheerder.username}." in messages_of(response)
    assert client.session["_auth_user_backend"] == aanmelding.OIDC_BACKEND
    assert client.session[oidc.SESSIE_REFRESH]
    assert User.objects.count() == users
    assert set(Rol.objects.values_list("pk", flat=True)) == rollen
    start = client.get("/")
    assert start["Location"] == f"/beheer/{world.a.corporatie.pk}/"


def test_open_invitation_makes_the_account_and_takes_the_role_up(
    client, world, oidc_provider
):
    uitnodiging = _invite(world, "Noor.Bakker@example.org")
    oidc_provider.set_user(
        "entra-noor", email="noor.bakker@example.org", email_verified=True
    )
    seq = AuditEntry.objects.count()

    response = sign_in_via_provider(client, oidc_provider, "entra-noor")

    user = signed_in_user(client)
    assert response.status_code == 302
    assert user.email == "noor.bakker@example.org"
    assert user.username == "noor.bakker@example.org"
    assert not user.has_usable_password()
    assert Rol.objects.filter(
        user=user, soort=RolSoort.BESTUUR, cooperatie=world.a.cooperatie
    ).exists()
    uitnodiging.refresh_from_db()
    assert uitnodiging.geaccepteerd_door == user
    acties = list(
        AuditEntry.objects.order_by("pk")[seq:].values_list("action", flat=True)
    )
    assert acties == [
        "account_create",
        "rol_create",
        "uitnodiging_accept",
        "ssoidentiteit_create",
    ]
    assert client.get("/")["Location"] == f"/bestuur/{world.a.cooperatie.pk}/"


def test_existing_account_also_takes_its_open_invitations_up(
    client, world, oidc_provider
):
    auditor = world.a.auditor
    _invite(world, auditor.email, soort=RolSoort.BEHEERDER)
    oidc_provider.set_user("sub-a", email=auditor.email, email_verified=True)

    sign_in_via_provider(client, oidc_provider, "sub-a")

    assert signed_in_user(client) == auditor
    assert Rol.objects.filter(
        user=auditor, soort=RolSoort.BEHEERDER, corporatie=world.a.corporatie
    ).exists()


def test_unknown_address_is_refused_and_no_account_made(
    client, world, oidc_provider, caplog
):
    oidc_provider.set_user("x", email="onbekend@example.org", email_verified=True)
    users = User.objects.count()
    message = refused(client, oidc_provider, "x", caplog)
    assert message == (
        "Er is geen account en geen open uitnodiging voor onbekend@example.org; "
        "vraag een beheerder u uit te nodigen."
    )
    assert User.objects.count() == users


def test_unverified_address_is_refused(client, world, oidc_provider, caplog):
    oidc_provider.set_user("y", email=world.a.beheerder.email, email_verified=False)
    message = refused(client, oidc_provider, "y", caplog)
    assert "moet door de aanmelddienst bevestigd zijn" in message


def test_address_without_verification_claim_counts_only_when_trusted(
    client, world, oidc_provider, settings, caplog
):
    oidc_provider.set_user("z", email=world.a.beheerder.email)
    refused(client, oidc_provider, "z", caplog)
    settings.OIDC_EMAIL_VERTROUWD = True
    sign_in_via_provider(client, oidc_provider, "z")
    assert signed_in_user(client) == world.a.beheerder


def test_address_two_accounts_share_is_refused(client, world, oidc_provider, caplog):
    UserFactory(username="tweeling", email=world.a.beheerder.email.upper())
    oidc_provider.set_user("w", email=world.a.beheerder.email, email_verified=True)
    message = refused(client, oidc_provider, "w", caplog)
    assert "moet bij één account horen" in message


# Look-alikes that Unicode case folding (and PostgreSQL's UPPER, behind
# email__iexact) makes equal to the ASCII address: dotless ı, long ſ.
LOOKALIKES = [
    ("jan.smit@example.org", "jan.ſmit@example.org"),
    ("lid@example.org", "lıd@example.org"),
]


@pytest.mark.parametrize(("adres", "lookalike"), LOOKALIKES)
def test_a_lookalike_address_signs_no_account_in(
    client, world, oidc_provider, caplog, adres, lookalike
):
    beheerder = world.a.beheerder
    User.objects.filter(pk=beheerder.pk).update(email=adres)
    oidc_provider.set_user("look", email=lookalike, email_verified=True)
    message = refused(client, oidc_provider, "look", caplog)
    assert "geen account en geen open uitnodiging" in message


@pytest.mark.parametrize(("adres", "lookalike"), LOOKALIKES)
def test_a_lookalike_address_takes_no_invitation_up(
    client, world, oidc_provider, caplog, adres, lookalike
):
    uitnodiging = _invite(world, adres)
    oidc_provider.set_user("look", email=lookalike, email_verified=True)
    refused(client, oidc_provider, "look", caplog)
    uitnodiging.refresh_from_db()
    assert uitnodiging.geaccepteerd_door is None
    assert not User.objects.filter(email=lookalike).exists()


def test_disabled_account_is_refused(client, world, oidc_provider, caplog):
    world.a.bestuur.is_active = False
    world.a.bestuur.save(update_fields=["is_active"])
    oidc_provider.set_user("v", email=world.a.bestuur.email, email_verified=True)
    message = refused(client, oidc_provider, "v", caplog)
    assert "is uitgeschakeld" in message


def test_expired_invitation_is_not_taken_up(client, world, oidc_provider, caplog):
    uitnodiging = _invite(world, "laat@example.org")
    Uitnodiging.objects.filter(pk=uitnodiging.pk).update(
        verloopt_op=timezone.now() - datetime.timedelta(minutes=1)
    )
    oidc_provider.set_user("u", email="laat@example.org", email_verified=True)
    refused(client, oidc_provider, "u", caplog)
    assert not User.objects.filter(email__iexact="laat@example.org").exists()


def test_provider_grants_no_role_whatever_its_claims(
    client, world, oidc_provider, caplog
):
    """Group and role claims are not read: a board member stays a board member,
    and an address nobody invited gets nothing."""
    bestuur = world.a.bestuur
    claims = {"roles": ["beheerder"], "groups": ["coopsturing-beheerders"]}
    oidc_provider.set_user("b", email=bestuur.email, email_verified=True, **claims)
    sign_in_via_provider(client, oidc_provider, "b")
    assert signed_in_user(client) == bestuur
    assert list(Rol.objects.filter(user=bestuur).values_list("soort", flat=True)) == [
        RolSoort.BESTUUR
    ]
    client.logout()
    oidc_provider.set_user("c", email="baas@example.org", email_verified=True, **claims)
    refused(client, oidc_provider, "c", caplog)


def test_provider_denial_is_refused_with_a_message(client, world, oidc_provider):
    start = client.get(reverse("oidc-start"))
    state = dict(
        part.split("=", 1) for part in start["Location"].split("?", 1)[1].split("&")
    )["state"]
    response = client.get(
        reverse("oidc-callback") + f"?error=access_denied&state={state}"
    )
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert "Aanmelden via Entra ID is niet gelukt" in messages_of(response)[0]


def test_session_ends_on_the_first_check_after_the_provider_revokes_the_user(
    client, world, oidc_provider, caplog
):
    beheerder = world.a.beheerder
    oidc_provider.set_user("sub-r", email=beheerder.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "sub-r")
    portal = f"/beheer/{world.a.corporatie.pk}/"
    assert client.get(portal).status_code == 200

    # The check is due: the provider gives new tokens, the session goes on.
    check_due(client)
    assert client.get(portal).status_code == 200
    assert client.session[oidc.SESSIE_HERCONTROLE] > 0

    # The provider withdraws the user's tokens: the next check ends the session.
    oidc_provider.revoke("sub-r")
    assert client.get(portal).status_code == 200  # not due yet
    check_due(client)
    with caplog.at_level(logging.WARNING, logger="coopsturing.security"):
        response = client.get(portal)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={portal}"
    assert signed_in_user(client) is None
    assert any("refresh_refused" in r.getMessage() for r in caplog.records)
    assert client.get(portal)["Location"].startswith(reverse("login"))


def test_a_failed_callback_does_not_free_the_session_from_its_checks(
    client, world, oidc_provider
):
    """A user the provider is about to disable cannot keep the session by
    failing a sign-in of their own (a made-up code for a real state)."""
    beheerder = world.a.beheerder
    oidc_provider.set_user("sub-f", email=beheerder.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "sub-f")
    state = state_of(client.get(reverse("oidc-start")))
    client.get(reverse("oidc-callback") + f"?code=verzonnen&state={state}")
    check_due(client)

    oidc_provider.revoke("sub-f")
    response = client.get(f"/beheer/{world.a.corporatie.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert signed_in_user(client) is None


def test_a_failed_callback_leaves_a_signed_in_session_as_it_was(
    client, world, oidc_provider
):
    beheerder = world.a.beheerder
    oidc_provider.set_user("sub-g", email=beheerder.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "sub-g")
    eigen = {key: client.session[key] for key in oidc.SESSIE_SLEUTELS}
    state = state_of(client.get(reverse("oidc-start")))
    client.get(reverse("oidc-callback") + f"?code=verzonnen&state={state}")
    # The provider's refusal, a link anyone can send the browser to: no
    # signing out.
    state = state_of(client.get(reverse("oidc-start")))
    client.get(reverse("oidc-callback") + f"?error=access_denied&state={state}")

    assert signed_in_user(client) == beheerder
    assert {key: client.session[key] for key in oidc.SESSIE_SLEUTELS} == eigen
    assert state not in client.session["oidc_states"]
    check_due(client)
    assert client.get(f"/beheer/{world.a.corporatie.pk}/").status_code == 200


def test_a_sign_in_waiting_for_its_code_keeps_its_tokens_apart(
    client, world, oidc_provider
):
    """Signed in as one user, a sign-in as another that waits for its code
    does not put its tokens in the session: the session is still checked
    with its own, and the other's arrive only with the code."""
    beheerder, bestuur = world.a.beheerder, world.a.bestuur
    app = enrol(bestuur)
    oidc_provider.set_user("sub-1", email=beheerder.email, email_verified=True)
    oidc_provider.set_user("sub-2", email=bestuur.email, email_verified=True)
    sign_in_via_provider(client, oidc_provider, "sub-1")
    eigen = client.session[oidc.SESSIE_REFRESH]

    response = sign_in_via_provider(client, oidc_provider, "sub-2")

    assert response["Location"] == reverse("login-code")
    assert signed_in_user(client) == beheerder
    assert client.session[oidc.SESSIE_REFRESH] == eigen
    oidc_provider.revoke("sub-1")
    check_due(client)
    assert client.get(reverse("login-code")).status_code == 302
    assert signed_in_user(client) is None

    sign_in_via_provider(client, oidc_provider, "sub-2")
    client.post(reverse("login-code"), {"code": next_code(app, bestuur)})
    assert signed_in_user(client) == bestuur
    assert client.session[oidc.SESSIE_REFRESH] not in ("", eigen)


def test_password_session_is_never_checked_at_the_provider(
    client, world, oidc_provider
):
    client.force_login(world.a.beheerder)
    assert oidc.SESSIE_HERCONTROLE not in client.session
    assert client.get(f"/beheer/{world.a.corporatie.pk}/").status_code == 200


def test_provider_sign_in_still_asks_the_code_of_a_second_factor(
    client, world, oidc_provider
):
    beheerder = world.a.beheerder
    app = enrol(beheerder)
    # The provider says it checked MFA, but that is not trusted by default.
    oidc_provider.set_user(
        "m", email=beheerder.email, email_verified=True, amr=["pwd", "mfa"]
    )
    response = sign_in_via_provider(client, oidc_provider, "m")
    assert response["Location"] == reverse("login-code")
    assert signed_in_user(client) is None
    response = client.post(reverse("login-code"), {"code": next_code(app, beheerder)})
    assert signed_in_user(client) == beheerder
    # The session is one from the provider: checked there again later.
    assert client.session["_auth_user_backend"] == aanmelding.OIDC_BACKEND
    assert client.session[oidc.SESSIE_REFRESH]
    assert client.session[oidc.SESSIE_HERCONTROLE] > 0


def test_provider_mfa_counts_only_when_trusted_and_claimed(
    client, world, oidc_provider, settings
):
    settings.OIDC_MFA_VERTROUWD = True
    settings.MFA_VERPLICHT_VOOR = ["beheerder"]
    beheerder = world.a.beheerder
    oidc_provider.set_user("p", email=beheerder.email, email_verified=True, amr=["pwd"])
    sign_in_via_provider(client, oidc_provider, "p")
    # Signed in, but without a second factor: off to enrolment.
    assert client.get("/")["Location"].startswith(reverse("account-tweestaps"))
    client.logout()
    oidc_provider.set_user(
        "p", email=beheerder.email, email_verified=True, amr=["pwd", "mfa"]
    )
    sign_in_via_provider(client, oidc_provider, "p")
    assert client.session[aanmelding.SESSIE_TWEESTAPS] == "oidc"
    portal = f"/beheer/{world.a.corporatie.pk}/"
    assert client.get(portal).status_code == 200


# A session that never gave a code of the user's own factor ------------------------


def test_provider_mfa_is_no_code_to_change_the_factor_with_the_password(
    client, world, oidc_provider, settings
):
    """Signed in on the provider's MFA, a user with a password and a factor of
    their own must give a code of it to remove it or make new recovery codes:
    the password alone does not stand in for it."""
    settings.OIDC_MFA_VERTROUWD = True
    beheerder = world.a.beheerder
    app = enrol(beheerder)
    oidc_provider.set_user(
        "m", email=beheerder.email, email_verified=True, amr=["pwd", "mfa"]
    )
    sign_in_via_provider(client, oidc_provider, "m")
    assert client.session[aanmelding.SESSIE_TWEESTAPS] == "oidc"
    url = reverse("account-tweestaps")
    assert "Code uit uw app of een herstelcode" in client.get(url).content.decode()

    for actie, prefix in (("herstelcodes", "herstel"), ("verwijderen", "uit")):
        response = client.post(url, {"actie": actie, f"{prefix}-bevestiging": PASSWORD})
        form = response.context[f"{prefix}_form"]
        assert "nog geen code gegeven" in form.errors["bevestiging"][0]
    assert tweestaps.has_factor(beheerder)

    client.post(
        url, {"actie": "verwijderen", "uit-bevestiging": next_code(app, beheerder)}
    )
    assert not tweestaps.has_factor(beheerder)
