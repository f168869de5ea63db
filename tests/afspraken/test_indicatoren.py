"""The one table of indicators: every row is complete and every user reads it.

A new row that forgets a part (a unit, a measure, its place in the choices, a
figure the arithmetic cannot find) fails here, instead of being silently wrong on
a screen or in a sealed report. No database needed.
"""

import datetime
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy

import pytest

from afspraken import evaluatie, nalevingsrapport, signalering, snapshot
from afspraken.choices import Indicator, Richting, Verdict
from afspraken.evaluatie import ActiviteitGroep, Jaarcijfers, ToezeggingSpec
from afspraken.indicatoren import (
    AANTAL,
    ACTIVITEIT_INDICATOREN,
    EURO,
    INDICATOREN,
    PROCENT,
    UREN,
    AandeelLeden,
    Activiteitfilter,
    IndicatorDefinitie,
    Jaarcijfer,
    Som,
    definitie,
)
from afspraken.models import Toezegging
from portalen.views.toetsing import koers, toezegging_rij

D = Decimal

LEEG = Jaarcijfers(jaar=2024)
VOL = Jaarcijfers(
    jaar=2024,
    activiteiten=(
        ActiviteitGroep("duurzaamheid", True, 3, D("7.5"), 12),
        ActiviteitGroep("duurzaamheid", False, 1, D("2"), 0),
        ActiviteitGroep("groen", False, 2, D("4"), 5),
    ),
    uitgaven=D("300.00"),
    uitgaven_gestorneerd=D("50.00"),
    aantal_leden=20,
    aantal_doelgroep=15,
    actieve_leden=5,
)
PEILMOMENT = datetime.date(2024, 7, 1)


def _constraint_codes() -> set[str]:
    """The indicators the model's constraint lets take activity filters."""
    (constraint,) = (
        c
        for c in Toezegging._meta.constraints
        if c.name == "toezegging_filters_alleen_bij_activiteiten"
    )
    return {
        code
        for child in constraint.condition.children
        if isinstance(child, tuple) and child[0] == "indicator__in"
        for code in child[1]
    }


def _spec(code: str, **kwargs) -> ToezeggingSpec:
    return ToezeggingSpec(
        id=1, omschrijving="toezegging", indicator=code, norm=D("10"), **kwargs
    )


def gebreken(d: IndicatorDefinitie) -> list[str]:
    """What is missing or inconsistent in a row, as short names; empty when the
    row is complete."""
    found = []
    if not str(d.label).strip():
        found.append("label")
    model_choices = dict(Toezegging._meta.get_field("indicator").choices)
    if d.code not in model_choices or str(model_choices[d.code]) != str(d.label):
        found.append("niet in de keuzes")
    if not d.kwalitatief and d.eenheid is None:
        found.append("geen eenheid")
    if isinstance(d.meting, Som) != (d.activiteiten is not None):
        found.append("som zonder activiteitfilter of omgekeerd")
    if (d.activiteiten is not None) != (d.code in _constraint_codes()):
        found.append("niet in de constraint van de toezegging")
    velden = {
        Som: (ActiviteitGroep, "veld"),
        Jaarcijfer: (Jaarcijfers, "naam"),
        AandeelLeden: (Jaarcijfers, "teller"),
    }
    if d.meting is not None:
        soort, attribuut = velden[type(d.meting)]
        naam = getattr(d.meting, attribuut)
        if naam not in soort.__dataclass_fields__ and not hasattr(soort, naam):
            found.append("onbekend cijfer")
    try:
        for cijfers in (LEEG, VOL):
            resultaat = evaluatie.evaluate([_spec(d.code)], cijfers)
            r = resultaat.toezeggingen[0]
            if d.kwalitatief:
                assert r.waarde is None
                assert r.verdict == Verdict.TE_BEOORDELEN
            else:
                assert isinstance(r.waarde, Fraction)
                assert cijfers is VOL or r.waarde == 0
            for s in signalering.signalen(resultaat, PEILMOMENT):
                assert koers(s)["tempo"]
            rij = toezegging_rij(r)
            assert rij["indicator_label"] == d.label
            assert rij["norm"]
            assert rij["waarde"]
            afdruk = nalevingsrapport.toezegging_afdruk(snapshot.toezegging_rij(r))
            assert afdruk["indicator_label"] == d.label
            assert afdruk["norm_label"]
    except Exception as exc:  # what breaks, named rather than raised
        found.append(f"meten of tonen: {exc!r}")
    return found


@pytest.mark.parametrize("indicator", INDICATOREN, ids=lambda d: d.code)
def test_every_indicator_is_complete(indicator):
    assert gebreken(indicator) == []


def test_a_row_that_forgets_parts_is_caught():
    vergeten = IndicatorDefinitie(
        code="vergeten_voorbeeld",
        label=gettext_lazy("een voorbeeld dat delen vergeet"),
        eenheid=None,
        meting=Som("bezoekers"),
    )
    found = gebreken(vergeten)
    assert found[:4] == [
        "niet in de keuzes",
        "geen eenheid",
        "som zonder activiteitfilter of omgekeerd",
        "onbekend cijfer",
    ]
    assert found[4].startswith("meten of tonen: ValueError")
    assert len(found) == 5


CONTRACT = [
    ("aantal_activiteiten", "aantal activiteiten"),
    ("vrijwilligersuren", "vrijwilligersuren"),
    ("deelnemers_buurt", "deelnemers uit de buurt"),
    ("besteding", "besteding (euro)"),
    ("aantal_leden", "aantal leden op peildatum"),
    ("aandeel_actieve_leden", "aandeel actieve leden (%)"),
    ("aandeel_doelgroep", "aandeel doelgroep (%)"),
    ("kwalitatief", "kwalitatief (beoordeling)"),
]


def test_the_stored_codes_and_labels_stay_the_contract():
    """Codes are stored and labels are in the API schema: a new indicator may be
    added, the existing ones keep their code, label and order."""
    choices = [(value, str(label)) for value, label in Indicator.choices]
    assert [c for c in choices if c in CONTRACT] == CONTRACT
    assert Indicator.KWALITATIEF == "kwalitatief"
    assert set(ACTIVITEIT_INDICATOREN) >= {
        "aantal_activiteiten",
        "vrijwilligersuren",
        "deelnemers_buurt",
    }


def test_an_unknown_code_is_refused():
    with pytest.raises(ValueError, match="unknown indicator"):
        definitie("onbekend")


def test_a_row_with_its_own_activity_filter_counts_only_those_activities():
    """A new indicator over a kind of activity needs only its row: the filter on
    the row and the toezegging's own filters both apply."""
    repair_cafe = IndicatorDefinitie(
        code="deelnemers_repair_cafe",
        label=gettext_lazy("deelnemers repair café"),
        eenheid=AANTAL,
        meting=Som("deelnemers_buurt"),
        cumulatief=True,
        activiteiten=Activiteitfilter(thema="duurzaamheid"),
    )
    spec = _spec(repair_cafe.code)
    assert evaluatie.meet(repair_cafe, spec, VOL) == 12
    open_ = _spec(repair_cafe.code, alleen_open_voor_buurt=True)
    assert evaluatie.meet(repair_cafe, open_, VOL) == 12
    uren = IndicatorDefinitie(
        code="uren_repair_cafe",
        label=gettext_lazy("uren repair café"),
        eenheid=AANTAL,
        meting=Som("vrijwilligersuren"),
        activiteiten=Activiteitfilter(thema="duurzaamheid"),
    )
    assert evaluatie.meet(uren, spec, VOL) == Fraction(D("9.5"))
    assert evaluatie.meet(uren, open_, VOL) == Fraction(D("7.5"))


@pytest.mark.parametrize(
    ("eenheid", "waarde", "scherm", "verschil", "norm", "papier"),
    [
        (AANTAL, Fraction(12), "12", "12", D("20.00"), "20"),
        (AANTAL, Fraction(D("52.75")), "52,8", "52,8", D("12.50"), "12,5"),
        (
            EURO,
            Fraction(D("1234.5")),
            "€ 1.234,50",
            "€ 1.234,50",
            D("6000.00"),
            "€ 6.000,00",
        ),
        (PROCENT, Fraction(100, 3), "33,3%", "33,3 procentpunt", D("70.00"), "70%"),
    ],
)
def test_each_unit_formats_on_screen_as_a_shortfall_and_on_paper(
    eenheid, waarde, scherm, verschil, norm, papier
):
    assert eenheid.tekst(waarde) == scherm
    assert eenheid.tekst(None) == "–"
    assert eenheid.verschil(waarde) == verschil
    assert eenheid.afdruk(norm) == papier


def test_the_printed_norm_shows_direction_and_unit():
    rij = {"indicator": "besteding", "norm": "4500.00", "richting": Richting.MAXIMAAL}
    assert nalevingsrapport.norm_label(rij) == "≤ € 4.500,00"
    rij = {"indicator": "aandeel_doelgroep", "norm": "70.50", "richting": "minimaal"}
    assert nalevingsrapport.norm_label(rij) == "≥ 70,5%"
    rij = {"indicator": "kwalitatief", "norm": "0.00", "richting": "minimaal"}
    assert nalevingsrapport.norm_label(rij) == "beoordeling"


@pytest.mark.parametrize(
    ("eenheid", "waarde", "nl", "en"),
    [
        (AANTAL, 26, "26", "26"),
        (AANTAL, "26.0000", "26", "26"),
        (AANTAL, 1234, "1.234", "1,234"),
        (UREN, "397.50", "397,5", "397.5"),
        (UREN, Fraction(D("14.50")), "14,5", "14.5"),
        (UREN, D("12.00"), "12", "12"),
        (UREN, D("1234.25"), "1.234,3", "1,234.3"),
        (PROCENT, Fraction(100, 3), "33,3%", "33.3%"),
        (PROCENT, "80.00", "80%", "80%"),
        (EURO, "4570.06", "€ 4.570,06", "€4,570.06"),
        (EURO, Fraction(D("4570.1")), "€ 4.570,10", "€4,570.10"),
        (AANTAL, None, "–", "–"),
    ],
)
def test_a_measured_value_on_the_report_has_its_units_precision(
    eenheid, waarde, nl, en
):
    assert eenheid.meetwaarde(waarde, taal="nl") == nl
    assert eenheid.meetwaarde(waarde, taal="en") == en


def test_a_printed_norm_follows_the_language():
    assert EURO.afdruk(D("6000.00"), taal="en") == "€6,000.00"
    assert PROCENT.afdruk(D("70.50"), taal="en") == "70.5%"
    assert AANTAL.afdruk(D("1200.00"), taal="nl") == "1.200"
