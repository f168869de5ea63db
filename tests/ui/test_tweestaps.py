"""The second factor in the pages: the code step of signing in (not signed in
before it, lockout after wrong codes, bounded input), the account page, and
MFA_VERPLICHT_VOOR sending those it names to enrolment."""

from __future__ import annotations

import logging

from django.test import Client
from django.urls import reverse

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kern import tweestaps
from kern.aanmeldtijdperk import aanmeldtijdperk_of
from portalen import aanmelding
from tests.cooperatie.factories import PASSWORD
from tests.tweestaps_helpers import next_code


def _enrolled(user) -> tuple[pyotp.TOTP, list[str]]:
    """The app, and the recovery codes enrolment made."""
    app = pyotp.TOTP(
        tweestaps.secret_of(tweestaps.totp_start(user=user)).replace(" ", "")
    )
    return app, tweestaps.totp_confirm(user=user, code=app.now())


def _enrol(user) -> pyotp.TOTP:
    return _enrolled(user)[0]


def _password(client, user, next_url=""):
    return client.post(
        reverse("login") + (f"?next={next_url}" if next_url else ""),
        {"username": user.username, "password": PASSWORD},
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_password_alone_does_not_sign_in_a_user_with_a_factor(client, world):
    beheerder = world.a.beheerder
    app = _enrol(beheerder)
    portal = f"/beheer/{world.a.corporatie.pk}/"

    response = _password(client, beheerder, next_url=portal)
    assert response["Location"] == reverse("login-code")
    assert not _signed_in(client)
    assert client.get(portal)["Location"].startswith(reverse("login"))

    page = client.get(reverse("login-code"))
    assert page.status_code == 200
    assert "Code invoeren" in page.content.decode()
    response = client.post(reverse("login-code"), {"code": next_code(app, beheerder)})
    assert response["Location"] == portal
    assert _signed_in(client)
    assert client.session[aanmelding.SESSIE_TWEESTAPS] == tweestaps.TOTP
    assert client.get(portal).status_code == 200


def test_the_session_gets_a_new_key_at_each_step(client, world):
    """A session key planted in the browser before signing in holds neither
    the half-done sign-in nor the signed-in session."""
    user = world.a.bestuur
    app = _enrol(user)
    client.get(reverse("login"))
    geplant = client.session.session_key
    _password(client, user)
    wachtend = client.session.session_key
    assert wachtend != geplant
    assert aanmelding.SESSIE_WACHT in client.session
    client.post(reverse("login-code"), {"code": next_code(app, user)})
    assert _signed_in(client)
    assert client.session.session_key not in (geplant, wachtend)


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(
    client, world, caplog
):
    user = world.a.bestuur
    _app, codes = _enrolled(user)
    _password(client, user)
    with caplog.at_level(logging.WARNING, logger="coopsturing.security"):
        response = client.post(reverse("login-code"), {"code": codes[0]}, follow=True)
    assert _signed_in(client)
    assert "er zijn er nog 9" in response.content.decode()
    (regel,) = [
        r.getMessage()
        for r in caplog.records
        if "second factor: recovery_code_used" in r.getMessage()
    ]
    assert codes[0] not in regel
    assert codes[0].replace("-", "") not in regel
    client.logout()
    _password(client, user)
    response = client.post(reverse("login-code"), {"code": codes[0]})
    assert response.context["form"].errors["code"]
    assert not _signed_in(client)


def test_wrong_codes_are_logged_and_lock_the_user_out(client, world, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 3
    user = world.a.auditor
    _enrol(user)
    _password(client, user)
    with caplog.at_level(logging.WARNING, logger="coopsturing.security"):
        response = client.post(reverse("login-code"), {"code": "000000"})
    assert "De code moet de huidige code" in response.content.decode()
    assert any(
        "second factor: wrong_code" in r.getMessage() and r.levelno == logging.WARNING
        for r in caplog.records
    )
    for _ in range(3):
        response = client.post(reverse("login-code"), {"code": "000000"})
    assert response.status_code == 429
    assert not _signed_in(client)


@pytest.mark.parametrize("code", ["x" * 10_000, "12345", "<script>", ""])
def test_code_input_is_bounded(client, world, code):
    user = world.a.bestuur
    _enrol(user)
    _password(client, user)
    response = client.post(reverse("login-code"), {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not _signed_in(client)


def test_the_code_step_expires(client, world):
    user = world.a.bestuur
    app = _enrol(user)
    _password(client, user)
    session = client.session
    session[aanmelding.SESSIE_WACHT]["sinds"] -= aanmelding.WACHT_SECONDEN + 1
    session.save()
    response = client.post(reverse("login-code"), {"code": next_code(app, user)})
    assert response["Location"] == reverse("login")
    assert not _signed_in(client)
    assert client.get(reverse("login-code"))["Location"] == reverse("login")


def test_account_page_enrols_with_a_qr_code_and_shows_the_codes_once(client, world):
    user = world.a.bestuur
    client.force_login(user)
    url = reverse("account-tweestaps")
    assert "Authenticator-app instellen" in client.get(url).content.decode()
    client.post(url, {"actie": "start"})
    page = client.get(url).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    device = tweestaps.totp_of(user, confirmed=False)
    geheim = tweestaps.secret_of(device)
    assert geheim in page
    app = pyotp.TOTP(geheim.replace(" ", ""))

    response = client.post(url, {"actie": "bevestigen", "code": "12"})
    assert response.context["code_form"].errors["code"]
    response = client.post(url, {"actie": "bevestigen", "code": app.now()})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert tweestaps.has_factor(user)
    page = client.get(url).content.decode()
    assert "Tweestapsverificatie staat aan" in page
    assert not any(code in page for code in codes)

    response = client.post(url, {"actie": "verwijderen", "uit-bevestiging": "fout"})
    assert response.context["uit_form"].errors["bevestiging"]
    assert tweestaps.has_factor(user)
    # The wrong password made the next try wait: that wait is over.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)
    client.post(url, {"actie": "verwijderen", "uit-bevestiging": PASSWORD})
    assert not tweestaps.has_factor(user)


def test_required_factor_sends_a_beheerder_to_enrolment_on_every_page(
    client, world, settings
):
    settings.MFA_VERPLICHT_VOOR = ["beheerder", "auditor", "superuser"]
    beheerder = world.a.beheerder
    portal = f"/beheer/{world.a.corporatie.pk}/"
    _password(client, beheerder)
    assert _signed_in(client)
    for path in (portal, "/", reverse("account-instellingen")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("account-tweestaps") + "?next=")
    page = client.get(reverse("account-tweestaps")).content.decode()
    assert "Voor uw rol is tweestapsverificatie verplicht" in page
    # Signing out and the language switch stay reachable.
    assert client.post(reverse("set_language"), {"language": "nl"}).status_code == 302

    client.post(reverse("account-tweestaps"), {"actie": "start"})
    app = pyotp.TOTP(
        tweestaps.secret_of(tweestaps.totp_of(beheerder, confirmed=False)).replace(
            " ", ""
        )
    )
    client.post(
        reverse("account-tweestaps"), {"actie": "bevestigen", "code": app.now()}
    )
    assert client.get(portal).status_code == 200


def test_required_factor_leaves_others_alone(client, world, settings):
    settings.MFA_VERPLICHT_VOOR = ["beheerder"]
    client.force_login(world.a.bestuur)
    assert client.get(f"/bestuur/{world.a.cooperatie.pk}/").status_code == 200
    client.force_login(world.a.auditor)
    assert client.get(f"/audit/{world.a.corporatie.pk}/").status_code == 200


def test_required_factor_signs_out_a_session_that_never_gave_its_code(
    client, world, settings
):
    settings.MFA_VERPLICHT_VOOR = ["superuser"]
    _enrol(world.superuser)
    client.force_login(world.superuser)
    response = client.get("/")
    assert response["Location"].startswith(reverse("login"))
    assert not _signed_in(client)


def test_the_admin_signs_in_through_the_login_page(client, world):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("required", [[], ["superuser"]])
def test_the_admin_login_form_signs_no_one_in_with_a_password_alone(
    client, world, settings, required
):
    """Its own form would sign in a superuser with the password alone, from any
    signed-in session, and the enrolment page would then take the password to
    remove the factor."""
    settings.MFA_VERPLICHT_VOOR = required
    superuser = world.superuser
    _enrol(superuser)
    client.force_login(world.a.bestuur)
    credentials = {"username": superuser.username, "password": PASSWORD}

    response = client.post("/admin/login/?next=/admin/", credentials)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert client.session["_auth_user_id"] == str(world.a.bestuur.pk)
    assert client.get("/admin/").status_code == 302
    assert tweestaps.has_factor(superuser)


def test_the_admin_login_page_lets_an_admitted_user_on(client, world):
    client.force_login(world.superuser)
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == reverse("admin:index")


def test_required_factor_is_not_removed_from_a_session_that_never_gave_its_code(
    client, world, settings
):
    """The enrolment page is no way around the code: there the password alone
    would remove the factor."""
    settings.MFA_VERPLICHT_VOOR = ["beheerder"]
    beheerder = world.a.beheerder
    _enrol(beheerder)
    client.force_login(beheerder)

    response = client.post(
        reverse("account-tweestaps"),
        {"actie": "verwijderen", "uit-bevestiging": PASSWORD},
    )

    assert response["Location"].startswith(reverse("login"))
    assert not _signed_in(client)
    assert tweestaps.has_factor(beheerder)


# Sessions end when how the user signs in changes ----------------------------------


def _with_code(client, user, code: str) -> None:
    """Signed in with the password and a code of the factor."""
    _password(client, user)
    client.post(reverse("login-code"), {"code": code})
    assert _signed_in(client)


def _enrol_on_the_page(client, user) -> pyotp.TOTP:
    url = reverse("account-tweestaps")
    client.post(url, {"actie": "start"})
    device = tweestaps.totp_of(user, confirmed=False)
    app = pyotp.TOTP(tweestaps.secret_of(device).replace(" ", ""))
    response = client.post(url, {"actie": "bevestigen", "code": app.now()})
    assert response.status_code == 200
    assert tweestaps.has_factor(user)
    return app


def test_enrolling_ends_every_other_session_and_counts_as_the_code_here(
    client, world, caplog
):
    """A session signed in before the factor was on (someone who had the
    password, say) does not go on without the code; the one that enrolled
    does, and may use the password to change the factor."""
    user = world.a.bestuur
    portal = f"/bestuur/{world.a.cooperatie.pk}/"
    ander = Client()
    _password(ander, user)
    _password(client, user)
    assert ander.get(portal).status_code == 200

    _enrol_on_the_page(client, user)

    with caplog.at_level(logging.INFO, logger="coopsturing.security"):
        response = ander.get(portal)
    assert response["Location"] == f"{reverse('login')}?next={portal}"
    assert not _signed_in(ander)
    assert any("session_outdated" in r.getMessage() for r in caplog.records)
    assert client.get(portal).status_code == 200
    assert client.session[aanmelding.SESSIE_TWEESTAPS] == tweestaps.TOTP
    response = client.post(
        reverse("account-tweestaps"),
        {"actie": "herstelcodes", "herstel-bevestiging": PASSWORD},
    )
    assert len(response.context["codes"]) == tweestaps.HERSTELCODE_AANTAL


def test_removing_the_factor_ends_every_other_session(client, world):
    user = world.a.bestuur
    app, codes = _enrolled(user)
    portal = f"/bestuur/{world.a.cooperatie.pk}/"
    ander = Client()
    _with_code(ander, user, codes[0])
    _with_code(client, user, next_code(app, user))

    client.post(
        reverse("account-tweestaps"),
        {"actie": "verwijderen", "uit-bevestiging": PASSWORD},
    )

    assert not tweestaps.has_factor(user)
    assert client.get(portal).status_code == 200
    assert aanmelding.SESSIE_TWEESTAPS not in client.session
    assert ander.get(portal)["Location"].startswith(reverse("login"))


def test_the_operators_reset_ends_the_users_sessions(client, world):
    """A session that gave a code of the factor the operator removed keeps no
    "code given" state: it is signed out."""
    user = world.a.beheerder
    app = _enrol(user)
    _with_code(client, user, next_code(app, user))
    portal = f"/beheer/{world.a.corporatie.pk}/"
    assert client.get(portal).status_code == 200
    operator = Client()
    operator.force_login(world.superuser)
    device = tweestaps.totp_of(user)

    response = operator.post(
        f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not tweestaps.has_factor(user)
    assert client.get(portal)["Location"].startswith(reverse("login"))
    assert not _signed_in(client)
    # Signed in again (with the password alone now), the user enrols anew.
    _password(client, user)
    assert client.get(portal).status_code == 200


def test_a_new_password_ends_every_other_session_and_keeps_this_one(client, world):
    user = world.a.bestuur
    portal = f"/bestuur/{world.a.cooperatie.pk}/"
    ander = Client()
    _password(ander, user)
    _password(client, user)
    nieuw = "een-heel-nieuw-wachtwoord-7"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": nieuw, "new_password2": nieuw},
    )

    assert response.status_code == 302
    assert client.get(portal).status_code == 200
    assert aanmeldtijdperk_of(user) == 1
    assert ander.get(portal)["Location"].startswith(reverse("login"))
