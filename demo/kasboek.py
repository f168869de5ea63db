"""One coöperatie's year in the demo: its activities and its bookings.

`Kasboek.jaar()` turns the coöperatie's programme (demo/data/wereld.yaml) into dated
activities, and its budget, fixed and one-off expenses into bookings, in the order
of their dates, through the services as the bestuur. The current year stops at
today. Randomness (days, turnout, volunteers, amounts) comes from the builder's
seeded generator, so the same seed and day give the same books.
"""

from __future__ import annotations

import calendar
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from ledger import services as ledger_services
from ledger.choices import BoekingSoort
from ledger.models import Activiteit, Boeking

from .gegevens import CooperatieSpec, Kosten, Programma, Soort, Uitgave, Wereld, velden
from .leden import Vrijwilligers

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT)


@dataclass(frozen=True, order=True)
class _Post:
    """Something that happens on a day: a budget tranche (0), an activity (1) or an
    expense (2), in that order on one day."""

    datum: datetime.date
    volgorde: int
    soort: str = field(compare=False)
    inhoud: object = field(compare=False)


@dataclass
class Kasboek:
    """The books of one coöperatie, kept by its bestuur year by year."""

    wereld: Wereld
    spec: CooperatieSpec
    cooperatie: object
    corporatie: str  # its name, in the budget's text
    plaats: str  # the building's town, in the partners' names
    bestuur: object
    vrijwilligers: Vrijwilligers
    rng: random.Random
    today: datetime.date
    activiteiten: dict[int, list[Activiteit]] = field(default_factory=dict)
    uitgaven: dict[int, list[Boeking]] = field(default_factory=dict)
    # Last year's expenses the treasurer forgot to book (the fields of each boeking),
    # booked once the year is returned for them.
    ontbrekend: list[dict] = field(default_factory=list)

    def boek(self, **fields) -> Boeking:
        return ledger_services.boeking_create(
            cooperatie=self.cooperatie, actor=self.bestuur, **fields
        )

    def storno(self, boeking: Boeking, *, na: int, omschrijving: str) -> datetime.date:
        """Reverse `boeking` `na` days after its date (today at the latest)."""
        datum = min(boeking.datum + datetime.timedelta(days=na), self.today)
        ledger_services.boeking_storno(
            boeking=boeking, actor=self.bestuur, datum=datum, omschrijving=omschrijving
        )
        return datum

    def jaar(self, jaar: int) -> None:
        posten = sorted(self._posten(jaar))
        if jaar == self.today.year:
            kept = [p for p in posten if p.datum <= self.today]
            # Even on the first days of January the current year has some life.
            for soort in ("budget", "activiteit"):
                if not any(p.soort == soort for p in kept):
                    first = next(p for p in posten if p.soort == soort)
                    kept.insert(
                        0, _Post(self.today, first.volgorde, soort, first.inhoud)
                    )
            posten = sorted(kept)
        self.activiteiten.setdefault(jaar, [])
        self.uitgaven.setdefault(jaar, [])
        for post in posten:
            if post.soort == "budget":
                tekst, bedrag = post.inhoud
                self.boek(
                    datum=post.datum,
                    soort=BoekingSoort.BUDGET,
                    bedrag=bedrag,
                    omschrijving=tekst,
                )
            elif post.soort == "uitgave":
                self._uitgave(post.datum, post.inhoud)
            else:
                self._activiteit(post.datum, post.inhoud)

    def _posten(self, jaar: int):
        for programma in self.spec.programma:
            soort = self.wereld.activiteiten[programma.activiteit]
            for datum in self._dates(jaar, programma, soort.weekdag):
                yield _Post(datum, 1, "activiteit", soort)
        tranches = self.spec.tranches
        teksten = self.wereld.teksten
        for n, (maand, dag) in enumerate(tranches, start=1):
            tekst = (
                teksten.budget if len(tranches) == 1 else teksten.budget_tranche
            ).format(
                jaar=jaar, tranche=n, tranches=len(tranches), corporatie=self.corporatie
            )
            bedrag = money(Decimal(self.spec.budget) / len(tranches))
            yield _Post(datetime.date(jaar, maand, dag), 0, "budget", (tekst, bedrag))
        eenmalig = [u for u in self.spec.eenmalig if jaar == self.today.year + u.jaar]
        for uitgave in (*self.wereld.vaste_uitgaven, *eenmalig):
            yield _Post(datetime.date(jaar, *uitgave.datum), 2, "uitgave", uitgave)

    def _dates(self, jaar: int, programma: Programma, weekdag: int) -> list:
        out = []
        for maand in programma.maanden:
            last = calendar.monthrange(jaar, maand)[1]
            lo, hi = programma.dagen or (1, last)
            span = hi - lo + 1
            for i in range(programma.per_maand):
                a = lo + i * span // programma.per_maand
                b = lo + (i + 1) * span // programma.per_maand - 1
                day = datetime.date(jaar, maand, self.rng.randint(a, b))
                day += datetime.timedelta(days=(weekdag - day.weekday()) % 7)
                if day.month != maand:
                    day -= datetime.timedelta(days=7)
                out.append(day)
        return out

    def _bedrag(self, lo: int, hi: int) -> Decimal:
        return money(Decimal(self.rng.randint(lo * 100, hi * 100)) / 100)

    def _uitgave(
        self, datum: datetime.date, kosten: Uitgave | Kosten, activiteit=None
    ) -> None:
        """Book an expense, unless it is one the treasurer forgot (for now)."""
        fields = {
            "datum": datum,
            "soort": BoekingSoort.UITGAVE,
            "bedrag": self._bedrag(*kosten.bedrag),
            "omschrijving": kosten.omschrijving,
        }
        if activiteit is not None:
            fields["activiteit"] = activiteit
        if (datum.year, datum.month) == (
            self.today.year - 1,
            self.spec.ontbrekende_maand,
        ):
            self.ontbrekend.append(fields)
            return
        self.uitgaven[datum.year].append(self.boek(**fields))

    def _activiteit(self, datum: datetime.date, soort: Soort) -> None:
        rng = self.rng
        vrijwilligers = self.vrijwilligers.kies(
            datum, rng.randint(*soort.vrijwilligers)
        )
        uren = sum(
            (Decimal(rng.randint(*soort.halve_uren)) / 2 for _ in vrijwilligers),
            Decimal(0),
        )
        activiteit = ledger_services.activiteit_create(
            cooperatie=self.cooperatie,
            actor=self.bestuur,
            vrijwilligers=vrijwilligers,
            datum=datum,
            **velden(soort, "titel", "thema", "omschrijving", "open_voor_buurt"),
            deelnemers_leden=rng.randint(*soort.leden),
            deelnemers_buurt=rng.randint(*soort.buurt) if soort.open_voor_buurt else 0,
            vrijwilligersuren=money(uren),
            partners=soort.partners.format(plaats=self.plaats),
        )
        self.activiteiten[datum.year].append(activiteit)
        if soort.kosten and rng.random() < soort.kosten.kans:
            self._uitgave(datum, soort.kosten, activiteit)
