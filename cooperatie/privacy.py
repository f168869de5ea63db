"""Members' rights under the AVG (GDPR) and the accountability around them.

- `MemberMask`: who sees which personal field of which member (`Lid.PERSONAL_FIELDS`).
  The API reads it for its responses (the field is null), its filters, search and
  ordering (a hidden field cannot be filtered or sorted on, nor searched), and
  the rows a user reaches.
- `log_inzage`: every read of member data (page, export, API, import, the
  volunteer list of an activity) is logged as a `LedenInzage` row: who, when,
  which cooperatie, through what and how many rows — never the data itself.
- `lid_export` (art. 15): everything stored about one member, as JSON-ready data.
- `lid_wissen` (art. 17): the member's personal fields are anonymised, the
  journal salt replaced; the aggregates (membership dates, doelgroep) stay.
- `purge_members`: the retention rule — members who left more than N years ago
  are erased the same way.

The writes are services: permission first, one transaction, one journal entry.
See docs/privacy.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kern import journal
from kern.models import AuditEntry

from . import permissions
from .models import Cooperatie, LedenInzage, Lid
from .scope import cooperatie_ids_of_corporaties, scope_of

# The personal fields that erasure empties (naam gets a placeholder instead).
# Doelgroep stays: the counts of every year are built from it, and without
# name and address it points to no one.
ERASED_FIELDS = tuple(name for name in Lid.PERSONAL_FIELDS if name != "doelgroep")


# Who sees what -------------------------------------------------------------------


@dataclass(frozen=True)
class MemberMask:
    """Which members, and which of their personal fields, one user sees (domain
    §8): every member with every field of the cooperaties whose bestuur they are;
    of the cooperaties of their corporatie (as beheerder), only the current board
    members, and of those only the name (with the function). The platform
    operator sees all (`personal` is None).

    One declaration read by the serializer (`shows`), the queryset (`rows`) and
    the filters, search and ordering of the API (`hidden_fields`)."""

    personal: frozenset[int] | None
    names: frozenset[int] = frozenset()

    # The fields this mask decides on: the model's one declaration.
    masked_fields = Lid.PERSONAL_FIELDS

    @classmethod
    def of(cls, user) -> MemberMask:
        scope = scope_of(user)
        if scope.is_superuser:
            return cls(personal=None)
        names = (
            frozenset(
                cooperatie_ids_of_corporaties(scope.beheerder_corporaties).values_list(
                    "pk", flat=True
                )
            )
            if scope.beheerder_corporaties
            else frozenset()
        )
        return cls(personal=frozenset(scope.bestuur_cooperaties), names=names)

    def rows(self) -> Q | None:
        """The member rows the user reaches (None: all)."""
        if self.personal is None:
            return None
        board = Q(cooperatie_id__in=self.names, lid_tot__isnull=True) & ~Q(
            bestuursfunctie=""
        )
        return Q(cooperatie_id__in=self.personal) | board

    def shows(self, lid: Lid, field: str) -> bool:
        """Whether the user sees `field` of this member."""
        if field not in self.masked_fields:
            return True
        if self.personal is None or lid.cooperatie_id in self.personal:
            return True
        return (
            field == "naam"
            and bool(lid.bestuursfunctie)
            and lid.cooperatie_id in self.names
        )

    def hidden_fields(self, cooperaties: Iterable[int] | None = None) -> frozenset[str]:
        """The fields hidden on some row the user reaches (of `cooperaties`, when
        given: a page of one cooperatie): the ones the user may not filter,
        search or sort on. (Rows reached only as a board member show their name,
        so the name is not among them.)"""
        if self.personal is None:
            return frozenset()
        names_only = self.names - self.personal
        if cooperaties is not None:
            names_only &= frozenset(cooperaties)
        if not names_only:
            return frozenset()
        return frozenset(self.masked_fields) - {"naam"}


def _inzage(actor, cooperatie_id: int, bron: str, aantal: int) -> LedenInzage:
    user = actor if actor is not None and getattr(actor, "pk", None) else None
    return LedenInzage(
        user=user,
        username=(actor.get_username() if user is not None else "systeem")[:150],
        cooperatie_id=cooperatie_id,
        bron=bron,
        aantal=max(int(aantal), 0),
    )


def log_inzage(*, actor, cooperatie: Cooperatie | int, bron: str, aantal: int):
    """Record that `actor` read `aantal` member rows of `cooperatie` via `bron`."""
    cooperatie_id = cooperatie if isinstance(cooperatie, int) else cooperatie.pk
    inzage = _inzage(actor, cooperatie_id, bron, aantal)
    inzage.save()
    return inzage


def log_inzagen(*, actor, leden, bron: str) -> None:
    """Record one read of several members, a row per cooperatie, in one query."""
    counts: dict[int, int] = {}
    for lid in leden:
        counts[lid.cooperatie_id] = counts.get(lid.cooperatie_id, 0) + 1
    if counts:
        LedenInzage.objects.bulk_create(
            _inzage(actor, cooperatie_id, bron, aantal)
            for cooperatie_id, aantal in sorted(counts.items())
        )


# Art. 15: export ------------------------------------------------------------------


def _journal_entries(lid: Lid) -> list[dict[str, Any]]:
    entries = AuditEntry.objects.filter(
        object_type="cooperatie.lid", object_id=str(lid.pk)
    ).order_by("timestamp", "pk")
    return [
        {
            "keten": entry.keten,
            "seq": entry.seq,
            "tijdstip": journal._to_json(entry.timestamp),
            "door": entry.actor_name,
            "actie": entry.action,
            "voor": entry.before,
            "na": entry.after,
            "hash": entry.hash,
        }
        for entry in entries
    ]


def lid_export(*, lid: Lid, actor) -> dict[str, Any]:
    """Everything stored about one member (AVG art. 15), for the cooperatie's
    own bestuur: the personal fields, the membership, the activities the member
    volunteered in, and the journal entries about the member as stored
    (personal values there are salted digests). The read is logged."""
    permissions.require_bestuur(actor, lid.cooperatie_id)
    # The member's volunteer rows (ledger's through model, by its reverse
    # relation), with the hours they gave where the activity's hours are split.
    rijen = lid.vrijwilligerschappen.select_related("activiteit").order_by(
        "activiteit__datum", "activiteit__pk"
    )
    data = {
        "formaat": "coopsturing-avg-inzage-1",
        "aangemaakt_op": journal._to_json(timezone.now()),
        "lid": {
            "id": lid.pk,
            **{name: getattr(lid, name) for name in Lid.PERSONAL_FIELDS},
            "geanonimiseerd_op": journal._to_json(lid.geanonimiseerd_op),
        },
        "lidmaatschap": {
            "cooperatie": {"id": lid.cooperatie_id, "naam": lid.cooperatie.naam},
            "lid_sinds": journal._to_json(lid.lid_sinds),
            "lid_tot": journal._to_json(lid.lid_tot),
            "bestuursfunctie": lid.bestuursfunctie,
        },
        "activiteiten_als_vrijwilliger": [
            {
                "id": rij.activiteit.pk,
                "datum": journal._to_json(rij.activiteit.datum),
                "titel": rij.activiteit.titel,
                "thema": rij.activiteit.thema,
                "uren": journal._to_json(rij.uren),
            }
            for rij in rijen
        ],
        "journaal": _journal_entries(lid),
    }
    log_inzage(
        actor=actor,
        cooperatie=lid.cooperatie_id,
        bron=LedenInzage.Bron.AVG_EXPORT,
        aantal=1,
    )
    return data


# Art. 17: erasure -----------------------------------------------------------------


def _erase(lid: Lid, *, actor, reden: str) -> Lid:
    """Anonymise one member row and journal it; the caller checked permission
    and holds the transaction."""
    lid = Lid.objects.select_for_update().get(pk=lid.pk)
    if lid.geanonimiseerd_op is not None:
        raise ValidationError(_("De gegevens van dit lid zijn al gewist."))
    changed = [name for name in ERASED_FIELDS if getattr(lid, name)]
    for name in ERASED_FIELDS:
        setattr(lid, name, "")
    # Stored data, not interface text: the same in every language.
    lid.naam = f"Gewist lid #{lid.pk}"
    # A new random salt: the digests in older journal entries no longer match
    # anything this row can produce, so they point to no one.
    lid.journaal_salt = Lid.new_salt()
    lid.geanonimiseerd_op = timezone.now()
    lid.save(
        update_fields=[*ERASED_FIELDS, "journaal_salt", "geanonimiseerd_op"],
    )
    journal.record(
        actor=actor,
        action="lid_wissen",
        obj=lid,
        before=None,
        after={
            "gewiste_velden": sorted(changed),
            "reden": reden,
            "geanonimiseerd_op": lid.geanonimiseerd_op,
        },
    )
    return lid


@transaction.atomic
def lid_wissen(*, lid: Lid, actor) -> Lid:
    """Erase a member's personal data (AVG art. 17), by the cooperatie's bestuur.

    Name becomes "Gewist lid #<id>", e-mail, telephone and address are emptied
    and the journal salt is replaced. Membership dates, board function and
    doelgroep stay: the counts of every year (open and sealed) are built from
    them, and without name and address they no longer point to a person."""
    permissions.require_bestuur(actor, lid.cooperatie_id)
    return _erase(lid, actor=actor, reden="verzoek")


# Retention ------------------------------------------------------------------------


def bewaartermijn_jaren() -> int:
    return int(getattr(settings, "AVG_BEWAARTERMIJN_JAREN", 7))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class PurgeResult:
    grens: datetime.date
    gewist: int
    al_gewist: int


def purge_candidates(*, jaren: int, today: datetime.date | None = None):
    """Members whose membership ended more than `jaren` years ago and whose data
    is not yet erased."""
    grens = _years_before(today or timezone.localdate(), jaren)
    return grens, Lid.objects.filter(
        lid_tot__isnull=False, lid_tot__lt=grens, geanonimiseerd_op__isnull=True
    ).order_by("pk")


def purge_members(
    *, jaren: int, actor=None, dry_run: bool = False, today=None
) -> PurgeResult:
    """Erase the members who left more than `jaren` years ago (one journal entry
    each, in one transaction). Run by the platform (no actor) or its operator."""
    if actor is not None:
        permissions.require_superuser(actor)
    if jaren < 0:
        raise ValidationError({"jaren": _("Het aantal jaren kan niet negatief zijn.")})
    grens, candidates = purge_candidates(jaren=jaren, today=today)
    al_gewist = Lid.objects.filter(
        lid_tot__lt=grens, geanonimiseerd_op__isnull=False
    ).count()
    if dry_run:
        return PurgeResult(grens, candidates.count(), al_gewist)
    count = 0
    with transaction.atomic():
        for lid in candidates:
            _erase(lid, actor=actor, reden="bewaartermijn")
            count += 1
    return PurgeResult(grens, count, al_gewist)
