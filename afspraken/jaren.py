"""Every year of every afspraak up to a given year, with its status and deadline,
also the years nobody opened: the rows that say which years are late, and the
counts per year ("3 afspraken, 2 verzegeld, 1 te laat").

Two queries whatever the number of afspraken and years (the afspraken, their
toetsingen); the deadline arithmetic is `termijnen`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .choices import ToetsingStatus
from .models import Afspraak, Toetsing
from .termijnen import te_laat


@dataclass(frozen=True)
class AfspraakJaar:
    afspraak: Afspraak
    jaar: int
    status: str  # "" for a year without a toetsing
    toetsing_id: int | None
    uiterlijk: datetime.date
    te_laat: bool


def afspraak_jaren(
    *,
    afspraken,
    tot_jaar: int,
    vandaag: datetime.date,
    jaren: Iterable[int] | None = None,
) -> list[AfspraakJaar]:
    """Each year in which an afspraak of `afspraken` (a queryset) runs, up to and
    including `tot_jaar` (only `jaren` when given), newest year first."""
    wanted = set(jaren) if jaren is not None else None
    lijst = list(afspraken.select_related("cooperatie").order_by("pk"))
    toetsingen = {
        (row["afspraak_id"], row["jaar"]): row
        for row in Toetsing.objects.filter(afspraak__in=[a.pk for a in lijst])
        .order_by()
        .values("afspraak_id", "jaar", "status", "pk")
    }
    rijen = []
    for afspraak in lijst:
        laatste = min(afspraak.eindjaar or tot_jaar, tot_jaar)
        for jaar in range(afspraak.ingangsjaar, laatste + 1):
            if wanted is not None and jaar not in wanted:
                continue
            row = toetsingen.get((afspraak.pk, jaar))
            status = row["status"] if row else ""
            uiterlijk = afspraak.uiterlijk_indienen(jaar)
            rijen.append(
                AfspraakJaar(
                    afspraak=afspraak,
                    jaar=jaar,
                    status=status,
                    toetsing_id=row["pk"] if row else None,
                    uiterlijk=uiterlijk,
                    te_laat=te_laat(status, uiterlijk, vandaag),
                )
            )
    rijen.sort(key=lambda r: (-r.jaar, r.afspraak.cooperatie.naam, r.afspraak.pk))
    return rijen


def tellingen(rijen: Iterable[AfspraakJaar]) -> dict[int, Counter]:
    """Per year: afspraken, verzegeld (vastgesteld), ingediend, te_laat and
    bij_bestuur (still with the bestuur, not late)."""
    per_jaar: dict[int, Counter] = {}
    for rij in rijen:
        teller = per_jaar.setdefault(rij.jaar, Counter())
        teller["afspraken"] += 1
        if rij.status == ToetsingStatus.VASTGESTELD:
            teller["verzegeld"] += 1
        elif rij.status == ToetsingStatus.INGEDIEND:
            teller["ingediend"] += 1
        elif rij.te_laat:
            teller["te_laat"] += 1
        else:
            teller["bij_bestuur"] += 1
    return per_jaar
