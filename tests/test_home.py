"""The start page, signing in and out, passwords and the language switch."""

import re

from django.core import mail

import pytest

from tests.cooperatie.factories import PASSWORD, RolFactory, UserFactory

PORTAL_OF = {
    "beheerder": lambda t: f"/beheer/{t.corporatie.pk}/",
    "auditor": lambda t: f"/audit/{t.corporatie.pk}/",
    "bestuur": lambda t: f"/bestuur/{t.cooperatie.pk}/",
}


def test_anonymous_start_page_offers_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/accounts/login/"' in response.content


@pytest.mark.parametrize("role", ["beheerder", "auditor", "bestuur"])
def test_each_role_signs_in_and_lands_on_its_own_start_page(client, world, role):
    user = getattr(world.a, role)
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == PORTAL_OF[role](world.a)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_user_with_several_roles_chooses_a_portal(client, world):
    user = world.a.beheerder
    RolFactory(user=user, cooperatie=world.b.cooperatie, bestuur=True)
    RolFactory(user=user, corporatie=world.b.corporatie, auditor=True)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/beheer/{world.a.corporatie.pk}/"' in html
    assert f'href="/bestuur/{world.b.cooperatie.pk}/"' in html
    assert f'href="/audit/{world.b.corporatie.pk}/"' in html
    # Not a portal the user has no role in.
    assert f'href="/beheer/{world.b.corporatie.pk}/"' not in html
    assert [p.soort for p in response.context["portals"]] == [
        "beheer",
        "bestuur",
        "audit",
    ]


def test_a_user_without_roles_is_told_what_to_do(client, db):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "U heeft nog geen rol" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client, world):
    response = client.post(
        "/accounts/login/", {"username": world.a.beheerder.username, "password": "x"}
    )
    assert response.status_code == 200
    assert "klopt niet" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_sign_out_is_confirmed(client, world):
    client.force_login(world.a.bestuur)
    response = client.post("/accounts/logout/", follow=True)
    assert "U bent afgemeld" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_password_change_keeps_the_user_signed_in(client, world):
    user = world.a.bestuur
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Zonnebloem-Akker-42",
            "new_password2": "Zonnebloem-Akker-42",
        },
        follow=True,
    )
    assert "Uw wachtwoord is gewijzigd" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Zonnebloem-Akker-42")
    assert response.context["user"].is_authenticated


def test_password_change_refuses_a_weak_password_naming_the_field(client, world):
    client.force_login(world.a.bestuur)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "1234", "new_password2": "1234"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert world.a.bestuur.check_password(PASSWORD)


def test_password_reset_mails_a_link_that_sets_a_new_password(client, world):
    user = world.a.auditor
    user.email = "auditor@example.nl"
    user.save()
    response = client.post("/accounts/password_reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Regenboog-Dak-2031", "new_password2": "Regenboog-Dak-2031"},
        follow=True,
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Regenboog-Dak-2031")


def test_language_switch_gives_english_pages(client, db):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="nl">' in html
    assert "Aanmelden" in html


def test_dutch_is_the_default_language(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="nl">' in html


def test_superuser_sees_every_corporatie_as_beheerder(client, world):
    client.force_login(world.superuser)
    response = client.get("/")
    assert response.status_code == 200
    portals = response.context["portals"]
    assert {p.corporatie for p in portals} == {world.a.corporatie, world.b.corporatie}
    assert {p.soort for p in portals} == {"beheer"}


def test_the_browser_language_does_not_change_the_page_language(client, db):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nl">' in html.content.decode()
    assert html["Content-Language"] == "nl"
