"""Print the verdicts of a year: per toetsing and per toezegging."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from afspraken.choices import ToetsingStatus, Verdict
from afspraken.indicatoren import definitie
from afspraken.nalevingsrapport import norm_label
from afspraken.selectors import corporatie_jaar
from cooperatie.models import Corporatie


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class Command(BaseCommand):
    help = (
        "Toont per toetsing en per toezegging het oordeel over een jaar: voor open "
        "jaren zoals nu gemeten, voor ingediende en vastgestelde jaren zoals "
        "vastgelegd."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jaar", type=int, required=True, help="het jaar")
        parser.add_argument(
            "--corporatie", metavar="KVK", help="alleen deze corporatie (KvK-nummer)"
        )

    def handle(self, *args, jaar: int, corporatie: str | None = None, **options):
        corporaties = Corporatie.objects.order_by("naam")
        if corporatie:
            corporaties = corporaties.filter(kvk_nummer=corporatie)
            if not corporaties.exists():
                raise CommandError(
                    f"Geen corporatie met KvK-nummer {corporatie!r}.", returncode=2
                )
        namen = {c.pk: c for c in corporaties}
        regels = corporatie_jaar(jaar=jaar, corporatie_ids=namen.keys())
        if not regels:
            self.stdout.write(f"Geen afspraken die in {jaar} lopen.")
            return
        totaal: Counter[str] = Counter()
        huidige = None
        for regel in regels:
            afspraak = regel.afspraak
            if afspraak.corporatie_id != huidige:
                huidige = afspraak.corporatie_id
                c = namen[huidige]
                self.stdout.write("")
                self.stdout.write(
                    self.style.MIGRATE_HEADING(
                        f"{c.naam} (KvK {c.kvk_nummer}) — toetsing {jaar}"
                    )
                )
            status = (
                ToetsingStatus(regel.toetsing.status).label
                if regel.toetsing
                else "nog niet geopend"
            )
            verdict = regel.resultaat.verdict
            totaal[verdict] += 1
            bron = "vastgelegd" if regel.bevroren else "nu gemeten"
            self.stdout.write("")
            self.stdout.write(
                f"{afspraak.cooperatie.naam} — {afspraak.titel}\n"
                f"  status: {status} · oordeel: {Verdict(verdict).label.upper()}"
                f" ({bron})"
            )
            self.stdout.write(
                f"  {'Toezegging':<44} {'Indicator':<26} {'Norm':>12} "
                f"{'Gemeten':>10}  Oordeel"
            )
            for r in regel.resultaat.toezeggingen:
                t = r.toezegging
                row = {
                    "indicator": t.indicator,
                    "norm": str(t.norm),
                    "richting": t.richting,
                }
                self.stdout.write(
                    f"  {_cut(t.omschrijving, 44):<44} "
                    f"{_cut(str(definitie(t.indicator).label), 26):<26} "
                    f"{norm_label(row):>12} {r.waarde_weergave:>10}  "
                    f"{Verdict(r.verdict).label}"
                )
        self.stdout.write("")
        samenvatting = ", ".join(
            f"{totaal[v]} {Verdict(v).label}" for v in Verdict.values if totaal[v]
        )
        self.stdout.write(
            self.style.SUCCESS(f"{len(regels)} afspraken in {jaar}: {samenvatting}.")
        )
