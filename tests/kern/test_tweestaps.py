"""The second factor's services: enrolment, codes that work once and in time,
recovery codes stored hashed and used once, waiting after wrong codes, bounded
input, and the journal. Codes are computed with pyotp from the secret shown,
as an authenticator app would."""

from __future__ import annotations

import datetime
import time

from django.core.exceptions import PermissionDenied
from django.utils import timezone

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kern import tweestaps
from kern.aanmeldtijdperk import aanmeldtijdperk_of
from kern.models import AuditEntry, Herstelcode
from tests.cooperatie.factories import PASSWORD, UserFactory
from tests.tweestaps_helpers import next_code

pytestmark = pytest.mark.django_db


def _app(device) -> pyotp.TOTP:
    """The authenticator app, fed the secret as the page shows it."""
    return pyotp.TOTP(tweestaps.secret_of(device).replace(" ", ""))


def _no_wait(user) -> None:
    """Move the last failure back in time, past any wait it imposed."""
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
    )


def _enrolled(user) -> tuple[pyotp.TOTP, list[str]]:
    app = _app(tweestaps.totp_start(user=user))
    codes = tweestaps.totp_confirm(user=user, code=app.now())
    return app, codes


@pytest.mark.parametrize(
    ("invoer", "soort"),
    [
        ("123456", tweestaps.TOTP),
        (" 123 456 ", tweestaps.TOTP),
        ("abcd-efgh-jkmn-pqrs", tweestaps.HERSTELCODE),
        ("ABCD EFGH JKMN PQRS", tweestaps.HERSTELCODE),
        ("12345", None),
        ("1234567", None),
        ("abcd-efgh-jkmn-pqr", None),
        ("abcd-efgh-jkmn-pqr0", None),  # 0 is not in the alphabet
        ("１２３４５６", None),  # full-width digits
        ("1" * 6 + " " * 30, None),  # longer than MAX_INVOER
        ("", None),
    ],
)
def test_parse_code_takes_six_digits_or_a_recovery_code_only(invoer, soort):
    parsed = tweestaps.parse_code(invoer)
    assert (parsed.soort if parsed else None) == soort


def test_enrolment_needs_a_code_of_the_app_then_makes_hashed_recovery_codes():
    user = UserFactory()
    device = tweestaps.totp_start(user=user)
    assert not device.confirmed
    app = _app(device)
    assert device.config_url.startswith("otpauth://totp/")
    assert f"secret={app.secret}" in device.config_url

    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.totp_confirm(
            user=user, code="000000" if app.now() != "000000" else "1"
        )
    assert not tweestaps.has_factor(user)
    _no_wait(user)

    seq = AuditEntry.objects.count()
    codes = tweestaps.totp_confirm(user=user, code=app.now())
    assert tweestaps.has_factor(user)
    assert len(codes) == tweestaps.HERSTELCODE_AANTAL == len(set(codes))
    assert all(tweestaps.parse_code(c).soort == tweestaps.HERSTELCODE for c in codes)
    stored = set(
        Herstelcode.objects.filter(user=user).values_list("code_hash", flat=True)
    )
    assert len(stored) == len(codes)
    assert not stored & {c.replace("-", "") for c in codes}
    (entry,) = AuditEntry.objects.order_by("pk")[seq:]
    assert (entry.action, entry.keten, entry.object_id) == (
        "tweestaps_aan",
        "platform",
        str(user.pk),
    )
    assert app.secret not in str(entry.after) + str(entry.object_repr)


def test_enrolment_is_refused_while_a_factor_is_on():
    user = UserFactory()
    _enrolled(user)
    with pytest.raises(tweestaps.CodeGeweigerdError, match="staat al aan"):
        tweestaps.totp_start(user=user)


def test_a_code_works_once_and_only_in_its_time():
    user = UserFactory()
    app, _codes = _enrolled(user)
    # The code enrolment used is spent.
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.code_verify(user=user, code=app.now())
    _no_wait(user)
    code = next_code(app, user)
    assert tweestaps.code_verify(user=user, code=code) == tweestaps.TOTP
    # The same code again: refused (a code seen over a shoulder is spent).
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.code_verify(user=user, code=code)
    _no_wait(user)
    # A code of two minutes ago: expired.
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.code_verify(user=user, code=app.at(time.time() - 120))
    _no_wait(user)
    assert tweestaps.code_verify(user=user, code=next_code(app, user)) == tweestaps.TOTP


def test_wrong_codes_make_the_user_wait_longer_each_time():
    user = UserFactory()
    app, _codes = _enrolled(user)
    with pytest.raises(tweestaps.CodeGeweigerdError, match="huidige code"):
        tweestaps.code_verify(user=user, code="abc")
    # Even the right code waits now: the device counts the failure.
    with pytest.raises(tweestaps.CodeGeweigerdError, match="Te veel foute codes"):
        tweestaps.code_verify(user=user, code=app.now())
    device = TOTPDevice.objects.get(user=user)
    assert device.throttling_failure_count == 1
    _no_wait(user)
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.code_verify(
            user=user, code="999999" if app.now() != "999999" else "1"
        )
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 2
    _no_wait(user)
    assert tweestaps.code_verify(user=user, code=next_code(app, user))
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 0


def test_a_recovery_code_works_once():
    user = UserFactory()
    _app, codes = _enrolled(user)
    assert (
        tweestaps.code_verify(user=user, code=codes[3].upper()) == tweestaps.HERSTELCODE
    )
    assert tweestaps.open_herstelcodes(user) == tweestaps.HERSTELCODE_AANTAL - 1
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.code_verify(user=user, code=codes[3])
    _no_wait(user)
    # Another user's code is no code of this one.
    other = UserFactory()
    _other_app, other_codes = _enrolled(other)
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.code_verify(user=user, code=other_codes[0])


def test_new_recovery_codes_replace_the_old_after_a_fresh_proof():
    user = UserFactory()
    _app, old = _enrolled(user)
    with pytest.raises(tweestaps.CodeGeweigerdError, match="wachtwoord"):
        tweestaps.herstelcodes_regenerate(
            user=user, bevestiging="fout-wachtwoord", code_gegeven=True
        )
    _no_wait(user)
    new = tweestaps.herstelcodes_regenerate(
        user=user, bevestiging=PASSWORD, code_gegeven=True
    )
    assert not set(new) & set(old)
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.code_verify(user=user, code=old[0])
    _no_wait(user)
    assert tweestaps.code_verify(user=user, code=new[0]) == tweestaps.HERSTELCODE
    assert AuditEntry.objects.filter(action="herstelcodes_vernieuwd").count() == 1


def test_removal_needs_the_password_or_a_code_and_is_journaled():
    user = UserFactory()
    app, _codes = _enrolled(user)
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.tweestaps_remove(user=user, bevestiging="", code_gegeven=True)
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.tweestaps_remove(user=user, bevestiging="x" * 5000, code_gegeven=True)
    assert tweestaps.has_factor(user)
    _no_wait(user)
    tweestaps.tweestaps_remove(
        user=user, bevestiging=next_code(app, user), code_gegeven=True
    )
    assert not tweestaps.has_factor(user)
    assert not Herstelcode.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(
        action="tweestaps_uit", object_id=str(user.pk)
    ).exists()


def test_an_account_without_password_removes_the_factor_with_a_code_only():
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    app, _codes = _enrolled(user)
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.tweestaps_remove(user=user, bevestiging=PASSWORD, code_gegeven=True)
    _no_wait(user)
    tweestaps.tweestaps_remove(
        user=user, bevestiging=next_code(app, user), code_gegeven=True
    )
    assert not tweestaps.has_factor(user)


def test_a_wrong_code_before_a_change_still_counts():
    user = UserFactory()
    _enrolled(user)
    with pytest.raises(tweestaps.CodeGeweigerdError):
        tweestaps.tweestaps_remove(user=user, bevestiging="000000", code_gegeven=True)
    assert TOTPDevice.objects.get(user=user).throttling_failure_count >= 1


def test_wrong_passwords_before_a_change_make_the_user_wait():
    """The password is no way to guess past the waiting: each wrong one counts
    as a wrong code, and even the right one waits its turn."""
    user = UserFactory()
    _enrolled(user)
    for poging in range(2):
        _no_wait(user)
        with pytest.raises(tweestaps.CodeGeweigerdError, match="wachtwoord"):
            tweestaps.tweestaps_remove(
                user=user, bevestiging=f"fout-{poging}", code_gegeven=True
            )
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 2
    with pytest.raises(tweestaps.CodeGeweigerdError, match="Te veel foute codes"):
        tweestaps.tweestaps_remove(user=user, bevestiging=PASSWORD, code_gegeven=True)
    assert tweestaps.has_factor(user)
    _no_wait(user)
    tweestaps.tweestaps_remove(user=user, bevestiging=PASSWORD, code_gegeven=True)
    assert not tweestaps.has_factor(user)


def test_only_the_platform_operator_resets_a_users_factor_in_the_admin(client):
    user = UserFactory()
    app, _codes = _enrolled(user)
    device = tweestaps.totp_of(user)
    with pytest.raises(PermissionDenied):
        tweestaps.tweestaps_reset(totpdevice=device, actor=user)
    operator = UserFactory(superuser=True)
    client.force_login(operator)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert app.secret not in page.content.decode()
    response = client.post(
        f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not tweestaps.has_factor(user)
    assert not Herstelcode.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action="tweestaps_uit")
    assert (entry.actor_id, entry.object_id) == (operator.pk, str(user.pk))


def test_a_session_that_never_gave_a_code_changes_the_factor_with_a_code_only():
    """The password is no second factor: a session that never gave a code
    (one from before the factor was on) cannot remove the factor or make new
    recovery codes with it, and a wrong one there is no guess that counts."""
    user = UserFactory()
    app, codes = _enrolled(user)
    for change in (tweestaps.tweestaps_remove, tweestaps.herstelcodes_regenerate):
        with pytest.raises(tweestaps.CodeGeweigerdError, match="nog geen code"):
            change(user=user, bevestiging=PASSWORD, code_gegeven=False)
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 0
    assert tweestaps.has_factor(user)
    new = tweestaps.herstelcodes_regenerate(
        user=user, bevestiging=codes[0], code_gegeven=False
    )
    assert len(new) == tweestaps.HERSTELCODE_AANTAL
    tweestaps.tweestaps_remove(
        user=user, bevestiging=next_code(app, user), code_gegeven=False
    )
    assert not tweestaps.has_factor(user)


def test_enrolment_removal_and_the_operators_reset_raise_the_sign_in_epoch():
    user = UserFactory()
    assert aanmeldtijdperk_of(user) == 0
    app, _codes = _enrolled(user)
    assert aanmeldtijdperk_of(user) == 1
    tweestaps.herstelcodes_regenerate(
        user=user, bevestiging=next_code(app, user), code_gegeven=True
    )
    assert aanmeldtijdperk_of(user) == 1
    tweestaps.tweestaps_remove(user=user, bevestiging=PASSWORD, code_gegeven=True)
    assert aanmeldtijdperk_of(user) == 2
    _enrolled(user)
    tweestaps.tweestaps_reset(
        totpdevice=tweestaps.totp_of(user), actor=UserFactory(superuser=True)
    )
    assert aanmeldtijdperk_of(user) == 4
    assert aanmeldtijdperk_of(UserFactory()) == 0
