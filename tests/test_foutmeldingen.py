"""Every constraint message says what must hold ("Het bedrag moet groter dan nul
zijn."), never the rule as a statement of fact ("Het bedrag is groter dan nul."),
which reads as the opposite of the error it is shown for."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.apps import apps
from django.utils import translation

import pytest

from ledger.models import Boeking
from tests.ui.beheer_helpers import url
from tests.ui.test_beheer_afspraken import ACTIVITEITEN, afspraak_post

OWN_APPS = {"kern", "cooperatie", "ledger", "afspraken"}

SINGULAR = {"moet", "mag", "hoort", "kan"}
PLURAL = {"moeten", "mogen", "horen", "kunnen"}

# The rule stated as a fact: what the constraint holds, said as if it already did.
FACT_SHAPES = [
    r"\bligt niet\b",
    r"\bliggen niet\b",
    r"\b(is|zijn) (groter|kleiner|nul|hoogstens|minstens|een percentage)\b",
    r"\b(heeft|hebben) de vorm\b",
    r"\bbestaat uit\b",
    r"\beindigt na\b",
    r"\bgelden alleen\b",
    r"\bbetreft minstens\b",
    r"\bheeft minstens\b",
    r"\bheeft een toelichting\b",
    r"\bkomt .* maar één keer voor\b",
    r"\bwordt altijd\b",
]


def constraint_messages() -> list[tuple[str, str]]:
    """(model.constraint, Dutch message) for every constraint of the own apps."""
    with translation.override("nl"):
        return [
            (
                f"{model._meta.label}.{constraint.name}",
                str(constraint.get_violation_error_message()),
            )
            for model in apps.get_models()
            if model._meta.app_label in OWN_APPS
            for constraint in model._meta.constraints
        ]


MESSAGES = constraint_messages()


def requirement_problem(message: str) -> str | None:
    """Why `message` is not worded as what must hold, or None when it is."""
    rule = message.split(":")[0]
    words = re.findall(r"[\wëéèöïü']+", rule.lower())
    modals = [w for w in words if w in SINGULAR | PLURAL]
    if not modals:
        return "no moet/mag/hoort (or plural) in the rule"
    before = rule.lower().split(modals[0])[0]
    first = words[0]
    plural_subject = " en " in before or (
        first.endswith("en") and first not in {"een", "en"}
    )
    if plural_subject and modals[0] in SINGULAR:
        return f"plural subject with singular '{modals[0]}'"
    if not plural_subject and modals[0] in PLURAL:
        return f"singular subject with plural '{modals[0]}'"
    for shape in FACT_SHAPES:
        if re.search(shape, message.lower()):
            return f"statement of fact ({shape})"
    if not message.endswith("."):
        return "not a sentence"
    return None


def test_every_own_app_has_constraint_messages():
    labels = {label.split(".")[0] for label, _ in MESSAGES}
    assert labels == OWN_APPS
    assert len(MESSAGES) >= 35


@pytest.mark.parametrize(
    ("constraint", "message"), MESSAGES, ids=[c for c, _ in MESSAGES]
)
def test_constraint_message_says_what_must_hold(constraint, message):
    assert requirement_problem(message) is None, message


@pytest.mark.parametrize(
    "message",
    [
        "Het eindjaar ligt niet vóór het ingangsjaar.",
        "Het bedrag is groter dan nul.",
        "De norm is nul of meer.",
        "Een postcode heeft de vorm 1234 AB.",
        "Een KvK-nummer bestaat uit precies 8 cijfers.",
        "Het lidmaatschap eindigt na de dag waarop het begon.",
        "Aantallen deelnemers mag nul of meer zijn.",
        "Het bedrag moeten groter dan nul zijn.",
        "Een beoordeling heeft een toelichting.",
    ],
)
def test_statements_of_fact_are_refused(message):
    assert requirement_problem(message) is not None


@pytest.mark.parametrize(
    "message",
    [
        "Het eindjaar mag niet vóór het ingangsjaar liggen.",
        "Het bedrag moet groter dan nul zijn.",
        "Aantallen deelnemers moeten nul of meer zijn.",
        "Een beheerder of auditor hoort bij een corporatie.",
    ],
)
def test_requirements_pass(message):
    assert requirement_problem(message) is None


def test_the_two_reported_messages_are_reworded():
    messages = dict(MESSAGES)
    assert messages["afspraken.Afspraak.afspraak_eindjaar_na_ingangsjaar"] == (
        "Het eindjaar mag niet vóór het ingangsjaar liggen."
    )
    assert messages["ledger.Boeking.boeking_bedrag_positief"] == (
        "Het bedrag moet groter dan nul zijn."
    )


def test_afspraak_page_shows_the_span_requirement_on_the_form(client, world):
    client.force_login(world.a.beheerder)

    response = client.post(
        url("beheer-afspraak-nieuw", world.a),
        afspraak_post(world, [ACTIVITEITEN], ingangsjaar="2025", eindjaar="2020"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Het eindjaar mag niet vóór het ingangsjaar liggen." in html
    assert "ligt niet vóór" not in html


def test_afspraak_page_shows_the_norm_requirement_on_the_row(client, world):
    client.force_login(world.a.beheerder)
    negative = {**ACTIVITEITEN, "norm": "-1"}

    response = client.post(
        url("beheer-afspraak-nieuw", world.a), afspraak_post(world, [negative])
    )

    assert response.status_code == 200
    assert "De norm moet nul of meer zijn." in response.content.decode()


def test_boeking_form_shows_the_amount_requirement(world):
    form_class = forms.modelform_factory(
        Boeking, fields=["cooperatie", "datum", "soort", "bedrag", "omschrijving"]
    )
    form = form_class(
        data={
            "cooperatie": world.a.cooperatie.pk,
            "datum": "2025-03-01",
            "soort": "uitgave",
            "bedrag": Decimal("0"),
            "omschrijving": "Koffie",
        }
    )

    assert not form.is_valid()
    shown = form.non_field_errors() + form.errors.get("bedrag", [])
    assert shown == ["Het bedrag moet groter dan nul zijn."]
