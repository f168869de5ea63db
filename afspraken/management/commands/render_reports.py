"""`render_reports`: every report of a year into one folder, through the tasks API.

Per corporatie with afspraken in the year its portefeuillerapport; per toetsing of
the year its sealed nalevingsrapport (a copy of the stored bytes) once vastgesteld,
otherwise a concept. With the immediate tasks backend the reports are written while
the command runs; with the database backend the command queues them for
`db_worker` processes (and with `--wacht` waits until they are done).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from afspraken.choices import ToetsingStatus
from afspraken.models import Afspraak, Toetsing
from afspraken.pdf import TALEN
from afspraken.tasks import (
    AUDITORBUNDEL,
    GESCHREVEN_BUNDEL,
    GESCHREVEN_CONCEPT,
    GESCHREVEN_PORTEFEUILLE,
    GESCHREVEN_VERZEGELD,
    NALEVINGSRAPPORT,
    PORTEFEUILLE,
    render_rapport_task,
)
from cooperatie.models import Corporatie
from kern.formatting import getal

try:  # Django 6+
    from django.tasks import TaskResultStatus
except ImportError:  # Django 5.2 with the backport
    from django_tasks import TaskResultStatus

BAR_WIDTH = 30
# Loggers silenced below -v 2, so that their per-task and per-font lines do not
# break up the progress bar: name → level while the command runs.
QUIET_LOGGERS = {
    "django.tasks": logging.CRITICAL,
    "django_tasks": logging.CRITICAL,
    "django_tasks_db": logging.CRITICAL,
    "weasyprint": logging.ERROR,
}


class Command(BaseCommand):
    help = (
        "Rendert de rapporten van een jaar naar een map: per corporatie het "
        "portefeuillerapport, per vastgestelde toetsing het verzegelde "
        "nalevingsrapport en per andere toetsing een concept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jaar", type=int, required=True, help="het jaar")
        parser.add_argument(
            "--uit", required=True, help="map waarin de PDF-bestanden komen"
        )
        parser.add_argument(
            "--corporatie",
            metavar="KVK",
            help="alleen de corporatie met dit KvK-nummer",
        )
        parser.add_argument(
            "--taal",
            choices=TALEN,
            default="nl",
            help="de taal van de gerenderde rapporten (standaard nl; een verzegeld "
            "rapport blijft in de taal waarin het is verzegeld)",
        )
        parser.add_argument(
            "--wacht",
            action="store_true",
            help="bij de database-backend: wacht tot db_worker alles heeft gerenderd",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconden tussen twee controles bij --wacht (standaard 1)",
        )
        parser.add_argument(
            "--max-wachttijd",
            type=float,
            default=None,
            metavar="SECONDEN",
            help="bij --wacht: stop met wachten na zoveel seconden (standaard nooit)",
        )

    def handle(
        self, *args, jaar, uit, corporatie=None, wacht=False, taal="nl", **options
    ):
        self.verbosity = options["verbosity"]
        # A plain progress bar, not coloured like an error.
        self.stderr.style_func = None
        start = time.monotonic()
        uit_dir = Path(uit).expanduser().resolve()
        jobs = self._jobs(jaar, corporatie)
        if not jobs:
            wie = f"corporatie {corporatie}" if corporatie else "geen enkele corporatie"
            geen = "geen " if corporatie else ""
            self.stdout.write(
                f"Geen rapporten voor {jaar}: {wie} heeft {geen}afspraken of "
                "toetsingen in dat jaar. Er is niets geschreven."
            )
            return

        moment = timezone.now().isoformat()
        total = len(jobs)
        results = []
        loggers = self._quiet_task_logs()
        try:
            self._bar(0, total)
            for soort, object_id, omschrijving in jobs:
                result = render_rapport_task.enqueue(
                    soort, object_id, jaar, str(uit_dir), moment, taal
                )
                results.append((omschrijving, result))
                # Immediate backend: rendered by now; database backend: queued.
                self._bar(
                    len(results),
                    total,
                    "" if result.is_finished else " in de wachtrij gezet",
                )
            pending = [r for _, r in results if not r.is_finished]
            if pending and wacht:
                self._wait(
                    results, total, options["interval"], options["max_wachttijd"]
                )
        finally:
            self.stderr.write("")
            for logger, level in loggers:
                logger.setLevel(level)

        pending = [r for _, r in results if not r.is_finished]
        if pending:
            self.stdout.write(
                f"{len(pending)} van {total} rapporten staan in de wachtrij "
                f"(tasks-backend '{pending[0].backend}'). Ze worden gerenderd door "
                f"`python manage.py db_worker`; de bestanden komen in {uit_dir}."
            )
            if self.verbosity >= 2:
                for omschrijving, r in results:
                    self.stdout.write(f"  {r.id}  {omschrijving}")
        self._summary(results, uit_dir, time.monotonic() - start)

    # The work ---------------------------------------------------------------------

    def _jobs(self, jaar: int, kvk: str | None) -> list[tuple[str, int, str]]:
        corporaties = Corporatie.objects.order_by("naam", "pk")
        if kvk:
            kvk = kvk.strip()
            corporaties = corporaties.filter(kvk_nummer=kvk)
            if not corporaties.exists():
                raise CommandError(
                    f"Onbekende corporatie: geen corporatie met KvK-nummer {kvk}."
                )
        ids = set(
            Afspraak.objects.lopend_in(jaar)
            .filter(corporatie__in=corporaties)
            .values_list("corporatie_id", flat=True)
        )
        toetsingen = list(
            Toetsing.objects.filter(jaar=jaar, afspraak__corporatie__in=corporaties)
            .select_related("afspraak__corporatie", "afspraak__cooperatie")
            .order_by("afspraak__corporatie__naam", "afspraak__cooperatie__naam", "pk")
        )
        ids |= {t.afspraak.corporatie_id for t in toetsingen}
        jobs = [
            (PORTEFEUILLE, c.pk, f"portefeuillerapport {c.naam}")
            for c in corporaties
            if c.pk in ids
        ]
        jobs += [
            (
                NALEVINGSRAPPORT,
                t.pk,
                f"nalevingsrapport toetsing {t.pk} ({t.afspraak.cooperatie.naam})",
            )
            for t in toetsingen
        ]
        # One auditor bundle per corporatie with sealed reports in the year.
        sealed = {
            t.afspraak.corporatie_id
            for t in toetsingen
            if t.status == ToetsingStatus.VASTGESTELD
        }
        jobs += [
            (AUDITORBUNDEL, c.pk, f"auditorbundel {c.naam}")
            for c in corporaties
            if c.pk in sealed
        ]
        return jobs

    def _wait(
        self, results, total: int, interval: float, max_seconds: float | None
    ) -> None:
        self.stderr.write("")
        self.stderr.write(
            "Wachten op db_worker (Ctrl+C stopt het wachten, niet het renderen)…"
        )
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        try:
            while True:
                pending = [r for _, r in results if not r.is_finished]
                self._bar(total - len(pending), total, " gerenderd")
                if not pending:
                    return
                if deadline is not None and time.monotonic() >= deadline:
                    self.stderr.write("")
                    self.stderr.write("Maximale wachttijd bereikt.")
                    return
                time.sleep(interval)
                for r in pending:
                    r.refresh()
        except KeyboardInterrupt:
            self.stderr.write("")
            self.stderr.write("Gestopt met wachten; de taken blijven in de wachtrij.")

    # Output -----------------------------------------------------------------------

    def _quiet_task_logs(self):
        """Below -v 2, quiet the loggers that would break up the progress bar;
        failed tasks are reported in the summary anyway."""
        saved = []
        if self.verbosity < 2:
            for name, level in QUIET_LOGGERS.items():
                logger = logging.getLogger(name)
                saved.append((logger, logger.level))
                logger.setLevel(max(level, logger.getEffectiveLevel()))
        return saved

    def _bar(self, done: int, total: int, label: str = "") -> None:
        if self.verbosity == 0:
            return
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}{label}"
        # Padded, so a shorter line fully covers the one before it.
        self.stderr.write("\r" + line.ljust(BAR_WIDTH + 40), ending="")
        self.stderr.flush()

    def _summary(self, results, uit_dir: Path, seconds: float) -> None:
        written = []
        failed = []
        for omschrijving, r in results:
            if r.status == TaskResultStatus.SUCCESSFUL:
                written.append(r.return_value)
            elif r.status == TaskResultStatus.FAILED:
                failed.append((omschrijving, r))
        if not written and not failed:
            self.stdout.write(
                f"{len(results)} rapporten in de wachtrij gezet in "
                f"{getal(seconds, 1, taal='nl')} s."
            )
            return
        soorten = Counter(w["soort"] for w in written)
        if self.verbosity >= 2:
            for w in written:
                self.stdout.write(f"  {w['sha256']}  {w['pad']}")
        delen = [
            f"{soorten[GESCHREVEN_PORTEFEUILLE]} portefeuillerapport(en)",
            f"{soorten[GESCHREVEN_VERZEGELD]} verzegeld(e) nalevingsrapport(en)",
            f"{soorten[GESCHREVEN_CONCEPT]} concept(en)",
            f"{soorten[GESCHREVEN_BUNDEL]} auditorbundel(s)",
        ]
        self.stdout.write(
            f"{len(written)} bestand(en) geschreven naar {uit_dir} "
            f"({', '.join(delen)}) in {getal(seconds, 1, taal='nl')} s."
        )
        if failed:
            for omschrijving, r in failed:
                error = r.errors[-1] if r.errors else None
                reden = (
                    error.traceback.strip().splitlines()[-1] if error else "onbekend"
                )
                self.stderr.write(f"Mislukt: {omschrijving}: {reden}")
                if error and self.verbosity >= 2:
                    self.stderr.write(error.traceback)
            raise CommandError(
                f"{len(failed)} van {len(results)} rapporten zijn mislukt"
                + ("." if self.verbosity >= 2 else " (-v 2 toont de foutmeldingen).")
            )
