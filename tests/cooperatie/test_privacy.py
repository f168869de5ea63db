"""AVG member rights as services: export (art. 15), erasure (art. 17), the
retention command, and the read log."""

from __future__ import annotations

import datetime
import io
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import pytest

from afspraken import rapporten
from cooperatie import privacy, services
from cooperatie.choices import Doelgroep
from cooperatie.models import LedenInzage, Lid
from kern.journal import personal_digest, verify_chain
from kern.models import AuditEntry
from tests.cooperatie.factories import (
    CooperatieFactory,
    LidFactory,
    RolFactory,
    UserFactory,
)

PERSONAL = {
    "naam": "Fatima el Amrani",
    "email": "fatima@example.nl",
    "telefoon": "0612345678",
    "adres": "Kastanjelaan 12-3",
}


@pytest.fixture
def coop(db):
    """A cooperatie of its own (no locked years) with a bestuur user."""
    cooperatie = CooperatieFactory()
    bestuur = UserFactory()
    RolFactory(user=bestuur, cooperatie=cooperatie, bestuur=True)
    return cooperatie, bestuur


def _member(coop, **extra) -> Lid:
    cooperatie, bestuur = coop
    lid = services.lid_create(
        cooperatie=cooperatie,
        actor=bestuur,
        lid_sinds=datetime.date(2021, 3, 1),
        doelgroep=Doelgroep.JA,
        **PERSONAL,
        **extra,
    )
    services.lid_update(lid=lid, actor=bestuur, telefoon="0698765432")
    return Lid.objects.get(pk=lid.pk)


def _counts(cooperatie) -> list[tuple[int, int, int]]:
    leden = Lid.objects.filter(cooperatie=cooperatie)
    out = []
    for jaar in range(2020, 2027):
        peil = leden.op_peildatum(datetime.date(jaar, 12, 31))
        out.append((jaar, peil.count(), peil.filter(doelgroep=Doelgroep.JA).count()))
    return out


def test_erasure_anonymises_keeps_aggregates_chain_and_reports(world, coop):
    cooperatie, bestuur = coop
    lid = _member(coop)
    LidFactory(cooperatie=cooperatie, lid_sinds=datetime.date(2020, 1, 1))
    counts = _counts(cooperatie)
    old_salt = lid.journaal_salt
    pdfs = [world.a.rapport.pdf.read(), world.b.rapport.pdf.read()]
    assert verify_chain().ok

    privacy.lid_wissen(lid=lid, actor=bestuur)

    lid.refresh_from_db()
    assert lid.naam == f"Gewist lid #{lid.pk}"
    assert (lid.email, lid.telefoon, lid.adres) == ("", "", "")
    assert lid.doelgroep == Doelgroep.JA
    assert lid.geanonimiseerd_op is not None
    assert lid.journaal_salt not in ("", old_salt)
    # Aggregates of every year unchanged; journal and sealed reports verify.
    assert _counts(cooperatie) == counts
    assert verify_chain().ok
    assert [rapporten.verify(pdf=pdf) for pdf in pdfs] == [
        world.a.rapport,
        world.b.rapport,
    ]
    # No personal value anywhere in the row or the journal.
    row = json.dumps(list(Lid.objects.filter(pk=lid.pk).values()), default=str)
    journaal = json.dumps(
        list(AuditEntry.objects.values("object_repr", "before", "after")),
        default=str,
    )
    for value in [*PERSONAL.values(), "0698765432"]:
        assert value not in row
        assert value not in journaal
    # The old digests can no longer be linked with what the row holds now.
    stored = AuditEntry.objects.get(action="lid_create", object_id=str(lid.pk))
    assert stored.after["naam"] == personal_digest(old_salt, "naam", PERSONAL["naam"])
    assert stored.after["naam"] != personal_digest(
        lid.journaal_salt, "naam", PERSONAL["naam"]
    )
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.action == "lid_wissen"
    assert entry.actor == bestuur
    assert entry.cooperatie_id == cooperatie.pk
    assert entry.after["gewiste_velden"] == ["adres", "email", "naam", "telefoon"]


def test_erasure_twice_is_refused_and_writes_nothing(coop):
    lid = _member(coop)
    privacy.lid_wissen(lid=lid, actor=coop[1])
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        privacy.lid_wissen(lid=lid, actor=coop[1])
    assert AuditEntry.objects.count() == count


@pytest.mark.parametrize("who", ["beheerder", "auditor", "other_bestuur"])
def test_only_the_own_bestuur_may_erase_or_export(world, who):
    user = world.b.bestuur if who == "other_bestuur" else getattr(world.a, who)
    lid = world.a.lid
    with pytest.raises(PermissionDenied):
        privacy.lid_wissen(lid=lid, actor=user)
    with pytest.raises(PermissionDenied):
        privacy.lid_export(lid=lid, actor=user)
    lid.refresh_from_db()
    assert lid.geanonimiseerd_op is None
    assert not LedenInzage.objects.exists()


def test_export_holds_fields_membership_activities_and_journal(world, coop):
    lid = _member(coop)
    data = privacy.lid_export(lid=lid, actor=coop[1])
    assert data["lid"]["naam"] == PERSONAL["naam"]
    assert data["lid"]["telefoon"] == "0698765432"
    assert data["lidmaatschap"]["lid_sinds"] == "2021-03-01"
    assert [e["actie"] for e in data["journaal"]] == ["lid_create", "lid_update"]
    # The journal as stored: digests, never the values.
    assert data["journaal"][0]["na"]["email"].startswith("hmac-sha256:")
    json.dumps(data)  # serialisable as it is
    [inzage] = LedenInzage.objects.all()
    assert (inzage.user, inzage.bron, inzage.aantal) == (coop[1], "avg_export", 1)

    a = world.a
    export = privacy.lid_export(lid=a.lid, actor=a.bestuur)
    assert [x["titel"] for x in export["activiteiten_als_vrijwilliger"]] == [
        a.activiteit.titel
    ]


def _left(coop, years_ago: int) -> Lid:
    today = timezone.localdate()
    return LidFactory(
        cooperatie=coop[0],
        lid_sinds=datetime.date(today.year - years_ago - 3, 1, 1),
        lid_tot=datetime.date(today.year - years_ago - 1, 6, 1),
    )


def test_purge_members_erases_who_left_long_ago_and_reports_counts(coop):
    old, recent = _left(coop, 10), _left(coop, 2)
    current = LidFactory(cooperatie=coop[0], lid_sinds=datetime.date(2020, 1, 1))
    out = io.StringIO()
    call_command("purge_members", "--jaren", "7", "--dry-run", stdout=out)
    assert "Proefdraai: 1 leden" in out.getvalue()
    assert not Lid.objects.filter(geanonimiseerd_op__isnull=False).exists()

    seq = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out = io.StringIO()
    call_command("purge_members", "--jaren", "7", stdout=out)
    assert out.getvalue().startswith("1 leden vertrokken")
    erased = set(Lid.objects.filter(geanonimiseerd_op__isnull=False))
    assert erased == {old}
    [entry] = AuditEntry.objects.filter(pk__gt=seq)
    assert (entry.action, entry.object_id) == ("lid_wissen", str(old.pk))
    assert entry.actor_name == "systeem"
    assert entry.after["reden"] == "bewaartermijn"
    assert verify_chain().ok

    with override_settings(AVG_BEWAARTERMIJN_JAREN=1):
        out = io.StringIO()
        call_command("purge_members", stdout=out)
    assert "1 leden" in out.getvalue()
    assert "1 waren al gewist" in out.getvalue()
    assert set(Lid.objects.filter(geanonimiseerd_op__isnull=False)) == {old, recent}
    current.refresh_from_db()
    assert current.geanonimiseerd_op is None


def test_read_log_keeps_the_name_when_the_account_is_gone(coop):
    user = UserFactory(username="lezer")
    inzage = privacy.log_inzage(actor=user, cooperatie=coop[0], bron="api", aantal=2)
    assert (inzage.user, inzage.username, inzage.cooperatie, inzage.aantal) == (
        user,
        "lezer",
        coop[0],
        2,
    )
    user.delete()
    inzage.refresh_from_db()
    assert (inzage.user, inzage.username) == (None, "lezer")
