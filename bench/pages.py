"""Benchmark: the cost of the portal's list pages against the size of the data.

Builds one corporatie with N cooperaties (bench/_pages_bouw.py), each with an
afspraak running over the last three years (toezeggingen, toetsingen,
activities, members with a board, bookings) and a hash-chained journal of its
own, then requests through the test client (a
logged-in user, best of --runs):

- the beheerder's dashboard, page 1;
- the signalering (early warning of the running year);
- the coöperaties list, page 1;
- the auditor's journal page, page 1.

Next to each, a floor measured in the same run: a bare query of the same page's
rows rendered as JSON (no template, no measuring, no permissions), through the
test client's request cycle too (the health endpoint's cost is added, so the
ratio is what the page adds on top of fetching its rows). A page whose cost
follows the page, not the data, keeps its query count and ratio as N grows.

Then every other page of the two portals that a GET shows (forms, dossier,
toetsing, journal page 2 and all chains, the filtered overview), against the
limit alone (--grens, 0.3 s: the run exits 1 when a page is slower).

Not a test: run `python bench/pages.py` (options: --cooperaties N, --activiteiten
N per coöperatie per year, --leden N per coöperatie, --journaal N entries per
chain, --runs R, --grens S). The national shape of the largest corporatie:
`--cooperaties 350 --activiteiten 100` (the defaults give 50 leden and 1,000
journal entries per chain).
"""

from __future__ import annotations

import argparse
import json

from _pages_bouw import build
from _setup import best_of, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cooperaties", type=int, default=500)
    parser.add_argument(
        "--activiteiten",
        type=int,
        default=8,
        help="activities per coöperatie per year (national shape: 100)",
    )
    parser.add_argument("--leden", type=int, default=50, help="members per coöperatie")
    parser.add_argument(
        "--journaal",
        type=int,
        default=1000,
        help="journal entries per chain (a chain per coöperatie and one for "
        "the corporatie)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--grens",
        type=float,
        default=0.3,
        help="the most a page may take, in seconds (exit 1 above it)",
    )
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.http import JsonResponse
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from afspraken.models import Afspraak, Toezegging
    from cooperatie.models import Cooperatie, Lid
    from kern.models import AuditEntry

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    lopend = timezone.localdate().year
    world = build(
        args.cooperaties,
        lopend,
        activiteiten=args.activiteiten,
        leden=args.leden,
        journaal=args.journaal,
    )
    corporatie = world["corporatie"]
    kw = {"corporatie_id": corporatie.pk}

    beheer = Client()
    beheer.force_login(world["beheerder"])
    audit = Client()
    audit.force_login(world["auditor"])
    health = Client()

    def floor(rows) -> bytes:
        # The request cycle of a trivial view plus the page's rows as JSON.
        assert health.get(reverse("health")).status_code == 200
        return JsonResponse(
            rows(), safe=False, json_dumps_params={"default": str}
        ).content

    def dashboard_rows():
        return list(
            Afspraak.objects.filter(corporatie=corporatie)
            .order_by("cooperatie__naam", "pk")
            .values("pk", "titel", "cooperatie__naam", "ingangsjaar")[:25]
        )

    def signalering_rows():
        return list(
            Toezegging.objects.filter(afspraak__corporatie=corporatie)
            .order_by("afspraak__cooperatie__naam", "pk")
            .values("pk", "omschrijving", "norm", "afspraak__cooperatie__naam")
        )

    def cooperatie_rows():
        rows = list(
            Cooperatie.objects.filter(aangemeld_door=corporatie)
            .annotate(n=Count("leden"))
            .order_by("naam", "pk")
            .values("pk", "naam", "n")[:25]
        )
        leden = Lid.objects.filter(
            cooperatie__in=[r["pk"] for r in rows], bestuursfunctie__gt=""
        ).values("cooperatie_id", "naam", "bestuursfunctie")
        return {"rows": rows, "bestuur": list(leden)}

    def journal_rows():
        return list(
            AuditEntry.objects.filter(corporatie_id=corporatie.pk)
            .order_by("-timestamp", "-pk")
            .values("pk", "timestamp", "action", "object_repr", "before", "after")[:50]
        )

    pages = [
        (
            "dashboard (page 1)",
            beheer,
            reverse("beheer-start", kwargs=kw),
            dashboard_rows,
        ),
        (
            "signalering",
            beheer,
            reverse("beheer-signalering", kwargs=kw),
            signalering_rows,
        ),
        (
            "coöperaties (page 1)",
            beheer,
            reverse("beheer-cooperaties", kwargs=kw),
            cooperatie_rows,
        ),
        (
            "journal (auditor)",
            audit,
            reverse("audit-journaal", kwargs=kw),
            journal_rows,
        ),
    ]
    # Every other page of the two portals that a GET shows (no files), without
    # a floor: their time against the limit.
    ids = {
        "cooperatie_id": world["cooperatie"].pk,
        "gebouw_id": world["gebouw"].pk,
        "afspraak_id": world["afspraak"].pk,
        "toetsing_id": world["toetsing"].pk,
    }
    complexnummer = world["gebouw"].complexnummer
    start = reverse("beheer-start", kwargs=kw)
    journaal = reverse("audit-journaal", kwargs=kw)
    pages += [
        (f"dashboard ?{q}"[:26], beheer, f"{start}?{q}", None)
        for q in ("status=te_laat", f"gebouw={complexnummer}", "pagina=9")
    ]
    pages += [
        (name.removeprefix("beheer-"), beheer, reverse(name, kwargs=kw | extra), None)
        for name, extra in (
            ("beheer-afspraken", {}),
            ("beheer-afspraak-nieuw", {}),
            ("beheer-afspraak-bewerken", {"afspraak_id": ids["afspraak_id"]}),
            ("beheer-gebouwen", {}),
            ("beheer-gebouw-nieuw", {}),
            ("beheer-gebouw-bewerken", {"gebouw_id": ids["gebouw_id"]}),
            ("beheer-cooperatie-nieuw", {}),
            ("beheer-cooperatie-bewerken", {"cooperatie_id": ids["cooperatie_id"]}),
            ("beheer-cooperatie-dossier", {"cooperatie_id": ids["cooperatie_id"]}),
            ("beheer-overeenkomsten", {}),
            ("beheer-overeenkomst-nieuw", {}),
            ("beheer-toetsing", {"toetsing_id": ids["toetsing_id"]}),
            ("beheer-verifieren", {}),
            ("beheer-gebruikers", {}),
        )
    ]
    pages += [
        ("audit start", audit, reverse("audit-start", kwargs=kw), None),
        ("journal ?pagina=2", audit, f"{journaal}?pagina=2", None),
        ("journal ?ketens=alle", audit, f"{journaal}?ketens=alle", None),
        (
            "audit toetsing",
            audit,
            reverse("audit-toetsing", kwargs=kw | {"toetsing_id": ids["toetsing_id"]}),
            None,
        ),
        ("audit verifieren", audit, reverse("audit-verifieren", kwargs=kw), None),
    ]

    print(f"database      {connection.vendor}")
    print(
        f"world         {args.cooperaties} cooperaties (afspraken over "
        f"{lopend - 2}–{lopend}), {args.activiteiten} activiteiten per year, "
        f"{args.leden} leden each, {args.journaal} journal entries per chain"
    )
    print(f"runs          best of {args.runs}; limit {args.grens:.3f} s a page")
    print(f"{'page':26} {'queries':>7} {'page s':>8} {'floor s':>8} {'ratio':>7}")
    te_traag = []
    for name, client, url, rows in pages:
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        queries: list[str] = []

        def count(execute, sql, *rest, queries=queries):
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            client.get(url)
        page_s = best_of(args.runs, lambda c=client, u=url: c.get(u))
        if page_s >= args.grens:
            te_traag.append(name)
        if rows is None:
            print(f"{name:26} {len(queries):7d} {page_s:8.3f}")
            continue
        floor_s = best_of(args.runs, lambda r=rows: floor(r))
        print(
            f"{name:26} {len(queries):7d} {page_s:8.3f} "
            f"{floor_s:8.4f} {page_s / floor_s:7.1f}"
        )
    print(json.dumps({"note": "ratio = page / floor, both in this run"}))
    if te_traag:
        raise SystemExit(f"slower than {args.grens:.3f} s: {', '.join(te_traag)}")


if __name__ == "__main__":
    main()
