"""Closed years and ties, records of the cooperatie app that the services keep.

A corporatie and a cooperatie with an overeenkomst between them are tied from
here on (their afspraken tie them too: afspraken/0009 records those, and the
closed years, from the afspraken and toetsingen).
"""

import django.db.models.deletion
from django.db import migrations, models


def ties_of_overeenkomsten(apps, schema_editor):
    Overeenkomst = apps.get_model("cooperatie", "Overeenkomst")
    Relatie = apps.get_model("cooperatie", "Relatie")
    pairs = set(
        Overeenkomst.objects.values_list("gebouw__corporatie_id", "cooperatie_id")
    )
    Relatie.objects.bulk_create(
        [Relatie(corporatie_id=a, cooperatie_id=b) for a, b in sorted(pairs)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatie", "0007_apitoken_verloopt_op_wachtwoord_kenmerk"),
    ]

    operations = [
        migrations.CreateModel(
            name="GeslotenJaar",
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
                ("jaar", models.PositiveSmallIntegerField(verbose_name="jaar")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("ingediend", "ingediend"),
                            ("vastgesteld", "vastgesteld"),
                        ],
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                (
                    "cooperatie",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="gesloten_jaren",
                        to="cooperatie.cooperatie",
                        verbose_name="coöperatie",
                    ),
                ),
            ],
            options={
                "verbose_name": "gesloten jaar",
                "verbose_name_plural": "gesloten jaren",
                "ordering": ["cooperatie", "-jaar"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cooperatie", "jaar"),
                        name="gesloten_jaar_uniek_per_cooperatie",
                        violation_error_message="Dit jaar van deze coöperatie is al gesloten.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Relatie",
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
                    "cooperatie",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="relaties",
                        to="cooperatie.cooperatie",
                        verbose_name="coöperatie",
                    ),
                ),
                (
                    "corporatie",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="relaties",
                        to="cooperatie.corporatie",
                        verbose_name="corporatie",
                    ),
                ),
                (
                    "gebouwen",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="cooperatie.gebouw",
                        verbose_name="gebouwen in afspraken",
                    ),
                ),
            ],
            options={
                "verbose_name": "relatie",
                "verbose_name_plural": "relaties",
                "ordering": ["corporatie", "cooperatie"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("corporatie", "cooperatie"),
                        name="relatie_uniek_per_paar",
                        violation_error_message="Deze corporatie en coöperatie hebben al een relatie.",
                    )
                ],
            },
        ),
        migrations.RunPython(ties_of_overeenkomsten, migrations.RunPython.noop),
    ]
