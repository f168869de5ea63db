"""The demo's data file loads into typed records, and a mistake in it is reported
with the key where it sits."""

from __future__ import annotations

import datetime
import io
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest
import yaml

from afspraken.choices import Indicator
from cooperatie.choices import CooperatieSoort
from demo import gegevens
from demo.schema import DemoDataError
from tests.test_seed_demo import DEMO_USERS


def tree() -> dict:
    return yaml.safe_load(gegevens.PAD.read_text(encoding="utf-8"))


def load(tmp_path: Path, data: dict) -> gegevens.Wereld:
    path = tmp_path / "wereld.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return gegevens.laad(path)


def test_the_data_file_holds_the_whole_world():
    wereld = gegevens.laad()

    assert wereld.kenmerk_kvk == "30217846"
    assert len(wereld.cooperaties) == 4
    assert {c.soort for c in wereld.cooperaties} == set(CooperatieSoort.values)
    toezeggingen = [t for c in wereld.cooperaties for t in c.afspraak.toezeggingen]
    assert {t.indicator for t in toezeggingen} == set(Indicator.values)
    assert all(isinstance(t.norm, Decimal) for t in toezeggingen)
    assert wereld.cooperaties[0].opgericht_op == datetime.date(2016, 3, 14)
    assert wereld.gebruikers == DEMO_USERS
    # The anchors resolve into the programmes.
    lombok = wereld.cooperatie("Beheercoöperatie Lombokhof")
    assert lombok.programma[0].maanden == wereld.maandreeksen["zonder_zomer"]
    # A building's homes match its count and its address range.
    gebouw = wereld.gebouwen["UT-0412"]
    adressen = gebouw.adressen()
    assert len(set(adressen)) == gebouw.aantal_woningen == 48
    assert (adressen[0], adressen[-1]) == ("Zambesidreef 101-1", "Zambesidreef 111-8")
    assert gebouw.huisnummer == "101-111"


def _set(*keys, value) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        node = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return change


def _drop(*keys) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        node = data
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set("cooperaties", 0, "budgt", value=6000),
            "cooperaties[0].budgt: is geen bekende sleutel",
        ),
        (
            _drop("gebouwen", "UT-0412", "postcode"),
            "gebouwen.UT-0412.postcode: moet aanwezig zijn",
        ),
        (
            _set("corporaties", "lindenhaeghe", "kvk_nummer", value=30217846),
            "corporaties.lindenhaeghe.kvk_nummer: moet tekst zijn, niet 30217846",
        ),
        (
            _set("cooperaties", 1, "budget", value=True),
            "cooperaties[1].budget: moet een geheel getal zijn, niet True",
        ),
        (
            _set("activiteiten", "koffie", "thema", value="feest"),
            "activiteiten.koffie.thema: moet een van ontmoeting, groen",
        ),
        (
            _set("cooperaties", 1, "programma", 1, "maanden", value=[1, 13]),
            "cooperaties[1].programma[1].maanden[1]: moet tussen 1 en 12 liggen",
        ),
        (
            _set("cooperaties", 2, "programma", 0, "activiteit", value="feest"),
            "cooperaties[2].programma[0].activiteit: moet een bekende activiteit zijn",
        ),
        (
            _set("activiteiten", "koffie", "leden", value=[14, 6]),
            "activiteiten.koffie.leden: moet oplopen",
        ),
        (
            _set("activiteiten", "koffie", "leden", value=[6]),
            "activiteiten.koffie.leden: moet een lijst van 2 waarden zijn",
        ),
        (
            _set("cooperaties", 0, "tranches", 0, value=[2, 30]),
            "cooperaties[0].tranches[0]: moet een bestaande dag",
        ),
        (
            _set("cooperaties", 0, "opgericht_op", value="14 maart 2016"),
            "cooperaties[0].opgericht_op: moet een datum (JJJJ-MM-DD) zijn",
        ),
        (
            _drop("cooperaties", 0, "afspraak", "toezeggingen", 4, "beoordeling"),
            "cooperaties[0].afspraak.toezeggingen[4].beoordeling: moet er zijn",
        ),
        (
            _set("teksten", "budget", value="Budget {jaar} ({bedrag})"),
            "teksten.budget: mag alleen de velden corporatie, jaar gebruiken, "
            "niet bedrag",
        ),
        (
            _set("medewerkers", 1, "corporatie", value="lindenhaeghe"),
            "corporaties.noorderzijl: moet een beheerder onder medewerkers hebben",
        ),
        (
            _set("medewerkers", 2, "gebruiker", value="bestuur"),
            "gebruikersnamen (admin, medewerkers, besturen): moeten uniek zijn; "
            "dubbel: bestuur",
        ),
        (
            _set("fotos", 0, "activiteit", value="Taalcafé"),
            "fotos[0]: moet een bekende activiteit in het programma van "
            "Wooncoöperatie De Zambesi zijn",
        ),
        (
            _set("uitnodigingen", 0, "door", value="onbekend"),
            "uitnodigingen[0].door: moet een bekende gebruiker zijn, niet 'onbekend'",
        ),
        (
            _set("correcties", "dubbel_geboekt", "uitgave", value="zomer"),
            "correcties.dubbel_geboekt.uitgave: moet voorkomen in een uitgave",
        ),
        (
            _set("leden", "doelgroep", value={"daeb": {"ja": 0.78, "nee": 0.08}}),
            "leden.doelgroep (voor cooperaties[1].gebouw): moet een bekende "
            "daeb-soort zijn, niet 'gemengd'",
        ),
    ],
)
def test_a_mistake_names_its_key(tmp_path, change, message):
    data = tree()
    change(data)

    with pytest.raises(DemoDataError) as raised:
        load(tmp_path, data)

    assert message in str(raised.value)
    assert str(raised.value).startswith(str(tmp_path / "wereld.yaml") + ": ")


def test_a_file_that_is_not_yaml_or_not_a_mapping_is_named(tmp_path):
    path = tmp_path / "wereld.yaml"
    path.write_text("seed: [1, 2\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"wereld\.yaml: moet geldige YAML zijn"):
        gegevens.laad(path)

    path.write_text("- seed\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"wereld\.yaml: moet een mapping"):
        gegevens.laad(path)


def test_safe_load_refuses_python_objects(tmp_path):
    path = tmp_path / "wereld.yaml"
    path.write_text("seed: !!python/object/apply:os.getcwd []\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match="moet geldige YAML zijn"):
        gegevens.laad(path)


def test_amounts_and_norms_become_decimals_as_written():
    wereld = gegevens.laad()
    assert wereld.correcties.verkeerde_activiteit.bedrag == Decimal("27.80")
    vrijheid = wereld.cooperatie("Beheercoöperatie De Vrijheid")
    assert [t.deels_vanaf for t in vrijheid.afspraak.toezeggingen][3] == Decimal(60)
    assert vrijheid.afspraak.toezeggingen[0].deels_vanaf == Decimal(75)


def test_seed_demo_reports_a_mistake_in_the_data_file_as_its_error(
    tmp_path, monkeypatch
):
    import demo

    data = tree()
    data["cooperaties"][0]["budgt"] = 6000
    path = tmp_path / "wereld.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(gegevens, "PAD", path)
    # demo.wereld reads the file when it is imported: import it afresh.
    monkeypatch.delitem(sys.modules, "demo.wereld", raising=False)
    monkeypatch.delattr(demo, "wereld", raising=False)

    with pytest.raises(CommandError, match=r"cooperaties\[0\]\.budgt: is geen"):
        call_command("seed_demo", stdout=io.StringIO())


def test_a_jaarparameter_row_is_read_with_its_source_and_its_code_checked(tmp_path):
    data = tree()
    data["jaarparameters"] = [
        {
            "jaar": 2019,
            "code": "leefbaarheid_max_per_daeb_woning",
            "waarde": "100.00",
            "bron": "Een bron",
        }
    ]
    (spec,) = load(tmp_path, data).jaarparameters
    assert (spec.jaar, spec.code, spec.waarde, spec.bron) == (
        2019,
        "leefbaarheid_max_per_daeb_woning",
        Decimal("100.00"),
        "Een bron",
    )

    data["jaarparameters"][0]["code"] = "onbekend"
    with pytest.raises(DemoDataError) as exc:
        load(tmp_path, data)
    assert "jaarparameters[0].code" in str(exc.value)
