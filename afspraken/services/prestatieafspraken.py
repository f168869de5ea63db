"""Writes of the prestatieafspraken a corporatie makes with a gemeente, with
their liveability targets (doelen), and the rule that ties an afspraak to one.

What an afspraak's reference to a prestatieafspraak must satisfy, and what is
only worth a warning (`afspraken.selectors.prestatieafspraak_waarschuwingen`):

- refused: a prestatieafspraak of another corporatie; one whose gemeente is
  none of the afspraak's gebouwen' gemeenten (when it names gebouwen); one
  whose years share no year with the afspraak's;
- warned: an afspraak without gebouwen (its gemeente cannot be checked), with
  gebouwen in another gemeente besides the prestatieafspraak's, or with years
  the prestatieafspraak does not cover (a multi-year afspraak usually outlives
  a prestatieafspraak, which is renewed every few years).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cooperatie import permissions
from cooperatie.models import Corporatie, Gebouw
from kern import writes
from ledger.bijlagen import sniff_content_type

from ..models import MAX_DOELEN, Afspraak, Prestatieafspraak, Prestatiedoel

PRESTATIEAFSPRAAK_FIELDS = (
    "gemeentecode",
    "titel",
    "ingangsjaar",
    "eindjaar",
    "huurdersorganisatie",
    "document",
)
DOEL_FIELDS = ("thema", "omschrijving", "streefwaarde", "eenheid")


# An afspraak's reference ------------------------------------------------------------


def _overlapt(a_van: int, a_tot: int | None, b_van: int, b_tot: int | None) -> bool:
    """Whether two spans of years (None: open-ended) share a year."""
    return (a_tot is None or b_van <= a_tot) and (b_tot is None or a_van <= b_tot)


def check_prestatieafspraak(
    *,
    prestatieafspraak: Prestatieafspraak | None,
    corporatie_id: int,
    ingangsjaar: int | None,
    eindjaar: int | None,
    gebouwen: Iterable[Gebouw],
) -> None:
    """Refuse, on the field `prestatieafspraak`, a reference that cannot hold
    (see the module's docstring); None always holds."""
    if prestatieafspraak is None:
        return
    if prestatieafspraak.corporatie_id != corporatie_id:
        raise ValidationError(
            {
                "prestatieafspraak": _(
                    "De prestatieafspraak moet van de corporatie van de afspraak zijn."
                )
            }
        )
    gemeenten = {g.gemeentecode for g in gebouwen}
    if gemeenten and prestatieafspraak.gemeentecode not in gemeenten:
        raise ValidationError(
            {
                "prestatieafspraak": _(
                    "De prestatieafspraak geldt in %(gemeente)s; de gebouwen van de "
                    "afspraak liggen in %(gebouwen)s. Een prestatieafspraak moet "
                    "gelden in de gemeente van minstens één gebouw."
                )
                % {
                    "gemeente": prestatieafspraak.gemeentecode,
                    "gebouwen": ", ".join(sorted(gemeenten)),
                }
            }
        )
    if ingangsjaar is not None and not _overlapt(
        ingangsjaar, eindjaar, prestatieafspraak.ingangsjaar, prestatieafspraak.eindjaar
    ):
        raise ValidationError(
            {
                "prestatieafspraak": _(
                    "De prestatieafspraak (%(jaren)s) moet minstens één jaar met "
                    "de afspraak gemeen hebben."
                )
                % {"jaren": prestatieafspraak.looptijd}
            }
        )


def check_afspraak_prestatieafspraak(
    afspraak: Afspraak, gebouwen: Iterable[Gebouw] | None = None
) -> None:
    """`check_prestatieafspraak` for an afspraak as it is about to be saved
    (`gebouwen`: its new gebouwen, else those it has)."""
    if afspraak.prestatieafspraak_id is None:
        return
    if gebouwen is None:
        gebouwen = afspraak.gebouwen.all() if afspraak.pk else ()
    check_prestatieafspraak(
        prestatieafspraak=afspraak.prestatieafspraak,
        corporatie_id=afspraak.corporatie_id,
        ingangsjaar=afspraak.ingangsjaar,
        eindjaar=afspraak.eindjaar,
        gebouwen=gebouwen,
    )


def _check_afspraken(prestatieafspraak: Prestatieafspraak) -> None:
    """A changed prestatieafspraak must still hold for every afspraak that
    refers to it; the refusal names the first that would no longer."""
    for afspraak in prestatieafspraak.afspraken.prefetch_related("gebouwen"):
        try:
            check_prestatieafspraak(
                prestatieafspraak=prestatieafspraak,
                corporatie_id=afspraak.corporatie_id,
                ingangsjaar=afspraak.ingangsjaar,
                eindjaar=afspraak.eindjaar,
                gebouwen=afspraak.gebouwen.all(),
            )
        except ValidationError as exc:
            reden = " ".join(exc.message_dict["prestatieafspraak"])
            raise ValidationError(
                {
                    "gemeentecode": _(
                        "De afspraak %(titel)s verwijst naar deze prestatieafspraak "
                        "en past er dan niet meer bij: %(reden)s"
                    )
                    % {"titel": afspraak.titel, "reden": reden}
                }
            ) from exc


# The signed document ------------------------------------------------------------------


def check_document(document) -> None:
    """The signed document is a PDF (by its content, never its name) of at most
    BIJLAGE_MAX_BYTES, read no further than that bound."""
    if not document:
        return
    limit = settings.BIJLAGE_MAX_BYTES
    te_groot = ValidationError(
        {
            "document": _("Het bestand is groter dan %(mb)s MB.")
            % {"mb": limit // (1024 * 1024)}
        }
    )
    if (getattr(document, "size", 0) or 0) > limit:
        raise te_groot
    document.seek(0)
    head = document.read(16)
    document.seek(0)
    if sniff_content_type(head) != "application/pdf":
        raise ValidationError(
            {"document": _("Het ondertekende document moet een PDF-bestand zijn.")}
        )


# Prestatieafspraken -----------------------------------------------------------------


def _doel(row: Mapping[str, Any]) -> dict[str, Any]:
    writes.refuse_unknown(row, DOEL_FIELDS)
    data = dict(row)
    waarde = data.get("streefwaarde")
    if waarde in (None, ""):
        data["streefwaarde"] = None
        return data
    try:
        data["streefwaarde"] = Decimal(str(waarde))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {"streefwaarde": _("De streefwaarde moet een getal zijn.")}
        ) from exc
    return data


def _refuse_too_many(doelen: Sequence[Any]) -> None:
    if len(doelen) > MAX_DOELEN:
        raise ValidationError(
            {
                "doelen": ngettext(
                    "Een prestatieafspraak heeft hoogstens %(max)d doel.",
                    "Een prestatieafspraak heeft hoogstens %(max)d doelen.",
                    MAX_DOELEN,
                )
                % {"max": MAX_DOELEN}
            }
        )


@transaction.atomic
def prestatiedoel_create(
    *, prestatieafspraak: Prestatieafspraak, actor, **data
) -> Prestatiedoel:
    """Add a target to a prestatieafspraak (at most MAX_DOELEN); without a
    `volgorde` it goes last."""
    permissions.require_beheerder(actor, prestatieafspraak.corporatie_id)
    volgorde = data.pop("volgorde", None)
    data = _doel(data)
    bestaand = prestatieafspraak.doelen.count()
    _refuse_too_many(range(bestaand + 1))
    doel = Prestatiedoel(
        prestatieafspraak=prestatieafspraak,
        volgorde=bestaand + 1 if volgorde is None else volgorde,
        **data,
    )
    return writes.create(doel, actor=actor, action="prestatiedoel_create")


@transaction.atomic
def prestatiedoel_update(
    *, prestatiedoel: Prestatiedoel, actor, **data
) -> Prestatiedoel:
    permissions.require_beheerder(actor, prestatiedoel.prestatieafspraak.corporatie_id)
    volgorde = data.pop("volgorde", None)
    data = {name: _doel(data)[name] for name in data}
    if volgorde is not None:
        data["volgorde"] = volgorde
    return writes.update(
        prestatiedoel,
        data,
        actor=actor,
        action="prestatiedoel_update",
        allowed=(*DOEL_FIELDS, "volgorde"),
    )


@transaction.atomic
def prestatiedoel_delete(*, prestatiedoel: Prestatiedoel, actor) -> None:
    permissions.require_beheerder(actor, prestatiedoel.prestatieafspraak.corporatie_id)
    writes.delete(prestatiedoel, actor=actor, action="prestatiedoel_delete")


def _write_doelen(
    prestatieafspraak: Prestatieafspraak, doelen: Sequence[Mapping[str, Any]], actor
) -> None:
    """Make the targets those given, in that order: the n-th stored target takes
    the n-th row (journalled only when it changes), new rows are added and the
    stored ones past the last row removed. A refused row raises
    `kern.writes.RowValidationError` with every refused row's errors; nothing
    is written then."""
    _refuse_too_many(doelen)
    stored = list(prestatieafspraak.doelen.order_by("volgorde", "pk"))
    for doel in stored[len(doelen) :]:
        prestatiedoel_delete(prestatiedoel=doel, actor=actor)
    refused: dict[int, ValidationError] = {}
    for index, row in enumerate(doelen):
        try:
            data = {**_doel(row), "volgorde": index + 1}
            if index >= len(stored):
                prestatiedoel_create(
                    prestatieafspraak=prestatieafspraak, actor=actor, **data
                )
                continue
            doel = stored[index]
            changed = {k: v for k, v in data.items() if getattr(doel, k) != v}
            if changed:
                prestatiedoel_update(prestatiedoel=doel, actor=actor, **changed)
        except ValidationError as exc:
            refused[index] = exc
    if refused:
        raise writes.RowValidationError("doelen", refused, len(doelen))


@transaction.atomic
def prestatieafspraak_create(
    *,
    corporatie: Corporatie,
    gemeentecode: str,
    titel: str,
    ingangsjaar: int,
    eindjaar: int | None = None,
    huurdersorganisatie: str = "",
    document=None,
    doelen: Sequence[Mapping[str, Any]] = (),
    actor,
) -> Prestatieafspraak:
    """Record a prestatieafspraak of the corporatie, with its targets, all or
    nothing."""
    permissions.require_beheerder(actor, corporatie.pk)
    _refuse_too_many(doelen)
    check_document(document)
    prestatieafspraak = Prestatieafspraak(
        corporatie=corporatie,
        gemeentecode=gemeentecode,
        titel=titel,
        ingangsjaar=ingangsjaar,
        eindjaar=eindjaar,
        huurdersorganisatie=huurdersorganisatie,
    )
    if document:
        prestatieafspraak.document = document
    writes.create(prestatieafspraak, actor=actor, action="prestatieafspraak_create")
    _write_doelen(prestatieafspraak, doelen, actor)
    return prestatieafspraak


@transaction.atomic
def prestatieafspraak_update(
    *,
    prestatieafspraak: Prestatieafspraak,
    doelen: Sequence[Mapping[str, Any]] | None = None,
    actor,
    **data,
) -> Prestatieafspraak:
    """Change a prestatieafspraak and, when `doelen` is given, make its targets
    those rows; it must still fit every afspraak that refers to it."""
    permissions.require_beheerder(actor, prestatieafspraak.corporatie_id)
    if "document" in data:
        check_document(data["document"])
    if data:
        writes.update(
            prestatieafspraak,
            data,
            actor=actor,
            action="prestatieafspraak_update",
            allowed=PRESTATIEAFSPRAAK_FIELDS,
            check=_check_afspraken,
        )
    if doelen is not None:
        _write_doelen(prestatieafspraak, doelen, actor)
    return prestatieafspraak


@transaction.atomic
def prestatieafspraak_delete(*, prestatieafspraak: Prestatieafspraak, actor) -> None:
    """Remove a prestatieafspraak no afspraak refers to, with its targets."""
    permissions.require_beheerder(actor, prestatieafspraak.corporatie_id)
    if prestatieafspraak.afspraken.exists():
        raise ValidationError(
            {
                "prestatieafspraak": _(
                    "Er verwijzen afspraken naar deze prestatieafspraak; zij blijft "
                    "bewaard."
                )
            }
        )
    for doel in prestatieafspraak.doelen.all():
        prestatiedoel_delete(prestatiedoel=doel, actor=actor)
    writes.delete(prestatieafspraak, actor=actor, action="prestatieafspraak_delete")
