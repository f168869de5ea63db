"""On PostgreSQL a vastgestelde toetsing keeps its result for good: a trigger
refuses changes of its afspraak, year, status, snapshot and verdict, and its
deletion, even from raw SQL. (Nulling who-did-what columns when a user account
is removed stays possible.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION afspraken_toetsing_sealed() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'vastgesteld' THEN
        IF TG_OP = 'DELETE'
           OR NEW.status IS DISTINCT FROM OLD.status
           OR NEW.snapshot IS DISTINCT FROM OLD.snapshot
           OR NEW.verdict IS DISTINCT FROM OLD.verdict
           OR NEW.jaar IS DISTINCT FROM OLD.jaar
           OR NEW.afspraak_id IS DISTINCT FROM OLD.afspraak_id THEN
            RAISE EXCEPTION USING
                MESSAGE = TG_OP || ' of a vastgestelde toetsing is refused: it is sealed',
                ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER afspraken_toetsing_sealed
    BEFORE UPDATE OR DELETE ON afspraken_toetsing
    FOR EACH ROW EXECUTE FUNCTION afspraken_toetsing_sealed();
"""
DROP = """
DROP TRIGGER IF EXISTS afspraken_toetsing_sealed ON afspraken_toetsing;
DROP FUNCTION IF EXISTS afspraken_toetsing_sealed();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("afspraken", "0004_jaarparameters")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
