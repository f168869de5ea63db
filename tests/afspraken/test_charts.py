"""The report's bar chart: a long label wraps at word boundaries instead of being
cut mid-word, every earlier year shown has its own marker named in the legend,
and values and norms carry the notation the report gives them."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from django.utils import translation

import pytest

from afspraken.charts import (
    LABEL_REGELS,
    LABEL_TEKENS,
    Staaf,
    Telling,
    regels,
    staafdiagram,
    telling_diagram,
)

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
LANG = (
    "Leden zetten samen minstens 300 vrijwilligersuren per jaar in voor de buurt "
    "en het complex"
)


def _svg(staven, **kwargs) -> ElementTree.Element:
    with translation.override("nl"):
        return ElementTree.fromstring(staafdiagram(staven, **kwargs))


def _label_lines(svg: ElementTree.Element) -> list[list[str]]:
    """The lines of each bar's label (the texts made of tspans)."""
    return [
        [t.text or "" for t in text.findall(f"{SVG}tspan")]
        for text in svg.iter(f"{SVG}text")
        if text.findall(f"{SVG}tspan")
    ]


def _texts(svg: ElementTree.Element) -> list[str]:
    return [
        "".join(text.itertext())
        for text in svg.iter(f"{SVG}text")
        if not text.findall(f"{SVG}tspan")
    ]


def test_a_long_label_wraps_at_word_boundaries_and_keeps_every_word():
    lijnen = regels(LANG)
    assert len(lijnen) > 1
    assert all(len(lijn) <= LABEL_TEKENS for lijn in lijnen)
    assert " ".join(lijnen) == LANG  # no word cut, none lost
    assert "vrijwi" not in [w for lijn in lijnen for w in lijn.split()]


def test_a_label_too_long_for_its_lines_ends_in_an_ellipsis_after_a_whole_word():
    tekst = " ".join(["buurtbewoners"] * 20)
    lijnen = regels(tekst)
    assert len(lijnen) == LABEL_REGELS
    assert lijnen[-1].endswith("…")
    assert all(w == "buurtbewoners" for w in lijnen[-1][:-1].split())


def test_only_a_word_longer_than_a_line_is_broken_inside():
    woord = "x" * (LABEL_TEKENS + 5)
    assert regels(woord) == [woord[:LABEL_TEKENS], woord[LABEL_TEKENS:]]
    assert regels("") == [""]


def test_the_chart_draws_every_line_of_a_wrapped_label():
    svg = _svg(
        [
            Staaf(LANG, D(397.5), D(300), "nagekomen"),
            Staaf("Kort", D(26), D(20), "nagekomen"),
        ]
    )
    labels = _label_lines(svg)
    assert labels[0] == regels(LANG)
    assert labels[1] == ["Kort"]
    # The second bar starts below every line of the first label.
    rects = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") == "#eef1f5"]
    assert float(rects[1].get("y")) - float(rects[0].get("y")) >= 12 * len(labels[0])


def test_the_legend_names_each_earlier_year_with_its_own_marker():
    svg = _svg(
        [
            Staaf("A", D(26), D(20), "nagekomen", eerder=((2023, D(22)),)),
            Staaf("B", D(10), D(20), "deels", eerder=((2022, D(18)), (2023, D(9)))),
        ]
    )
    texts = _texts(svg)
    legenda = texts[texts.index("eerdere jaren:") :]
    assert "2022" in legenda
    assert "2023" in legenda
    # One marker per earlier value, and each year's marker shape in the legend.
    markers = [e for e in svg.iter() if e.get("stroke") == "#1f3b73"]
    assert len(markers) == 3 + 2
    assert {e.tag for e in markers} >= {f"{SVG}circle", f"{SVG}rect"}


def test_a_chart_without_earlier_years_does_not_mention_them():
    svg = _svg([Staaf("A", D(26), D(20), "nagekomen")])
    assert not any("eerdere" in t for t in _texts(svg))


@pytest.mark.parametrize(
    ("waarde_tekst", "norm_tekst"), [("€ 4.570,06", "€ 6.000,00"), ("26", "20")]
)
def test_values_and_norms_are_written_as_given(waarde_tekst, norm_tekst):
    svg = _svg(
        [
            Staaf(
                "A",
                D("4570.06"),
                D(6000),
                "nagekomen",
                maximaal=True,
                waarde_tekst=waarde_tekst,
                norm_tekst=norm_tekst,
            )
        ]
    )
    texts = _texts(svg)
    assert waarde_tekst in texts
    assert f"max {norm_tekst}" in texts


def test_a_count_chart_label_is_shortened_after_a_whole_word():
    svg = ElementTree.fromstring(
        telling_diagram([Telling("niet nagekomen door een heel lange reden", 3, "x")])
    )
    label = _texts(svg)[0]
    assert label == "niet nagekomen door een…"
