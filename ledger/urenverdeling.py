"""Volunteers of an activity and, optionally, the hours each gave: the checks
and the write step the ledger services use (not services themselves).

Domain §5 measures `vrijwilligersuren`, the activity's total; a split per
volunteer is optional, but when given it is given for every volunteer and sums
to that total."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cooperatie.models import Lid
from kern import formatting

from .models import Activiteit, Vrijwilliger

# The hours of one volunteer: at most 9999,99, in hundredths.
UREN_MAX = Decimal("9999.99")
UREN_FIELD = "vrijwilligers_uren"


def check_vrijwilligers(cooperatie_id: int, vrijwilligers: Iterable[Lid]) -> list[Lid]:
    vrijwilligers = list(vrijwilligers)
    if any(lid.cooperatie_id != cooperatie_id for lid in vrijwilligers):
        raise ValidationError(
            {"vrijwilligers": _("Vrijwilligers moeten leden van deze coöperatie zijn.")}
        )
    return vrijwilligers


def lees_uren(pk: int, value: Any) -> Decimal | None:
    """One volunteer's hours as typed or sent: empty, or 0 … 9999,99 in
    hundredths."""
    if value is None or value == "":
        return None
    try:
        uren = Decimal(str(value))
    except ArithmeticError:
        uren = None
    if (
        uren is None
        or not uren.is_finite()
        or uren < 0
        or uren > UREN_MAX
        or uren != uren.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            {
                UREN_FIELD: _(
                    "De uren van vrijwilliger %(lid)s moeten een getal van 0 tot "
                    "10.000 zijn, met hoogstens twee decimalen."
                )
                % {"lid": pk}
            }
        )
    return uren


def verdeling_van(
    activiteit: Activiteit,
    vrijwilligers: list[Lid] | None,
    uren: Mapping[Any, Any] | None,
) -> dict[int, Decimal | None]:
    """The hours per volunteer the activity will have: for `vrijwilligers` (the
    new volunteers, or None: the current ones), the hours given in `uren` (per
    member id; None: keep the current hours of volunteers who stay).

    Domain §5 measures `vrijwilligersuren`, the activity's total; a split is
    optional, but when given it is given for every volunteer and sums to that
    total, so the hours per member always add up to what is measured."""
    huidig = (
        dict(activiteit.vrijwilligerschappen.values_list("lid_id", "uren"))
        if activiteit.pk
        else {}
    )
    leden = (
        [lid.pk for lid in vrijwilligers] if vrijwilligers is not None else list(huidig)
    )
    if uren is None:
        verdeling = {pk: huidig.get(pk) for pk in leden}
    else:
        gegeven = {}
        for key, value in uren.items():
            pk = key.pk if isinstance(key, Lid) else key
            try:
                pk = int(pk)
            except (TypeError, ValueError):
                pk = None
            if pk not in leden:
                raise ValidationError(
                    {UREN_FIELD: _("Uren moeten bij een gekozen vrijwilliger horen.")}
                )
            gegeven[pk] = lees_uren(pk, value)
        verdeling = {pk: gegeven.get(pk) for pk in leden}
    ingevuld = [u for u in verdeling.values() if u is not None]
    if not ingevuld:
        return verdeling
    if len(ingevuld) != len(verdeling):
        raise ValidationError(
            {
                UREN_FIELD: _(
                    "De uren moeten voor elke vrijwilliger of voor geen enkele "
                    "zijn ingevuld."
                )
            }
        )
    try:
        totaal = Decimal(str(activiteit.vrijwilligersuren or 0))
    except ArithmeticError:
        return verdeling  # refused on its own field by the model's validation
    som = sum(ingevuld, Decimal(0))
    if som != totaal:
        raise ValidationError(
            {
                "vrijwilligersuren": _(
                    "De uren per vrijwilliger moeten samen de vrijwilligersuren "
                    "(%(totaal)s) zijn; samen zijn ze %(som)s."
                )
                % {"totaal": formatting.getal(totaal), "som": formatting.getal(som)}
            }
        )
    return verdeling


def write_uren(verdeling: dict[int, Decimal | None]):
    """The `related` step of the write: the hours on the volunteer rows."""

    def write(activiteit: Activiteit) -> None:
        rijen = list(activiteit.vrijwilligerschappen.all())
        changed = [r for r in rijen if r.uren != verdeling.get(r.lid_id)]
        for rij in changed:
            rij.uren = verdeling.get(rij.lid_id)
        Vrijwilliger.objects.bulk_update(changed, ["uren"])

    return write
