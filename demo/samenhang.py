"""What one key of the demo world's data says about another (demo/gegevens.py):
every reference names something that exists, every range runs upwards, every
text uses only the fields the builder fills in. A mistake raises
`DemoDataError` naming the key."""

from __future__ import annotations

import dataclasses
import datetime
import re
import string

from afspraken.choices import Indicator
from cooperatie.choices import RolSoort
from kern.validators import GEMEENTECODE_REGEX

from .gegevens import TEKSTVELDEN, CooperatieSpec, Dag, Teksten, Wereld
from .schema import DemoDataError


def _eis(ok: bool, pad: str, tekst: str) -> None:
    if not ok:
        raise DemoDataError(pad, tekst)


def _verwijst(waarde: str, bekend, pad: str, wat: str) -> None:
    _eis(waarde in bekend, pad, f"moet een bekende {wat} zijn, niet {waarde!r}")


def samenhang(w: Wereld) -> None:
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
