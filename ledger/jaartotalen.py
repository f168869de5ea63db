"""The activities' yearly totals, kept by the database itself.

`ActiviteitJaartotaal` sums the activities per (cooperatie, jaar, thema,
open_voor_buurt); `VrijwilligerJaartelling` counts per (cooperatie, jaar, lid)
in how many of that year's activities the member volunteered. The yearly
assessment reads these few rows instead of every activity
(`afspraken.selectors`).

Triggers keep them right on every write path, the ORM's `bulk_create` and raw
SQL included: after an insert, update or delete of an activity (an update
that moves it to another cooperatie, year, thema or openness moves its totals,
and its volunteers' counts when the cooperatie or year changes) and of a
volunteer row. A row whose count reaches zero is deleted. On SQLite the
triggers run per row (an UPDATE then a DELETE to subtract, an UPSERT to add);
on PostgreSQL per statement over its transition tables, each change summed per
key and applied in key order (so concurrent writers lock rows in the same
order). They run with the rights of the writer: the runtime role may write the
two tables like any model's (`kern.dbroles`).

`verschillen()` recomputes both from the activity rows and names every
cooperatie-year that differs; `herstel()` rebuilds them (the migration fills
them the same way). `manage.py check_activiteittotalen` runs both.
"""

from __future__ import annotations

from django.db import transaction

TOTAAL = "ledger_activiteitjaartotaal"
TELLING = "ledger_vrijwilligerjaartelling"
ACTIVITEIT = "ledger_activiteit"
VRIJWILLIGER = "ledger_activiteit_vrijwilligers"

TOTAAL_SLEUTEL = "cooperatie_id, jaar, thema, open_voor_buurt"
TELLING_SLEUTEL = "cooperatie_id, jaar, lid_id"
# The fields of an activity its totals depend on.
GETELD = (
    "cooperatie_id",
    "datum",
    "thema",
    "open_voor_buurt",
    "vrijwilligersuren",
    "deelnemers_buurt",
)


# SQLite: row triggers ----------------------------------------------------------


def _sqlite_jaar(rij: str) -> str:
    # Dates are stored as 'YYYY-MM-DD'.
    return f"CAST(substr({rij}.datum, 1, 4) AS INTEGER)"


def _sqlite_totaal_erbij(rij: str) -> str:
    return f"""
        INSERT INTO {TOTAAL} ({TOTAAL_SLEUTEL}, aantal, vrijwilligersuren,
            deelnemers_buurt)
        VALUES ({rij}.cooperatie_id, {_sqlite_jaar(rij)}, {rij}.thema,
            {rij}.open_voor_buurt, 1, {rij}.vrijwilligersuren, {rij}.deelnemers_buurt)
        ON CONFLICT ({TOTAAL_SLEUTEL}) DO UPDATE SET
            aantal = aantal + 1,
            vrijwilligersuren = ROUND(vrijwilligersuren
                + excluded.vrijwilligersuren, 2),
            deelnemers_buurt = deelnemers_buurt + excluded.deelnemers_buurt;"""


def _sqlite_totaal_eraf(rij: str) -> str:
    waar = (
        f"cooperatie_id = {rij}.cooperatie_id AND jaar = {_sqlite_jaar(rij)}"
        f" AND thema = {rij}.thema AND open_voor_buurt = {rij}.open_voor_buurt"
    )
    return f"""
        UPDATE {TOTAAL} SET
            aantal = aantal - 1,
            vrijwilligersuren = ROUND(vrijwilligersuren - {rij}.vrijwilligersuren, 2),
            deelnemers_buurt = deelnemers_buurt - {rij}.deelnemers_buurt
        WHERE {waar};
        DELETE FROM {TOTAAL} WHERE {waar} AND aantal <= 0;"""


def _sqlite_telling(cooperatie: str, jaar: str, leden: str, teken: str) -> str:
    """Add (teken "+") or subtract ("-") one for each member of `leden` in the
    cooperatie-year: to add, the rest of a SELECT of lid_id and 1 that ends in
    a WHERE (which keeps SQLite from reading ON CONFLICT as a join's ON); to
    subtract, the rest of a SELECT of lid_id."""
    if teken == "+":
        return f"""
        INSERT INTO {TELLING} ({TELLING_SLEUTEL}, aantal)
        SELECT {cooperatie}, {jaar}, {leden}
        ON CONFLICT ({TELLING_SLEUTEL}) DO UPDATE SET aantal = aantal + 1;"""
    waar = f"cooperatie_id = {cooperatie} AND jaar = {jaar}"
    return f"""
        UPDATE {TELLING} SET aantal = aantal - 1
        WHERE {waar} AND lid_id IN (SELECT {leden});
        DELETE FROM {TELLING} WHERE {waar} AND aantal <= 0;"""


def _sqlite_activiteit_leden(rij: str, teken: str) -> str:
    """One more or less for each volunteer of the activity `rij` in its year."""
    leden = (
        f"lid_id, 1 FROM {VRIJWILLIGER} WHERE activiteit_id = {rij}.id"
        if teken == "+"
        else f"lid_id FROM {VRIJWILLIGER} WHERE activiteit_id = {rij}.id"
    )
    return _sqlite_telling(f"{rij}.cooperatie_id", _sqlite_jaar(rij), leden, teken)


def _sqlite_lid(rij: str, teken: str) -> str:
    """One more or less for the volunteer row `rij` in its activity's year."""
    van = f"FROM {ACTIVITEIT} a WHERE a.id = {rij}.activiteit_id"
    cooperatie = f"(SELECT a.cooperatie_id {van})"
    jaar = f"(SELECT {_sqlite_jaar('a')} {van})"
    if teken == "+":
        leden = f"{rij}.lid_id, 1 WHERE {cooperatie} IS NOT NULL"
    else:
        leden = f"{rij}.lid_id"
    return _sqlite_telling(cooperatie, jaar, leden, teken)


def _sqlite_trigger(naam: str, moment: str, tabel: str, body: str, when="") -> str:
    when = f" WHEN {when}" if when else ""
    return (
        f"CREATE TRIGGER {naam} {moment} ON {tabel} FOR EACH ROW{when}\n"
        f"BEGIN{body}\nEND"
    )


def _veranderd(velden, oud="OLD", nieuw="NEW", ongelijk="IS NOT") -> str:
    return " OR ".join(f"{oud}.{v} {ongelijk} {nieuw}.{v}" for v in velden)


SQLITE_TRIGGERS = {
    "ledger_jaartotaal_activiteit_insert": _sqlite_trigger(
        "ledger_jaartotaal_activiteit_insert",
        "AFTER INSERT",
        ACTIVITEIT,
        _sqlite_totaal_erbij("NEW"),
    ),
    "ledger_jaartotaal_activiteit_delete": _sqlite_trigger(
        "ledger_jaartotaal_activiteit_delete",
        "AFTER DELETE",
        ACTIVITEIT,
        # Volunteer rows still there (deleted later in the transaction) no
        # longer count once their activity is gone.
        _sqlite_totaal_eraf("OLD") + _sqlite_activiteit_leden("OLD", "-"),
    ),
    "ledger_jaartotaal_activiteit_update": _sqlite_trigger(
        "ledger_jaartotaal_activiteit_update",
        "AFTER UPDATE",
        ACTIVITEIT,
        _sqlite_totaal_eraf("OLD") + _sqlite_totaal_erbij("NEW"),
        when=_veranderd(GETELD),
    ),
    "ledger_jaartotaal_activiteit_verhuist": _sqlite_trigger(
        "ledger_jaartotaal_activiteit_verhuist",
        "AFTER UPDATE",
        ACTIVITEIT,
        _sqlite_activiteit_leden("OLD", "-") + _sqlite_activiteit_leden("NEW", "+"),
        when="OLD.cooperatie_id IS NOT NEW.cooperatie_id"
        " OR substr(OLD.datum, 1, 4) IS NOT substr(NEW.datum, 1, 4)",
    ),
    "ledger_jaartotaal_vrijwilliger_insert": _sqlite_trigger(
        "ledger_jaartotaal_vrijwilliger_insert",
        "AFTER INSERT",
        VRIJWILLIGER,
        _sqlite_lid("NEW", "+"),
    ),
    "ledger_jaartotaal_vrijwilliger_delete": _sqlite_trigger(
        "ledger_jaartotaal_vrijwilliger_delete",
        "AFTER DELETE",
        VRIJWILLIGER,
        _sqlite_lid("OLD", "-"),
    ),
    "ledger_jaartotaal_vrijwilliger_update": _sqlite_trigger(
        "ledger_jaartotaal_vrijwilliger_update",
        "AFTER UPDATE",
        VRIJWILLIGER,
        _sqlite_lid("OLD", "-") + _sqlite_lid("NEW", "+"),
        when=_veranderd(("activiteit_id", "lid_id")),
    ),
}


# PostgreSQL: statement triggers over transition tables --------------------------


def _pg_jaar(rij: str) -> str:
    return f"EXTRACT(YEAR FROM {rij}.datum)::integer"


def _pg_totalen(delta: str) -> str:
    """Apply the activity rows of `delta` (key columns, aantal, uren, buurt: +1
    or -1 and the figures, signed) to the totals, per key in key order."""
    return f"""
        INSERT INTO {TOTAAL} AS t ({TOTAAL_SLEUTEL}, aantal, vrijwilligersuren,
            deelnemers_buurt)
        SELECT {TOTAAL_SLEUTEL}, SUM(aantal), SUM(uren), SUM(buurt)
        FROM ({delta}) AS delta
        GROUP BY {TOTAAL_SLEUTEL} ORDER BY {TOTAAL_SLEUTEL}
        ON CONFLICT ({TOTAAL_SLEUTEL}) DO UPDATE SET
            aantal = t.aantal + EXCLUDED.aantal,
            vrijwilligersuren = t.vrijwilligersuren + EXCLUDED.vrijwilligersuren,
            deelnemers_buurt = t.deelnemers_buurt + EXCLUDED.deelnemers_buurt;"""


def _pg_tellingen(delta: str) -> str:
    """Apply `delta` (cooperatie_id, jaar, lid_id, aantal: +1 or -1) to the
    volunteer counts, per key in key order."""
    return f"""
        INSERT INTO {TELLING} AS t ({TELLING_SLEUTEL}, aantal)
        SELECT {TELLING_SLEUTEL}, SUM(aantal) FROM ({delta}) AS delta
        GROUP BY {TELLING_SLEUTEL} ORDER BY {TELLING_SLEUTEL}
        ON CONFLICT ({TELLING_SLEUTEL}) DO UPDATE SET
            aantal = t.aantal + EXCLUDED.aantal;"""


def _pg_opruimen(tabel: str, jaren: str) -> str:
    """Delete the rows of `tabel` counted down to zero in the cooperatie-years
    of `jaren` (a SELECT of cooperatie_id, jaar)."""
    return f"""
        DELETE FROM {tabel} t WHERE t.aantal = 0
            AND (t.cooperatie_id, t.jaar) IN ({jaren});"""


def _pg_activiteiten(rij: str, teken: str, van: str) -> str:
    return (
        f"SELECT {rij}.cooperatie_id, {_pg_jaar(rij)} AS jaar, {rij}.thema,"
        f" {rij}.open_voor_buurt, {teken}1 AS aantal,"
        f" {teken}{rij}.vrijwilligersuren AS uren,"
        f" {teken}{rij}.deelnemers_buurt AS buurt FROM {van}"
    )


def _pg_leden_van_activiteiten(rij: str, teken: str, van: str, waar="") -> str:
    return (
        f"SELECT {rij}.cooperatie_id, {_pg_jaar(rij)} AS jaar, v.lid_id,"
        f" {teken}1 AS aantal FROM {van}"
        f" JOIN {VRIJWILLIGER} v ON v.activiteit_id = {rij}.id{waar}"
    )


def _pg_leden(rij: str, teken: str) -> str:
    return (
        f"SELECT a.cooperatie_id, {_pg_jaar('a')} AS jaar, {rij}.lid_id,"
        f" {teken}1 AS aantal FROM {rij} JOIN {ACTIVITEIT} a"
        f" ON a.id = {rij}.activiteit_id"
    )


_PG_GEWIJZIGD = "oud JOIN nieuw ON nieuw.id = oud.id WHERE " + _veranderd(
    GETELD, "oud", "nieuw", "IS DISTINCT FROM"
)
_PG_BEIDE = "oud JOIN nieuw ON nieuw.id = oud.id"
_PG_VERHUISD = (
    " WHERE oud.cooperatie_id <> nieuw.cooperatie_id"
    f" OR {_pg_jaar('oud')} <> {_pg_jaar('nieuw')}"
)

PG_ACTIVITEIT_FUNCTIE = f"""
CREATE OR REPLACE FUNCTION ledger_jaartotalen_activiteit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_pg_totalen(_pg_activiteiten("nieuw", "", "nieuw"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_pg_totalen(_pg_activiteiten("oud", "-", "oud"))}
        {_pg_tellingen(_pg_leden_van_activiteiten("oud", "-", "oud"))}
        {_pg_opruimen(TOTAAL, f"SELECT cooperatie_id, {_pg_jaar('oud')} FROM oud")}
        {_pg_opruimen(TELLING, f"SELECT cooperatie_id, {_pg_jaar('oud')} FROM oud")}
    ELSE
        {
    _pg_totalen(
        _pg_activiteiten("oud", "-", _PG_GEWIJZIGD)
        + " UNION ALL "
        + _pg_activiteiten("nieuw", "", _PG_GEWIJZIGD)
    )
}
        {
    _pg_tellingen(
        _pg_leden_van_activiteiten("oud", "-", _PG_BEIDE, _PG_VERHUISD)
        + " UNION ALL "
        + _pg_leden_van_activiteiten("nieuw", "", _PG_BEIDE, _PG_VERHUISD)
    )
}
        {_pg_opruimen(TOTAAL, f"SELECT cooperatie_id, {_pg_jaar('oud')} FROM oud")}
        {_pg_opruimen(TELLING, f"SELECT cooperatie_id, {_pg_jaar('oud')} FROM oud")}
    END IF;
    RETURN NULL;
END;
$$;
"""

_PG_JAREN_VAN = (
    "SELECT a.cooperatie_id, {jaar} FROM {rij} JOIN "
    + ACTIVITEIT
    + " a ON a.id = {rij}.activiteit_id"
)

PG_VRIJWILLIGER_FUNCTIE = f"""
CREATE OR REPLACE FUNCTION ledger_jaartotalen_vrijwilliger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_pg_tellingen(_pg_leden("nieuw", ""))}
    ELSIF TG_OP = 'DELETE' THEN
        {_pg_tellingen(_pg_leden("oud", "-"))}
        {_pg_opruimen(TELLING, _PG_JAREN_VAN.format(jaar=_pg_jaar("a"), rij="oud"))}
    ELSE
        {_pg_tellingen(_pg_leden("oud", "-") + " UNION ALL " + _pg_leden("nieuw", ""))}
        {_pg_opruimen(TELLING, _PG_JAREN_VAN.format(jaar=_pg_jaar("a"), rij="oud"))}
    END IF;
    RETURN NULL;
END;
$$;
"""


def _pg_triggers(tabel: str, functie: str) -> list[str]:
    # A trigger with transition tables has one event.
    naam = f"{functie}_"
    return [
        f"CREATE TRIGGER {naam}insert AFTER INSERT ON {tabel}"
        f" REFERENCING NEW TABLE AS nieuw"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {functie}()",
        f"CREATE TRIGGER {naam}update AFTER UPDATE ON {tabel}"
        f" REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {functie}()",
        f"CREATE TRIGGER {naam}delete AFTER DELETE ON {tabel}"
        f" REFERENCING OLD TABLE AS oud"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {functie}()",
    ]


PG_INSTALLEREN = [
    PG_ACTIVITEIT_FUNCTIE,
    PG_VRIJWILLIGER_FUNCTIE,
    *_pg_triggers(ACTIVITEIT, "ledger_jaartotalen_activiteit"),
    *_pg_triggers(VRIJWILLIGER, "ledger_jaartotalen_vrijwilliger"),
]
PG_VERWIJDEREN = [
    *(
        f"DROP TRIGGER IF EXISTS {functie}_{event} ON {tabel}"
        for tabel, functie in (
            (ACTIVITEIT, "ledger_jaartotalen_activiteit"),
            (VRIJWILLIGER, "ledger_jaartotalen_vrijwilliger"),
        )
        for event in ("insert", "update", "delete")
    ),
    "DROP FUNCTION IF EXISTS ledger_jaartotalen_activiteit()",
    "DROP FUNCTION IF EXISTS ledger_jaartotalen_vrijwilliger()",
]


# Filling from the activity rows ---------------------------------------------------


def _vul_sql(vendor: str) -> list[str]:
    """INSERT … SELECT statements that fill the empty tables from the rows."""
    if vendor == "postgresql":
        jaar, uren = _pg_jaar("a"), "SUM(a.vrijwilligersuren)"
    else:
        jaar, uren = _sqlite_jaar("a"), "ROUND(SUM(a.vrijwilligersuren), 2)"
    return [
        f"INSERT INTO {TOTAAL} ({TOTAAL_SLEUTEL}, aantal, vrijwilligersuren,"
        f" deelnemers_buurt) SELECT a.cooperatie_id, {jaar}, a.thema,"
        f" a.open_voor_buurt, COUNT(*), {uren}, SUM(a.deelnemers_buurt)"
        f" FROM {ACTIVITEIT} a GROUP BY 1, 2, 3, 4",
        f"INSERT INTO {TELLING} ({TELLING_SLEUTEL}, aantal)"
        f" SELECT a.cooperatie_id, {jaar}, v.lid_id, COUNT(*)"
        f" FROM {VRIJWILLIGER} v JOIN {ACTIVITEIT} a ON a.id = v.activiteit_id"
        f" GROUP BY 1, 2, 3",
    ]


def installeer_triggers(schema_editor) -> None:
    """Create the triggers (for the database's vendor)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = PG_INSTALLEREN
    elif vendor == "sqlite":
        statements = list(SQLITE_TRIGGERS.values())
    else:
        raise NotImplementedError(f"no activity total triggers for {vendor}")
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            # No parameters: the SQL holds no placeholders to fill.
            cursor.execute(statement)


def installeer(schema_editor) -> None:
    """Create the triggers and fill the tables (the migration's step). On
    SQLite the triggers come after the whole `migrate` (`triggers_terug`),
    as a later migration of the same run may rebuild the activity table."""
    if schema_editor.connection.vendor == "sqlite":
        _ZONDER_TRIGGERS.add(schema_editor.connection.alias)
    else:
        installeer_triggers(schema_editor)
    with schema_editor.connection.cursor() as cursor:
        for statement in _vul_sql(schema_editor.connection.vendor):
            cursor.execute(statement)


def verwijder(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = (
        PG_VERWIJDEREN
        if vendor == "postgresql"
        else [f"DROP TRIGGER IF EXISTS {naam}" for naam in SQLITE_TRIGGERS]
    )
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# On SQLite a migration rebuilds a table for many schema changes (create a
# copy, drop the table, rename the copy): the drop takes the table's triggers
# with it, and the rename fails while a trigger of another table names the
# dropped one. So `migrate` runs without these triggers (dropped before it,
# `pre_migrate`) and puts them back after it, recounting the totals from the
# rows, which a data migration may have changed meanwhile (`post_migrate`).
# PostgreSQL keeps a table's triggers through ALTER TABLE.
_ZONDER_TRIGGERS: set[str] = set()


def _sqlite_tabellen(cursor) -> set[tuple[str, str]]:
    cursor.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')"
    )
    return {(soort, naam) for soort, naam in cursor.fetchall()}


def triggers_weg(using: str = "default") -> None:
    """Before `migrate` on SQLite: drop the triggers (see above)."""
    from django.db import connections

    verbinding = connections[using]
    if verbinding.vendor != "sqlite":
        return
    with verbinding.cursor() as cursor:
        if ("table", TOTAAL) not in _sqlite_tabellen(cursor):
            return
        for naam in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {naam}")
    _ZONDER_TRIGGERS.add(using)


def triggers_terug(using: str = "default") -> list[str]:
    """After `migrate` on SQLite: create the triggers that are missing, once
    the totals' tables exist, and recount the totals if they were dropped.
    Returns the names created."""
    from django.db import connections

    verbinding = connections[using]
    if verbinding.vendor != "sqlite":
        return []
    with transaction.atomic(using=using), verbinding.cursor() as cursor:
        bestaand = _sqlite_tabellen(cursor)
        if ("table", TOTAAL) not in bestaand or ("table", TELLING) not in bestaand:
            return []
        ontbrekend = [
            naam for naam in SQLITE_TRIGGERS if ("trigger", naam) not in bestaand
        ]
        for naam in ontbrekend:
            cursor.execute(SQLITE_TRIGGERS[naam])
        if using in _ZONDER_TRIGGERS:
            _ZONDER_TRIGGERS.discard(using)
            cursor.execute(f"DELETE FROM {TOTAAL}")
            cursor.execute(f"DELETE FROM {TELLING}")
            for statement in _vul_sql("sqlite"):
                cursor.execute(statement)
    return ontbrekend
