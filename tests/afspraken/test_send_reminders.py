"""`send_reminders`: deadline reminders to the bestuur and the weekly digest to the
beheerders, each sent once, read back from the outbox.

The world's afspraken run 2023–2027 with the default deadline (1 April of the next
year); 2023 is vastgesteld and 2024 open, 2025 has no toetsing. On 20 March 2026
2024 is late and 2025 is due in 12 days.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

from django.core import mail as outbox_mail
from django.core.management import CommandError, call_command

import pytest

from afspraken import meldingen
from afspraken.choices import Indicator, Richting, ToetsingStatus
from afspraken.tasks import send_reminders_task
from kern.models import Accountinstelling, Verzending
from tests.afspraken.factories import (
    AfspraakFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    CorporatieFactory,
    RolFactory,
    UserFactory,
)

VANDAAG = datetime.date(2026, 3, 20)  # a Friday, ISO week 12
TERMIJN_2025 = datetime.date(2026, 4, 1)


def _run(datum, capture) -> str:
    out = StringIO()
    outbox_mail.outbox.clear()
    with capture(execute=True):
        call_command("send_reminders", "--datum", datum.isoformat(), stdout=out)
    return out.getvalue()


def _sent(user, onderwerp_begint: str = "") -> list:
    return [
        m
        for m in outbox_mail.outbox
        if m.to == [user.email] and m.subject.startswith(onderwerp_begint)
    ]


def _html(message) -> str:
    [(body, _mimetype)] = message.alternatives
    return body


def test_reminders_and_digest_go_out_once(world, django_capture_on_commit_callbacks):
    a = world.a
    out = _run(VANDAAG, django_capture_on_commit_callbacks)

    [voor] = _sent(a.bestuur, "Herinnering")
    assert voor.subject == "Herinnering: toetsing 2025 uiterlijk 1 april 2026 indienen"
    assert "over 12 dagen" in voor.body
    assert a.afspraak.titel in voor.body
    assert _html(voor)
    [te_laat] = _sent(a.bestuur, "Toetsing 2024")
    assert te_laat.subject == "Toetsing 2024 is te laat"
    assert "1 april 2025" in te_laat.body
    [digest] = _sent(a.beheerder)
    assert digest.subject == f"Weekoverzicht {a.corporatie.naam}, week 12"
    assert a.afspraak.titel in digest.body
    assert "1 april 2025" in digest.body
    # The clause behind on course in the running year (no activities in 2026).
    assert a.toezegging.omschrijving in digest.body
    assert a.toezegging.omschrijving in _html(digest)
    for message in outbox_mail.outbox:
        for naam in (a.lid.naam, a.bestuurslid.naam, world.b.lid.naam):
            assert naam not in message.body
            assert naam not in _html(message)
    # The other tenant gets its own, and the auditor nothing.
    assert len(_sent(world.b.bestuur)) == 2
    assert len(_sent(world.b.beheerder)) == 1
    assert _sent(a.auditor) == []
    assert len(outbox_mail.outbox) == 6
    assert "2 corporaties" in out
    assert "2 herinneringen voor de termijn" in out
    assert "2 herinneringen te laat" in out
    assert "2 weekoverzichten" in out

    assert Verzending.objects.filter(
        sleutel=f"herinnering:voor:{a.afspraak.pk}:2025"
    ).exists()
    assert Verzending.objects.filter(
        sleutel=f"herinnering:te-laat:{a.afspraak.pk}:2024"
    ).exists()
    assert Verzending.objects.filter(
        sleutel=f"weekoverzicht:{a.corporatie.pk}:2026-W12"
    ).exists()

    out = _run(VANDAAG, django_capture_on_commit_callbacks)
    assert outbox_mail.outbox == []
    assert "0 herinneringen voor de termijn" in out
    # Later the same week: still nothing. The next week: a new digest only.
    _run(VANDAAG + datetime.timedelta(days=2), django_capture_on_commit_callbacks)
    assert outbox_mail.outbox == []
    _run(VANDAAG + datetime.timedelta(days=3), django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in outbox_mail.outbox) == sorted(
        [a.beheerder.email, world.b.beheerder.email]
    )


@pytest.mark.parametrize(
    ("datum", "verwacht"),
    [
        (TERMIJN_2025 - datetime.timedelta(days=15), []),
        (TERMIJN_2025 - datetime.timedelta(days=14), ["voor"]),
        (TERMIJN_2025, ["voor"]),
        (TERMIJN_2025 + datetime.timedelta(days=1), ["te laat"]),
    ],
)
def test_reminder_days_boundary(
    world, django_capture_on_commit_callbacks, datum, verwacht
):
    a = world.a
    a.toetsing.status = ToetsingStatus.INGEDIEND  # only 2025 is with the bestuur
    a.toetsing.save()
    _run(datum, django_capture_on_commit_callbacks)
    soorten = [
        "te laat" if m.subject.endswith("te laat") else "voor" for m in _sent(a.bestuur)
    ]
    assert soorten == verwacht


def test_submitted_year_gets_no_reminder_and_returned_year_does(
    world, django_capture_on_commit_callbacks
):
    a = world.a
    ToetsingFactory(afspraak=a.afspraak, jaar=2025, status=ToetsingStatus.INGEDIEND)
    a.toetsing.status = ToetsingStatus.TERUGGESTUURD
    a.toetsing.save()
    _run(VANDAAG, django_capture_on_commit_callbacks)
    assert [m.subject for m in _sent(a.bestuur)] == ["Toetsing 2024 is te laat"]


def test_user_setting_and_language_are_respected(
    world, django_capture_on_commit_callbacks
):
    a = world.a
    Accountinstelling.objects.create(user=a.bestuur, meldingen_per_mail=False)
    Accountinstelling.objects.create(user=a.beheerder, taal="en")
    _run(VANDAAG, django_capture_on_commit_callbacks)
    assert _sent(a.bestuur) == []
    [digest] = _sent(a.beheerder)
    assert 'lang="en"' in _html(digest)
    # Nobody received the reminder, so it stays due for when they switch back on.
    assert not Verzending.objects.filter(
        sleutel=f"herinnering:voor:{a.afspraak.pk}:2025"
    ).exists()
    Accountinstelling.objects.filter(user=a.bestuur).update(meldingen_per_mail=True)
    _run(VANDAAG, django_capture_on_commit_callbacks)
    assert len(_sent(a.bestuur)) == 2


def test_no_digest_when_there_is_nothing_to_report(
    db, django_capture_on_commit_callbacks
):
    corporatie = CorporatieFactory()
    beheerder = UserFactory(username="beheerder_c")
    RolFactory(user=beheerder, corporatie=corporatie)
    afspraak = AfspraakFactory(
        corporatie=corporatie, cooperatie=CooperatieFactory(), ingangsjaar=2026
    )
    ToezeggingFactory(
        afspraak=afspraak,
        indicator=Indicator.BESTEDING,
        richting=Richting.MAXIMAAL,
        norm=Decimal("500"),
    )
    out = _run(VANDAAG, django_capture_on_commit_callbacks)
    assert outbox_mail.outbox == []
    assert "0 weekoverzichten" in out
    assert meldingen.risico_toezeggingen(corporatie.pk, VANDAAG) == []


def test_queries_are_bounded_per_corporatie(
    world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Many afspraak-years cost no more queries than one (mail aside)."""
    for _ in range(5):
        AfspraakFactory(
            corporatie=world.a.corporatie,
            cooperatie=world.a.cooperatie,
            ingangsjaar=2015,
            eindjaar=2025,
        )
    rijen = []
    with django_assert_max_num_queries(2):
        rijen = meldingen.openstaande_jaren(world.a.corporatie.pk, VANDAAG)
    assert len(rijen) == 5 * 11 + 2


def test_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="JJJJ-MM-DD"):
        call_command("send_reminders", "--datum", "20-03-2026")


def test_task_runs_the_same_work(world, django_capture_on_commit_callbacks):
    outbox_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders_task.enqueue(datum=VANDAAG.isoformat())
    assert result.return_value == {
        "herinnering_termijn": 2,
        "herinnering_te_laat": 2,
        "weekoverzicht": 2,
        "corporaties": 2,
    }
    assert len(outbox_mail.outbox) == 6
