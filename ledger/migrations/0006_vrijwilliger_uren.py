"""Volunteers of an activity become an explicit model with optional hours per
volunteer. The table of the implicit many-to-many is kept with its rows: the
model takes it over, its implicit unique pair becomes a named constraint, and
the hours column is added (empty: no split for existing activities)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatie", "0009_uitnodiging"),
        ("ledger", "0005_journaal_naar_kern"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Vrijwilliger",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "activiteit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="vrijwilligerschappen",
                                to="ledger.activiteit",
                                verbose_name="activiteit",
                            ),
                        ),
                        (
                            "lid",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="vrijwilligerschappen",
                                to="cooperatie.lid",
                                verbose_name="lid",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "vrijwilliger",
                        "verbose_name_plural": "vrijwilligers",
                        "db_table": "ledger_activiteit_vrijwilligers",
                        "ordering": ["activiteit", "lid"],
                        "unique_together": {("activiteit", "lid")},
                    },
                ),
                migrations.AlterField(
                    model_name="activiteit",
                    name="vrijwilligers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="activiteiten_als_vrijwilliger",
                        through="ledger.Vrijwilliger",
                        to="cooperatie.lid",
                        verbose_name="vrijwilligers",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterUniqueTogether(name="vrijwilliger", unique_together=set()),
        migrations.AddField(
            model_name="vrijwilliger",
            name="uren",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=6,
                null=True,
                verbose_name="uren",
            ),
        ),
        migrations.AddConstraint(
            model_name="vrijwilliger",
            constraint=models.UniqueConstraint(
                fields=("activiteit", "lid"),
                name="vrijwilliger_eenmaal_per_activiteit",
                violation_error_message="Een lid mag maar één keer vrijwilliger van een activiteit zijn.",
            ),
        ),
        migrations.AddConstraint(
            model_name="vrijwilliger",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("uren__isnull", True), ("uren__gte", 0), _connector="OR"
                ),
                name="vrijwilliger_uren_niet_negatief",
                violation_error_message="Het aantal uren van een vrijwilliger moet nul of meer zijn.",
            ),
        ),
    ]
