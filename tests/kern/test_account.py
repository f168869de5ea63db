"""A user's own settings (language, notification mail) and the once-only record
that makes repeated sending idempotent."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

import pytest

from kern import mail
from kern.accounts import accountinstelling_update
from kern.models import Accountinstelling, Verzending
from tests.cooperatie.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_defaults_without_saved_settings():
    user = UserFactory()
    assert mail.taal_van(user) == settings.LANGUAGE_CODE
    assert mail.wil_meldingen(user) is True


def test_update_saves_and_is_read_back():
    user = UserFactory()
    accountinstelling_update(user=user, actor=user, taal="en", meldingen_per_mail=False)
    user.refresh_from_db()
    assert mail.taal_van(user) == "en"
    assert mail.wil_meldingen(user) is False


def test_update_by_someone_else_is_refused():
    user, other = UserFactory(), UserFactory()
    with pytest.raises(PermissionError):
        accountinstelling_update(user=user, actor=other, taal="en")
    assert not Accountinstelling.objects.filter(user=user).exists()


def test_update_refuses_an_unknown_language():
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError) as info:
        accountinstelling_update(user=user, actor=user, taal="xx")
    assert "taal" in info.value.message_dict


def test_once_records_a_key_a_single_time():
    assert mail.once("herinnering:test:1") is True
    assert mail.once("herinnering:test:1") is False
    assert mail.once("herinnering:test:2") is True
    assert Verzending.objects.count() == 2


def test_settings_page_needs_a_login(client):
    response = client.get(reverse("account-instellingen"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_settings_page_saves_and_switches_the_language(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("account-instellingen"))
    assert page.status_code == 200
    assert 'name="meldingen_per_mail"' in page.content.decode()
    response = client.post(
        reverse("account-instellingen"),
        {"taal": "en"},  # box unticked: off
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    instelling = Accountinstelling.objects.get(user=user)
    assert (instelling.taal, instelling.meldingen_per_mail) == ("en", False)
    follow = client.get(reverse("account-instellingen"))
    assert "Your settings have been saved." in follow.content.decode()


def test_settings_page_names_a_bad_language(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account-instellingen"), {"taal": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["taal"]
    assert not Accountinstelling.objects.filter(user=user).exists()


def test_login_follows_the_saved_language(client):
    user = UserFactory()
    user.set_password("een-lang-wachtwoord-1")
    user.save()
    accountinstelling_update(user=user, actor=user, taal="en")
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": "een-lang-wachtwoord-1"},
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
