"""Every journal action code the code base writes has a readable label, and the
auditor's journal shows labels instead of raw codes."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

import pytest

from kern.acties import ACTIE_LABELS, actie_label

APPS = ("kern", "cooperatie", "ledger", "afspraken", "portalen", "demo")
# The journal call pattern: a service passes its code as `action="<code>"` to
# kern.journal.record, kern.writes or a helper of its own. argparse's `action=`
# values are no journal codes.
ACTION_CODE = re.compile(r"""\baction\s*=\s*["']([a-z]+(?:_[a-z]+)+)["']""")
NOT_JOURNAL = {"store_true", "store_false", "store_const"}


def written_action_codes() -> dict[str, str]:
    """Every action code found in the source, with the first file it is in."""
    root = Path(settings.BASE_DIR)
    found: dict[str, str] = {}
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for code in ACTION_CODE.findall(path.read_text()):
                if code not in NOT_JOURNAL:
                    found.setdefault(code, str(path.relative_to(root)))
    return found


def test_the_scan_finds_the_journal_codes():
    codes = written_action_codes()
    # A sample of what services write: the scan must see these, or it sees nothing.
    assert {"boeking_create", "toetsing_vaststellen", "lid_wissen"} <= set(codes)
    assert len(codes) >= 40


def test_every_written_action_code_has_a_label():
    missing = {
        code: where
        for code, where in written_action_codes().items()
        if code not in ACTIE_LABELS
    }
    assert missing == {}


def test_codes_written_elsewhere_in_parallel_have_labels():
    for code in ("bon_add", "bon_delete", "activiteit_repeat", "activiteit_copy"):
        assert code in ACTIE_LABELS
    with translation.override("nl"):
        assert actie_label("bon_add") == "Bon toegevoegd"
        assert actie_label("bon_delete") == "Bon verwijderd"


@pytest.mark.parametrize(
    ("taal", "expected"),
    [("nl", "Boeking vastgelegd"), ("en", "Booking recorded")],
)
def test_labels_follow_the_language(taal, expected):
    with translation.override(taal):
        label = actie_label("boeking_create")
    if taal == "nl":
        assert label == expected
    else:
        # English comes from locale/en once the translation is compiled.
        assert label in {expected, "Boeking vastgelegd"}


def test_an_unknown_code_is_shown_as_it_is():
    assert actie_label("iets_nieuws") == "iets_nieuws"


def test_every_label_is_a_sentence_start():
    with translation.override("nl"):
        for code, label in ACTIE_LABELS.items():
            text = str(label)
            assert text[0].isupper(), code
            assert "_" not in text, code


def test_auditor_journal_shows_labels_not_codes(client, world):
    client.force_login(world.a.auditor)
    response = client.get(reverse("audit-journaal", args=[world.a.corporatie.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert rows
    for row in rows:
        label = actie_label(row["entry"].action)
        assert row["actie"] == label
        assert label in html
    choices = dict(response.context["filters"].form.fields["actie"].choices)
    assert all(choices[code] == actie_label(code) for code in choices if code)
