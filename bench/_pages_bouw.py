"""The world of bench/pages.py: one corporatie with n coöperaties, each with a
gebouw, an afspraak with five toezeggingen over the last three years, members,
activities, bookings and a hash-chained journal of its own (bulk inserts, plus
the ties the services would keep), a beheerder and an auditor."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

GEMEENTEN = ["GM0344", "GM0599", "GM0193", "GM0080", "GM0363"]
TOEZEGGINGEN = (
    ("Activiteiten", "aantal_activiteiten", None),
    ("Vrijwilligersuren", "vrijwilligersuren", 150),
    ("Buurtdeelnemers", "deelnemers_buurt", 200),
    ("Besteding", "besteding", 400),
    ("Doelgroep", "aandeel_doelgroep", 60),
)


def build(n: int, lopend: int, *, activiteiten: int, leden: int, journaal: int) -> dict:
    """`activiteiten` per coöperatie per year, `leden` per coöperatie, `journaal`
    entries per chain (one chain per coöperatie and one for the corporatie)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from afspraken.choices import ToetsingStatus
    from afspraken.models import Afspraak, Toetsing, Toezegging
    from cooperatie.choices import Bestuursfunctie, RolSoort
    from cooperatie.models import Cooperatie, Corporatie, Gebouw, Lid, Relatie, Rol
    from ledger.models import Activiteit, Boeking

    rng = random.Random(11)
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
                gemeentecode=GEMEENTEN[i % len(GEMEENTEN)],
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
            Toezegging(
                afspraak=a,
                omschrijving=o,
                indicator=i,
                norm=Decimal(v if v is not None else rng.randint(6, 14)),
            )
            for a in afspraken
            for o, i, v in TOEZEGGINGEN
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
            (
                Lid(
                    cooperatie=c,
                    naam=f"Lid {k}",
                    lid_sinds=datetime.date(jaren[0] - 1, 1, 1),
                    bestuursfunctie=functies[k] if k < len(functies) else "",
                    doelgroep=rng.choice(["ja", "ja", "nee", "onbekend"]),
                )
                for c in coops
                for k in range(leden)
            ),
            batch_size=5000,
        )
        Activiteit.objects.bulk_create(
            (
                Activiteit(
                    cooperatie=c,
                    datum=datetime.date(jaar, 1 + k % 12, 1 + k % 28),
                    titel=f"Activiteit {k}",
                    thema="ontmoeting",
                    deelnemers_buurt=rng.randint(0, 9),
                    vrijwilligersuren=Decimal(2),
                )
                for c in coops
                for jaar in jaren
                for k in range(activiteiten)
            ),
            batch_size=5000,
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
        build_journal(corporatie, coops, afspraken, beheerder, journaal, lopend)
    # The planner's statistics, as a database in use has them.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "corporatie": corporatie,
        "beheerder": beheerder,
        "auditor": auditor,
        "cooperatie": coops[0],
        "gebouw": gebouwen[0],
        "afspraak": afspraken[0],
        "toetsing": Toetsing.objects.filter(afspraak=afspraken[0]).order_by("jaar")[0],
    }


def build_journal(corporatie, coops, afspraken, actor, per_keten: int, lopend: int):
    """`per_keten` entries in each coöperatie's chain and in the corporatie's,
    hashed with kern.journal's own functions, spread over the last three years,
    then the chain heads."""
    from django.utils import timezone

    from kern import journal
    from kern.models import AuditChainHead, AuditEntry

    einde = timezone.now().replace(microsecond=0)
    begin = einde - datetime.timedelta(days=3 * 365)
    span = (einde - begin).total_seconds()
    soorten = (
        ("activiteit_create", "ledger.activiteit"),
        ("activiteit_update", "ledger.activiteit"),
        ("boeking_create", "ledger.boeking"),
        ("lid_create", "cooperatie.lid"),
    )
    ketens = [(journal.cooperatie_keten(c.pk), None, c.pk, soorten) for c in coops] + [
        (
            journal.corporatie_keten(corporatie.pk),
            corporatie.pk,
            None,
            (
                ("afspraak_update", "afspraken.afspraak"),
                ("toetsing_indienen", "afspraken.toetsing"),
                ("cooperatie_create", "cooperatie.cooperatie"),
            ),
        )
    ]
    heads = []
    batch: list[AuditEntry] = []
    for keten, corp_id, coop_id, acties in ketens:
        prev = journal.GENESIS_HASH
        for k in range(per_keten):
            action, otype = acties[k % len(acties)]
            entry = AuditEntry(
                keten=keten,
                seq=k + 1,
                timestamp=begin
                + datetime.timedelta(seconds=span * (k + 0.5) / per_keten),
                actor=actor,
                actor_name=actor.get_username(),
                action=action,
                object_type=otype,
                object_id=str(k + 1),
                object_repr=f"{otype} {k + 1}",
                corporatie_id=corp_id,
                cooperatie_id=coop_id,
                before=None,
                after={"titel": f"Regel {k}", "jaar": lopend - k % 3},
                request_id="",
                prev_hash=prev,
            )
            entry.hash = journal.compute_hash(prev, journal.entry_payload(entry))
            prev = entry.hash
            batch.append(entry)
            if len(batch) >= 5000:
                AuditEntry.objects.bulk_create(batch)
                batch = []
        if per_keten:
            heads.append(AuditChainHead(keten=keten, seq=per_keten, hash=prev))
    AuditEntry.objects.bulk_create(batch)
    AuditChainHead.objects.bulk_create(heads)
