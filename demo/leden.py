"""The members of one demo coöperatie: who lives where since when, who left, who
sits on the board, who belongs to the doelgroep, and who volunteers.

The shares come from the data file (`leden`); the dates are drawn relative to
today and the contract's ingangsdatum with the builder's seeded generator, and the
names with its seeded Faker.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass

from cooperatie import services
from cooperatie.choices import Bestuursfunctie, Doelgroep
from cooperatie.models import Lid

from .gegevens import CooperatieSpec, GebouwSpec, LedenSpec, velden

BESTUUR = (
    Bestuursfunctie.VOORZITTER,
    Bestuursfunctie.SECRETARIS,
    Bestuursfunctie.PENNINGMEESTER,
    Bestuursfunctie.BESTUURSLID,
)


@dataclass
class _Plan:
    """One member before it is written."""

    adres: str
    lid_sinds: datetime.date
    lid_tot: datetime.date | None = None
    voornaam: str = ""
    achternaam: str = ""
    bestuursfunctie: str = ""
    doelgroep: str = Doelgroep.ONBEKEND
    email: str = ""
    telefoon: str = ""
    lid: Lid | None = None

    @property
    def naam(self) -> str:
        return f"{self.voornaam} {self.achternaam}"


@dataclass
class Vrijwilligers:
    """Who volunteers: the board, and a share of the other members."""

    bestuur: list[_Plan]
    anderen: list[_Plan]
    rng: random.Random

    def kies(self, datum: datetime.date, k: int) -> list[Lid]:
        """Up to `k` volunteers who are members on `datum`; board members turn up
        twice as often as the others."""
        kandidaten = [
            p
            for p in self.bestuur + self.bestuur + self.anderen
            if p.lid.is_lid_op(datum)
        ]
        gekozen: list[_Plan] = []
        while kandidaten and len(gekozen) < k:
            plan = self.rng.choice(kandidaten)
            gekozen.append(plan)
            kandidaten = [p for p in kandidaten if p is not plan]
        return [p.lid for p in gekozen]


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@dataclass
class Ledenlijst:
    spec: CooperatieSpec
    gebouw: GebouwSpec
    verdeling: LedenSpec
    today: datetime.date
    rng: random.Random
    fake: object  # Faker

    def maak(self, *, cooperatie, bestuur) -> Vrijwilligers:
        """Write the members as `bestuur`, name the bestuur account after the
        voorzitter, and say who volunteers."""
        homes = self.gebouw.adressen()
        self.rng.shuffle(homes)
        current = round(len(homes) * self.verdeling.bewoond)
        ended = round(len(homes) * self.verdeling.verhuisd)
        plans = self._plannen(homes[:current], ended)
        self._bestuur(plans)
        self._gegevens(plans)
        plans.sort(key=lambda p: (p.lid_sinds, p.adres))
        for plan in plans:
            plan.lid = services.lid_create(
                cooperatie=cooperatie,
                actor=bestuur,
                naam=plan.naam,
                **velden(plan, zonder=("lid_tot", "voornaam", "achternaam", "lid")),
            )
        for plan in sorted(
            (p for p in plans if p.lid_tot is not None), key=lambda p: p.lid_tot
        ):
            services.lid_end(lid=plan.lid, lid_tot=plan.lid_tot, actor=bestuur)

        # The bestuur account belongs to the voorzitter.
        voorzitter = next(
            p for p in plans if p.bestuursfunctie == Bestuursfunctie.VOORZITTER
        )
        bestuur.first_name = voorzitter.voornaam
        bestuur.last_name = voorzitter.achternaam
        bestuur.save(update_fields=["first_name", "last_name"])

        board = [p for p in plans if p.bestuursfunctie and p.lid_tot is None]
        others = [p for p in plans if p not in board]
        target = max(0, round(current * self.spec.actief_aandeel) - len(board))
        return Vrijwilligers(
            board, self.rng.sample(others, min(target, len(others))), self.rng
        )

    def _between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _plannen(self, homes: list[str], ended: int) -> list[_Plan]:
        """When each home's household joined; the first `ended` homes changed
        hands."""
        rng, today, dag = self.rng, self.today, datetime.timedelta(days=1)
        start = self.spec.ingangsdatum
        latest = today - 20 * dag
        vorig = datetime.date(today.year - 1, 1, 1)
        plans: list[_Plan] = []
        for i, adres in enumerate(homes):
            if i < ended:
                # This home changed hands: the leaver and the household after.
                if i % 3 == 0 or today.month < 3:
                    eind = min(datetime.date(today.year - 1, 12, 15), latest - 30 * dag)
                    window = (vorig, eind)
                elif i % 3 == 1:
                    window = (datetime.date(today.year, 1, 5), latest - 45 * dag)
                else:
                    window = (start + 400 * dag, vorig)
                lid_tot = self._between(*window)
                sinds = self._between(start, lid_tot - 300 * dag)
                plans.append(_Plan(adres, max(sinds, start), lid_tot))
                nieuw = lid_tot + rng.randint(14, 40) * dag
                plans.append(_Plan(adres, min(nieuw, latest)))
            elif rng.random() < self.verdeling.oprichters:
                plans.append(_Plan(adres, start))
            else:
                # Most households join in the first years of the cooperatie.
                span = (latest - start).days - 30
                days = 30 + int(span * rng.random() ** 2)
                plans.append(_Plan(adres, start + days * dag))
        return plans

    def _bestuur(self, plans: list[_Plan]) -> None:
        """Long-standing members form the board, founders first."""
        vorig = datetime.date(self.today.year - 1, 1, 1)
        veteranen = [p for p in plans if p.lid_tot is None and p.lid_sinds < vorig]
        veteranen.sort(key=lambda p: (p.lid_sinds, p.adres))
        extra = [Bestuursfunctie.BESTUURSLID] * self.rng.randint(0, 1)
        for plan, functie in zip(veteranen, [*BESTUUR, *extra], strict=False):
            plan.bestuursfunctie = functie
        if self.spec.vertrokken_bestuurslid:
            vertrokken = [p for p in plans if p.lid_tot is not None]
            vertrokken[0].bestuursfunctie = Bestuursfunctie.BESTUURSLID

    def _gegevens(self, plans: list[_Plan]) -> None:
        """Doelgroep in exact proportions for the kind of building; names, and
        most members an e-mail address and a phone number."""
        rng, verdeling = self.rng, self.verdeling
        aandelen = verdeling.doelgroep[self.gebouw.daeb]
        n = len(plans)
        waarden = [Doelgroep.JA] * round(n * aandelen.ja)
        waarden += [Doelgroep.NEE] * round(n * aandelen.nee)
        waarden += [Doelgroep.ONBEKEND] * (n - len(waarden))
        rng.shuffle(waarden)
        namen: set[str] = set()
        emails: set[str] = set()
        for plan, doelgroep in zip(plans, waarden, strict=True):
            plan.doelgroep = doelgroep
            while plan.naam.strip() in namen or not plan.voornaam:
                plan.voornaam = self.fake.first_name()
                plan.achternaam = self.fake.last_name()
            namen.add(plan.naam)
            if rng.random() < verdeling.email:
                basis = f"{_ascii(plan.voornaam)}.{_ascii(plan.achternaam)}"
                email, k = f"{basis}@example.nl", 2
                while email in emails:
                    email, k = f"{basis}{k}@example.nl", k + 1
                emails.add(email)
                plan.email = email
            if rng.random() < verdeling.telefoon:
                plan.telefoon = f"06-{rng.randint(10000000, 99999999)}"
