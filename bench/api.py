"""Benchmark: listing 10,000 activiteiten through the REST API against a bare
Django JSON view of the same rows.

Builds one cooperatie with N activities (a volunteer on every other one) and its
bestuur, then times, in the same run and in-process through Django's test client:

- the API: GET /api/v1/activiteiten/?cooperatie=<id>&page_size=500, following
  `next` until the last page (authentication, scoping with `visible_to`, the
  filterset, paging with a count, the serializer with volunteers and evidence
  prefetched), and
- the baseline: a plain view returning `JsonResponse(list(qs.values(...)))` over
  the same rows in one response, mounted with a temporary URLconf.

Prints both timings, rows per second and their ratio. Not a test: run
`python bench/api.py` (options: --rows N, --runs R; BENCH_DATABASE_URL for
PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import types
from decimal import Decimal

from _setup import interleaved_best_of, setup_django, timer

PAGE_SIZE = 500
FIELDS = (
    "id",
    "cooperatie_id",
    "datum",
    "titel",
    "thema",
    "omschrijving",
    "open_voor_buurt",
    "deelnemers_leden",
    "deelnemers_buurt",
    "vrijwilligersuren",
    "partners",
)


def build(n_rows: int):
    """One cooperatie with its bestuur, two members and n activities."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from cooperatie.models import Cooperatie, Lid, Rol
    from ledger.models import Activiteit

    rng = random.Random(11)
    themas = ["ontmoeting", "groen", "duurzaamheid", "taal_educatie", "overig"]
    with transaction.atomic():
        user = get_user_model().objects.create(username="bestuur_bench")
        cooperatie = Cooperatie.objects.create(
            naam="Wooncoöperatie Benchmark", soort="woon", kvk_nummer="72000001"
        )
        Rol.objects.create(user=user, soort="bestuur", cooperatie=cooperatie)
        leden = Lid.objects.bulk_create(
            Lid(cooperatie=cooperatie, naam=naam, lid_sinds=datetime.date(2020, 1, 1))
            for naam in ("Anna de Vries", "Jan Bakker")
        )
        activiteiten = Activiteit.objects.bulk_create(
            Activiteit(
                cooperatie=cooperatie,
                datum=datetime.date(2015 + k % 10, 1 + k % 12, 1 + k % 28),
                titel=f"Activiteit {k}",
                thema=themas[k % len(themas)],
                omschrijving="Samen de binnentuin onderhouden en koffie drinken.",
                open_voor_buurt=bool(k % 2),
                deelnemers_leden=rng.randint(2, 20),
                deelnemers_buurt=rng.randint(0, 8),
                vrijwilligersuren=Decimal(rng.randint(1, 8)) / 2,
                partners="Buurthuis De Linde" if k % 3 == 0 else "",
            )
            for k in range(n_rows)
        )
        through = Activiteit.vrijwilligers.through
        through.objects.bulk_create(
            through(activiteit_id=a.pk, lid_id=leden[k % 2].pk)
            for k, a in enumerate(activiteiten)
            if k % 2 == 0
        )
    if connection.vendor == "postgresql":
        # A live database is vacuumed and analysed by autovacuum; measure
        # both sides in that steady state, not right after a bulk insert.
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE ledger_activiteit, ledger_activiteit_vrijwilligers, "
                "ledger_bijlage, cooperatie_lid, cooperatie_cooperatie, cooperatie_rol"
            )
    return user, cooperatie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    # Query logging (DEBUG) would weigh on the API side only: it runs more queries.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    # Production settings refuse a short key and redirect plain HTTP; neither
    # belongs in a measurement on the test client.
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-" + "k" * 20 + "0123456789abcdefghij-xyz"
    )
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    setup_django()
    from django.db import connection
    from django.http import JsonResponse
    from django.test import Client, override_settings
    from django.urls import include, path

    from rest_framework.test import APIClient

    from ledger.models import Activiteit

    results: dict[str, float] = {}
    with timer(results, "build"):
        user, cooperatie = build(args.rows)

    def baseline_view(request):
        rows = Activiteit.objects.filter(cooperatie=cooperatie).order_by("datum", "pk")
        return JsonResponse(list(rows.values(*FIELDS)), safe=False)

    urls = types.ModuleType("bench_api_urls")
    urls.urlpatterns = [
        path("baseline/activiteiten/", baseline_view),
        path("", include("config.urls")),
    ]
    sys.modules[urls.__name__] = urls

    host = {"SERVER_NAME": "localhost"}
    api = APIClient(**host)
    api.force_authenticate(user)
    plain = Client(**host)
    first = f"/api/v1/activiteiten/?cooperatie={cooperatie.pk}&page_size={PAGE_SIZE}"
    pages: list[int] = []
    page_ms: list[list[float]] = []  # per run: each page's request, in ms

    def through_api() -> list[int]:
        ids: list[int] = []
        url, pages[:] = first, []
        page_ms.append([])
        while url:
            start = time.perf_counter()
            response = api.get(url)
            page_ms[-1].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content[:300]
            body = response.json()
            ids.extend(row["id"] for row in body["results"])
            pages.append(len(body["results"]))
            url = body["next"]
        return ids

    def through_baseline() -> list[int]:
        response = plain.get("/baseline/activiteiten/")
        assert response.status_code == 200
        return [row["id"] for row in response.json()]

    with override_settings(ROOT_URLCONF=urls.__name__):
        api_ids, base_ids = through_api(), through_baseline()
        assert len(api_ids) == args.rows, len(api_ids)
        assert sorted(api_ids) == sorted(base_ids)
        # In turn, so a noisy neighbour slows both sides alike.
        api_s, base_s = interleaved_best_of(args.runs, through_api, through_baseline)

    from django.test.utils import CaptureQueriesContext

    with (
        override_settings(ROOT_URLCONF=urls.__name__),
        CaptureQueriesContext(connection) as captured,
    ):
        second = api.get(first).json()["next"] or first
    per_page = len(captured.captured_queries)
    with (
        override_settings(ROOT_URLCONF=urls.__name__),
        CaptureQueriesContext(connection) as captured,
    ):
        api.get(second)
    per_later_page = len(captured.captured_queries)
    # The pages of the fastest API run (the one timed above).
    fastest = min(page_ms[1:], key=sum)

    rows = args.rows
    print(f"database             {connection.vendor}")
    print(f"activiteiten         {rows:,} of one cooperatie, seen by its bestuur")
    print(f"build (bulk insert)  {results['build']:.2f} s")
    print(
        f"API, {len(pages)} pages of {PAGE_SIZE}  {api_s * 1000:.0f} ms  "
        f"({rows / api_s:,.0f} rows/s, best of {args.runs})"
    )
    print(
        f"bare JsonResponse    {base_s * 1000:.0f} ms  "
        f"({rows / base_s:,.0f} rows/s, best of {args.runs})"
    )
    print(
        f"per page             {api_s * 1000 / len(pages):.1f} ms, "
        f"{per_page} queries (first page)"
    )
    print(
        f"  first page         {fastest[0]:.1f} ms, {per_page} queries "
        "(the page with the list's count)"
    )
    if len(fastest) > 1:
        print(
            f"  later pages        {statistics.median(fastest[1:]):.1f} ms median, "
            f"{max(fastest[1:]):.1f} ms slowest, {per_later_page} queries "
            "(after the `vervolg` position of the next link)"
        )
    print(f"ratio API / bare     {api_s / base_s:.2f}")


if __name__ == "__main__":
    main()
