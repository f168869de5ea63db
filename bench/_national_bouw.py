"""The national world of bench/national.py, built: corporaties of skewed size
with their coöperaties, gebouwen and afspraken, then members, activities,
volunteers and bookings by COPY, and ten years of hash-chained journal."""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from _national_basis import (
    CORPORATIES,
    GEMEENTEN,
    GROOTSTE_AANDEEL,
    JOURNAAL_JAREN,
    THEMAS,
    TOEZEGGINGEN,
    copy_rows,
    log,
    next_id,
    sizes,
    spread,
    sync_sequence,
    zipf_exponent,
)


def build(scale: float, jaar: int, timings: dict[str, float]) -> dict:
    """Build the national world; returns what the measurements need."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from afspraken.models import Afspraak, Toetsing, Toezegging
    from cooperatie.models import (
        Cooperatie,
        Corporatie,
        Gebouw,
        Lid,
        Overeenkomst,
        Relatie,
        Rol,
    )
    from ledger.models import Activiteit, Boeking, Vrijwilliger

    n = sizes(scale)
    rng = random.Random(20_26)
    log(
        "bouwen: "
        + ", ".join(f"{v:,} {k}" for k, v in n.items())
        + f" (schaal {scale}, jaar {jaar})"
    )

    def step(name: str):
        class _Step:
            def __enter__(self):
                self.start = time.perf_counter()
                log(f"  {name} …")

            def __exit__(self, *exc):
                if exc[0] is None:
                    timings[name] = time.perf_counter() - self.start
                    log(f"  {name}: {timings[name]:.1f} s")

        return _Step()

    # Corporatie sizes: rank weights fitted so that at national size the largest
    # holds GROOTSTE_AANDEEL; a smaller --scale keeps the same curve.
    a = zipf_exponent(CORPORATIES, GROOTSTE_AANDEEL)
    per_corp = spread(
        n["cooperaties"], [r**-a for r in range(1, n["corporaties"] + 1)], minimum=1
    )

    with (
        step("organisaties (corporaties, coöperaties, gebouwen, afspraken)"),
        transaction.atomic(),
    ):
        users = get_user_model()
        beheerder = users.objects.create_user(username="beheerder_grootste")
        bestuur = users.objects.create_user(username="bestuur_grootste")
        corporaties = Corporatie.objects.bulk_create(
            Corporatie(
                naam=f"Woonstichting {i:03d}",
                kvk_nummer=f"{10_000_000 + i}",
                plaats="Utrecht",
            )
            for i in range(n["corporaties"])
        )
        coops = Cooperatie.objects.bulk_create(
            (
                Cooperatie(
                    naam=f"Wooncoöperatie {i:05d}",
                    soort="woon" if i % 4 else "beheer",
                    kvk_nummer=f"{50_000_000 + i}",
                )
                for i in range(n["cooperaties"])
            ),
            batch_size=5000,
        )
        owner = []  # corporatie of each coöperatie, in coops order
        for corp, count in zip(corporaties, per_corp, strict=True):
            owner += [corp] * count
        gebouwen = Gebouw.objects.bulk_create(
            (
                Gebouw(
                    corporatie=corp,
                    complexnummer=f"C{i:05d}",
                    naam=f"Complex {i}",
                    straat="Voorbeeldstraat",
                    huisnummer=str(i % 300 + 1),
                    postcode=f"{3500 + i % 400} AB",
                    plaats="Utrecht",
                    gemeentecode=GEMEENTEN[i % len(GEMEENTEN)],
                    aantal_woningen=rng.randint(12, 80),
                )
                for i, corp in enumerate(owner)
            ),
            batch_size=5000,
        )
        Overeenkomst.objects.bulk_create(
            (
                Overeenkomst(
                    gebouw=g,
                    cooperatie=c,
                    soort="huur" if c.soort == "woon" else "beheer",
                    ingangsdatum=datetime.date(jaar - JOURNAAL_JAREN, 1, 1),
                    aantal_woningen=g.aantal_woningen,
                )
                for g, c in zip(gebouwen, coops, strict=True)
            ),
            batch_size=5000,
        )
        # Bulk inserts pass no service: the ties the services would keep.
        relaties = Relatie.objects.bulk_create(
            (
                Relatie(corporatie=corp, cooperatie=c)
                for corp, c in zip(owner, coops, strict=True)
            ),
            batch_size=5000,
        )
        Relatie.gebouwen.through.objects.bulk_create(
            (
                Relatie.gebouwen.through(relatie_id=r.pk, gebouw_id=g.pk)
                for r, g in zip(relaties, gebouwen, strict=True)
            ),
            batch_size=5000,
        )
        afspraken = Afspraak.objects.bulk_create(
            (
                Afspraak(
                    corporatie=corp,
                    cooperatie=c,
                    titel=f"Sociale inbreng {c.naam}",
                    ingangsjaar=jaar - 1,
                    eindjaar=jaar + 3,
                )
                for corp, c in zip(owner, coops, strict=True)
            ),
            batch_size=5000,
        )
        Afspraak.gebouwen.through.objects.bulk_create(
            (
                Afspraak.gebouwen.through(afspraak_id=a.pk, gebouw_id=g.pk)
                for a, g in zip(afspraken, gebouwen, strict=True)
            ),
            batch_size=5000,
        )
        Toezegging.objects.bulk_create(
            (
                Toezegging(
                    afspraak=af,
                    omschrijving=o,
                    indicator=ind,
                    norm=Decimal(norm),
                    volgorde=k,
                )
                for af in afspraken
                for k, (o, ind, norm) in enumerate(TOEZEGGINGEN)
            ),
            batch_size=5000,
        )
        Toetsing.objects.bulk_create(
            (Toetsing(afspraak=af, jaar=jaar) for af in afspraken), batch_size=5000
        )
        grootste = corporaties[0]
        grootste_coop = coops[0]  # the largest corporatie's first coöperatie
        Rol.objects.create(user=beheerder, soort="beheerder", corporatie=grootste)
        Rol.objects.create(user=bestuur, soort="bestuur", cooperatie=grootste_coop)

    # Per coöperatie an activity weight: a few are much busier than others.
    gewicht = [rng.lognormvariate(0, 0.6) for _ in coops]
    # The largest corporatie's first coöperatie is its busiest (the API page).
    gewicht[0] = max(gewicht) * 1.5
    per_coop_act = spread(n["activiteiten"], gewicht)
    per_coop_lid = spread(n["leden"], gewicht, minimum=min(3, n["leden"] // len(coops)))
    coop_ids = [c.pk for c in coops]

    with step("leden"):
        first_lid = next_id(Lid)
        leden_van: list[range] = []
        lid_id = first_lid
        for count in per_coop_lid:
            leden_van.append(range(lid_id, lid_id + count))
            lid_id += count

        def leden_rows():
            for cid, ids in zip(coop_ids, leden_van, strict=True):
                for k, pk in enumerate(ids):
                    yield (
                        pk,
                        cid,
                        f"Lid {pk}",
                        f"lid{pk}@example.nl",
                        datetime.date(jaar - 1 - k % 8, 1 + k % 12, 1 + k % 28),
                        ("ja", "nee", "onbekend")[k % 3],
                        f"{rng.getrandbits(128):032x}",
                    )

        copy_rows(
            Lid,
            [
                "id",
                "cooperatie_id",
                "naam",
                "email",
                "lid_sinds",
                "doelgroep",
                "journaal_salt",
            ],
            leden_rows(),
            label="leden",
        )
        sync_sequence(Lid)

    with step("activiteiten"):
        first_act = next_id(Activiteit)
        start = datetime.date(jaar, 1, 1)

        def act_rows():
            pk = first_act
            for cid, count in zip(coop_ids, per_coop_act, strict=True):
                for k in range(count):
                    yield (
                        pk,
                        cid,
                        start + datetime.timedelta(days=(k * 7 + cid) % 365),
                        f"Activiteit {k}",
                        THEMAS[k % len(THEMAS)],
                        "Samen de binnentuin onderhouden en koffie drinken.",
                        bool(k % 2),
                        rng.randint(2, 20),
                        rng.randint(0, 8),
                        Decimal(rng.randint(1, 8)) / 2,
                        "Buurthuis De Linde" if k % 3 == 0 else "",
                    )
                    pk += 1

        copy_rows(
            Activiteit,
            [
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
            ],
            act_rows(),
            label="activiteiten",
        )
        sync_sequence(Activiteit)

    with step("vrijwilligers"):

        def vrijwilliger_rows():
            pk = first_act
            for ids, count in zip(leden_van, per_coop_act, strict=True):
                for k in range(count):
                    if k % 2 == 0 and len(ids):
                        yield (pk, ids[k % len(ids)])
                    pk += 1

        copy_rows(
            Vrijwilliger,
            ["activiteit_id", "lid_id"],
            vrijwilliger_rows(),
            label="vrijwilligers",
        )

    with step("boekingen"):
        per_coop_boek = spread(n["boekingen"], [1.0] * len(coops))

        def boeking_rows():
            for cid, count in zip(coop_ids, per_coop_boek, strict=True):
                for k in range(count):
                    budget = k == 0
                    yield (
                        cid,
                        datetime.date(jaar, 1 + k % 12, 1 + k % 28),
                        "budget" if budget else "uitgave",
                        Decimal(5000 if budget else rng.randint(20, 400)),
                        "Jaarbudget" if budget else f"Uitgave {k}",
                    )

        copy_rows(
            Boeking,
            ["cooperatie_id", "datum", "soort", "bedrag", "omschrijving"],
            boeking_rows(),
            label="boekingen",
        )

    with step("journaal (10 jaar, hashketens)"):
        build_journal(
            n["journaal"], jaar, corporaties, coops, owner, gewicht, beheerder, rng
        )

    with step("ANALYZE"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    return {
        "scale": scale,
        "jaar": jaar,
        "sizes": n,
        "grootste": grootste.pk,
        "grootste_coops": per_corp[0],
        "kleinste_coops": per_corp[-1],
        "grootste_coop": grootste_coop.pk,
        "beheerder": beheerder.pk,
        "bestuur": bestuur.pk,
    }


def build_journal(
    total: int, jaar: int, corporaties, coops, owner, gewicht, actor, rng
) -> None:
    """Ten years of journal: a chain per corporatie and per coöperatie, hashed with
    kern.journal's own functions (entry_payload, compute_hash, canonical_json),
    written by COPY, then the chain heads. 85% of the entries are the
    coöperaties' own (activities, bookings, members), the rest the corporaties'
    (afspraken, toetsingen, beoordelingen)."""
    from django.utils import timezone

    from kern import journal
    from kern.models import AuditChainHead, AuditEntry

    coop_share = spread(round(total * 0.85), gewicht) if coops else []
    per_corp_coops: dict[int, int] = {}
    for corp in owner:
        per_corp_coops[corp.pk] = per_corp_coops.get(corp.pk, 0) + 1
    corp_share = spread(
        total - sum(coop_share), [per_corp_coops.get(c.pk, 1) for c in corporaties]
    )
    einde = timezone.now().replace(microsecond=0)
    begin = einde - datetime.timedelta(days=365 * JOURNAAL_JAREN)
    span = (einde - begin).total_seconds()
    actor_name = actor.get_username()

    def templates_coop(cid: int, k: int):
        if k % 10 == 9:
            return (
                "boeking_create",
                "ledger.boeking",
                None,
                {
                    "cooperatie": cid,
                    "datum": f"{jaar - 1}-05-01",
                    "soort": "uitgave",
                    "bedrag": f"{20 + k % 300}.00",
                    "omschrijving": f"Uitgave {k}",
                },
            )
        if k % 10 == 8:
            return (
                "lid_create",
                "cooperatie.lid",
                None,
                {
                    "cooperatie": cid,
                    "naam": f"hmac-sha256:{k:032x}",
                    "email": f"hmac-sha256:{k + 1:032x}",
                    "lid_sinds": "2020-01-01",
                    "doelgroep": "onbekend",
                },
            )
        if k % 5 == 3:
            return (
                "activiteit_update",
                "ledger.activiteit",
                {"deelnemers_buurt": k % 9, "vrijwilligersuren": "2.00"},
                {"deelnemers_buurt": k % 9 + 1, "vrijwilligersuren": "2.50"},
            )
        return (
            "activiteit_create",
            "ledger.activiteit",
            None,
            {
                "cooperatie": cid,
                "datum": f"{jaar - 1}-03-{1 + k % 28:02d}",
                "titel": f"Activiteit {k}",
                "thema": THEMAS[k % len(THEMAS)],
                "omschrijving": "Samen de binnentuin onderhouden en koffie drinken.",
                "open_voor_buurt": bool(k % 2),
                "deelnemers_leden": 2 + k % 18,
                "deelnemers_buurt": k % 9,
                "vrijwilligersuren": "2.00",
                "vrijwilligers": [k, k + 1],
                "partners": "",
            },
        )

    def templates_corp(cid: int, k: int):
        coop = k % 97
        if k % 4 == 0:
            return (
                "afspraak_update",
                "afspraken.afspraak",
                coop,
                {"titel": "Sociale inbreng", "eindjaar": jaar + 2},
                {"titel": "Sociale inbreng", "eindjaar": jaar + 3},
            )
        if k % 4 == 1:
            return (
                "toetsing_status",
                "afspraken.toetsing",
                coop,
                {"status": "open"},
                {"status": "ingediend"},
            )
        return (
            "beoordeling_create",
            "afspraken.beoordeling",
            coop,
            None,
            {"oordeel": "voldaan", "toelichting": f"Beoordeling {k}"},
        )

    chains = [("cooperatie", c.pk, n) for c, n in zip(coops, coop_share, strict=True)]
    chains += [
        ("corporatie", c.pk, n) for c, n in zip(corporaties, corp_share, strict=True)
    ]
    heads: list[AuditChainHead] = []
    # Where each kind of entry goes must be where the app would put it.
    assert journal.keten_of("ledger.activiteit", None, 7) == "cooperatie:7"
    assert journal.keten_of("afspraken.toetsing", 3, 7) == "corporatie:3"

    def rows():
        for soort, pk, count in chains:
            keten = f"{soort}:{pk}"
            prev = journal.GENESIS_HASH
            for k in range(count):
                ts = begin + datetime.timedelta(seconds=span * (k + 0.5) / count)
                if soort == "cooperatie":
                    action, otype, before, after = templates_coop(pk, k)
                    corp_id, coop_id = None, pk
                else:
                    action, otype, coop_id, before, after = templates_corp(pk, k)
                    corp_id = pk
                entry = AuditEntry(
                    keten=keten,
                    seq=k + 1,
                    timestamp=ts,
                    actor_id=actor.pk,
                    actor_name=actor_name,
                    action=action,
                    object_type=otype,
                    object_id=str(k + 1),
                    object_repr=f"{otype} {k + 1}",
                    corporatie_id=corp_id,
                    cooperatie_id=coop_id,
                    before=before,
                    after=after,
                    request_id=f"{rng.getrandbits(64):016x}",
                    prev_hash=prev,
                )
                entry.hash = journal.compute_hash(prev, journal.entry_payload(entry))
                prev = entry.hash
                yield (
                    keten,
                    entry.seq,
                    entry.timestamp,
                    entry.actor_id,
                    entry.actor_name,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.object_repr,
                    entry.corporatie_id,
                    entry.cooperatie_id,
                    None if before is None else journal.canonical_json(before),
                    None if after is None else journal.canonical_json(after),
                    entry.request_id,
                    entry.prev_hash,
                    entry.hash,
                )
            if count:
                heads.append(AuditChainHead(keten=keten, seq=count, hash=prev))

    copy_rows(
        AuditEntry,
        [
            "keten",
            "seq",
            "timestamp",
            "actor_id",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "corporatie_id",
            "cooperatie_id",
            "before",
            "after",
            "request_id",
            "prev_hash",
            "hash",
        ],
        rows(),
        label="journaalregels",
    )
    AuditChainHead.objects.bulk_create(heads, batch_size=5000)
