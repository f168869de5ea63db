"""The yearly cycle (domain §4): submitting, returning, assessing and approving a
year. Each transition locks the toetsing row, checks where it may start from, and
journals old and new status in its transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperatie import permissions
from cooperatie.jaarslot import lock_cooperatie
from kern import checkpoints, journal, writes

from .. import meldingen, rapporten, selectors, snapshot
from ..choices import ToetsingStatus, Verdict
from ..indicatoren import definitie
from ..models import Beoordeling, Toetsing, Toezegging
from .afspraken import gesloten_jaar_update

# transition → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "indienen": (
        frozenset({ToetsingStatus.OPEN, ToetsingStatus.TERUGGESTUURD}),
        ToetsingStatus.INGEDIEND,
    ),
    "terugsturen": (
        frozenset({ToetsingStatus.INGEDIEND}),
        ToetsingStatus.TERUGGESTUURD,
    ),
    "vaststellen": (frozenset({ToetsingStatus.INGEDIEND}), ToetsingStatus.VASTGESTELD),
}


# How a transition is named in messages (the keys above are identifiers).
TRANSITION_LABELS = {
    "indienen": gettext_lazy("indienen"),
    "terugsturen": gettext_lazy("terugsturen"),
    "vaststellen": gettext_lazy("vaststellen"),
}


def _transition(toetsing: Toetsing, name: str) -> tuple[Toetsing, str, str]:
    """Lock the toetsing row and check the transition; return (row, from, to)."""
    locked = Toetsing.objects.select_for_update().get(pk=toetsing.pk)
    allowed_from, to = TRANSITIONS[name]
    if locked.status not in allowed_from:
        raise ValidationError(
            {
                "status": _(
                    "Deze toetsing is %(status)s; %(actie)s kan alleen vanuit: "
                    "%(vanuit)s."
                )
                % {
                    "status": ToetsingStatus(locked.status).label,
                    "actie": TRANSITION_LABELS[name],
                    "vanuit": ", ".join(
                        sorted(str(ToetsingStatus(s).label) for s in allowed_from)
                    ),
                }
            }
        )
    return locked, locked.status, to


def _journal_transition(
    toetsing: Toetsing, *, actor, action: str, before: str, extra: dict | None = None
):
    return journal.record(
        actor=actor,
        action=action,
        obj=toetsing,
        before={"status": before},
        after={"status": toetsing.status, "verdict": toetsing.verdict, **(extra or {})},
    )


@transaction.atomic
def toetsing_indienen(*, toetsing: Toetsing, actor) -> Toetsing:
    """The bestuur submits the year: the measured results and the member count on
    peildatum are frozen into the snapshot, and the year's activities, bookings
    and member changes are locked (see cooperatie.jaarslot)."""
    permissions.require_bestuur(actor, toetsing.afspraak.cooperatie_id)
    toetsing, before, to = _transition(toetsing, "indienen")
    if toetsing.jaar >= timezone.localdate().year:
        raise ValidationError(
            {
                "jaar": _(
                    "Het jaar %(jaar)s loopt nog; indienen kan vanaf 1 januari "
                    "%(volgend)s."
                )
                % {"jaar": toetsing.jaar, "volgend": toetsing.jaar + 1}
            }
        )
    if not toetsing.afspraak.toezeggingen.exists():
        raise ValidationError(
            {
                "afspraak": _(
                    "Deze afspraak heeft geen toezeggingen; er valt niets te toetsen."
                )
            }
        )
    # The same lock the year-sensitive writes take: none of them can land between
    # this measurement and the commit.
    lock_cooperatie(toetsing.afspraak.cooperatie_id)
    toetsing.snapshot = snapshot.build(toetsing)
    toetsing.verdict = toetsing.snapshot["verdict"]
    toetsing.status = to
    toetsing.ingediend_door = actor
    toetsing.ingediend_op = timezone.now()
    toetsing.save()
    _journal_transition(
        toetsing, actor=actor, action="toetsing_indienen", before=before
    )
    gesloten_jaar_update(
        cooperatie_id=toetsing.afspraak.cooperatie_id, jaar=toetsing.jaar
    )
    meldingen.toetsing_ingediend(toetsing)
    return toetsing


@transaction.atomic
def toetsing_terugsturen(*, toetsing: Toetsing, reden: str, actor) -> Toetsing:
    """The beheerder returns a submitted year for corrections, with a reason."""
    permissions.require_beheerder(actor, toetsing.afspraak.corporatie_id)
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError(
            {"reden": _("Geef aan waarom de toetsing wordt teruggestuurd.")}
        )
    try:
        Toetsing._meta.get_field("teruggestuurd_reden").run_validators(reden)
    except ValidationError as exc:
        raise ValidationError({"reden": exc.error_list}) from exc
    toetsing, before, to = _transition(toetsing, "terugsturen")
    # Reopening the year waits for, and is seen by, the year-sensitive writes.
    lock_cooperatie(toetsing.afspraak.cooperatie_id)
    toetsing.status = to
    toetsing.teruggestuurd_door = actor
    toetsing.teruggestuurd_op = timezone.now()
    toetsing.teruggestuurd_reden = reden
    toetsing.save()
    _journal_transition(
        toetsing,
        actor=actor,
        action="toetsing_terugsturen",
        before=before,
        extra={"reden": reden},
    )
    gesloten_jaar_update(
        cooperatie_id=toetsing.afspraak.cooperatie_id, jaar=toetsing.jaar
    )
    meldingen.toetsing_teruggestuurd(toetsing)
    return toetsing


@transaction.atomic
def toetsing_beoordelen(
    *, toetsing: Toetsing, toezegging: Toezegging, oordeel: str, toelichting: str, actor
) -> Beoordeling:
    """The beheerder assesses a kwalitatief toezegging, with a required toelichting.
    Possible until the toetsing is vastgesteld; a new assessment replaces the old."""
    permissions.require_beheerder(actor, toetsing.afspraak.corporatie_id)
    toetsing = Toetsing.objects.select_for_update().get(pk=toetsing.pk)
    if toetsing.status == ToetsingStatus.VASTGESTELD:
        raise ValidationError(
            {"status": _("Deze toetsing is vastgesteld; beoordelen kan niet meer.")}
        )
    if toezegging.afspraak_id != toetsing.afspraak_id:
        raise ValidationError(
            {"toezegging": _("Deze toezegging hoort niet bij deze afspraak.")}
        )
    if not definitie(toezegging.indicator).kwalitatief:
        raise ValidationError(
            {"toezegging": _("Alleen kwalitatieve toezeggingen worden beoordeeld.")}
        )
    toelichting = (toelichting or "").strip()
    if not toelichting:
        raise ValidationError(
            {"toelichting": _("Een beoordeling moet een toelichting hebben.")}
        )
    beoordeling = Beoordeling.objects.filter(
        toetsing=toetsing, toezegging=toezegging
    ).first() or Beoordeling(toetsing=toetsing, toezegging=toezegging)
    before = journal.snapshot(beoordeling) if beoordeling.pk else None
    beoordeling.oordeel = oordeel
    beoordeling.toelichting = toelichting
    beoordeling.beoordeeld_door = actor
    beoordeling.beoordeeld_op = timezone.now()
    writes.validate(beoordeling)
    beoordeling.save()
    if toetsing.snapshot is not None:
        toetsing.snapshot = snapshot.with_beoordelingen(
            toetsing.snapshot, selectors.beoordelingen_of(toetsing)
        )
        toetsing.verdict = toetsing.snapshot["verdict"]
        toetsing.save(update_fields=["snapshot", "verdict"])
    journal.record(
        actor=actor,
        action="toetsing_beoordelen",
        obj=beoordeling,
        before=before,
        after=journal.snapshot(beoordeling),
    )
    return beoordeling


@transaction.atomic
def toetsing_vaststellen(*, toetsing: Toetsing, actor) -> Toetsing:
    """The beheerder approves the year. Refused while a kwalitatief toezegging is
    unassessed. The nalevingsrapport is rendered once from the stored snapshot and
    sealed; the year can never be reopened."""
    permissions.require_beheerder(actor, toetsing.afspraak.corporatie_id)
    toetsing, before, to = _transition(toetsing, "vaststellen")
    final = snapshot.with_beoordelingen(
        toetsing.snapshot, selectors.beoordelingen_of(toetsing)
    )
    open_clauses = [
        row["omschrijving"]
        for row in final["toezeggingen"]
        if row["verdict"] == Verdict.TE_BEOORDELEN
    ]
    if open_clauses:
        raise ValidationError(
            {
                "toezeggingen": _(
                    "Beoordeel eerst de kwalitatieve toezeggingen: %(lijst)s."
                )
                % {"lijst": "; ".join(open_clauses)}
            }
        )
    toetsing.snapshot = final
    toetsing.verdict = final["verdict"]
    toetsing.status = to
    toetsing.vastgesteld_door = actor
    toetsing.vastgesteld_op = timezone.now()
    toetsing.save()
    # Rendered before any journal chain is locked (see rapporten.seal).
    rapport = rapporten.seal(toetsing, actor=actor)
    seal_entry = _journal_transition(
        toetsing,
        actor=actor,
        action="toetsing_vaststellen",
        before=before,
        extra={
            "rapport_sha256": rapport.sha256,
            "journaal_hash": rapport.journaal_hash,
        },
    )
    # The year stays closed; only its status changes, so no cooperatie lock
    # (it would hold up the cooperatie's writers while the report renders).
    gesloten_jaar_update(
        cooperatie_id=toetsing.afspraak.cooperatie_id, jaar=toetsing.jaar
    )
    # The heads right after the seal, signed with the key outside the database:
    # the auditor's bundle carries this checkpoint.
    checkpoints.sign_heads_if_key(
        [
            journal.Kop(seal_entry.keten, seal_entry.seq, seal_entry.hash),
            journal.head_of(journal.cooperatie_keten(toetsing.afspraak.cooperatie_id)),
        ],
        aanleiding=f"afspraken.rapport:{rapport.pk}",
    )
    meldingen.toetsing_vastgesteld(toetsing, rapport)
    return toetsing
