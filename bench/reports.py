"""Benchmark: rendering reports.

1. One nalevingsrapport through the app (template from the stored snapshot, SVG
   chart, PDF/A-3b with the JSON and CSV attached, static-only fetcher) against
   bare WeasyPrint writing a plain PDF of the same HTML, in the same run: the ratio
   is what the product adds on top of the renderer.
2. A portefeuillerapport of one corporatie with 100 cooperaties: seconds, pages,
   and peak memory (Python allocations during the render, and the process's
   maximum resident set size).

Not a test: run `python bench/reports.py` (options: --cooperaties N, --runs R).
"""

from __future__ import annotations

import argparse
import datetime
import io
import random
import resource
import time
import tracemalloc
from decimal import Decimal

from _setup import best_of, setup_django

JAAR = 2024


def build_portfolio(n_coops: int) -> int:
    """One corporatie, n cooperaties each with a gebouw, an afspraak with three
    toezeggingen, 40 activities, members and bookings (bulk inserts)."""
    from django.db import transaction

    from afspraken.models import Afspraak, Toetsing, Toezegging
    from cooperatie.models import Cooperatie, Corporatie, Gebouw, Lid, Relatie
    from ledger.models import Activiteit, Boeking

    rng = random.Random(7)
    gemeenten = ["GM0344", "GM0599", "GM0193", "GM0080", "GM0363"]
    with transaction.atomic():
        corporatie = Corporatie.objects.create(
            naam="Woonstichting Portefeuille", kvk_nummer="87654321", plaats="Utrecht"
        )
        coops = Cooperatie.objects.bulk_create(
            Cooperatie(
                naam=f"Wooncoöperatie {i:03d}",
                soort="woon",
                kvk_nummer=f"{30000000 + i}",
            )
            for i in range(n_coops)
        )
        gebouwen = Gebouw.objects.bulk_create(
            Gebouw(
                corporatie=corporatie,
                complexnummer=f"C{i:04d}",
                naam=f"Complex {i}",
                straat="Voorbeeldstraat",
                huisnummer=str(i + 1),
                postcode="3511 AB",
                plaats="Utrecht",
                gemeentecode=gemeenten[i % len(gemeenten)],
                aantal_woningen=rng.randint(12, 80),
            )
            for i in range(n_coops)
        )
        afspraken = Afspraak.objects.bulk_create(
            Afspraak(
                corporatie=corporatie,
                cooperatie=c,
                titel=f"Sociale inbreng {c.naam}",
                ingangsjaar=2023,
                eindjaar=2027,
            )
            for c in coops
        )
        Afspraak.gebouwen.through.objects.bulk_create(
            Afspraak.gebouwen.through(afspraak_id=a.pk, gebouw_id=g.pk)
            for a, g in zip(afspraken, gebouwen, strict=True)
        )
        # Bulk inserts pass no service: the ties the services would keep.
        relaties = Relatie.objects.bulk_create(
            Relatie(corporatie=corporatie, cooperatie=c) for c in coops
        )
        Relatie.gebouwen.through.objects.bulk_create(
            Relatie.gebouwen.through(relatie_id=r.pk, gebouw_id=g.pk)
            for r, g in zip(relaties, gebouwen, strict=True)
        )
        Toezegging.objects.bulk_create(
            Toezegging(afspraak=a, omschrijving=o, indicator=i, norm=Decimal(n))
            for a in afspraken
            for o, i, n in (
                ("Activiteiten", "aantal_activiteiten", rng.randint(30, 50)),
                ("Besteding", "besteding", 400),
                ("Doelgroep", "aandeel_doelgroep", 60),
            )
        )
        Toetsing.objects.bulk_create(Toetsing(afspraak=a, jaar=JAAR) for a in afspraken)
        for c in coops:
            Lid.objects.bulk_create(
                Lid(
                    cooperatie=c,
                    naam=f"Lid {k}",
                    lid_sinds=datetime.date(2020, 1, 1),
                    doelgroep=rng.choice(["ja", "ja", "nee", "onbekend"]),
                )
                for k in range(20)
            )
            Activiteit.objects.bulk_create(
                Activiteit(
                    cooperatie=c,
                    datum=datetime.date(JAAR, 1 + k % 12, 1 + k % 28),
                    titel=f"Activiteit {k}",
                    thema="ontmoeting",
                    deelnemers_buurt=rng.randint(0, 9),
                    vrijwilligersuren=Decimal(2),
                )
                for k in range(40)
            )
            Boeking.objects.create(
                cooperatie=c,
                datum=datetime.date(JAAR, 5, 1),
                soort="uitgave",
                bedrag=Decimal(rng.randint(100, 900)),
                omschrijving="Uitgaven",
            )
    return corporatie.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cooperaties", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    import pypdf
    from weasyprint import HTML

    from afspraken import nalevingsrapport, portefeuille, rapporten
    from afspraken.models import Rapport

    # 1. One sealed nalevingsrapport of the demo world, re-rendered.
    call_command("seed_demo", stdout=io.StringIO())
    rapport = Rapport.objects.select_related("toetsing").order_by("pk").first()
    toetsing = rapport.toetsing
    moment = toetsing.vastgesteld_op
    # The chain heads printed in the sealed report, so the re-render is the
    # same document, byte for byte.
    koppen = rapporten.journaal_koppen_of(rapport)
    html = nalevingsrapport.nalevingsrapport_html(
        toetsing.snapshot,
        status=toetsing.status,
        moment=moment,
        journaal_hash=rapport.journaal_hash,
        journaal_koppen=koppen,
    )

    def app() -> bytes:
        return nalevingsrapport.render_nalevingsrapport(
            toetsing,
            journaal_hash=rapport.journaal_hash,
            moment=moment,
            journaal_koppen=koppen,
        )

    def bare() -> bytes:
        return HTML(string=html).write_pdf()

    assert rapporten.sha256_of(app()) == rapport.sha256
    app_s = best_of(args.runs, app)
    bare_s = best_of(args.runs, bare)
    pages = len(pypdf.PdfReader(io.BytesIO(app())).pages)

    # 2. A portefeuille of many cooperaties.
    corporatie_id = build_portfolio(args.cooperaties)
    when = datetime.datetime(JAAR + 1, 1, 15, tzinfo=datetime.UTC)
    start = time.perf_counter()
    data = portefeuille.build(corporatie_id=corporatie_id, jaar=JAAR)
    built = time.perf_counter()
    pdf = portefeuille.render(data, moment=when)
    done = time.perf_counter()
    # Memory in a second render: tracing allocations slows Python down severalfold.
    tracemalloc.start()
    portefeuille.render(data, moment=when)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pf_pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"database                      {connection.vendor}")
    print(f"nalevingsrapport ({pages} pages)")
    print(f"  app (PDF/A-3b + attachments) {app_s:.3f} s  (best of {args.runs})")
    print(f"  bare WeasyPrint, same HTML   {bare_s:.3f} s  (best of {args.runs})")
    print(f"  ratio app / bare             {app_s / bare_s:.2f}")
    print(f"portefeuille, {args.cooperaties} cooperaties")
    print(f"  build (selectors)            {built - start:.3f} s")
    print(f"  render                       {done - built:.3f} s")
    print(f"  pages                        {pf_pages}")
    print(f"  size                         {len(pdf) / 1024:.0f} KiB")
    print(f"  peak Python memory (render)  {peak / 1024 / 1024:.1f} MiB")
    print(f"  max resident set (process)   {maxrss_mb:.0f} MiB")


if __name__ == "__main__":
    main()
