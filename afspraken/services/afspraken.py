"""Writes of agreements and their clauses, opening a year, legal figures, and
what the cooperatie app keeps of the afspraken."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cooperatie import permissions
from cooperatie import services as cooperatie_services
from cooperatie.choices import JaarStatus
from cooperatie.models import Cooperatie, Corporatie, Gebouw
from kern import writes

from .. import selectors, termijnen
from ..choices import LOCKED_STATUSES, ToetsingStatus
from ..models import Afspraak, Jaarparameter, Prestatieafspraak, Toetsing, Toezegging
from .prestatieafspraken import check_afspraak_prestatieafspraak

AFSPRAAK_FIELDS = (
    "titel",
    "ondertekend_op",
    "ingangsjaar",
    "eindjaar",
    "document",
    "prestatieafspraak",
    "prestatieafspraak_kenmerk",
    "indienen_maand",
    "indienen_dag",
    "gebouwen",
)
TOEZEGGING_FIELDS = (*selectors.SPEC_FIELDS, "volgorde")


def _check_gebouwen(corporatie_id: int, gebouwen: Iterable[Gebouw]) -> None:
    vreemd = [str(g) for g in gebouwen if g.corporatie_id != corporatie_id]
    if vreemd:
        raise ValidationError(
            {
                "gebouwen": _(
                    "Deze gebouwen horen niet bij de corporatie van de afspraak: "
                    "%(gebouwen)s."
                )
                % {"gebouwen": ", ".join(vreemd)}
            }
        )


def _check_span(afspraak: Afspraak) -> None:
    """A span may not shrink past years that were already assessed."""
    buiten = [
        jaar
        for jaar in afspraak.toetsingen.exclude(status=ToetsingStatus.OPEN).values_list(
            "jaar", flat=True
        )
        if not afspraak.loopt_in(jaar)
    ]
    if buiten:
        raise ValidationError(
            {
                "eindjaar": _(
                    "Het jaar %(jaren)s is al ingediend of vastgesteld en moet "
                    "binnen de looptijd blijven."
                )
                % {"jaren": ", ".join(map(str, sorted(buiten)))}
            }
        )


def _check_update(afspraak: Afspraak, gebouwen: list[Gebouw] | None) -> None:
    _check_span(afspraak)
    check_afspraak_prestatieafspraak(afspraak, gebouwen)


@transaction.atomic
def afspraak_create(
    *,
    corporatie: Corporatie,
    cooperatie: Cooperatie,
    titel: str,
    ingangsjaar: int,
    eindjaar: int | None = None,
    ondertekend_op: datetime.date | None = None,
    gebouwen: Iterable[Gebouw] = (),
    prestatieafspraak: Prestatieafspraak | None = None,
    prestatieafspraak_kenmerk: str = "",
    indienen_maand: int = termijnen.STANDAARD_MAAND,
    indienen_dag: int = termijnen.STANDAARD_DAG,
    document=None,
    actor,
) -> Afspraak:
    permissions.require_beheerder(actor, corporatie.pk)
    permissions.require_visible(actor, cooperatie, "cooperatie")
    gebouwen = list(gebouwen)
    _check_gebouwen(corporatie.pk, gebouwen)
    afspraak = Afspraak(
        corporatie=corporatie,
        cooperatie=cooperatie,
        titel=titel,
        ingangsjaar=ingangsjaar,
        eindjaar=eindjaar,
        ondertekend_op=ondertekend_op,
        prestatieafspraak=prestatieafspraak,
        prestatieafspraak_kenmerk=prestatieafspraak_kenmerk,
        indienen_maand=indienen_maand,
        indienen_dag=indienen_dag,
    )
    if document is not None:
        afspraak.document = document
    writes.create(
        afspraak,
        actor=actor,
        action="afspraak_create",
        m2m={"gebouwen": gebouwen},
        check=lambda a: check_afspraak_prestatieafspraak(a, gebouwen),
    )
    relatie_update(afspraak=afspraak)
    return afspraak


@transaction.atomic
def afspraak_update(*, afspraak: Afspraak, actor, **data) -> Afspraak:
    permissions.require_beheerder(actor, afspraak.corporatie_id)
    if "gebouwen" in data:
        data["gebouwen"] = list(data["gebouwen"])
        _check_gebouwen(afspraak.corporatie_id, data["gebouwen"])
    writes.update(
        afspraak,
        data,
        actor=actor,
        action="afspraak_update",
        allowed=AFSPRAAK_FIELDS,
        check=lambda a: _check_update(a, data.get("gebouwen")),
    )
    if "gebouwen" in data:
        relatie_update(afspraak=afspraak)
    return afspraak


@transaction.atomic
def toezegging_create(*, afspraak: Afspraak, actor, **data) -> Toezegging:
    permissions.require_beheerder(actor, afspraak.corporatie_id)
    writes.refuse_unknown(data, TOEZEGGING_FIELDS)
    if "norm" in data:
        data["norm"] = Decimal(str(data["norm"]))
    toezegging = Toezegging(afspraak=afspraak, **data)
    return writes.create(toezegging, actor=actor, action="toezegging_create")


@transaction.atomic
def toezegging_update(*, toezegging: Toezegging, actor, **data) -> Toezegging:
    permissions.require_beheerder(actor, toezegging.afspraak.corporatie_id)
    return writes.update(
        toezegging,
        data,
        actor=actor,
        action="toezegging_update",
        allowed=TOEZEGGING_FIELDS,
    )


@transaction.atomic
def toezegging_delete(*, toezegging: Toezegging, actor) -> None:
    """Remove a clause. Years already assessed keep it in their stored snapshot."""
    permissions.require_beheerder(actor, toezegging.afspraak.corporatie_id)
    if toezegging.beoordelingen.exists():
        raise ValidationError(
            {
                "toezegging": _(
                    "Deze toezegging is in een toetsing beoordeeld en blijft bewaard."
                )
            }
        )
    writes.delete(toezegging, actor=actor, action="toezegging_delete")


# An afspraak with its toezeggingen, all or nothing ------------------------------------


@dataclass(frozen=True)
class ToezeggingChange:
    """One clause row of `afspraak_save`: a new toezegging (no `id`), the changed
    values of an existing one (`id` and `data`), or its removal (`id`, `delete`)."""

    id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    delete: bool = False


@dataclass(frozen=True)
class AfspraakSaved:
    """What `afspraak_save` wrote: the afspraak, whether its own fields were
    written, and how many toezeggingen it added, changed and removed."""

    afspraak: Afspraak
    afspraak_changed: bool
    added: int
    changed: int
    removed: int


def _apply_change(
    afspraak: Afspraak, change: ToezeggingChange, volgorde: int, actor
) -> str | None:
    """Write one clause row through its service; which kind of write it was
    (None: nothing to write)."""
    if change.id is None:
        if change.delete:
            raise ValidationError(
                {"id": _("Een nieuwe toezegging kan niet worden verwijderd.")}
            )
        toezegging_create(
            afspraak=afspraak, actor=actor, **{"volgorde": volgorde, **change.data}
        )
        return "added"
    # A fresh copy of the stored row, and only of this afspraak's rows: the
    # caller's objects stay as they were loaded, whatever is refused.
    toezegging = Toezegging.objects.filter(afspraak=afspraak, pk=change.id).first()
    if toezegging is None:
        raise ValidationError(
            {"id": _("Deze toezegging hoort niet bij deze afspraak.")}
        )
    if change.delete:
        toezegging_delete(toezegging=toezegging, actor=actor)
        return "removed"
    if change.data:
        toezegging_update(toezegging=toezegging, actor=actor, **change.data)
        return "changed"
    return None


@transaction.atomic
def afspraak_save(
    *,
    afspraak: Afspraak | None = None,
    data: Mapping[str, Any] | None,
    toezeggingen: Sequence[ToezeggingChange] = (),
    actor,
) -> AfspraakSaved:
    """Create an afspraak (`data` as for `afspraak_create`, with the corporatie),
    or update one (`data`: the values to write; None leaves its own fields
    alone), with its toezeggingen added, changed and removed, in one transaction.

    Every row goes through its own service and journal entry. A refused afspraak
    raises its ValidationError before any row is tried; refused rows raise
    `kern.writes.RowValidationError` with every refused row's errors (all rows
    are tried, so all errors show at once); either way nothing is written. New
    rows without a `volgorde` go after the afspraak's last one, in the order
    given.
    """
    afspraak_changed = data is not None
    if afspraak is None:
        afspraak = afspraak_create(actor=actor, **data)
    else:
        permissions.require_beheerder(actor, afspraak.corporatie_id)
        # Locked against concurrent saves, and a fresh copy: the caller's object
        # keeps the stored values if the save is refused.
        afspraak = Afspraak.objects.select_for_update().get(pk=afspraak.pk)
        if data is not None:
            afspraak = afspraak_update(afspraak=afspraak, actor=actor, **data)
    counts = {"added": 0, "changed": 0, "removed": 0}
    refused: dict[int, ValidationError] = {}
    volgorde = (afspraak.toezeggingen.aggregate(m=Max("volgorde"))["m"] or 0) + 1
    for index, change in enumerate(toezeggingen):
        try:
            # Each row service is atomic on its own (a savepoint here): a refused
            # row writes nothing and the rows after it are still checked.
            kind = _apply_change(afspraak, change, volgorde, actor)
        except ValidationError as exc:
            refused[index] = exc
            continue
        if kind is not None:
            counts[kind] += 1
        if kind == "added" and "volgorde" not in change.data:
            volgorde += 1
    if refused:
        raise writes.RowValidationError("toezeggingen", refused, len(toezeggingen))
    return AfspraakSaved(afspraak=afspraak, afspraak_changed=afspraak_changed, **counts)


@transaction.atomic
def toetsing_open(*, afspraak: Afspraak, jaar: int, actor) -> Toetsing:
    """Open the yearly assessment of an afspraak for a year it runs in."""
    if not (
        permissions.is_beheerder_of(actor, afspraak.corporatie_id)
        or permissions.is_bestuur_of(actor, afspraak.cooperatie_id)
    ):
        raise permissions.deny(
            _("Alleen de beheerder of het bestuur van deze afspraak mag dit.")
        )
    if not afspraak.loopt_in(jaar):
        raise ValidationError(
            {
                "jaar": _(
                    "Het jaar moet binnen de looptijd van de afspraak vallen; "
                    "%(jaar)s valt erbuiten."
                )
                % {"jaar": jaar}
            }
        )
    toetsing = Toetsing(afspraak=afspraak, jaar=jaar)
    return writes.create(toetsing, actor=actor, action="toetsing_open")


@transaction.atomic
def jaarparameter_create(
    *, jaar: int, code: str, waarde: Decimal, bron: str, actor
) -> Jaarparameter:
    permissions.require_superuser(actor)
    parameter = Jaarparameter(jaar=jaar, code=code, waarde=Decimal(waarde), bron=bron)
    return writes.create(parameter, actor=actor, action="jaarparameter_create")


@transaction.atomic
def jaarparameter_update(*, parameter: Jaarparameter, actor, **data) -> Jaarparameter:
    permissions.require_superuser(actor)
    return writes.update(
        parameter,
        data,
        actor=actor,
        action="jaarparameter_update",
        allowed=("waarde", "bron"),
    )


# What the cooperatie app keeps of the afspraken --------------------------------------


def relatie_update(*, afspraak: Afspraak) -> None:
    """Tie the afspraak's corporatie and cooperatie (`cooperatie.models.Relatie`),
    with the gebouwen all afspraken between the two name. Inside the write's
    transaction."""
    cooperatie_services.relatie_record(
        corporatie_id=afspraak.corporatie_id,
        cooperatie_id=afspraak.cooperatie_id,
        gebouwen=Afspraak.gebouwen.through.objects.filter(
            afspraak__corporatie_id=afspraak.corporatie_id,
            afspraak__cooperatie_id=afspraak.cooperatie_id,
        ).values_list("gebouw_id", flat=True),
    )


def gesloten_jaar_update(*, cooperatie_id: int, jaar: int) -> None:
    """Keep the cooperatie's closed year (`cooperatie.models.GeslotenJaar`): closed
    while a toetsing of that cooperatie and year is ingediend or vastgesteld, as
    vastgesteld once one is. Inside the transition's transaction, after it took
    the cooperatie's lock when it opens or closes the year."""
    statussen = set(
        Toetsing.objects.filter(
            afspraak__cooperatie_id=cooperatie_id,
            jaar=jaar,
            status__in=LOCKED_STATUSES,
        ).values_list("status", flat=True)
    )
    if ToetsingStatus.VASTGESTELD in statussen:
        status = JaarStatus.VASTGESTELD
    elif statussen:
        status = JaarStatus.INGEDIEND
    else:
        status = None
    cooperatie_services.gesloten_jaar_set(
        cooperatie_id=cooperatie_id, jaar=jaar, status=status
    )
