"""The leden input the cooperatie services refuse, and their personal data."""

from __future__ import annotations

import json

import pytest

from cooperatie import services
from cooperatie.models import Lid
from kern.models import AuditEntry
from tests.cooperatie.services_helpers import D
from tests.helpers import (
    check_refused,
    entries_since,
    entry_json,
    journal_mark,
)

# Validation: lid ------------------------------------------------------------------


def _lid(world, cooperatie=None, actor=None, **data):
    data = {"naam": "Jan Jansen", "lid_sinds": D(2025, 1, 1), **data}
    return lambda: services.lid_create(
        cooperatie=cooperatie or world.a.cooperatie,
        actor=actor or world.a.bestuur,
        **data,
    )


@pytest.mark.parametrize("lid_tot", [D(2024, 12, 31), D(2025, 1, 1)])
def test_lid_tot_not_after_lid_sinds_is_refused(world, lid_tot):
    check_refused(_lid(world, lid_tot=lid_tot), "lid_tot", "lidmaatschap", model=Lid)


def test_lid_end_before_lid_sinds_is_refused(world):
    check_refused(
        lambda: services.lid_end(
            lid=world.a.lid, lid_tot=D(2019, 12, 31), actor=world.a.bestuur
        ),
        "lid_tot",
        model=Lid,
    )


def test_lid_end_twice_is_refused(world):
    services.lid_end(lid=world.a.lid, lid_tot=D(2025, 1, 1), actor=world.a.bestuur)

    check_refused(
        lambda: services.lid_end(
            lid=world.a.lid, lid_tot=D(2025, 2, 1), actor=world.a.bestuur
        ),
        "lid_tot",
        "beëindigd",
        model=Lid,
    )


def test_lid_duplicate_email_in_one_cooperatie_is_refused(world):
    check_refused(
        _lid(world, email=world.a.lid.email), "email", "e-mailadres", model=Lid
    )


def test_lid_same_email_in_another_cooperatie_is_allowed(world):
    lid = _lid(
        world,
        cooperatie=world.b.cooperatie,
        actor=world.b.bestuur,
        email=world.a.lid.email,
    )()

    assert Lid.objects.filter(email=world.a.lid.email).count() == 2
    assert lid.cooperatie == world.b.cooperatie


def test_leden_without_email_do_not_clash(world):
    _lid(world, email="")()
    _lid(world, email="", naam="Piet Pietersen")()

    assert Lid.objects.filter(cooperatie=world.a.cooperatie, email="").count() == 2


def test_lid_bad_email_is_refused(world):
    check_refused(_lid(world, email="geen-adres"), "email", model=Lid)


def test_lid_unknown_field_is_refused(world):
    check_refused(_lid(world, bsn="123456782"), "bsn", model=Lid)


# Privacy of member data in the journal ----------------------------------------------

PERSONAL = {
    "naam": "Annelies van Oosterhout",
    "email": "annelies.oosterhout@example.nl",
    "telefoon": "06-12345678",
    "adres": "Kastanjelaan 12-3",
}


def _assert_no_clear_text(entry: AuditEntry, values) -> None:
    text = entry_json(entry)
    for value in values:
        assert value not in text
        assert json.dumps(value)[1:-1] not in text


def test_lid_create_journals_no_personal_data_in_clear_text(world):
    seq = journal_mark()

    lid = _lid(world, doelgroep="ja", **PERSONAL)()

    (entry,) = entries_since(seq)
    _assert_no_clear_text(entry, PERSONAL.values())
    for field in (*PERSONAL, "doelgroep"):
        assert entry.after[field].startswith("hmac-sha256:"), field
    assert entry.after["doelgroep"] != "ja"
    assert lid.naam == PERSONAL["naam"]


def test_lid_update_journals_no_personal_data_in_clear_text(world):
    lid = _lid(world, doelgroep="nee", **PERSONAL)()
    new = {
        "naam": "Annelies de Groot",
        "email": "a.degroot@example.nl",
        "telefoon": "06-87654321",
        "adres": "Beukenlaan 4",
    }
    seq = journal_mark()

    services.lid_update(lid=lid, doelgroep="ja", actor=world.a.bestuur, **new)

    (entry,) = entries_since(seq)
    _assert_no_clear_text(entry, [*PERSONAL.values(), *new.values()])
    assert set(entry.before) == set(entry.after) == {*new, "doelgroep"}
    assert all(entry.before[f] != entry.after[f] for f in entry.after)
    assert entry.action == "lid_update"


def test_lid_end_journals_no_personal_data(world):
    lid = _lid(world, **PERSONAL)()
    seq = journal_mark()

    services.lid_end(lid=lid, lid_tot=D(2025, 9, 1), actor=world.a.bestuur)

    (entry,) = entries_since(seq)
    _assert_no_clear_text(entry, PERSONAL.values())
    assert entry.after == {"lid_tot": "2025-09-01"}


def test_members_with_the_same_name_get_different_digests(world):
    seq = journal_mark()

    _lid(world, naam="Jan de Vries")()
    _lid(world, naam="Jan de Vries")()

    first, second = entries_since(seq)
    assert first.after["naam"].startswith("hmac-sha256:")
    assert second.after["naam"].startswith("hmac-sha256:")
    assert first.after["naam"] != second.after["naam"]


def test_same_member_same_value_gives_the_same_digest(world):
    lid = _lid(world, naam="Jan de Vries")()
    seq = journal_mark()

    services.lid_update(lid=lid, naam="Jan de Vries-Bakker", actor=world.a.bestuur)
    services.lid_update(lid=lid, naam="Jan de Vries", actor=world.a.bestuur)

    renamed, back = entries_since(seq)
    assert back.after["naam"] == renamed.before["naam"]
