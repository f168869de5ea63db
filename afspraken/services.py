"""Every write of the afspraken app: agreements, clauses, opening a year, legal
figures. Atomic, keyword-only, permission-checked, one journal entry each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cooperatie import permissions
from cooperatie.models import Cooperatie, Corporatie, Gebouw
from ledger import writes

from .choices import ToetsingStatus
from .models import Afspraak, Jaarparameter, Toetsing, Toezegging

AFSPRAAK_FIELDS = (
    "titel",
    "ondertekend_op",
    "ingangsjaar",
    "eindjaar",
    "document",
    "prestatieafspraak",
    "gebouwen",
)
TOEZEGGING_FIELDS = (
    "omschrijving",
    "indicator",
    "norm",
    "richting",
    "deels_vanaf",
    "zwaarwegend",
    "thema",
    "alleen_open_voor_buurt",
    "volgorde",
)


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
    prestatieafspraak: str = "",
    document=None,
    actor,
) -> Afspraak:
    permissions.require_beheerder(actor, corporatie.pk)
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
    )
    if document is not None:
        afspraak.document = document
    return writes.create(
        afspraak, actor=actor, action="afspraak_create", m2m={"gebouwen": gebouwen}
    )


@transaction.atomic
def afspraak_update(*, afspraak: Afspraak, actor, **data) -> Afspraak:
    permissions.require_beheerder(actor, afspraak.corporatie_id)
    if "gebouwen" in data:
        data["gebouwen"] = list(data["gebouwen"])
        _check_gebouwen(afspraak.corporatie_id, data["gebouwen"])
    return writes.update(
        afspraak,
        data,
        actor=actor,
        action="afspraak_update",
        allowed=AFSPRAAK_FIELDS,
        check=_check_span,
    )


@transaction.atomic
def toezegging_create(*, afspraak: Afspraak, actor, **data) -> Toezegging:
    permissions.require_beheerder(actor, afspraak.corporatie_id)
    unknown = sorted(set(data) - set(TOEZEGGING_FIELDS))
    if unknown:
        raise ValidationError({name: _("Onbekend veld.") for name in unknown})
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
    writes.delete(toezegging, actor=actor, action="toezegging_delete")


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
            {"jaar": _("De afspraak loopt niet in %(jaar)s.") % {"jaar": jaar}}
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
