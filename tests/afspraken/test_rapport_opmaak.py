"""Text a user typed cannot change the layout of a report: no name, title or
description reaches a style sheet, control characters never reach the renderer,
and a long word cannot push a verdict off the page.

The hostile texts here are written straight into the database, past the models'
validators (which refuse control characters), to show that the print path holds
on its own: older rows, raw SQL or a future bug in a form must not make a sealed
report lie.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from afspraken import nalevingsrapport, portefeuille, services, tasks
from afspraken.models import Afspraak, Beoordeling, Rapport, Toetsing, Toezegging
from afspraken.nalevingsrapport import OMSCHRIJVING_AFDRUK
from afspraken.pdf import printable
from cooperatie.models import Cooperatie, Corporatie, Gebouw
from kern.formatting import bedrag
from ledger.models import Activiteit, Boeking
from tests.afspraken.maximaal import assess_to_the_maximum, fill_year_to_the_maximum
from tests.afspraken.pdftekst import (
    expected_verdicts,
    flat,
    page_texts,
    reader,
    text_outside_pages,
    verdict_counts,
)
from tests.helpers import fresh

# The forged report of the attack: a form feed ends the CSS string of the running
# footer, and the rest of the name becomes a rule that hides every verdict.
ATTACK = "Wooncoöperatie A\f}}.verdict{display:none}"

STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)


def _seal(tenant) -> tuple[Toetsing, bytes]:
    bestuur = fresh(tenant.bestuur)
    toetsing = Toetsing.objects.get(pk=tenant.toetsing.pk)
    toetsing = services.toetsing_indienen(toetsing=toetsing, actor=bestuur)
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=tenant.beheerder)
    return toetsing, Rapport.objects.get(toetsing=toetsing).pdf.read()


def _put(queryset, **values) -> None:
    """Write values straight into the rows, past the validators; only cut to the
    column's length, which a database enforces itself."""
    model = queryset.model
    queryset.update(
        **{
            name: text[: model._meta.get_field(name).max_length or None]
            for name, text in values.items()
        }
    )


def _all_verdicts(snapshot) -> list[str]:
    return [snapshot["verdict"], *(row["verdict"] for row in snapshot["toezeggingen"])]


def _assert_sealed_report_intact(toetsing: Toetsing, data: bytes) -> None:
    """Every verdict and value of the snapshot is shown, every page has its
    footer, and no text is drawn off the page."""
    snapshot = toetsing.snapshot
    pages = page_texts(data)
    text = flat(" ".join(pages))
    assert verdict_counts(text) == expected_verdicts(_all_verdicts(snapshot))
    for row in snapshot["toezeggingen"]:
        assert nalevingsrapport.toezegging_afdruk(row)["meetwaarde"] in text
    cijfers = snapshot["cijfers"]
    for key in ("aantal_leden", "actieve_leden", "aantal_activiteiten"):
        assert f"{cijfers[key]}" in text
    assert bedrag(cijfers["besteding"], taal="nl") in text
    rapport = Rapport.objects.get(toetsing=toetsing)
    assert rapport.journaal_hash in text.replace(" ", "")
    for number, page in enumerate(pages, 1):
        assert f"Nalevingsrapport {toetsing.jaar} ·" in flat(page)
        assert f"Pagina {number} van {len(pages)}" in flat(page)
    assert text_outside_pages(data) == []


def test_a_name_with_a_form_feed_and_css_cannot_hide_the_verdicts_of_the_sealed_report(
    world,
):
    a = world.a
    # The bestuur's rename lands before submission and is undone before approval.
    Cooperatie.objects.filter(pk=a.cooperatie.pk).update(naam=ATTACK)
    toetsing = services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))
    Cooperatie.objects.filter(pk=a.cooperatie.pk).update(naam="Wooncoöperatie A")
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    assert toetsing.snapshot["cooperatie"]["naam"] == ATTACK
    data = Rapport.objects.get(toetsing=toetsing).pdf.read()

    _assert_sealed_report_intact(toetsing, data)
    # The would-be style rule is printed as text, its form feed as U+FFFD.
    footer = page_texts(data)[0]
    assert "Wooncoöperatie A\ufffd}}.verdict{display:none}" in footer


def test_a_clause_of_one_long_word_keeps_every_verdict_on_the_page(world):
    """A valid text (300 characters, no space) in the first column of the
    clauses' table: the verdict column stays on the paper."""
    a = world.a
    services.toezegging_update(
        toezegging=a.toezegging, actor=a.beheerder, omschrijving="W" * 300
    )
    toetsing, data = _seal(a)
    _assert_sealed_report_intact(toetsing, data)


def test_a_concept_report_asked_for_in_english_is_the_same_dutch_document(world):
    toetsing = services.toetsing_indienen(
        toetsing=world.a.toetsing, actor=fresh(world.a.bestuur)
    )
    with translation.override("en"):
        english = tasks.concept_nalevingsrapport(toetsing, moment=MOMENT)
    dutch = tasks.concept_nalevingsrapport(toetsing, moment=MOMENT)
    assert english == dutch
    text = flat(" ".join(page_texts(dutch)))
    assert "norm 12" in text  # the chart's label, as the table writes it
    assert "norm 12,0" not in text  # a count has no decimals


def test_printable_replaces_control_characters_and_keeps_line_breaks():
    data = {
        "naam": "A\fB\x1b\x85\u2028\u202eC",
        "rijen": [("x\ty\r\nz", 3)],
        "getal": Decimal("1.5"),
    }
    assert printable(data) == {
        "naam": "A\ufffdB\ufffd\ufffd\ufffd\ufffdC",
        "rijen": [("x\ty\r\nz", 3)],
        "getal": Decimal("1.5"),
    }


# Hostile texts ------------------------------------------------------------------

# Pieces an attacker would combine: CSS and HTML syntax, escapes, quotes, every
# kind of line break, controls that reorder text, and a long word. No NUL: no
# database stores one (and the models refuse it).
FRAGMENTS = [
    '"',
    "'",
    "\\",
    "\\A ",
    '\\"',
    "\\3C ",
    "<",
    ">",
    "&",
    "&amp;",
    "&#12;",
    "</style>",
    "<style>",
    "/*",
    "*/",
    "{",
    "}",
    ";",
    "}}.verdict{display:none}",
    "@page{size:1cm}",
    "@import url(x);",
    "\f",
    "\r",
    "\n",
    "\t",
    "\x0b",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\ufeff",
    "ü",
    " ",
    "xyz",
    "W" * 120,
]
hostile = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=10).map("".join)

HYPOTHESIS = settings(
    max_examples=10,
    deadline=None,
    # Each example seals a PDF: report a failing one as found, without shrinking.
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HYPOTHESIS
@given(texts=st.lists(hostile, min_size=12, max_size=12))
def test_hostile_texts_in_every_printed_field_leave_the_sealed_report_intact(
    world, texts
):
    a = world.a
    t = iter(texts)
    with transaction.atomic():
        # Straight into the rows, past the validators.
        _put(Corporatie.objects.filter(pk=a.corporatie.pk), naam=next(t))
        _put(Cooperatie.objects.filter(pk=a.cooperatie.pk), naam=next(t))
        _put(Gebouw.objects.filter(pk=a.gebouw.pk), naam=next(t), straat=next(t))
        _put(
            Afspraak.objects.filter(pk=a.afspraak.pk),
            titel=next(t),
            prestatieafspraak_kenmerk=next(t),
        )
        _put(Toezegging.objects.filter(afspraak=a.afspraak), omschrijving=next(t))
        _put(Beoordeling.objects.filter(toetsing=a.toetsing), toelichting=next(t))
        _put(
            Activiteit.objects.filter(pk=a.activiteit.pk),
            titel=next(t),
            omschrijving=next(t),
            partners=next(t),
        )
        Boeking.objects.create(
            cooperatie=a.cooperatie,
            datum=datetime.date(2024, 6, 1),
            soort="uitgave",
            bedrag=Decimal("12.50"),
            omschrijving=next(t)[:300],
        )
        get_user_model().objects.filter(pk=a.beheerder.pk).update(
            first_name=ATTACK, last_name=ATTACK
        )
        a.beheerder.refresh_from_db()

        toetsing, data = _seal(a)

        _assert_sealed_report_intact(toetsing, data)
        html = nalevingsrapport.nalevingsrapport_html(
            toetsing.snapshot, status=toetsing.status, moment=toetsing.vastgesteld_op
        )
        assert STYLE.findall(html) == STYLE.findall(_plain_html())
        transaction.set_rollback(True)


def _plain_html() -> str:
    """A nalevingsrapport without any text of a user, for its style sheets."""
    snapshot = {
        "toetsing": {"jaar": 2024, "peildatum": "2024-12-31"},
        "corporatie": {"naam": "", "kvk_nummer": ""},
        "cooperatie": {"naam": "", "soort": "woon", "kvk_nummer": ""},
        "afspraak": {"titel": ""},
        "gebouwen": [],
        "cijfers": {
            "aandeel_doelgroep": "0",
            "uitgaven": "0",
            "uitgaven_gestorneerd": "0",
            "besteding": "0",
        },
        "toezeggingen": [],
        "verdict": "nagekomen",
    }
    return nalevingsrapport.nalevingsrapport_html(
        snapshot,
        status="vastgesteld",
        moment=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )


@pytest.fixture
def portefeuille_baseline(world):
    """The verdicts and style sheets of tenant A's portefeuillerapport with the
    world's own names."""
    data = portefeuille.build(corporatie_id=world.a.corporatie.pk, jaar=2024)
    pdf = portefeuille.render(data, moment=MOMENT)
    styles = STYLE.findall(portefeuille.portefeuille_html(data, moment=MOMENT))
    return verdict_counts(" ".join(page_texts(pdf))), styles


MOMENT = datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC)


@HYPOTHESIS
@given(texts=st.lists(hostile, min_size=9, max_size=9))
def test_hostile_texts_leave_the_portefeuillerapport_intact(
    world, portefeuille_baseline, texts
):
    a = world.a
    t = iter(texts)
    with transaction.atomic():
        _put(
            Corporatie.objects.filter(pk=a.corporatie.pk), naam=next(t), plaats=next(t)
        )
        _put(Cooperatie.objects.filter(pk=a.cooperatie.pk), naam=next(t))
        _put(
            Gebouw.objects.filter(pk=a.gebouw.pk),
            naam=next(t),
            complexnummer=next(t),
            straat=next(t),
            huisnummer=next(t),
            plaats=next(t),
        )
        _put(Afspraak.objects.filter(pk=a.afspraak.pk), titel=next(t))
        data = portefeuille.build(corporatie_id=a.corporatie.pk, jaar=2024)
        pdf = portefeuille.render(data, moment=MOMENT)
        transaction.set_rollback(True)

    counts, styles = portefeuille_baseline
    pages = page_texts(pdf)
    assert verdict_counts(" ".join(pages)) == counts
    for number, page in enumerate(pages, 1):
        assert "Portefeuillerapport 2024 ·" in flat(page)
        assert f"Pagina {number} van {len(pages)}" in flat(page)
    assert text_outside_pages(pdf) == []
    html = portefeuille.portefeuille_html(data, moment=MOMENT)
    assert STYLE.findall(html) == styles


# Lengths ----------------------------------------------------------------------------


def test_a_year_with_every_text_at_its_maximum_seals_and_shows_everything(world):
    """The largest report an accepted input makes seals through the services
    (`bench/seal.py` times it) and prints every text in full."""
    a = world.a
    toetsing = fill_year_to_the_maximum(a, activiteiten=40)
    toetsing = services.toetsing_indienen(toetsing=toetsing, actor=fresh(a.bestuur))
    assess_to_the_maximum(toetsing, a)
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    data = Rapport.objects.get(toetsing=toetsing).pdf.read()

    _assert_sealed_report_intact(toetsing, data)
    # A description is printed up to the print limit, with a note; the attached
    # snapshot holds it whole.
    text = flat(" ".join(page_texts(data)))
    activiteiten = toetsing.snapshot["activiteiten"]
    assert len(activiteiten) == 41
    for activiteit in activiteiten:
        assert flat(activiteit["omschrijving"][:100]) in text
    cut = [a for a in activiteiten if len(a["omschrijving"]) > OMSCHRIJVING_AFDRUK]
    assert len(cut) == 40
    assert text.count("Ingekort; de volledige omschrijving staat in de bijlagen") == 40
    attached = json.loads(reader(data).attachments["snapshot.json"][0])
    assert attached["activiteiten"] == activiteiten
