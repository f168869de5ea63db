"""Invitations to a role (cooperatie/uitnodigingen.py and the accept page
/uitnodiging/<token>/): who may invite whom, the mail and its link, the link
working once, and the journal without the e-mail address."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth import get_user_model
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from cooperatie import uitnodigingen
from cooperatie.choices import RolSoort
from cooperatie.models import Rol, Uitnodiging
from kern.models import Accountinstelling, AuditEntry
from tests.cooperatie.factories import UserFactory

EMAIL = "nieuw.lid@example.org"
PASSWORD = "een-lang-Wachtwoord-2026"


def invite(capture, actor, **kwargs):
    kwargs.setdefault("email", EMAIL)
    with capture(execute=True):
        uitnodiging = uitnodigingen.uitnodiging_create(actor=actor, **kwargs)
    return uitnodiging, link_path(django_mail.outbox[-1].body)


def link_path(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/uitnodiging/[^/\s]+/)", body).group(1)


def test_beheerder_invites_bestuur_and_the_mail_holds_the_link(
    world, django_capture_on_commit_callbacks
):
    uitnodiging, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
    )

    message = django_mail.outbox[-1]
    assert message.to == [EMAIL]
    assert str(world.a.cooperatie) in message.subject
    token = path.split("/")[2]
    assert uitnodiging.key_hash == uitnodigingen.hash_token(token)
    assert token not in str(Uitnodiging.objects.values().get(pk=uitnodiging.pk))


def test_link_makes_an_account_and_works_once(
    world, client, django_capture_on_commit_callbacks
):
    uitnodiging, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.AUDITOR,
        corporatie=world.a.corporatie,
    )
    assert client.get(path).status_code == 200

    response = client.post(
        path, {"username": "nieuw", "password1": PASSWORD, "password2": PASSWORD}
    )

    user = get_user_model().objects.get(username="nieuw")
    assert user.email == EMAIL
    assert response.url == f"/audit/{world.a.corporatie.pk}/"
    assert Rol.objects.filter(
        user=user, soort=RolSoort.AUDITOR, corporatie=world.a.corporatie
    ).exists()
    uitnodiging.refresh_from_db()
    assert uitnodiging.geaccepteerd_door == user
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "al aangenomen" in again.content.decode()


def test_weak_password_is_refused(world, client, django_capture_on_commit_callbacks):
    _, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.AUDITOR,
        corporatie=world.a.corporatie,
    )

    response = client.post(
        path, {"username": "nieuw", "password1": "1234", "password2": "1234"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not get_user_model().objects.filter(username="nieuw").exists()


def test_signed_in_user_accepts_with_own_account(
    world, client, django_capture_on_commit_callbacks
):
    user = UserFactory(username="bestaand")
    _, path = invite(
        django_capture_on_commit_callbacks,
        world.a.bestuur,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
        email=user.email,
    )
    client.force_login(user)

    assert "Uitnodiging aannemen" in client.get(path).content.decode()
    response = client.post(path)

    assert response.url == f"/bestuur/{world.a.cooperatie.pk}/"
    assert Rol.objects.filter(user=user, cooperatie=world.a.cooperatie).exists()


def test_existing_account_is_asked_to_sign_in(
    world, client, django_capture_on_commit_callbacks
):
    user = UserFactory(username="bestaand")
    _, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.AUDITOR,
        corporatie=world.a.corporatie,
        email=user.email,
    )

    content = client.get(path).content.decode()

    assert "/accounts/login/?next=" + path.replace("/", "%2F") in content


def test_accept_is_idempotent_for_a_role_already_held(
    world, django_capture_on_commit_callbacks
):
    _, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
        email=world.a.bestuur.email.upper(),
    )

    rol = uitnodigingen.uitnodiging_accept(
        token=path.split("/")[2], user=world.a.bestuur
    )

    assert rol == world.a.rol_bestuur
    assert Rol.objects.filter(user=world.a.bestuur).count() == 1


def test_expired_link_is_refused(world, client, django_capture_on_commit_callbacks):
    uitnodiging, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.AUDITOR,
        corporatie=world.a.corporatie,
    )
    Uitnodiging.objects.filter(pk=uitnodiging.pk).update(
        verloopt_op=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = client.post(
        path, {"username": "nieuw", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert not get_user_model().objects.filter(username="nieuw").exists()


def test_unknown_link_is_404(client, db):
    assert client.get("/uitnodiging/onzin/").status_code == 404


def test_resend_kills_the_old_link_and_withdraw_the_new(
    world, client, django_capture_on_commit_callbacks
):
    uitnodiging, old = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.AUDITOR,
        corporatie=world.a.corporatie,
    )
    with django_capture_on_commit_callbacks(execute=True):
        uitnodigingen.uitnodiging_resend(
            uitnodiging=uitnodiging, actor=world.a.beheerder
        )
    new = link_path(django_mail.outbox[-1].body)

    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    uitnodigingen.uitnodiging_withdraw(uitnodiging=uitnodiging, actor=world.a.beheerder)
    assert client.get(new).status_code == 410


def test_bestuur_may_not_invite_a_beheerder(world):
    with pytest.raises(PermissionDenied):
        uitnodigingen.uitnodiging_create(
            email=EMAIL,
            soort=RolSoort.BEHEERDER,
            corporatie=world.a.corporatie,
            actor=world.a.bestuur,
        )


def test_nobody_invites_to_the_other_tenant(world):
    for actor in (world.a.beheerder, world.a.bestuur, world.a.auditor):
        with pytest.raises(PermissionDenied):
            uitnodigingen.uitnodiging_create(
                email=EMAIL,
                soort=RolSoort.BESTUUR,
                cooperatie=world.b.cooperatie,
                actor=actor,
            )
    with pytest.raises(PermissionDenied):
        uitnodigingen.uitnodiging_create(
            email=EMAIL,
            soort=RolSoort.AUDITOR,
            corporatie=world.b.corporatie,
            actor=world.a.beheerder,
        )


def test_own_invitation_cannot_be_accepted_by_oneself(
    world, django_capture_on_commit_callbacks
):
    _, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
    )

    with pytest.raises(PermissionDenied):
        uitnodigingen.uitnodiging_accept(
            token=path.split("/")[2], user=world.a.beheerder
        )


def test_journal_records_every_step_without_the_address(
    world, django_capture_on_commit_callbacks
):
    start = AuditEntry.objects.count()
    uitnodiging, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
    )
    with django_capture_on_commit_callbacks(execute=True):
        uitnodigingen.uitnodiging_resend(
            uitnodiging=uitnodiging, actor=world.a.beheerder
        )
    path = link_path(django_mail.outbox[-1].body)
    uitnodigingen.uitnodiging_accept_new_account(
        token=path.split("/")[2], username="nieuw", password=PASSWORD
    )

    entries = AuditEntry.objects.order_by("pk")[start:]
    assert [e.action for e in entries] == [
        "uitnodiging_create",
        "uitnodiging_resend",
        "account_create",
        "rol_create",
        "uitnodiging_accept",
    ]
    for entry in entries:
        text = f"{entry.before} {entry.after} {entry.object_repr}"
        assert EMAIL not in text
        assert uitnodiging.key_hash not in text
    assert entries[0].cooperatie_id == world.a.cooperatie.pk


def test_visible_to_follows_the_role_it_grants(world):
    own = Uitnodiging.objects.create(
        email=EMAIL,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
        key_hash="1" * 64,
        verloopt_op=timezone.now(),
    )

    for user in (world.a.beheerder, world.a.bestuur):
        assert own in Uitnodiging.objects.visible_to(user)
    for user in (world.a.auditor, world.b.beheerder, world.b.bestuur):
        assert own not in Uitnodiging.objects.visible_to(user)


def test_nobody_invites_their_own_address(world):
    with pytest.raises(ValidationError) as refused:
        uitnodigingen.uitnodiging_create(
            email=f" {world.a.beheerder.email.upper()} ",
            soort=RolSoort.BESTUUR,
            cooperatie=world.a.cooperatie,
            actor=world.a.beheerder,
        )

    assert "ander" in refused.value.message_dict["email"][0]
    assert not Uitnodiging.objects.exists()


def test_an_account_with_another_address_cannot_take_the_role_up(
    world, client, django_capture_on_commit_callbacks
):
    """The link alone is not enough: a forwarded mail does not hand the role to
    whoever happens to be signed in."""
    _, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
    )
    anders = UserFactory(username="anders")
    client.force_login(anders)

    page = client.get(path).content.decode()
    posted = client.post(path)

    assert "ander e-mailadres" in page
    assert "Uitnodiging aannemen" not in page
    assert posted.status_code == 200
    assert "ander e-mailadres" in posted.content.decode()
    assert not Rol.objects.filter(user=anders).exists()
    with pytest.raises(PermissionDenied):
        uitnodigingen.uitnodiging_accept(token=path.split("/")[2], user=anders)
    assert uitnodigingen.status_of(Uitnodiging.objects.get()) == "open"


def test_taking_a_board_role_up_tells_the_board_and_the_inviter(
    world, client, django_capture_on_commit_callbacks
):
    """Nobody joins a board unnoticed, also not who switched notification
    mail off; the new member is not told about themselves."""
    _, path = invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
    )
    Accountinstelling.objects.update_or_create(
        user=world.a.bestuur, defaults={"meldingen_per_mail": False}
    )
    before = len(django_mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            path, {"username": "nieuw", "password1": PASSWORD, "password2": PASSWORD}
        )

    sent = django_mail.outbox[before:]
    assert sorted(m.to[0] for m in sent) == sorted(
        [world.a.bestuur.email, world.a.beheerder.email]
    )
    assert all("nieuw" in m.body and str(world.a.cooperatie) in m.body for m in sent)
    assert all(EMAIL not in m.body + m.subject for m in sent)


def test_the_text_mail_keeps_an_ampersand_as_typed(
    world, django_capture_on_commit_callbacks
):
    type(world.a.cooperatie).objects.filter(pk=world.a.cooperatie.pk).update(
        naam="Wonen & Werken <Oost>"
    )
    world.a.cooperatie.refresh_from_db()

    invite(
        django_capture_on_commit_callbacks,
        world.a.beheerder,
        soort=RolSoort.BESTUUR,
        cooperatie=world.a.cooperatie,
    )

    message = django_mail.outbox[-1]
    assert "Wonen & Werken <Oost>" in message.subject
    assert "Wonen & Werken <Oost>" in message.body
    assert "&amp;" not in message.body + message.subject
    html = message.alternatives[0][0]
    assert "Wonen &amp; Werken &lt;Oost&gt;" in html
