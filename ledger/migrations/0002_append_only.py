"""Bookings and journal entries are append-only, down to the database on
PostgreSQL; the journal head row exists from the start."""

from django.db import migrations

from kern.immutable import append_only_trigger


def create_head(apps, schema_editor):
    AuditChainHead = apps.get_model("ledger", "AuditChainHead")
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        append_only_trigger("ledger_boeking"),
        append_only_trigger("ledger_auditentry"),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
