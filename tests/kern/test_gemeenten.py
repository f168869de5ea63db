"""Gemeente names from the shipped CBS list: the filter shows "Utrecht", not
"GM0344"; an unknown code stays visible as the code."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.urls import reverse

import pytest

from kern.gemeenten import BESTAND, JAAR, gemeente_naam, gemeenten
from tests.cooperatie.factories import GebouwFactory


def test_the_file_names_its_year_and_source():
    assert str(JAAR) in BESTAND.name
    head = BESTAND.read_text(encoding="utf-8").split("code;naam")[0]
    assert "CBS" in head
    assert str(JAAR) in head
    # A partial list says so.
    assert len(gemeenten()) == 342 or "PARTIAL" in head


def test_every_row_is_a_valid_code_with_a_name():
    lijst = gemeenten()
    assert len(lijst) >= 200
    for code, naam in lijst.items():
        assert re.fullmatch(r"GM\d{4}", code), code
        assert naam, code
        assert naam == naam.strip(), code
    assert len(set(lijst.values())) == len(lijst)


@pytest.mark.parametrize(
    ("code", "naam"),
    [
        ("GM0344", "Utrecht"),
        ("GM0363", "Amsterdam"),
        ("GM0599", "Rotterdam"),
        ("GM0518", "'s-Gravenhage"),
        ("GM0772", "Eindhoven"),
        ("GM0014", "Groningen"),
    ],
)
def test_large_gemeenten_are_named(code, naam):
    assert gemeente_naam(code) == naam


def test_unknown_code_is_shown_as_the_code():
    assert gemeente_naam("GM9999") == "GM9999"
    assert gemeente_naam("") == ""


def test_template_filter():
    template = Template("{% load gemeente %}{{ a|gemeente }} · {{ b|gemeente }}")
    assert template.render(Context({"a": "GM0344", "b": "GM9999"})) == (
        "Utrecht · GM9999"
    )


@pytest.mark.django_db
def test_gebouwen_filter_and_list_show_names(client, world):
    GebouwFactory(corporatie=world.a.corporatie, gemeentecode="GM0344")
    client.force_login(world.a.beheerder)
    response = client.get(reverse("beheer-gebouwen", args=[world.a.corporatie.pk]))
    assert response.status_code == 200
    choices = dict(response.context["filters"].form.fields["gemeente"].choices)
    assert choices["GM0344"] == "Utrecht"
    html = response.content.decode()
    assert "<td>Utrecht</td>" in html
    assert ">GM0344<" not in html


@pytest.mark.django_db
def test_dashboard_filter_shows_names(client, world):
    world.a.gebouw.gemeentecode = "GM0344"
    world.a.gebouw.save()
    client.force_login(world.a.beheerder)
    response = client.get(reverse("beheer-start", args=[world.a.corporatie.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="GM0344">Utrecht</option>' in html
