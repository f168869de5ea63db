"""Hostile evidence uploads, generated: the type comes from the bytes, never
from the name; a file that is no photo or PDF is refused whatever it is called,
and an accepted file is stored under a name of its own."""

from __future__ import annotations

import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kern.models import AuditEntry
from ledger import services
from ledger.bijlagen import EXTENSIONS, sniff_content_type
from ledger.models import Bijlage
from tests.helpers import table_state

CASES: Counter[str] = Counter()

PROPERTY = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"%PDF-": "application/pdf",
}

HOSTILE_NAMES = st.sampled_from(
    [
        "foto.jpg",
        "bon.pdf",
        "scan.png",
        "../../config/settings.py",
        "..\\..\\web.config",
        "shell.php",
        "foto.png.exe",
        "index.html",
        "image.svg",
        "",
        "naam met spaties; en ‘quotes’.pdf",
        "%00.pdf",
    ]
)


def _no_signature(content: bytes) -> bool:
    return not content.startswith(tuple(SIGNATURES)) and not (
        content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    )


class _RollbackError(Exception):
    """Raised to undo one generated example's writes."""


def rolled_back(function):
    try:
        with transaction.atomic():
            function()
            raise _RollbackError
    except _RollbackError:
        pass


@PROPERTY
@given(st.binary(max_size=64))
def test_bytes_without_a_signature_have_no_type(content):
    CASES["sniff"] += 1
    if _no_signature(content):
        assert sniff_content_type(content[:16]) is None
    else:
        assert sniff_content_type(content[:16]) in EXTENSIONS


@PROPERTY
@given(st.sampled_from(sorted(SIGNATURES)), st.binary(max_size=64))
def test_a_signature_decides_the_type(signature, rest):
    CASES["sniff"] += 1
    assert sniff_content_type((signature + rest)[:16]) == SIGNATURES[signature]


def test_evidence_refused_or_stored_by_content_not_name(world, settings, tmp_path):
    """Hostile names with random bytes, or with a real signature in front: a
    field error on `bestand` and nothing written, or a stored file whose name
    and type come from its bytes, with a journal entry."""
    settings.MEDIA_ROOT = tmp_path / "media"

    @PROPERTY
    @given(
        HOSTILE_NAMES,
        st.one_of(
            st.binary(max_size=200).filter(_no_signature),
            st.tuples(st.sampled_from(sorted(SIGNATURES)), st.binary(max_size=100)).map(
                b"".join
            ),
        ),
    )
    def run(name, content):
        CASES["upload"] += 1

        def example():
            before = table_state(Bijlage), AuditEntry.objects.count()
            files_before = set((tmp_path / "media").rglob("*"))
            upload = SimpleUploadedFile(name or "x", content)
            if _no_signature(content):
                with pytest.raises(ValidationError) as exc:
                    services.bijlage_add(
                        activiteit=world.a.activiteit,
                        bestand=upload,
                        actor=world.a.bestuur,
                    )
                assert "bestand" in exc.value.message_dict
                assert (table_state(Bijlage), AuditEntry.objects.count()) == before
                assert set((tmp_path / "media").rglob("*")) == files_before
                return
            bijlage = services.bijlage_add(
                activiteit=world.a.activiteit, bestand=upload, actor=world.a.bestuur
            )
            expected = SIGNATURES[next(s for s in SIGNATURES if content.startswith(s))]
            assert bijlage.content_type == expected
            stored_name = bijlage.bestand.name.rsplit("/", 1)[-1]
            assert re.fullmatch(r"[0-9a-f]{32}\." + EXTENSIONS[expected], stored_name)
            assert AuditEntry.objects.count() == before[1] + 1
            with bijlage.bestand.open("rb") as stored:
                assert stored.read() == content

        rolled_back(example)

    run()
    print(f"\nhostile input: evidence uploads: {CASES['upload']} cases tried")
