"""Signing in through a real OpenID Connect provider started by the test, and
the second factor, as a user clicks through them in Chromium."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.urls import reverse

import pyotp
from playwright.sync_api import Page, expect

from cooperatie import uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import Rol
from kern import tweestaps
from tests.cooperatie.factories import PASSWORD
from tests.sso_helpers import oidc_provider
from tests.tweestaps_helpers import next_code

from .helpers import flash, login, logout

__all__ = ["oidc_provider"]

EMAIL = "fatima.elamrani@example.org"


def _only_this_machine(page: Page) -> None:
    """The provider's pages link a stylesheet on a CDN: nothing leaves this
    machine, the stylesheet is answered empty here."""

    def route(route):
        host = urlsplit(route.request.url).hostname
        if host in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/css", body="")

    page.context.route("**/*", route)


def test_an_invited_beheerder_signs_in_through_the_provider_and_lands_on_the_portal(
    page: Page, world, live_server, oidc_provider
):
    tenant = world.a
    uitnodigingen.uitnodiging_create(
        email=EMAIL,
        soort=RolSoort.BEHEERDER,
        corporatie=tenant.corporatie,
        actor=tenant.beheerder,
    )
    oidc_provider.set_user("entra-fatima", email=EMAIL, email_verified=True)
    _only_this_machine(page)

    page.goto(reverse("login"))
    page.get_by_role("link", name="Inloggen met Entra ID").click()
    # The provider's own sign-in form.
    expect(page).to_have_url(re.compile(rf"^{oidc_provider.url}/oauth2/authorize"))
    page.locator("input[name=sub]").fill("entra-fatima")
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(re.compile(rf"/beheer/{tenant.corporatie.pk}/$"))
    expect(flash(page)).to_contain_text(f"Welkom, {EMAIL}.")
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Overzicht")
    assert Rol.objects.filter(
        user__email=EMAIL, soort=RolSoort.BEHEERDER, corporatie=tenant.corporatie
    ).exists()


def _password_step(page: Page, user) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


def test_a_board_member_enrols_totp_and_cannot_sign_in_without_the_code(
    page: Page, world, live_server
):
    user = world.a.bestuur
    portal = f"/bestuur/{world.a.cooperatie.pk}/"
    login(page, user)
    page.get_by_role("link", name="Instellingen").click()
    page.get_by_role("link", name="Tweestapsverificatie").click()
    page.get_by_role("button", name="Authenticator-app instellen").click()
    expect(
        page.get_by_role("img", name="QR-code om de app in te stellen")
    ).to_be_visible()
    app = pyotp.TOTP(page.locator("#geheim").inner_text().replace(" ", ""))
    page.get_by_label("Code").fill(app.now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(flash(page)).to_contain_text("Tweestapsverificatie staat aan.")
    codes = page.get_by_role("list", name="Herstelcodes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="Ik heb de codes bewaard").click()
    logout(page)

    # The password alone does not sign in.
    _password_step(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Code invoeren")
    page.goto(portal)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    _password_step(page, user)
    page.get_by_label("Code").fill("000000" if app.now() != "000000" else "111111")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".errorlist")).to_contain_text("De code moet de huidige code")
    page.goto(portal)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))

    # With the code it does (the wrong one made the device wait a second).
    tweestaps.totp_of(user).throttle_reset()
    _password_step(page, user)
    page.get_by_label("Code").fill(next_code(app, user))
    page.get_by_role("button", name="Aanmelden").click()
    expect(flash(page)).to_contain_text(f"Welkom, {user.username}.")
    page.goto(portal)
    expect(page).to_have_url(re.compile(rf"{portal}$"))


def test_a_beheerder_without_a_second_factor_is_sent_to_enrolment(
    page: Page, world, live_server, settings
):
    settings.MFA_VERPLICHT_VOOR = ["beheerder", "auditor", "superuser"]
    beheerder = world.a.beheerder
    _password_step(page, beheerder)
    expect(page).to_have_url(re.compile(r"/accounts/tweestaps/\?next="))
    expect(page.get_by_role("alert")).to_contain_text(
        "Voor uw rol is tweestapsverificatie verplicht"
    )
    page.goto(f"/beheer/{world.a.corporatie.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/tweestaps/\?next="))

    page.get_by_role("button", name="Authenticator-app instellen").click()
    app = pyotp.TOTP(page.locator("#geheim").inner_text().replace(" ", ""))
    page.get_by_label("Code").fill(app.now())
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_role("link", name="Ik heb de codes bewaard").click()
    expect(page).to_have_url(re.compile(rf"/beheer/{world.a.corporatie.pk}/$"))
