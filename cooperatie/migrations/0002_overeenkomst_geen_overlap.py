"""On PostgreSQL, enforce "one overeenkomst per gebouw at any date" in the database
with an exclusion constraint (the model validates it on every database)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE cooperatie_overeenkomst
    ADD CONSTRAINT overeenkomst_geen_overlap
    EXCLUDE USING gist (
        gebouw_id WITH =,
        daterange(ingangsdatum, einddatum, '[]') WITH &&
    );
"""
DROP = "ALTER TABLE cooperatie_overeenkomst DROP CONSTRAINT IF EXISTS overeenkomst_geen_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cooperatie", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
