"""The Dutch and English catalogues in the repository: complete, compiled, current.

The source strings are Dutch, so the Dutch catalogue may leave a message
untranslated; the English one must translate every message, and the compiled
`.mo` files must hold exactly what the `.po` files say (a stale `.mo` would show
old text).
"""

from __future__ import annotations

import ast
import gettext
import re
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


GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext"}
TRANSLATE_TAG = re.compile(r"""\{%\s*translate\s+(?:"([^"]*)"|'([^']*)')""")


def source_messages() -> set[str]:
    """Literal messages marked in the code and in `{% translate %}` tags (the
    blocktranslate texts are left to `make messages`)."""
    base = Path(settings.BASE_DIR)
    found: set[str] = set()
    for app in ("config", "cooperatie", "afspraken", "ledger"):
        for path in (base / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in GETTEXT_FUNCTIONS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    for path in (base / "templates").rglob("*.html"):
        for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def test_every_marked_message_is_in_the_catalogue():
    """A message added to the code after the last `make messages` would show in
    Dutch on English pages."""
    catalogue = {
        e["msgid"] for e in read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    }
    missing = sorted(source_messages() - catalogue)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
