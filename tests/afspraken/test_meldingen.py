"""Mail on the steps of the yearly cycle (afspraken.meldingen), read back from the
outbox after the service's transaction commits; and kern.mail.send itself."""

from __future__ import annotations

import datetime

from django.core import mail as outbox_mail
from django.urls import reverse

import pytest

from afspraken import services
from afspraken.models import Rapport
from kern import mail
from kern.models import Accountinstelling
from tests.cooperatie.factories import RolFactory, UserFactory
from tests.helpers import fresh
from tests.ledger.factories import ActiviteitFactory

JAAR = 2024


def _html(message) -> str:
    [(body, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return body


def _member_names(tenant) -> list[str]:
    return [tenant.lid.naam, tenant.bestuurslid.naam]


def _assert_no_member_data(message, tenant) -> None:
    for text in (message.subject, message.body, _html(message)):
        for naam in _member_names(tenant):
            assert naam not in text
        assert tenant.lid.email not in text


@pytest.fixture
def a(world):
    """Tenant A with twelve activities in JAAR, so the year meets its clause."""
    a = world.a
    for dag in range(1, 13):
        ActiviteitFactory(cooperatie=a.cooperatie, datum=datetime.date(JAAR, 2, dag))
    return a


def _indienen(a, django_capture_on_commit_callbacks):
    outbox_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))


def test_indienen_mails_the_beheerders_of_the_corporatie(
    a, world, django_capture_on_commit_callbacks
):
    tweede = UserFactory(username="beheerder_a2")
    RolFactory(user=tweede, corporatie=a.corporatie)
    Accountinstelling.objects.create(user=tweede, taal="en")

    toetsing = _indienen(a, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in outbox_mail.outbox) == sorted(
        [a.beheerder.email, tweede.email]
    )
    [nl] = [m for m in outbox_mail.outbox if m.to == [a.beheerder.email]]
    [en] = [m for m in outbox_mail.outbox if m.to == [tweede.email]]
    assert nl.subject == f"Toetsing {JAAR} ingediend door {a.cooperatie.naam}"
    assert a.afspraak.titel in nl.body
    link = reverse("beheer-toetsing", args=[a.corporatie.pk, toetsing.pk])
    assert mail.absolute_url(link) in nl.body
    assert mail.absolute_url(link) in _html(nl)
    assert 'lang="nl"' in _html(nl)
    assert 'lang="en"' in _html(en)
    assert nl.extra_headers["Auto-Submitted"] == "auto-generated"
    _assert_no_member_data(nl, a)
    # Nobody of the other tenant, nor the auditor or the bestuur, hears of it.
    for user in (a.auditor, a.bestuur, world.b.beheerder):
        assert all(m.to != [user.email] for m in outbox_mail.outbox)


def test_indienen_skips_a_beheerder_who_switched_mail_off(
    a, django_capture_on_commit_callbacks
):
    Accountinstelling.objects.create(user=a.beheerder, meldingen_per_mail=False)
    _indienen(a, django_capture_on_commit_callbacks)
    assert outbox_mail.outbox == []


def test_a_refused_step_sends_nothing(a, django_capture_on_commit_callbacks):
    _indienen(a, django_capture_on_commit_callbacks)
    outbox_mail.outbox.clear()
    from django.core.exceptions import ValidationError

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
    ):
        services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))
    assert outbox_mail.outbox == []


def test_terugsturen_mails_the_bestuur_with_the_reason(
    a, world, django_capture_on_commit_callbacks
):
    toetsing = _indienen(a, django_capture_on_commit_callbacks)
    outbox_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.toetsing_terugsturen(
            toetsing=toetsing,
            reden="Het taalcafé van maart ontbreekt.",
            actor=fresh(a.beheerder),
        )

    [message] = outbox_mail.outbox
    assert message.to == [a.bestuur.email]
    assert message.subject == (
        f"Toetsing {JAAR} teruggestuurd door {a.corporatie.naam}"
    )
    assert "Het taalcafé van maart ontbreekt." in message.body
    assert "Het taalcafé van maart ontbreekt." in _html(message)
    link = reverse("bestuur-toetsing", args=[a.cooperatie.pk, toetsing.pk])
    assert mail.absolute_url(link) in message.body
    _assert_no_member_data(message, a)


def test_vaststellen_mails_bestuur_and_auditors_a_link_to_the_sealed_report(
    a, world, django_capture_on_commit_callbacks
):
    Accountinstelling.objects.create(user=a.auditor, taal="en")
    toetsing = _indienen(a, django_capture_on_commit_callbacks)
    outbox_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.toetsing_vaststellen(toetsing=toetsing, actor=fresh(a.beheerder))

    rapport = Rapport.objects.get(toetsing=toetsing)
    by_address = {m.to[0]: m for m in outbox_mail.outbox}
    assert set(by_address) == {a.bestuur.email, a.auditor.email}

    bestuur = by_address[a.bestuur.email]
    assert bestuur.subject == f"Toetsing {JAAR} van {a.cooperatie.naam} vastgesteld"
    bestuur_pdf = reverse("bestuur-rapport-pdf", args=[a.cooperatie.pk, rapport.pk])
    assert mail.absolute_url(bestuur_pdf) in bestuur.body
    assert mail.absolute_url(bestuur_pdf) in _html(bestuur)
    assert "/audit/" not in bestuur.body

    auditor = by_address[a.auditor.email]
    audit_pdf = reverse("audit-rapport-pdf", args=[a.corporatie.pk, rapport.pk])
    assert mail.absolute_url(audit_pdf) in auditor.body
    assert "/bestuur/" not in auditor.body
    assert 'lang="en"' in _html(auditor)
    for message in outbox_mail.outbox:
        _assert_no_member_data(message, a)


# kern.mail.send ---------------------------------------------------------------


def _send(users, django_capture_on_commit_callbacks) -> int:
    outbox_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return mail.send(
            to=users,
            naam="toetsing_ingediend",
            context={
                "jaar": JAAR,
                "afspraak_titel": "Afspraken sociale inbreng",
                "cooperatie_naam": "Wooncoöperatie & Co",
                "corporatie_naam": "Woonstichting",
                "url": mail.absolute_url("/"),
            },
        )


def test_send_skips_users_without_address_inactive_users_and_duplicates(
    db, django_capture_on_commit_callbacks
):
    gewoon = UserFactory(username="gewoon")
    zonder = UserFactory(username="zonder", email="")
    inactief = UserFactory(username="inactief", is_active=False)
    dubbel = UserFactory(username="dubbel", email=gewoon.email.upper())

    queued = _send(
        [gewoon, zonder, inactief, dubbel], django_capture_on_commit_callbacks
    )

    assert queued == 1
    assert [m.to for m in outbox_mail.outbox] == [[gewoon.email]]
    # Plain text keeps a name as written; the HTML escapes it.
    [message] = outbox_mail.outbox
    assert "Wooncoöperatie & Co" in message.subject
    assert "Wooncoöperatie & Co" in message.body
    assert "Wooncoöperatie &amp; Co" in _html(message)
    assert message.body.rstrip().endswith(mail.absolute_url("/accounts/instellingen/"))


def test_send_respects_the_setting_unless_the_mail_is_required(
    db, django_capture_on_commit_callbacks
):
    uit = UserFactory(username="uit")
    Accountinstelling.objects.create(user=uit, meldingen_per_mail=False)
    assert _send([uit], django_capture_on_commit_callbacks) == 0
    assert outbox_mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        mail.send(
            to=[uit],
            naam="toetsing_ingediend",
            context={"jaar": JAAR, "url": "x"},
            verplicht=True,
        )
    assert [m.to for m in outbox_mail.outbox] == [[uit.email]]


def test_send_queues_nothing_when_the_transaction_rolls_back(
    db, django_capture_on_commit_callbacks
):
    from django.db import transaction

    gewoon = UserFactory(username="gewoon")
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            mail.send(to=[gewoon], naam="toetsing_ingediend", context={"jaar": JAAR})
            transaction.set_rollback(True)
        with transaction.atomic():
            mail.send(to=[gewoon], naam="toetsing_ingediend", context={"jaar": JAAR})
    assert len(callbacks) == 1
