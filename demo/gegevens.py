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
import re
import string
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from afspraken.choices import Indicator, JaarparameterCode, Richting, Verdict
from cooperatie.choices import CooperatieSoort, Daeb, Rechtsvorm, RolSoort
from kern.validators import GEMEENTECODE_REGEX
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
        _samenhang(wereld)
    except yaml.YAMLError as exc:
        raise DemoDataError(
            "", f"moet geldige YAML zijn: {exc}", bron=str(pad)
        ) from None
    except DemoDataError as exc:
        exc.bron = str(pad)
        raise
    return wereld


def _eis(ok: bool, pad: str, tekst: str) -> None:
    if not ok:
        raise DemoDataError(pad, tekst)


def _verwijst(waarde: str, bekend, pad: str, wat: str) -> None:
    _eis(waarde in bekend, pad, f"moet een bekende {wat} zijn, niet {waarde!r}")


def _samenhang(w: Wereld) -> None:
    """What one key says about another."""
    _eis(bool(w.corporaties), "corporaties", "moet minstens één corporatie bevatten")
    for key, g in w.gebouwen.items():
        _verwijst(
            g.corporatie, w.corporaties, f"gebouwen.{key}.corporatie", "corporatie"
        )
    for i, m in enumerate(w.medewerkers):
        _verwijst(
            m.corporatie, w.corporaties, f"medewerkers[{i}].corporatie", "corporatie"
        )
    for key in w.corporaties:
        _eis(
            any(
                m.rol == RolSoort.BEHEERDER and m.corporatie == key
                for m in w.medewerkers
            ),
            f"corporaties.{key}",
            "moet een beheerder onder medewerkers hebben",
        )
    _uniek(w.gebruikers, "gebruikersnamen (admin, medewerkers, besturen)")
    for i, g in enumerate(w.gemeenten):
        _eis(
            re.fullmatch(GEMEENTECODE_REGEX, g.gemeentecode) is not None,
            f"gemeenten[{i}].gemeentecode",
            "moet GM met 4 cijfers zijn",
        )
    namen = [c.naam for c in w.cooperaties]
    _uniek(namen, "cooperaties[].naam")
    for i, c in enumerate(w.cooperaties):
        _cooperatie(w, c, f"cooperaties[{i}]")
    for pad, spans in _bereiken(w):
        _eis(
            spans[0] <= spans[1], pad, f"moet oplopen (laag, hoog), niet {list(spans)}"
        )
    for pad, dag in _dagen(w):
        _datum(dag, pad)
    for key, soort in w.activiteiten.items():
        _tekst(soort.partners, "partners", f"activiteiten.{key}.partners")
    for f in dataclasses.fields(Teksten):
        _tekst(getattr(w.teksten, f.name), f.name, f"teksten.{f.name}")
    _correcties(w)
    for i, foto in enumerate(w.fotos):
        _activiteit(w, foto.cooperatie, foto.activiteit, f"fotos[{i}]")
    for i, p in enumerate(w.prestatieafspraken):
        _verwijst(
            p.corporatie,
            w.corporaties,
            f"prestatieafspraken[{i}].corporatie",
            "corporatie",
        )
    for i, u in enumerate(w.uitnodigingen):
        _verwijst(u.cooperatie, namen, f"uitnodigingen[{i}].cooperatie", "coöperatie")
        _verwijst(u.door, w.gebruikers, f"uitnodigingen[{i}].door", "gebruiker")


def _cooperatie(w: Wereld, c: CooperatieSpec, pad: str) -> None:
    _verwijst(c.gebouw, w.gebouwen, f"{pad}.gebouw", "gebouw (complexnummer)")
    for j, code in enumerate(c.afspraak.ook_gebouwen):
        _verwijst(code, w.gebouwen, f"{pad}.afspraak.ook_gebouwen[{j}]", "gebouw")
    daeb = w.gebouwen[c.gebouw].daeb
    _verwijst(
        daeb, w.leden.doelgroep, f"leden.doelgroep (voor {pad}.gebouw)", "daeb-soort"
    )
    for j, p in enumerate(c.programma):
        _verwijst(
            p.activiteit,
            w.activiteiten,
            f"{pad}.programma[{j}].activiteit",
            "activiteit",
        )
    _eis(bool(c.tranches), f"{pad}.tranches", "moet minstens één tranche bevatten")
    toezeggingen = c.afspraak.toezeggingen
    _uniek(
        [t.omschrijving for t in toezeggingen],
        f"{pad}.afspraak.toezeggingen[].omschrijving",
    )
    for j, t in enumerate(toezeggingen):
        kwalitatief = t.indicator == Indicator.KWALITATIEF
        _eis(
            (t.beoordeling is not None) == kwalitatief,
            f"{pad}.afspraak.toezeggingen[{j}].beoordeling",
            "moet er zijn bij een kwalitatieve toezegging, en alleen daar",
        )


def _correcties(w: Wereld) -> None:
    k = w.correcties
    activiteiten = (
        ("verkeerde_komma", k.verkeerde_komma.cooperatie, k.verkeerde_komma.activiteit),
        *(
            ("verkeerde_activiteit", k.verkeerde_activiteit.cooperatie, titel)
            for titel in (
                k.verkeerde_activiteit.activiteit,
                k.verkeerde_activiteit.geboekt_bij,
            )
        ),
    )
    for key, naam, titel in activiteiten:
        _activiteit(w, naam, titel, f"correcties.{key}")
    namen = [c.naam for c in w.cooperaties]
    for key in ("dubbel_geboekt", "verkeerd_budget"):
        pad = f"correcties.{key}.cooperatie"
        _verwijst(getattr(k, key).cooperatie, namen, pad, "coöperatie")
    dubbel = k.dubbel_geboekt
    uitgaven = [*w.vaste_uitgaven, *w.cooperatie(dubbel.cooperatie).eenmalig]
    _eis(
        any(dubbel.uitgave in u.omschrijving for u in uitgaven),
        "correcties.dubbel_geboekt.uitgave",
        f"moet voorkomen in een uitgave van {dubbel.cooperatie}",
    )
    pad = "correcties.verkeerd_budget.herboeking"
    _tekst(k.verkeerd_budget.herboeking, "herboeking", pad)


def _activiteit(w: Wereld, cooperatie: str, titel: str, pad: str) -> None:
    """`titel` is an activity in the programme of `cooperatie`."""
    namen = [c.naam for c in w.cooperaties]
    _verwijst(cooperatie, namen, f"{pad}.cooperatie", "coöperatie")
    titels = {
        w.activiteiten[p.activiteit].titel for p in w.cooperatie(cooperatie).programma
    }
    _verwijst(titel, titels, pad, f"activiteit in het programma van {cooperatie}")


def _uitgaven(w: Wereld):
    for i, u in enumerate(w.vaste_uitgaven):
        yield f"vaste_uitgaven[{i}]", u
    for i, c in enumerate(w.cooperaties):
        for j, u in enumerate(c.eenmalig):
            yield f"cooperaties[{i}].eenmalig[{j}]", u


def _bereiken(w: Wereld):
    for key, s in w.activiteiten.items():
        for name in ("leden", "buurt", "vrijwilligers", "halve_uren"):
            yield f"activiteiten.{key}.{name}", getattr(s, name)
        if s.kosten:
            yield f"activiteiten.{key}.kosten.bedrag", s.kosten.bedrag
    for pad, u in _uitgaven(w):
        yield f"{pad}.bedrag", u.bedrag
    for i, c in enumerate(w.cooperaties):
        for j, p in enumerate(c.programma):
            if p.dagen:
                yield f"cooperaties[{i}].programma[{j}].dagen", p.dagen


def _dagen(w: Wereld):
    for pad, u in _uitgaven(w):
        yield f"{pad}.datum", u.datum
    for i, c in enumerate(w.cooperaties):
        for j, dag in enumerate(c.tranches):
            yield f"cooperaties[{i}].tranches[{j}]", dag


def _datum(dag: Dag, pad: str) -> None:
    # A day that exists in every year (so not 29 February).
    try:
        datetime.date(2023, *dag)
    except ValueError:
        raise DemoDataError(
            pad, f"moet een bestaande dag [maand, dag] zijn, niet {list(dag)}"
        ) from None


def _tekst(tekst: str, soort: str, pad: str) -> None:
    try:
        velden = {
            name
            for _, name, _, _ in string.Formatter().parse(tekst)
            if name is not None
        }
    except ValueError as exc:
        raise DemoDataError(pad, f"moet geldige {{velden}} hebben: {exc}") from None
    onbekend = sorted(velden - TEKSTVELDEN[soort])
    _eis(
        not onbekend,
        pad,
        f"mag alleen de velden {', '.join(sorted(TEKSTVELDEN[soort]))} gebruiken, "
        f"niet {', '.join(onbekend)}",
    )


def _uniek(waarden, pad: str) -> None:
    dubbel = sorted({w for w in waarden if list(waarden).count(w) > 1})
    _eis(not dubbel, pad, f"moeten uniek zijn; dubbel: {', '.join(dubbel)}")
