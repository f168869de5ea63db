"""Benchmark: the cost of the portal's list pages against the size of the data.

Builds one corporatie with N cooperaties, each with an afspraak running over the
last three years (toezeggingen, toetsingen, activities, members with a board,
bookings) and a journal entry or two, then requests through the test client (a
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

Not a test: run `python bench/pages.py` (options: --cooperaties N, --runs R).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
from decimal import Decimal

from _setup import best_of, setup_django


def build(n: int, lopend: int) -> dict:
    """One corporatie with n cooperaties and afspraken over lopend-2 … lopend
    (bulk inserts, plus the ties the services would keep), a beheerder and an
    auditor."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from afspraken.choices import ToetsingStatus
    from afspraken.models import Afspraak, Toetsing, Toezegging
    from cooperatie.choices import Bestuursfunctie, RolSoort
    from cooperatie.models import Cooperatie, Corporatie, Gebouw, Lid, Relatie, Rol
    from kern import journal
    from ledger.models import Activiteit, Boeking

    rng = random.Random(11)
    gemeenten = ["GM0344", "GM0599", "GM0193", "GM0080", "GM0363"]
    jaren = (lopend - 2, lopend - 1, lopend)
    with transaction.atomic():
        corporatie = Corporatie.objects.create(
            naam="Woonstichting Bank", kvk_nummer="87654321", plaats="Utrecht"
        )
        coops = Cooperatie.objects.bulk_create(
            Cooperatie(
                naam=f"Wooncoöperatie {i:04d}",
                soort="woon",
                kvk_nummer=f"{30000000 + i}",
                aangemeld_door=corporatie,
            )
            for i in range(n)
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
            for i in range(n)
        )
        afspraken = Afspraak.objects.bulk_create(
            Afspraak(
                corporatie=corporatie,
                cooperatie=c,
                titel=f"Sociale inbreng {c.naam}",
                ingangsjaar=jaren[0],
                eindjaar=None,
            )
            for c in coops
        )
        Afspraak.gebouwen.through.objects.bulk_create(
            Afspraak.gebouwen.through(afspraak_id=a.pk, gebouw_id=g.pk)
            for a, g in zip(afspraken, gebouwen, strict=True)
        )
        relaties = Relatie.objects.bulk_create(
            Relatie(corporatie=corporatie, cooperatie=c) for c in coops
        )
        Relatie.gebouwen.through.objects.bulk_create(
            Relatie.gebouwen.through(relatie_id=r.pk, gebouw_id=g.pk)
            for r, g in zip(relaties, gebouwen, strict=True)
        )
        Toezegging.objects.bulk_create(
            Toezegging(afspraak=a, omschrijving=o, indicator=i, norm=Decimal(v))
            for a in afspraken
            for o, i, v in (
                ("Activiteiten", "aantal_activiteiten", rng.randint(6, 14)),
                ("Besteding", "besteding", 400),
                ("Doelgroep", "aandeel_doelgroep", 60),
            )
        )
        # Two years opened (one submitted but not frozen, one open), the running
        # year not opened yet: every status the overview counts.
        Toetsing.objects.bulk_create(
            Toetsing(afspraak=a, jaar=jaar, status=status)
            for a in afspraken
            for jaar, status in (
                (jaren[0], ToetsingStatus.INGEDIEND),
                (jaren[1], ToetsingStatus.OPEN),
            )
        )
        functies = list(Bestuursfunctie.values)[:3]
        Lid.objects.bulk_create(
            Lid(
                cooperatie=c,
                naam=f"Lid {k}",
                lid_sinds=datetime.date(jaren[0] - 1, 1, 1),
                bestuursfunctie=functies[k] if k < len(functies) else "",
                doelgroep=rng.choice(["ja", "ja", "nee", "onbekend"]),
            )
            for c in coops
            for k in range(12)
        )
        Activiteit.objects.bulk_create(
            Activiteit(
                cooperatie=c,
                datum=datetime.date(jaar, 1 + k % 6, 1 + k % 28),
                titel=f"Activiteit {k}",
                thema="ontmoeting",
                deelnemers_buurt=rng.randint(0, 9),
                vrijwilligersuren=Decimal(2),
            )
            for c in coops
            for jaar in jaren
            for k in range(8)
        )
        Boeking.objects.bulk_create(
            Boeking(
                cooperatie=c,
                datum=datetime.date(jaar, 3, 1),
                soort="uitgave",
                bedrag=Decimal(rng.randint(100, 900)),
                omschrijving="Uitgaven",
            )
            for c in coops
            for jaar in jaren
        )
        user_model = get_user_model()
        beheerder = user_model.objects.create_user("bank-beheerder", password="x")
        auditor = user_model.objects.create_user("bank-auditor", password="x")
        Rol.objects.create(
            user=beheerder, soort=RolSoort.BEHEERDER, corporatie=corporatie
        )
        Rol.objects.create(user=auditor, soort=RolSoort.AUDITOR, corporatie=corporatie)
        for c in coops:
            journal.record(actor=beheerder, action="cooperatie.create", obj=c)
        for a in afspraken:
            journal.record(actor=beheerder, action="afspraak.create", obj=a)
    return {"corporatie": corporatie, "beheerder": beheerder, "auditor": auditor}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cooperaties", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
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
    world = build(args.cooperaties, lopend)
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

    print(f"database      {connection.vendor}")
    print(f"cooperaties   {args.cooperaties} (afspraken over {lopend - 2}–{lopend})")
    print(f"runs          best of {args.runs}")
    print(f"{'page':24} {'queries':>7} {'page s':>8} {'floor s':>8} {'ratio':>7}")
    for name, client, url, rows in pages:
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        queries: list[str] = []

        def count(execute, sql, *rest, queries=queries):
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            client.get(url)
        page_s = best_of(args.runs, lambda c=client, u=url: c.get(u))
        floor_s = best_of(args.runs, lambda r=rows: floor(r))
        print(
            f"{name:24} {len(queries):7d} {page_s:8.3f} "
            f"{floor_s:8.4f} {page_s / floor_s:7.1f}"
        )
    print(json.dumps({"note": "ratio = page / floor, both in this run"}))


if __name__ == "__main__":
    main()
