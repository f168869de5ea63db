"""Sealed reports never change, down to the database on PostgreSQL."""

from django.db import migrations

from kern.immutable import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("afspraken", "0001_initial")]

    operations = [append_only_trigger("afspraken_rapport")]
