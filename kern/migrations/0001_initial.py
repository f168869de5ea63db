"""The journal's models move from the ledger app to kern. Their tables keep
their names (db_table), so this migration changes Django's state only: the
tables, their append-only triggers and every chain stay as they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("ledger", "0004_tekst_zonder_stuurtekens_en_begrensd"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditChainHead",
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
                            "keten",
                            models.CharField(
                                max_length=40, unique=True, verbose_name="keten"
                            ),
                        ),
                        (
                            "seq",
                            models.PositiveBigIntegerField(
                                default=0, verbose_name="volgnummer"
                            ),
                        ),
                        (
                            "hash",
                            models.CharField(
                                default="0000000000000000000000000000000000000000000000000000000000000000",
                                max_length=64,
                                verbose_name="hash",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "journaalkop",
                        "verbose_name_plural": "journaalkoppen",
                        "db_table": "ledger_auditchainhead",
                        "ordering": ["keten"],
                    },
                ),
                migrations.CreateModel(
                    name="AuditChainVerification",
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
                            "keten",
                            models.CharField(
                                max_length=40, unique=True, verbose_name="keten"
                            ),
                        ),
                        (
                            "seq",
                            models.PositiveBigIntegerField(verbose_name="volgnummer"),
                        ),
                        ("hash", models.CharField(max_length=64, verbose_name="hash")),
                        (
                            "verified_at",
                            models.DateTimeField(verbose_name="geverifieerd op"),
                        ),
                    ],
                    options={
                        "verbose_name": "ketenverificatie",
                        "verbose_name_plural": "ketenverificaties",
                        "db_table": "ledger_auditchainverification",
                        "ordering": ["keten"],
                    },
                ),
                migrations.CreateModel(
                    name="AuditCheckpoint",
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
                            "created_at",
                            models.DateTimeField(verbose_name="aangemaakt op"),
                        ),
                        (
                            "inhoud",
                            models.TextField(
                                help_text="De ondertekende JSON, precies zoals ondertekend.",
                                verbose_name="inhoud",
                            ),
                        ),
                        (
                            "sleutel",
                            models.CharField(
                                max_length=64, verbose_name="publieke sleutel (hex)"
                            ),
                        ),
                        (
                            "handtekening",
                            models.CharField(
                                max_length=128, verbose_name="handtekening (hex)"
                            ),
                        ),
                        (
                            "aanleiding",
                            models.CharField(
                                blank=True,
                                db_index=True,
                                help_text="Waarvoor het checkpoint is gemaakt, bijv. afspraken.rapport:12.",
                                max_length=60,
                                verbose_name="aanleiding",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "journaalcheckpoint",
                        "verbose_name_plural": "journaalcheckpoints",
                        "db_table": "ledger_journaalcheckpoint",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="AuditEntry",
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
                            "keten",
                            models.CharField(
                                help_text="De keten van de organisatie wier gegevens de regel wijzigt: corporatie:<id>, cooperatie:<id> of platform.",
                                max_length=40,
                                verbose_name="keten",
                            ),
                        ),
                        (
                            "seq",
                            models.PositiveBigIntegerField(verbose_name="volgnummer"),
                        ),
                        ("timestamp", models.DateTimeField(verbose_name="tijdstip")),
                        (
                            "actor_name",
                            models.CharField(
                                max_length=150, verbose_name="naam gebruiker"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(max_length=60, verbose_name="actie"),
                        ),
                        (
                            "object_type",
                            models.CharField(max_length=60, verbose_name="objectsoort"),
                        ),
                        (
                            "object_id",
                            models.CharField(
                                blank=True, max_length=40, verbose_name="object-id"
                            ),
                        ),
                        (
                            "object_repr",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="object"
                            ),
                        ),
                        (
                            "corporatie_id",
                            models.BigIntegerField(
                                blank=True, null=True, verbose_name="corporatie-id"
                            ),
                        ),
                        (
                            "cooperatie_id",
                            models.BigIntegerField(
                                blank=True, null=True, verbose_name="coöperatie-id"
                            ),
                        ),
                        (
                            "before",
                            models.JSONField(
                                blank=True, null=True, verbose_name="voor"
                            ),
                        ),
                        (
                            "after",
                            models.JSONField(blank=True, null=True, verbose_name="na"),
                        ),
                        (
                            "request_id",
                            models.CharField(
                                blank=True, max_length=64, verbose_name="request-id"
                            ),
                        ),
                        (
                            "prev_hash",
                            models.CharField(max_length=64, verbose_name="vorige hash"),
                        ),
                        (
                            "hash",
                            models.CharField(
                                max_length=64, unique=True, verbose_name="hash"
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="gebruiker",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "journaalregel",
                        "verbose_name_plural": "journaal",
                        "db_table": "ledger_auditentry",
                        "ordering": ["keten", "seq"],
                        "indexes": [
                            models.Index(
                                fields=["timestamp"],
                                name="ledger_audi_timesta_432ac5_idx",
                            ),
                            models.Index(
                                fields=["object_type", "object_id"],
                                name="ledger_audi_object__ac9d52_idx",
                            ),
                            models.Index(
                                fields=["corporatie_id"],
                                name="ledger_audi_corpora_2eff6f_idx",
                            ),
                            models.Index(
                                fields=["cooperatie_id"],
                                name="ledger_audi_coopera_c8a575_idx",
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("keten", "seq"),
                                name="journaal_keten_seq_uniek",
                                violation_error_message="Een volgnummer komt in een keten maar één keer voor.",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
