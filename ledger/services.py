"""Every write of the ledger app: activities, evidence, bookings and storno's.
Atomic, keyword-only, permission-checked, one journal entry each. Writes dated in
a closed year (ingediend or vastgesteld) are refused (see cooperatie.jaarslot)."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cooperatie import permissions
from cooperatie.jaarslot import ensure_year_open, gesloten_jaren, lock_cooperatie
from cooperatie.models import Cooperatie, Lid
from kern import writes
from kern.validators import normalize_code

from .bijlagen import EXTENSIONS, schone_naam, sniff_content_type
from .herhalen import herhaal_datums
from .models import (
    ORIGINAL_NAME_MAX_LENGTH,
    Activiteit,
    Bewijsbestand,
    Bijlage,
    Boeking,
    Bon,
)
from .urenverdeling import UREN_FIELD, check_vrijwilligers, verdeling_van, write_uren
from .verwijderbaar import activiteit_delete_refusal

BONNEN_PER_BOEKING = 20
"""Receipts one booking may hold (a booking is one payment)."""


# Activiteit ---------------------------------------------------------------------


@dataclass
class _NieuweActiviteit:
    """A new activity after the service's own checks, unsaved: with its
    volunteers and their hours (member id → hours, None where not split)."""

    activiteit: Activiteit
    vrijwilligers: list[Lid]
    verdeling: dict[int, Decimal | None]


def _normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A buurtcode in capitals, as typed in any case (BU0363af09)."""
    if isinstance(data.get("buurtcode"), str):
        return {**data, "buurtcode": normalize_code(data["buurtcode"])}
    return data


def _new_activiteit(
    cooperatie: Cooperatie,
    gesloten: dict[int, str] | None,
    vrijwilligers: Iterable[Lid] = (),
    vrijwilligers_uren: Mapping[Any, Any] | None = None,
    **data,
) -> _NieuweActiviteit:
    writes.refuse_unknown(data, Activiteit.EDITABLE_FIELDS)
    data = _normalized(data)
    vrijwilligers = check_vrijwilligers(cooperatie.pk, vrijwilligers)
    activiteit = Activiteit(cooperatie=cooperatie, **data)
    ensure_year_open(
        cooperatie_id=cooperatie.pk,
        dates={"datum": activiteit.datum},
        gesloten=gesloten,
    )
    verdeling = verdeling_van(activiteit, vrijwilligers, vrijwilligers_uren)
    return _NieuweActiviteit(activiteit, vrijwilligers, verdeling)


@transaction.atomic
def activiteit_create(
    *,
    cooperatie: Cooperatie,
    actor,
    vrijwilligers: Iterable[Lid] = (),
    vrijwilligers_uren: Mapping[Any, Any] | None = None,
    **data,
) -> Activiteit:
    """A new activity with its volunteers; `vrijwilligers_uren`: optionally the
    hours per volunteer (member id → hours), all summing to `vrijwilligersuren`."""
    permissions.require_bestuur(actor, cooperatie.pk)
    nieuw = _new_activiteit(cooperatie, None, vrijwilligers, vrijwilligers_uren, **data)
    return writes.create(
        nieuw.activiteit,
        actor=actor,
        action="activiteit_create",
        m2m={"vrijwilligers": nieuw.vrijwilligers},
        related=write_uren(nieuw.verdeling),
    )


@transaction.atomic
def activiteit_update(
    *,
    activiteit: Activiteit,
    actor,
    vrijwilligers_uren: Mapping[Any, Any] | None = None,
    **data,
) -> Activiteit:
    """Change an activity; `vrijwilligers_uren` as for `activiteit_create`
    (None keeps the hours of the volunteers who stay). A change of the total
    or of the volunteers must keep a split adding up."""
    permissions.require_bestuur(actor, activiteit.cooperatie_id)
    if "vrijwilligers" in data:
        data["vrijwilligers"] = check_vrijwilligers(
            activiteit.cooperatie_id, data["vrijwilligers"]
        )
    elif vrijwilligers_uren is not None:
        # Journalled with the volunteers (kern.writes.snapshot).
        data["vrijwilligers"] = list(activiteit.vrijwilligers.all())
    ensure_year_open(
        cooperatie_id=activiteit.cooperatie_id,
        dates={"datum": activiteit.datum},
    )
    if "datum" in data:
        ensure_year_open(
            cooperatie_id=activiteit.cooperatie_id, dates={"datum": data["datum"]}
        )
    nieuw = Activiteit(
        pk=activiteit.pk,
        vrijwilligersuren=data.get("vrijwilligersuren", activiteit.vrijwilligersuren),
    )
    verdeling = verdeling_van(nieuw, data.get("vrijwilligers"), vrijwilligers_uren)
    return writes.update(
        activiteit,
        _normalized(data),
        actor=actor,
        action="activiteit_update",
        allowed=Activiteit.EDITABLE_FIELDS,
        related=write_uren(verdeling),
    )


@transaction.atomic
def activiteit_delete(*, activiteit: Activiteit, actor) -> None:
    permissions.require_bestuur(actor, activiteit.cooperatie_id)
    # The year check first takes the cooperatie's lock (see cooperatie.jaarslot).
    ensure_year_open(
        cooperatie_id=activiteit.cooperatie_id, dates={"datum": activiteit.datum}
    )
    refusal = activiteit_delete_refusal(activiteit)
    if refusal:
        raise ValidationError(refusal)
    writes.delete(activiteit, actor=actor, action="activiteit_delete")


# Bijlage ------------------------------------------------------------------------


def _store_evidence(bewijs: Bewijsbestand, bestand, *, actor, action: str):
    """Check an uploaded file by size and content, store it under a random name
    made from its sniffed type, and create the evidence row (journalled). The
    upload's own name is kept only to show (cleaned and bounded)."""
    limit = settings.BIJLAGE_MAX_BYTES
    if bestand.size > limit:
        raise ValidationError(
            {
                "bestand": _("Het bestand mag hoogstens %(mb)s MB groot zijn.")
                % {"mb": limit // (1024 * 1024)}
            }
        )
    bestand.seek(0)
    content = bestand.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            {
                "bestand": _("Het bestand mag hoogstens %(mb)s MB groot zijn.")
                % {"mb": limit // (1024 * 1024)}
            }
        )
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationError(
            {
                "bestand": _(
                    "Alleen foto's (JPEG, PNG, GIF, WebP) en PDF-bestanden worden "
                    "aanvaard; dit bestand is geen van beide."
                )
            }
        )
    bewijs.content_type = content_type
    bewijs.grootte = len(content)
    bewijs.sha256 = hashlib.sha256(content).hexdigest()
    bewijs.oorspronkelijke_naam = schone_naam(
        getattr(bestand, "name", ""), ORIGINAL_NAME_MAX_LENGTH
    )
    # The stored name comes from the content type, never from the upload's name.
    bewijs.bestand.save(
        f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}",
        ContentFile(content),
        save=False,
    )
    try:
        return writes.create(bewijs, actor=actor, action=action)
    except Exception:
        bewijs.bestand.delete(save=False)
        raise


def _delete_evidence(bewijs: Bewijsbestand, *, actor, action: str) -> None:
    name = bewijs.bestand.name
    storage = bewijs.bestand.storage
    writes.delete(bewijs, actor=actor, action=action)
    # The file goes only once the removal is committed: a rolled-back removal
    # (this one, or the caller's transaction around it) keeps row and file. A
    # file that cannot be removed then is logged, not an error of the
    # committed removal.
    transaction.on_commit(lambda: storage.delete(name), robust=True)


@transaction.atomic
def bijlage_add(
    *, activiteit: Activiteit, bestand, omschrijving: str = "", actor
) -> Bijlage:
    """Attach evidence (photo, receipt, PDF), checked by content and size."""
    permissions.require_bestuur(actor, activiteit.cooperatie_id)
    ensure_year_open(
        cooperatie_id=activiteit.cooperatie_id, dates={"datum": activiteit.datum}
    )
    return _store_evidence(
        Bijlage(activiteit=activiteit, omschrijving=omschrijving),
        bestand,
        actor=actor,
        action="bijlage_add",
    )


@transaction.atomic
def bijlage_delete(*, bijlage: Bijlage, actor) -> None:
    activiteit = bijlage.activiteit
    permissions.require_bestuur(actor, activiteit.cooperatie_id)
    ensure_year_open(
        cooperatie_id=activiteit.cooperatie_id, dates={"datum": activiteit.datum}
    )
    _delete_evidence(bijlage, actor=actor, action="bijlage_delete")


# Bon (a receipt of a booking) -----------------------------------------------------


def _boeking_years_open(boeking: Boeking) -> None:
    """A receipt changes with its booking's year: the booking's own date and,
    for a storno, the year of the booking it cancels (where it counts)."""
    dates = {"boeking": boeking.datum}
    if boeking.corrigeert_id:
        dates["corrigeert"] = Boeking.objects.values_list("datum", flat=True).get(
            pk=boeking.corrigeert_id
        )
    ensure_year_open(cooperatie_id=boeking.cooperatie_id, dates=dates)


@transaction.atomic
def bon_add(*, boeking: Boeking, bestand, omschrijving: str = "", actor) -> Bon:
    """Attach a receipt (photo or PDF) to a booking, checked by content and size
    as every evidence file; only while the booking's year is open."""
    permissions.require_bestuur(actor, boeking.cooperatie_id)
    _boeking_years_open(boeking)
    if Bon.objects.filter(boeking=boeking).count() >= BONNEN_PER_BOEKING:
        raise ValidationError(
            {
                "bestand": _("Een boeking mag hoogstens %(n)s bonnen hebben.")
                % {"n": BONNEN_PER_BOEKING}
            }
        )
    return _store_evidence(
        Bon(boeking=boeking, omschrijving=omschrijving),
        bestand,
        actor=actor,
        action="bon_add",
    )


@transaction.atomic
def bon_delete(*, bon: Bon, actor) -> None:
    """Remove a receipt (a wrong file) while the booking's year is open."""
    boeking = bon.boeking
    permissions.require_bestuur(actor, boeking.cooperatie_id)
    _boeking_years_open(boeking)
    _delete_evidence(bon, actor=actor, action="bon_delete")


# An activiteit with its new evidence, all or nothing ------------------------------


@dataclass(frozen=True)
class ActiviteitSaved:
    """What `activiteit_save` wrote: the activiteit and the evidence it added."""

    activiteit: Activiteit
    bijlagen: list[Bijlage]


def _named_file_error(exc: ValidationError, naam: str) -> ValidationError:
    """A refused evidence file's error under `bijlagen`, naming the file (the
    single-file service names its own field `bestand`)."""
    if not hasattr(exc, "error_dict") or "bestand" not in exc.error_dict:
        return exc
    fouten = [
        _("%(naam)s: %(fout)s") % {"naam": naam, "fout": message}
        for message in ValidationError(exc.error_dict["bestand"]).messages
    ]
    rest = {k: v for k, v in exc.error_dict.items() if k != "bestand"}
    return ValidationError({**rest, "bijlagen": fouten})


def activiteit_save(
    *,
    activiteit: Activiteit | None = None,
    data: Mapping[str, Any] | None,
    bijlagen: Sequence[Mapping[str, Any]] = (),
    actor,
) -> ActiviteitSaved:
    """Create an activiteit (`data` as for `activiteit_create`, with the
    cooperatie) or update one (`data`: the values to write; None leaves its
    fields alone), and attach new evidence (each item the arguments of
    `bijlage_add`: `bestand`, optionally `omschrijving`), in one transaction.

    A refused file refuses the whole save, its error under `bijlagen` naming the
    file. A rolled-back transaction does not remove files from storage, so the
    files this call stored are removed when it fails, the commit included.
    (A caller's own transaction around this one that rolls back later must do
    the same with `ActiviteitSaved.bijlagen`.)
    """
    stored: list[Bijlage] = []
    try:
        with transaction.atomic():
            if activiteit is None:
                activiteit = activiteit_create(actor=actor, **data)
            else:
                permissions.require_bestuur(actor, activiteit.cooperatie_id)
                # Locked, and a fresh copy: the caller's object keeps the stored
                # values if the save is refused.
                activiteit = Activiteit.objects.select_for_update().get(
                    pk=activiteit.pk
                )
                if data is not None:
                    activiteit = activiteit_update(
                        activiteit=activiteit, actor=actor, **data
                    )
            for item in bijlagen:
                try:
                    bijlage = bijlage_add(activiteit=activiteit, actor=actor, **item)
                except ValidationError as exc:
                    raise _named_file_error(exc, item["bestand"].name) from exc
                stored.append(bijlage)
    except BaseException:
        for bijlage in stored:
            bijlage.bestand.storage.delete(bijlage.bestand.name)
        raise
    return ActiviteitSaved(activiteit=activiteit, bijlagen=stored)


# Boeking ------------------------------------------------------------------------


def _new_boeking(
    cooperatie: Cooperatie,
    gesloten: dict[int, str] | None,
    *,
    datum: datetime.date,
    soort: str,
    bedrag: Decimal,
    omschrijving: str,
    activiteit: Activiteit | None = None,
) -> Boeking:
    """A new booking, unsaved, after the service's own checks."""
    if activiteit is not None and activiteit.cooperatie_id != cooperatie.pk:
        raise ValidationError(
            {"activiteit": _("Deze activiteit hoort bij een andere coöperatie.")}
        )
    # A booking names only an activity of an open year (the form offers no
    # other): a closed year's activity gains no new money.
    ensure_year_open(
        cooperatie_id=cooperatie.pk,
        dates={
            "datum": datum,
            "activiteit": activiteit.datum if activiteit is not None else None,
        },
        gesloten=gesloten,
    )
    return Boeking(
        cooperatie=cooperatie,
        datum=datum,
        soort=soort,
        bedrag=Decimal(str(bedrag)) if bedrag is not None else None,
        omschrijving=omschrijving,
        activiteit=activiteit,
    )


@transaction.atomic
def boeking_create(
    *,
    cooperatie: Cooperatie,
    datum: datetime.date,
    soort: str,
    bedrag: Decimal,
    omschrijving: str,
    activiteit: Activiteit | None = None,
    actor,
) -> Boeking:
    permissions.require_bestuur(actor, cooperatie.pk)
    boeking = _new_boeking(
        cooperatie,
        None,
        datum=datum,
        soort=soort,
        bedrag=bedrag,
        omschrijving=omschrijving,
        activiteit=activiteit,
    )
    return writes.create(boeking, actor=actor, action="boeking_create")


@transaction.atomic
def boeking_storno(
    *,
    boeking: Boeking,
    actor,
    datum: datetime.date | None = None,
    omschrijving: str = "",
) -> Boeking:
    """Cancel a boeking with a counter-entry whose description is the reason
    (required: the money book says why money was reversed). A boeking is
    cancelled at most once, and a storno itself cannot be cancelled (book the
    amount anew instead)."""
    permissions.require_bestuur(actor, boeking.cooperatie_id)
    # Lock the cooperatie (as every year-sensitive write does) so two storno's of
    # one boeking cannot pass the checks together. Not the boeking's own row:
    # SELECT … FOR UPDATE needs the UPDATE privilege, which the runtime role never
    # has on an append-only table (ledger/dbroles.py).
    lock_cooperatie(boeking.cooperatie_id)
    origineel = Boeking.objects.get(pk=boeking.pk)
    if origineel.is_storno:
        raise ValidationError(
            {"corrigeert": _("Een storno kan niet zelf worden gestorneerd.")}
        )
    if Boeking.objects.filter(corrigeert=origineel).exists():
        raise ValidationError({"corrigeert": _("Deze boeking is al gestorneerd.")})
    omschrijving = (omschrijving or "").strip()
    if not omschrijving:
        raise ValidationError(
            {"omschrijving": _("Een reden voor de storno moet ingevuld zijn.")}
        )
    datum = datum or origineel.datum
    # A storno counts against the year of the boeking it cancels (domain §5), so
    # both that year and the storno's own date must still be open.
    ensure_year_open(
        cooperatie_id=origineel.cooperatie_id,
        dates={"corrigeert": origineel.datum, "datum": datum},
    )
    storno = Boeking(
        cooperatie_id=origineel.cooperatie_id,
        datum=datum,
        soort=origineel.soort,
        bedrag=origineel.bedrag,
        omschrijving=omschrijving,
        activiteit_id=origineel.activiteit_id,
        corrigeert=origineel,
    )
    try:
        with transaction.atomic():
            return writes.create(storno, actor=actor, action="boeking_storno")
    except IntegrityError as exc:
        raise ValidationError(
            {"corrigeert": _("Deze boeking is al gestorneerd.")}
        ) from exc


# Many at once, all or nothing ----------------------------------------------------

MAX_ROWS = 2000
"""Most activities or bookings one bulk write takes (an import, the API)."""


def _bounded(rows: Sequence[Any], field: str) -> None:
    writes.refuse_row_count(rows, field, MAX_ROWS)


def _year_state(cooperatie: Cooperatie) -> dict[int, str]:
    """The cooperatie's closed years, read once under its lock for all rows."""
    lock_cooperatie(cooperatie.pk)
    return gesloten_jaren(cooperatie_id=cooperatie.pk)


@transaction.atomic
def activiteit_create_many(
    *, cooperatie: Cooperatie, rows: Sequence[Mapping[str, Any]], actor
) -> list[Activiteit]:
    """Create activities of one cooperatie, each as `activiteit_create` does
    (the same checks, one journal entry each), all or nothing: a refused row
    raises `kern.writes.RowValidationError` naming every refused row by its
    index, and nothing is written. The rows are checked first and then written
    at once (one insert per table, one append to the journal), so the queries
    do not grow with the rows."""
    permissions.require_bestuur(actor, cooperatie.pk)
    rows = list(rows)
    _bounded(rows, "activiteiten")
    gesloten = _year_state(cooperatie)
    nieuw: list[_NieuweActiviteit] = []

    def prepare(row):
        item = _new_activiteit(cooperatie, gesloten, **row)
        nieuw.append(item)
        return item.activiteit

    activiteiten = writes.prepare_many(rows, prepare, "activiteiten")
    return writes.create_many(
        activiteiten,
        actor=actor,
        action="activiteit_create",
        m2m=[{"vrijwilligers": item.vrijwilligers} for item in nieuw],
        extra=[{"vrijwilligers": item.verdeling} for item in nieuw],
    )


BOEKING_FIELDS = ("datum", "soort", "bedrag", "omschrijving", "activiteit")


@transaction.atomic
def boeking_create_many(
    *, cooperatie: Cooperatie, rows: Sequence[Mapping[str, Any]], actor
) -> list[Boeking]:
    """Create bookings of one cooperatie (never storno's), each as
    `boeking_create` does, all or nothing (see `activiteit_create_many`)."""
    permissions.require_bestuur(actor, cooperatie.pk)
    rows = list(rows)
    _bounded(rows, "boekingen")
    gesloten = _year_state(cooperatie)

    def prepare(row):
        writes.refuse_unknown(row, BOEKING_FIELDS)
        return _new_boeking(cooperatie, gesloten, **row)

    boekingen = writes.prepare_many(rows, prepare, "boekingen")
    return writes.create_many(boekingen, actor=actor, action="boeking_create")


def activiteit_repeat(
    *, activiteit: Activiteit, herhaling: str, tot: datetime.date, actor
) -> list[Activiteit]:
    """Repeat an activity: a copy of it (its fields, volunteers and their hours,
    not its evidence) on every date of `herhaal_datums`, each its own activity with its
    own journal entry, all or nothing. A date in a closed year refuses the
    whole repeat, on the field `tot`."""
    permissions.require_bestuur(actor, activiteit.cooperatie_id)
    datums = herhaal_datums(start=activiteit.datum, herhaling=herhaling, tot=tot)
    gesloten = gesloten_jaren(
        cooperatie_id=activiteit.cooperatie_id, jaren={d.year for d in datums}
    )
    if gesloten:
        ensure_year_open(
            cooperatie_id=activiteit.cooperatie_id,
            dates={"tot": min(d for d in datums if d.year in gesloten)},
        )
    data = {
        name: getattr(activiteit, name)
        for name in Activiteit.EDITABLE_FIELDS
        if name not in ("datum", "vrijwilligers")
    }
    vrijwilligers = list(activiteit.vrijwilligers.all())
    uren = {
        v.lid_id: v.uren
        for v in activiteit.vrijwilligerschappen.all()
        if v.uren is not None
    }
    rows = [
        {
            **data,
            "datum": d,
            "vrijwilligers": vrijwilligers,
            **({UREN_FIELD: uren} if uren else {}),
        }
        for d in datums
    ]
    return activiteit_create_many(
        cooperatie=activiteit.cooperatie, rows=rows, actor=actor
    )
