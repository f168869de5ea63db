"""`render_reports`: every report of a year into a folder, through the tasks API."""

from __future__ import annotations

import hashlib
import io
import json
import re
import signal
import threading
import zipfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

import pypdf
import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from afspraken import rapporten, services
from afspraken.choices import ToetsingStatus
from afspraken.models import Rapport
from tests.helpers import fresh

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _run(**options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("render_reports", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def year(world):
    """2024: tenant A's toetsing vastgesteld and sealed, tenant B's still open."""
    a = world.a
    toetsing = services.toetsing_indienen(toetsing=a.toetsing, actor=fresh(a.bestuur))
    toetsing = services.toetsing_vaststellen(toetsing=toetsing, actor=a.beheerder)
    return toetsing, Rapport.objects.get(toetsing=toetsing)


def _names(world, toetsing_a):
    kvk_a, kvk_b = world.a.corporatie.kvk_nummer, world.b.corporatie.kvk_nummer
    return {
        "portefeuille_a": f"portefeuille-{kvk_a}-2024.pdf",
        "portefeuille_b": f"portefeuille-{kvk_b}-2024.pdf",
        "sealed_a": (
            f"nalevingsrapport-2024-wooncooperatie-a-toetsing-{toetsing_a.pk}.pdf"
        ),
        "concept_b": (
            f"nalevingsrapport-2024-wooncooperatie-b-toetsing-{world.b.toetsing.pk}"
            "-concept.pdf"
        ),
        "bundel_a": f"auditorbundel-{kvk_a}-2024.zip",
    }


def test_writes_portefeuilles_the_sealed_copy_and_concepts(world, year, tmp_path):
    toetsing, rapport = year
    uit = tmp_path / "uit"
    rapporten_before = Rapport.objects.count()

    out, err = _run(jaar=2024, uit=uit)

    names = _names(world, toetsing)
    assert sorted(p.name for p in uit.iterdir()) == sorted(names.values())
    # The sealed report is the stored file, byte for byte.
    sealed = (uit / names["sealed_a"]).read_bytes()
    assert hashlib.sha256(sealed).hexdigest() == rapport.sha256
    with rapport.pdf.open("rb") as fh:
        assert sealed == fh.read()
    # The concept is marked, carries no seal and is not stored anywhere.
    concept = (uit / names["concept_b"]).read_bytes()
    text = _text(concept)
    assert "CONCEPT – niet verzegeld" in text
    assert "(nog niet verzegeld)" in text
    assert world.b.cooperatie.naam in text
    assert rapporten.verify(pdf=concept) is None
    assert Rapport.objects.count() == rapporten_before
    attached = pypdf.PdfReader(io.BytesIO(concept)).attachments
    assert json.loads(attached["snapshot.json"][0])["toetsing"]["id"] == (
        world.b.toetsing.pk
    )
    # Each corporatie's portefeuille holds its own afspraken only.
    portefeuille_a = _text((uit / names["portefeuille_a"]).read_bytes())
    assert "Portefeuillerapport 2024" in portefeuille_a
    assert world.a.cooperatie.naam in portefeuille_a
    assert world.b.cooperatie.naam not in portefeuille_a
    # Tenant A has a sealed report, so an auditor bundle; B has none.
    with zipfile.ZipFile(uit / names["bundel_a"]) as zf:
        stem = f"2024-toetsing-{toetsing.pk}"
        assert zf.read(f"{stem}/nalevingsrapport.pdf") == sealed
        assert f"{rapport.sha256}  {stem}/nalevingsrapport.pdf" in (
            zf.read("SHA256SUMS").decode()
        )
    # Progress on stderr, summary on stdout.
    assert "] 5/5" in err
    assert "[" + "#" * 30 + "]" in err
    assert "5 bestand(en) geschreven" in out
    assert "1 verzegeld(e) nalevingsrapport(en)" in out
    assert "1 concept(en)" in out
    assert "1 auditorbundel(s)" in out


def test_a_submitted_year_gets_a_concept_from_its_frozen_snapshot(
    world, year, tmp_path
):
    b = world.b
    services.toetsing_indienen(toetsing=b.toetsing, actor=fresh(b.bestuur))
    _run(jaar=2024, uit=tmp_path / "uit", corporatie=b.corporatie.kvk_nummer)
    b.toetsing.refresh_from_db()
    assert b.toetsing.status == ToetsingStatus.INGEDIEND
    concept = next((tmp_path / "uit").glob("*-concept.pdf")).read_bytes()
    attached = pypdf.PdfReader(io.BytesIO(concept)).attachments
    snapshot = json.loads(attached["snapshot.json"][0])
    assert snapshot["cijfers"] == b.toetsing.snapshot["cijfers"]
    assert "De toetsing is ingediend" in _text(concept)


def test_corporatie_option_renders_one_corporatie(world, year, tmp_path):
    toetsing, _ = year
    names = _names(world, toetsing)
    uit = tmp_path / "uit"
    out, _ = _run(jaar=2024, uit=uit, corporatie=world.a.corporatie.kvk_nummer)
    assert sorted(p.name for p in uit.iterdir()) == sorted(
        [names["portefeuille_a"], names["sealed_a"], names["bundel_a"]]
    )
    assert "3 bestand(en) geschreven" in out


def test_taal_option_renders_the_portefeuille_in_english_and_keeps_sealed_copies(
    world, year, tmp_path
):
    toetsing, _ = year
    names = _names(world, toetsing)
    uit = tmp_path / "uit"
    _run(jaar=2024, uit=uit, corporatie=world.a.corporatie.kvk_nummer, taal="en")
    text = _text((uit / names["portefeuille_a"]).read_bytes())
    assert re.search(
        r"\d{1,2} (January|February|March|April|May|June|July|"
        r"August|September|October|November|December) \d{4}",
        text,
    )
    assert not re.search(
        r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|"
        r"augustus|september|oktober|november|december) \d{4}",
        text,
    )
    # A sealed report is copied as sealed, whatever language is asked for.
    rapport = Rapport.objects.get(toetsing=toetsing)
    assert (uit / names["sealed_a"]).read_bytes() == rapport.pdf.open("rb").read()


def test_unknown_kvk_fails_naming_it(world, tmp_path):
    with pytest.raises(CommandError, match="99999999"):
        _run(jaar=2024, uit=tmp_path / "uit", corporatie="99999999")
    assert not (tmp_path / "uit").exists()


def test_a_year_without_afspraken_says_so_and_writes_nothing(world, tmp_path):
    out, _ = _run(jaar=2010, uit=tmp_path / "leeg")
    assert "Geen rapporten voor 2010" in out
    assert not (tmp_path / "leeg").exists()


def test_a_stored_report_that_fails_its_sha256_is_not_copied(world, tmp_path):
    # Both tenants' stored 2023 reports are changed on disk after sealing:
    # neither the reports nor the bundles holding them are written.
    for tenant in (world.a, world.b):
        Path(tenant.rapport.pdf.path).write_bytes(b"%PDF-1.7 changed afterwards")
    with pytest.raises(CommandError, match="4 van 6 rapporten zijn mislukt"):
        _run(jaar=2023, uit=tmp_path / "uit")
    names = sorted(p.name for p in (tmp_path / "uit").iterdir())
    assert names == sorted(
        f"portefeuille-{t.corporatie.kvk_nummer}-2023.pdf" for t in (world.a, world.b)
    )


@pytest.fixture
def restore_signals():
    """db_worker installs its own SIGINT/SIGTERM handlers; put pytest's back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


# The worker checks its connection between tasks (close_old_connections), which
# would end a test transaction: this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_and_db_worker_renders(
    world, year, tmp_path, settings, restore_signals
):
    settings.TASKS = DATABASE_TASKS
    toetsing, rapport = year
    uit = tmp_path / "uit"

    out, _ = _run(jaar=2024, uit=uit)

    assert "5 van 5 rapporten staan in de wachtrij" in out
    assert "db_worker" in out
    assert not uit.exists()
    queued = DBTaskResult.objects.all()
    assert queued.count() == 5
    assert {r.status for r in queued} == {"READY"}
    assert {r.task_path for r in queued} == {"afspraken.tasks.render_rapport_task"}

    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
    )

    assert {r.status for r in DBTaskResult.objects.all()} == {"SUCCESSFUL"}
    names = _names(world, toetsing)
    assert sorted(p.name for p in uit.iterdir()) == sorted(names.values())
    sealed = (uit / names["sealed_a"]).read_bytes()
    assert hashlib.sha256(sealed).hexdigest() == rapport.sha256
    written = {r.task_result.return_value["pad"] for r in DBTaskResult.objects.all()}
    assert written == {str(uit / n) for n in names.values()}


@pytest.mark.django_db(transaction=True)
def test_wacht_follows_a_worker_until_every_report_is_written(
    world, year, tmp_path, settings
):
    settings.TASKS = DATABASE_TASKS
    uit = tmp_path / "uit"

    def work():
        # A second process in production; a thread with its own connection here.
        try:
            Worker(
                queue_names=["default"],
                interval=0.05,
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=5,
                worker_id="test-worker",
                excluded_queue_names=[],
            ).run()
        finally:
            connections.close_all()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    out, err = _run(jaar=2024, uit=uit, wacht=True, interval=0.05, max_wachttijd=120)
    worker.join(timeout=60)

    assert not worker.is_alive()
    assert "Wachten op db_worker" in err
    assert "] 5/5" in err
    assert "5 bestand(en) geschreven" in out
    assert "in de wachtrij" not in out
    assert len(list(uit.iterdir())) == 5
