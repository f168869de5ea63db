"""The access pages: /beheer/<corporatie>/gebruikers/ and
/bestuur/<cooperatie>/bestuur/ — inviting by e-mail, sending again, withdrawing,
ending a role, and everything outside the user's reach answering 404 (or 403
where a service refuses)."""

from __future__ import annotations

import re

from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

import pytest

from cooperatie.choices import RolSoort
from cooperatie.models import Rol, Uitnodiging
from tests.cooperatie.factories import CooperatieFactory, RolFactory, UserFactory
from tests.helpers import page_text

EMAIL = "nieuw.bestuur@example.org"


def beheer(tenant, name="gebruikers", *args) -> str:
    return reverse(f"beheer-{name}", args=[tenant.corporatie.pk, *args])


def bestuur(tenant, name="toegang", *args) -> str:
    return reverse(f"bestuur-{name}", args=[tenant.cooperatie.pk, *args])


def link_path(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/uitnodiging/[^/\s]+/)", body).group(1)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def invite(client, capture, url, data):
    with capture(execute=True):
        return client.post(url, data)


def test_beheer_page_lists_roles_and_marks_a_cooperatie_without_bestuur(client, world):
    leeg = CooperatieFactory(
        naam="Wooncoöperatie Zonder", aangemeld_door=world.a.corporatie
    )
    client.force_login(world.a.beheerder)

    response = client.get(beheer(world.a))

    html = page_text(response)
    assert response.status_code == 200
    assert world.a.auditor.get_username() in html
    assert world.a.bestuur.get_username() in html
    assert world.b.bestuur.get_username() not in html
    assert "Nog geen bestuur" in html
    assert f"?cooperatie={leeg.pk}#uitnodigen" in html
    assert world.b.cooperatie.naam not in html


def test_beheer_invites_a_bestuur_and_one_mail_holds_the_link(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.beheerder)
    mail.outbox.clear()

    response = invite(
        client,
        django_capture_on_commit_callbacks,
        beheer(world.a),
        {"email": EMAIL, "rol": f"bestuur:{world.a.cooperatie.pk}"},
    )

    assert response.status_code == 302
    uitnodiging = Uitnodiging.objects.get(email=EMAIL)
    assert uitnodiging.soort == RolSoort.BESTUUR
    assert uitnodiging.cooperatie == world.a.cooperatie
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert client.get(link_path(mail.outbox[0].body)).status_code == 200
    assert EMAIL in messages_of(response)[-1]
    assert EMAIL in page_text(client.get(beheer(world.a)))


def test_the_cooperatie_parameter_preselects_its_bestuur(client, world):
    client.force_login(world.a.beheerder)

    response = client.get(beheer(world.a), {"cooperatie": world.a.cooperatie.pk})

    assert response.context["form"]["rol"].value() == f"bestuur:{world.a.cooperatie.pk}"


@pytest.mark.parametrize("waarde", ["²", "١", "x", "-1", "9" * 40])
def test_a_cooperatie_parameter_that_is_no_number_is_404(client, world, waarde):
    client.force_login(world.a.beheerder)

    assert client.get(beheer(world.a), {"cooperatie": waarde}).status_code == 404


def test_beheer_of_a_cannot_see_or_invite_into_bs_cooperatie(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.beheerder)

    assert (
        client.get(beheer(world.a), {"cooperatie": world.b.cooperatie.pk}).status_code
        == 404
    )
    response = invite(
        client,
        django_capture_on_commit_callbacks,
        beheer(world.a),
        {"email": EMAIL, "rol": f"bestuur:{world.b.cooperatie.pk}"},
    )
    assert response.status_code == 200
    assert "rol" in response.context["form"].errors
    assert not Uitnodiging.objects.exists()
    assert client.get(beheer(world.b)).status_code == 404


def test_a_bad_address_and_a_second_open_invitation_are_field_errors(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.beheerder)
    data = {"email": EMAIL, "rol": "auditor"}
    invite(client, django_capture_on_commit_callbacks, beheer(world.a), data)

    bad = client.post(beheer(world.a), {**data, "email": "geen-adres"})
    twin = client.post(beheer(world.a), {**data, "email": EMAIL.upper()})

    assert "email" in bad.context["form"].errors
    assert "één open uitnodiging" in twin.context["form"].errors["email"][0]
    assert Uitnodiging.objects.count() == 1


def test_resend_makes_the_old_link_invalid(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.beheerder)
    invite(
        client,
        django_capture_on_commit_callbacks,
        beheer(world.a),
        {"email": EMAIL, "rol": "auditor"},
    )
    oud = link_path(mail.outbox[-1].body)
    uitnodiging = Uitnodiging.objects.get()
    url = beheer(world.a, "uitnodiging-opnieuw", uitnodiging.pk)

    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    nieuw = link_path(mail.outbox[-1].body)
    assert response.status_code == 302
    assert nieuw != oud
    client.logout()
    assert client.get(oud).status_code == 404
    assert client.get(nieuw).status_code == 200


def test_withdraw_from_the_bestuur_page(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.bestuur)
    invite(
        client, django_capture_on_commit_callbacks, bestuur(world.a), {"email": EMAIL}
    )
    uitnodiging = Uitnodiging.objects.get()
    link = link_path(mail.outbox[-1].body)

    response = client.post(bestuur(world.a, "uitnodiging-intrekken", uitnodiging.pk))

    uitnodiging.refresh_from_db()
    assert uitnodiging.ingetrokken_op is not None
    assert "ingetrokken" in messages_of(response)[-1]
    client.logout()
    assert client.get(link).status_code == 410


def test_bestuur_cannot_invite_a_beheerder(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.bestuur)

    forged = client.post(beheer(world.a), {"email": EMAIL, "rol": "beheerder"})
    invite(
        client,
        django_capture_on_commit_callbacks,
        bestuur(world.a),
        {"email": EMAIL, "rol": "beheerder", "soort": "beheerder"},
    )

    assert forged.status_code == 403
    uitnodiging = Uitnodiging.objects.get()
    assert uitnodiging.soort == RolSoort.BESTUUR
    assert uitnodiging.cooperatie == world.a.cooperatie
    assert uitnodiging.corporatie is None


def test_bestuur_of_b_gets_404_on_as_pages(client, world):
    uitnodiging = Uitnodiging.objects.create(
        email=EMAIL,
        soort="bestuur",
        cooperatie=world.a.cooperatie,
        key_hash="1" * 64,
        verloopt_op="2099-01-01T00:00:00Z",
    )
    client.force_login(world.b.bestuur)

    assert client.get(bestuur(world.a)).status_code == 404
    assert (
        client.post(
            bestuur(world.b, "uitnodiging-intrekken", uitnodiging.pk)
        ).status_code
        == 404
    )
    assert (
        client.post(
            bestuur(world.b, "rol-beeindigen", world.a.rol_bestuur.pk)
        ).status_code
        == 404
    )
    assert Rol.objects.filter(pk=world.a.rol_bestuur.pk).exists()


def test_bestuur_ends_a_fellow_members_role_after_a_confirmation_page(client, world):
    fellow = RolFactory(
        user=UserFactory(username="oud_bestuurslid"),
        cooperatie=world.a.cooperatie,
        bestuur=True,
    )
    client.force_login(world.a.bestuur)
    url = bestuur(world.a, "rol-beeindigen", fellow.pk)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert Rol.objects.filter(pk=fellow.pk).exists()

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == bestuur(world.a)
    assert not Rol.objects.filter(pk=fellow.pk).exists()
    assert "beëindigd" in messages_of(response)[-1]


def test_beheer_ends_an_auditor_role(client, world):
    client.force_login(world.a.beheerder)

    response = client.post(beheer(world.a, "rol-beeindigen", world.a.rol_auditor.pk))

    assert response.status_code == 302
    assert not Rol.objects.filter(pk=world.a.rol_auditor.pk).exists()


def test_own_role_page_warns_and_giving_it_up_leads_home(client, world):
    client.force_login(world.a.bestuur)
    url = bestuur(world.a, "rol-beeindigen", world.a.rol_bestuur.pk)

    assert "Let op" in page_text(client.get(url))
    response = client.post(url)

    assert response.url == reverse("home")
    assert not Rol.objects.filter(pk=world.a.rol_bestuur.pk).exists()
    assert client.get(bestuur(world.a)).status_code == 404


def test_the_last_beheerder_cannot_give_up_their_own_role(client, world):
    client.force_login(world.a.beheerder)

    response = client.post(
        beheer(world.a, "rol-beeindigen", world.a.rol_beheerder.pk), follow=True
    )

    assert Rol.objects.filter(pk=world.a.rol_beheerder.pk).exists()
    assert response.redirect_chain[-1][0] == beheer(world.a)
    assert "minstens één beheerder" in page_text(response)


def test_dossier_and_cooperaties_link_to_invite_the_bestuur(client, world):
    client.force_login(world.a.beheerder)
    link = f"{beheer(world.a)}?cooperatie={world.a.cooperatie.pk}#uitnodigen"

    dossier = client.get(beheer(world.a, "cooperatie-dossier", world.a.cooperatie.pk))
    bewerken = client.get(beheer(world.a, "cooperatie-bewerken", world.a.cooperatie.pk))

    assert link in dossier.content.decode()
    assert link in bewerken.content.decode()
