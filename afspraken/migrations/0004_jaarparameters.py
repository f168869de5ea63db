"""The known legal figures per year, each with its source.

Reference data, loaded once for every installation; later years are added through
the admin (journaled). Only figures with a source at hand are here.
"""

from decimal import Decimal

from django.db import migrations

DAEB_BRON = (
    "Inkomensgrens voor de toewijzing van sociale huurwoningen (DAEB) per 1 januari "
    "{jaar}, jaarlijks geïndexeerd op grond van de Woningwet (art. 48) en het Besluit "
    "toegelaten instellingen volkshuisvesting 2015; bekendgemaakt door de Rijksoverheid."
)
AFTOPPING_BRON = (
    "Aftoppingsgrens{soort} per 1 januari {jaar}, Wet op de huurtoeslag "
    "(jaarlijkse indexering van de huurtoeslagparameters)."
)

FIGURES = [
    (2023, "daeb_inkomensgrens_eenpersoons", "44035.00", DAEB_BRON.format(jaar=2023)),
    (2023, "daeb_inkomensgrens_meerpersoons", "48625.00", DAEB_BRON.format(jaar=2023)),
    (2024, "daeb_inkomensgrens_eenpersoons", "47699.00", DAEB_BRON.format(jaar=2024)),
    (2024, "daeb_inkomensgrens_meerpersoons", "52671.00", DAEB_BRON.format(jaar=2024)),
    (
        2021,
        "aftoppingsgrens_laag",
        "633.25",
        AFTOPPING_BRON.format(soort=" (laag)", jaar=2021)
        + " Genoemd in 'Werken aan vitale wijken en buurten' (26 april 2021).",
    ),
    (
        2024,
        "aftoppingsgrens_laag",
        "650.43",
        AFTOPPING_BRON.format(soort=" voor een- en tweepersoonshuishoudens", jaar=2024),
    ),
    (
        2024,
        "aftoppingsgrens_hoog",
        "697.07",
        AFTOPPING_BRON.format(
            soort=" voor huishoudens van drie of meer personen", jaar=2024
        ),
    ),
]


def load(apps, schema_editor):
    Jaarparameter = apps.get_model("afspraken", "Jaarparameter")
    for jaar, code, waarde, bron in FIGURES:
        Jaarparameter.objects.get_or_create(
            jaar=jaar, code=code, defaults={"waarde": Decimal(waarde), "bron": bron}
        )


def unload(apps, schema_editor):
    Jaarparameter = apps.get_model("afspraken", "Jaarparameter")
    for jaar, code, _waarde, _bron in FIGURES:
        Jaarparameter.objects.filter(jaar=jaar, code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("afspraken", "0003_beoordeling")]

    operations = [migrations.RunPython(load, unload)]
