"""One journal chain per organisation: entries and heads carry their chain's
name; the verification marks of the auditor's page; signed checkpoints."""

from django.db import migrations, models

from kern.immutable import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="keten",
            field=models.CharField(
                default="platform",
                help_text="De keten van de organisatie wier gegevens de regel wijzigt: corporatie:<id>, cooperatie:<id> of platform.",
                max_length=40,
                verbose_name="keten",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(verbose_name="volgnummer"),
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["keten", "seq"],
                "verbose_name": "journaalregel",
                "verbose_name_plural": "journaal",
            },
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                fields=("keten", "seq"),
                name="journaal_keten_seq_uniek",
                violation_error_message="Een volgnummer komt in een keten maar één keer voor.",
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                fields=["timestamp"], name="ledger_audi_timesta_432ac5_idx"
            ),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="keten",
            field=models.CharField(
                default="platform", max_length=40, unique=True, verbose_name="keten"
            ),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="auditchainhead",
            options={
                "ordering": ["keten"],
                "verbose_name": "journaalkop",
                "verbose_name_plural": "journaalkoppen",
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
                    models.CharField(max_length=40, unique=True, verbose_name="keten"),
                ),
                ("seq", models.PositiveBigIntegerField(verbose_name="volgnummer")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                ("verified_at", models.DateTimeField(verbose_name="geverifieerd op")),
            ],
            options={
                "verbose_name": "ketenverificatie",
                "verbose_name_plural": "ketenverificaties",
                "ordering": ["keten"],
            },
        ),
        migrations.CreateModel(
            name="JournaalCheckpoint",
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
                ("created_at", models.DateTimeField(verbose_name="aangemaakt op")),
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
                    models.CharField(max_length=128, verbose_name="handtekening (hex)"),
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
                "ordering": ["-created_at", "-pk"],
            },
        ),
        append_only_trigger("ledger_journaalcheckpoint"),
    ]
