"""The Dutch and English catalogues in the repository: complete, compiled, current.

The source strings are Dutch, so the Dutch catalogue may leave a message
untranslated; the English one must translate every message, and the compiled
`.mo` files must hold exactly what the `.po` files say (a stale `.mo` would show
old text).
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.conf import settings

import pytest

LOCALE = Path(settings.BASE_DIR) / "locale"


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr[n], flags."""
    entries: list[dict] = []
    entry: dict = {"flags": set(), "msgstr": {}}
    key: tuple | str | None = None

    def finish():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {"flags": set(), "msgstr": {}}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            key = None
        elif line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key] += _unquote(line)
        else:
            word, _, rest = line.partition(" ")
            if word.startswith("msgstr["):
                key = ("msgstr", int(word[7:-1]))
                entry["msgstr"][key[1]] = _unquote(rest)
            elif word == "msgstr":
                key = ("msgstr", 0)
                entry["msgstr"][0] = _unquote(rest)
            else:
                key = word
                entry[key] = _unquote(rest)
    finish()
    return [e for e in entries if e["msgid"]]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_catalogue_exists_and_is_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.is_file(), po
    assert mo.is_file(), mo


def test_english_catalogue_translates_every_message():
    entries = read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 300
    missing = [
        e["msgid"]
        for e in entries
        if "fuzzy" in e["flags"] or not all(e["msgstr"].values())
    ]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_compiled_catalogue_matches_its_source(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in read_po(po):
        if "fuzzy" in entry["flags"] or not entry["msgstr"].get(0):
            continue
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            for n, text in entry["msgstr"].items():
                assert compiled._catalog[(msgid, n)] == text, msgid
        else:
            assert compiled._catalog[msgid] == entry["msgstr"][0], msgid
