"""API tokens expire and die with a password change.

Tokens made before this migration carry no password mark and expire at once:
they are to be made again (no installation holds real tokens yet).
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatie", "0006_tekst_zonder_stuurtekens_en_begrensd"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="verloopt_op",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                help_text="Na dit moment werkt de token niet meer.",
                verbose_name="verloopt op",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="wachtwoord_kenmerk",
            field=models.CharField(
                default="",
                editable=False,
                help_text="Na een nieuw wachtwoord werkt de token niet meer.",
                max_length=64,
                verbose_name="kenmerk van het wachtwoord",
            ),
            preserve_default=False,
        ),
    ]
