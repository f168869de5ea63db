"""The national bench's groundwork: its sizes, bulk writing by COPY, and the
bookkeeping that lets `--hergebruik` find a built world again (see national.py).

Nothing here measures; _national_bouw.py builds the world with these tools."""

from __future__ import annotations

import json

# National counts at --scale 1.0.
CORPORATIES = 300
COOPERATIES = 10_000
ACTIVITEITEN = 1_000_000
LEDEN = 500_000
BOEKINGEN = 200_000
JOURNAAL = 10_000_000
JOURNAAL_JAREN = 10
# Share of all coöperaties held by the largest corporatie at national size.
GROOTSTE_AANDEEL = 0.035
META_TABLE = "bench_national_meta"
COPY_BATCH = 200_000

THEMAS = ["ontmoeting", "groen", "duurzaamheid", "taal_educatie", "overig"]
GEMEENTEN = ["GM0344", "GM0599", "GM0193", "GM0080", "GM0363", "GM0518", "GM0014"]
TOEZEGGINGEN = (
    ("Activiteiten", "aantal_activiteiten", 80),
    ("Vrijwilligersuren", "vrijwilligersuren", 150),
    ("Deelnemers uit de buurt", "deelnemers_buurt", 300),
    ("Besteding", "besteding", 1000),
    ("Leden", "aantal_leden", 10),
)


def log(message: str) -> None:
    print(message, flush=True)


# Sizes -------------------------------------------------------------------------------


def zipf_exponent(n: int, share: float) -> float:
    """The exponent a for which rank weights r**-a over n ranks give the first
    rank `share` of the total (bisection)."""
    lo, hi = 0.0, 3.0
    for _ in range(60):
        a = (lo + hi) / 2
        total = sum(r**-a for r in range(1, n + 1))
        if 1 / total < share:
            lo = a
        else:
            hi = a
    return (lo + hi) / 2


def spread(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """`total` split over the weights (largest remainders), each at least
    `minimum`."""
    n = len(weights)
    rest = max(total - minimum * n, 0)
    s = sum(weights)
    exact = [rest * w / s for w in weights]
    counts = [int(x) for x in exact]
    left = rest - sum(counts)
    for i in sorted(range(n), key=lambda i: exact[i] - counts[i], reverse=True)[:left]:
        counts[i] += 1
    return [c + minimum for c in counts]


def sizes(scale: float) -> dict[str, int]:
    def scaled(n: int, least: int = 1) -> int:
        return max(least, round(n * scale))

    n_corp = scaled(CORPORATIES)
    return {
        "corporaties": n_corp,
        "cooperaties": scaled(COOPERATIES, n_corp),
        "activiteiten": scaled(ACTIVITEITEN),
        "leden": scaled(LEDEN),
        "boekingen": scaled(BOEKINGEN),
        "journaal": scaled(JOURNAAL),
    }


# Bulk writing ------------------------------------------------------------------------


def copy_rows(model, columns: list[str], rows, *, label: str = "") -> int:
    """COPY rows (tuples in `columns` order, attnames) into the model's table;
    every other column gets its field default, or its database default when it
    has one. One transaction per COPY_BATCH rows. Returns the number written."""
    from django.db import connection
    from django.db.models.expressions import DatabaseDefault
    from django.db.models.fields import NOT_PROVIDED

    extra_cols, extra_vals = [], []
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.primary_key:
            continue
        if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue
        value = field.get_default()
        if isinstance(value, DatabaseDefault):
            continue
        extra_cols.append(field.column)
        extra_vals.append(field.get_db_prep_save(value, connection))
    names = [model._meta.get_field(c).column if c != "id" else "id" for c in columns]
    sql = (
        f'COPY "{model._meta.db_table}" ('
        + ", ".join(f'"{c}"' for c in names + extra_cols)
        + ") FROM STDIN"
    )
    extra = tuple(extra_vals)
    written = 0
    it = iter(rows)
    done = False
    while not done:
        n = 0
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in it:
                copy.write_row(row + extra)
                n += 1
                if n >= COPY_BATCH:
                    break
            else:
                done = True
        written += n
        if label and n:
            log(f"    {label}: {written:,} rijen")
    return written


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def sync_sequence(model) -> None:
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )


# Bench database bookkeeping -----------------------------------------------------------


def save_meta(meta: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (meta jsonb)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE} VALUES (%s)", [json.dumps(meta)])


def load_meta() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [META_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT meta FROM {META_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def other_pages(meta: dict, beheerder) -> list[tuple[str, object, str]]:
    """The largest corporatie's other pages without a floor of their own: the
    beheerder's lists and forms, and the auditor's start page and journal (its
    chains hold about a tenth of the journal's 10 million entries at scale 1).
    The auditor is made on first use (a role, no journal entry)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from afspraken.models import Afspraak, Toetsing
    from cooperatie.models import Rol

    corp = meta["grootste"]
    auditor, _ = get_user_model().objects.get_or_create(username="auditor_grootste")
    Rol.objects.get_or_create(user=auditor, soort="auditor", corporatie_id=corp)
    kw = {"corporatie_id": corp}
    afspraak = Afspraak.objects.filter(corporatie_id=corp).order_by("pk").first()
    toetsing = Toetsing.objects.filter(afspraak=afspraak).order_by("pk").first()
    pages = [
        (f"beheer: {name.removeprefix('beheer-')}", beheerder, reverse(name, kwargs=kw))
        for name in (
            "beheer-afspraken",
            "beheer-gebouwen",
            "beheer-overeenkomsten",
            "beheer-gebruikers",
            "beheer-afspraak-nieuw",
        )
    ]
    pages += [
        (
            "beheer: cooperatie-dossier",
            beheerder,
            reverse(
                "beheer-cooperatie-dossier",
                kwargs=kw | {"cooperatie_id": afspraak.cooperatie_id},
            ),
        ),
        (
            "beheer: toetsing",
            beheerder,
            reverse("beheer-toetsing", kwargs=kw | {"toetsing_id": toetsing.pk}),
        ),
        ("audit: start", auditor, reverse("audit-start", kwargs=kw)),
        ("audit: journaal (pagina 1)", auditor, reverse("audit-journaal", kwargs=kw)),
        (
            "audit: journaal ?ketens=alle",
            auditor,
            reverse("audit-journaal", kwargs=kw) + "?ketens=alle",
        ),
    ]
    return pages


def signed_in(user):
    """A test client signed in as `user` the way production signs in a
    beheerder or auditor: with the password and the second factor's code
    (MFA_VERPLICHT_VOOR asks it of them outside debug mode), so every page
    passes the same middleware a real session does."""
    from django.test import Client

    from kern import tweestaps
    from portalen import aanmelding

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    session = client.session
    session[aanmelding.SESSIE_TWEESTAPS] = tweestaps.TOTP
    session.save()
    return client
