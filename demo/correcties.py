"""Mistakes the demo's treasurers made, and the storno's that put them right.

Which coöperatie, activity, amount and text: `correcties` in the data file. Each
mistake is a booking that goes through the services like any other; its storno
follows some days later, and where the mistake was an amount or a link, the right
booking follows on the storno's day.
"""

from __future__ import annotations

from ledger.choices import BoekingSoort
from ledger.models import Activiteit, Boeking

from .gegevens import Correcties
from .kasboek import Kasboek, money


def _eerste(activiteiten: list[Activiteit], titel: str, vanaf=None) -> Activiteit:
    return next(
        a
        for a in activiteiten
        if a.titel == titel and (vanaf is None or a.datum >= vanaf)
    )


def _herstel(kasboek: Kasboek, fout: Boeking, *, na: int, storno: str, **juist) -> None:
    """Reverse `fout`; book `juist` (when given) on the storno's day."""
    datum = kasboek.storno(fout, na=na, omschrijving=storno)
    if juist:
        kasboek.boek(**{"soort": fout.soort, **juist, "datum": datum})


def _uitgave(activiteit: Activiteit, bedrag, omschrijving: str) -> dict:
    return {
        "soort": BoekingSoort.UITGAVE,
        "bedrag": money(bedrag),
        "omschrijving": omschrijving,
        "activiteit": activiteit,
    }


def corrigeer(
    *, correcties: Correcties, kasboeken: dict[str, Kasboek], jaar: int
) -> None:
    """Make and correct the mistakes; `jaar` is the current year."""
    vorig = jaar - 1

    # A misplaced decimal comma: storno and the right amount.
    k = correcties.verkeerde_komma
    kasboek = kasboeken[k.cooperatie]
    maaltijd = _eerste(kasboek.activiteiten[vorig], k.activiteit)
    fout = kasboek.boek(
        datum=maaltijd.datum, **_uitgave(maaltijd, k.fout, k.omschrijving)
    )
    juist = _uitgave(maaltijd, k.juist, k.herboeking)
    _herstel(kasboek, fout, na=k.dagen_later, storno=k.storno, **juist)

    # An invoice booked twice: storno of the duplicate only.
    d = correcties.dubbel_geboekt
    kasboek = kasboeken[d.cooperatie]
    factuur = next(b for b in kasboek.uitgaven[vorig] if d.uitgave in b.omschrijving)
    dubbel = kasboek.boek(
        datum=factuur.datum,
        soort=factuur.soort,
        bedrag=factuur.bedrag,
        omschrijving=factuur.omschrijving,
    )
    _herstel(kasboek, dubbel, na=d.dagen_later, storno=d.storno)

    # This year's budget booked with the wrong amount, then corrected.
    b = correcties.verkeerd_budget
    kasboek = kasboeken[b.cooperatie]
    budget = kasboek.cooperatie.boekingen.filter(
        soort=BoekingSoort.BUDGET, datum__year=jaar
    ).earliest("datum")
    _herstel(
        kasboek,
        budget,
        na=b.dagen_later,
        storno=b.storno,
        bedrag=money(b.juist),
        omschrijving=b.herboeking.format(omschrijving=budget.omschrijving),
    )

    # An expense linked to the wrong activity: storno and re-booking.
    a = correcties.verkeerde_activiteit
    kasboek = kasboeken[a.cooperatie]
    uitgifte = _eerste(kasboek.activiteiten[vorig], a.activiteit)
    koffie = _eerste(kasboek.activiteiten[vorig], a.geboekt_bij, uitgifte.datum)
    verkeerd = kasboek.boek(
        datum=uitgifte.datum, **_uitgave(koffie, a.bedrag, a.omschrijving)
    )
    juist = _uitgave(uitgifte, a.bedrag, a.omschrijving)
    _herstel(kasboek, verkeerd, na=a.dagen_later, storno=a.storno, **juist)
