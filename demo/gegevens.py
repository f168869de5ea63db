"""The demo world's data (demo/data/wereld.yaml) as typed records.

`laad()` reads the file with `yaml.safe_load`, builds the records below (their type
hints are the file's shape, checked key by key in `demo.schema`), then checks what
one key says about another: every reference names something that exists, every
range runs upwards, every text uses only the fields the builder fills in. Any
mistake raises `DemoDataError` naming the key.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from afspraken.choices import Indicator, JaarparameterCode, Richting, Verdict
from cooperatie.choices import CooperatieSoort, Daeb, Rechtsvorm, RolSoort
from ledger.choices import Thema

from .schema import DemoDataError, bereik, keuzes, record

PAD = Path(__file__).resolve().parent / "data" / "wereld.yaml"

Bereik = tuple[int, int]  # lowest and highest, both included
Dag = tuple[int, int]  # month and day
MAAND = (1, 12)


@dataclass(frozen=True)
class CorporatieSpec:
    naam: str
    kvk_nummer: str
    plaats: str


@dataclass(frozen=True)
class MedewerkerSpec:
    gebruiker: str
    rol: str = field(metadata=keuzes((RolSoort.BEHEERDER, RolSoort.AUDITOR)))
    corporatie: str
    voornaam: str
    achternaam: str


@dataclass(frozen=True)
class GemeenteSpec:
    """A civil servant with the gemeente role for one gemeente."""

    gebruiker: str
    gemeentecode: str
    voornaam: str
    achternaam: str


@dataclass(frozen=True)
class GebouwSpec:
    corporatie: str
    naam: str
    straat: str
    eerste: int = field(metadata=bereik(1, 99999))
    woningen: str = field(metadata=keuzes(("portiek", "reeks")))
    postcode: str
    plaats: str
    gemeentecode: str
    buurtcode: str
    aantal_woningen: int = field(metadata=bereik(1, 10000))
    bouwjaar: int
    daeb: str = field(metadata=keuzes(Daeb.values))
    # Where it stands on the map (WGS84 degrees, approximately the street).
    latitude: Decimal | None = field(default=None, metadata=bereik(50.7, 53.7))
    longitude: Decimal | None = field(default=None, metadata=bereik(3.2, 7.3))

    @property
    def portieken(self) -> int:
        return -(-self.aantal_woningen // 8)

    def adressen(self) -> list[str]:
        """Every home's address: per portiek entrance 8 homes (`101-3`), or a row
        of even numbers."""
        if self.woningen == "portiek":
            return [
                f"{self.straat} {self.eerste + 2 * e}-{n}"
                for e in range(self.portieken)
                for n in range(1, 9)
            ][: self.aantal_woningen]
        return [
            f"{self.straat} {self.eerste + 2 * i}" for i in range(self.aantal_woningen)
        ]

    @property
    def huisnummer(self) -> str:
        laatste = self.portieken if self.woningen == "portiek" else self.aantal_woningen
        return f"{self.eerste}-{self.eerste + 2 * (laatste - 1)}"


@dataclass(frozen=True)
class Aandelen:
    ja: float = field(metadata=bereik(0, 1))
    nee: float = field(metadata=bereik(0, 1))


@dataclass(frozen=True)
class LedenSpec:
    bewoond: float = field(metadata=bereik(0, 1))
    verhuisd: float = field(metadata=bereik(0, 1))
    oprichters: float = field(metadata=bereik(0, 1))
    email: float = field(metadata=bereik(0, 1))
    telefoon: float = field(metadata=bereik(0, 1))
    doelgroep: dict[str, Aandelen]


@dataclass(frozen=True)
class Kosten:
    omschrijving: str
    bedrag: Bereik = field(metadata=bereik(0, 100000))
    kans: float = field(metadata=bereik(0, 1))


@dataclass(frozen=True)
class Soort:
    """A kind of activity: its text, theme, turnout and what it usually costs."""

    titel: str
    thema: str = field(metadata=keuzes(Thema.values))
    omschrijving: str
    open_voor_buurt: bool
    weekdag: int = field(metadata=bereik(0, 6))
    leden: Bereik = field(metadata=bereik(0, 1000))
    buurt: Bereik = field(metadata=bereik(0, 1000))
    vrijwilligers: Bereik = field(metadata=bereik(0, 100))
    halve_uren: Bereik = field(metadata=bereik(0, 48))
    partners: str = ""
    kosten: Kosten | None = None


@dataclass(frozen=True)
class Uitgave:
    datum: Dag
    omschrijving: str
    bedrag: Bereik = field(metadata=bereik(0, 100000))
    # One-off expenses only: the year they fall in, last year (-1) or this (0).
    jaar: int = field(default=0, metadata=bereik(-1, 0))


@dataclass(frozen=True)
class Programma:
    activiteit: str
    maanden: tuple[int, ...] = field(metadata=bereik(*MAAND))
    per_maand: int = field(default=1, metadata=bereik(1, 4))
    dagen: Bereik | None = field(default=None, metadata=bereik(1, 31))


@dataclass(frozen=True)
class Beoordeling:
    oordeel: str = field(
        metadata=keuzes((Verdict.NAGEKOMEN, Verdict.DEELS, Verdict.NIET_NAGEKOMEN))
    )
    toelichting: str


@dataclass(frozen=True)
class ToezeggingSpec:
    omschrijving: str
    indicator: str = field(metadata=keuzes(Indicator.values))
    norm: Decimal
    richting: str = field(default=Richting.MINIMAAL, metadata=keuzes(Richting.values))
    zwaarwegend: bool = True
    thema: str = field(default="", metadata=keuzes(("", *Thema.values)))
    alleen_open_voor_buurt: bool = False
    deels_vanaf: Decimal = field(default=Decimal("75"), metadata=bereik(0, 100))
    # The beheerder's assessment of a kwalitatieve toezegging for last year.
    beoordeling: Beoordeling | None = None


@dataclass(frozen=True)
class AfspraakSpec:
    titel: str
    ingang: int = field(metadata=bereik(-10, -1))  # years from this year
    eind: int | None = field(metadata=bereik(0, 10))
    toezeggingen: tuple[ToezeggingSpec, ...]
    # Gebouwen besides the coöperatie's own that the afspraak is about.
    ook_gebouwen: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrestatiedoelSpec:
    thema: str = field(metadata=keuzes(Thema.values))
    omschrijving: str
    streefwaarde: Decimal | None = None
    eenheid: str = ""


@dataclass(frozen=True)
class PrestatieafspraakSpec:
    """A corporatie's prestatieafspraak in one gemeente; the demo afspraken
    about gebouwen of that corporatie in that gemeente refer to it."""

    corporatie: str
    gemeentecode: str
    plaats: str
    ingang: int = field(metadata=bereik(-10, 0))  # years from this year
    eind: int = field(metadata=bereik(0, 10))
    huurdersorganisatie: str
    doelen: tuple[PrestatiedoelSpec, ...]


@dataclass(frozen=True)
class CooperatieSpec:
    naam: str
    soort: str = field(metadata=keuzes(CooperatieSoort.values))
    kvk_nummer: str
    rechtsvorm: str = field(metadata=keuzes(Rechtsvorm.values))
    opgericht_op: datetime.date
    domein: str
    gebouw: str
    ingangsdatum: datetime.date
    wijk: str
    bestuur: str  # username of the bestuur account
    # The share of members who volunteer.
    actief_aandeel: float = field(metadata=bereik(0, 1))
    # Euros per year from the corporatie, paid in `tranches`.
    budget: int = field(metadata=bereik(0, 1000000))
    tranches: tuple[Dag, ...]
    programma: tuple[Programma, ...]
    afspraak: AfspraakSpec
    eenmalig: tuple[Uitgave, ...] = ()
    vertrokken_bestuurslid: bool = False
    ontbrekende_maand: int | None = field(default=None, metadata=bereik(*MAAND))
    # The previous year stays ingediend: it waits for the beheerder to return or
    # approve it.
    vorig_jaar_wacht: bool = False


@dataclass(frozen=True)
class VerkeerdeKomma:
    cooperatie: str
    activiteit: str
    omschrijving: str
    fout: Decimal
    juist: Decimal
    dagen_later: int
    storno: str
    herboeking: str


@dataclass(frozen=True)
class DubbelGeboekt:
    cooperatie: str
    uitgave: str
    dagen_later: int
    storno: str


@dataclass(frozen=True)
class VerkeerdBudget:
    cooperatie: str
    juist: Decimal
    dagen_later: int
    storno: str
    herboeking: str


@dataclass(frozen=True)
class VerkeerdeActiviteit:
    cooperatie: str
    activiteit: str
    geboekt_bij: str
    omschrijving: str
    bedrag: Decimal
    dagen_later: int
    storno: str


@dataclass(frozen=True)
class Correcties:
    verkeerde_komma: VerkeerdeKomma
    dubbel_geboekt: DubbelGeboekt
    verkeerd_budget: VerkeerdBudget
    verkeerde_activiteit: VerkeerdeActiviteit


@dataclass(frozen=True)
class Foto:
    cooperatie: str
    activiteit: str
    kleur: tuple[int, int, int] = field(metadata=bereik(0, 255))
    omschrijving: str


@dataclass(frozen=True)
class UitnodigingSpec:
    """An invitation still open when the demo starts: `door` (a demo account)
    invites `email` to the bestuur of `cooperatie`."""

    email: str
    cooperatie: str
    door: str


@dataclass(frozen=True)
class Teksten:
    budget: str
    budget_tranche: str
    afspraak_periode: str
    afspraak_open: str
    prestatieafspraak: str
    bon: str
    terugsturen: str


# The fields each text may use.
TEKSTVELDEN = {
    "budget": {"jaar", "corporatie"},
    "budget_tranche": {"jaar", "tranche", "tranches", "corporatie"},
    "afspraak_periode": {"titel", "ingang", "eind"},
    "afspraak_open": {"titel", "ingang"},
    "prestatieafspraak": {"plaats", "ingang", "eind"},
    "bon": {"omschrijving", "datum"},
    "terugsturen": {"maand", "bonnen"},
    "herboeking": {"omschrijving"},
    "partners": {"plaats"},
}


@dataclass(frozen=True)
class JaarparameterSpec:
    """A legal figure of one year with its source (afspraken.Jaarparameter)."""

    jaar: int = field(metadata=bereik(1990, 2100))
    code: str = field(metadata=keuzes(JaarparameterCode.values))
    waarde: Decimal = field(metadata=bereik(0.01, 1_000_000))
    bron: str


@dataclass(frozen=True)
class Wereld:
    seed: int
    wachtwoord: str
    site: str
    kaartjaar: int
    corporaties: dict[str, CorporatieSpec]
    medewerkers: tuple[MedewerkerSpec, ...]
    gebouwen: dict[str, GebouwSpec]
    leden: LedenSpec
    maandreeksen: dict[str, tuple[int, ...]]  # for the file's YAML anchors only
    activiteiten: dict[str, Soort]
    vaste_uitgaven: tuple[Uitgave, ...]
    cooperaties: tuple[CooperatieSpec, ...]
    correcties: Correcties
    fotos: tuple[Foto, ...]
    uitnodigingen: tuple[UitnodigingSpec, ...]
    prestatieafspraken: tuple[PrestatieafspraakSpec, ...]
    teksten: Teksten
    jaarparameters: tuple[JaarparameterSpec, ...] = ()
    gemeenten: tuple[GemeenteSpec, ...] = ()

    @property
    def kenmerk_kvk(self) -> str:
        """The demo world exists when a corporatie with this KvK-nummer exists."""
        return next(iter(self.corporaties.values())).kvk_nummer

    @property
    def gebruikers(self) -> tuple[str, ...]:
        """Every demo account, in the order they are listed."""
        return (
            "admin",
            *(m.gebruiker for m in self.medewerkers),
            *(g.gebruiker for g in self.gemeenten),
            *(c.bestuur for c in self.cooperaties),
        )

    def beheerder_van(self, corporatie: str) -> str:
        return next(
            m.gebruiker
            for m in self.medewerkers
            if m.rol == RolSoort.BEHEERDER and m.corporatie == corporatie
        )

    def cooperatie(self, naam: str) -> CooperatieSpec:
        return next(c for c in self.cooperaties if c.naam == naam)


def velden(spec: object, *namen: str, zonder: tuple[str, ...] = ()) -> dict:
    """Attributes of `spec` to pass on as keyword arguments: the named ones, or
    else every field of the dataclass but those `zonder`."""
    if not namen:
        namen = tuple(f.name for f in dataclasses.fields(spec) if f.name not in zonder)
    return {naam: getattr(spec, naam) for naam in namen}


def laad(pad: Path | None = None) -> Wereld:
    """The demo world's data (by default from `PAD`), checked; `DemoDataError`
    names the key of any mistake."""
    pad = pad or PAD
    try:
        with pad.open(encoding="utf-8") as fh:
            tree = yaml.safe_load(fh)
        wereld = record(Wereld, tree)
        from .samenhang import samenhang

        samenhang(wereld)
    except yaml.YAMLError as exc:
        raise DemoDataError(
            "", f"moet geldige YAML zijn: {exc}", bron=str(pad)
        ) from None
    except DemoDataError as exc:
        exc.bron = str(pad)
        raise
    return wereld
