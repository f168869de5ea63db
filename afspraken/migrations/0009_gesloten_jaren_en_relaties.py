"""Record in the cooperatie app what the afspraken imply for it: the closed years
(a year with a toetsing ingediend or vastgesteld; vastgesteld once one is) and
the ties of corporaties and cooperaties through their afspraken, with the
gebouwen those afspraken name. From here on the afspraken services keep both."""

from django.db import migrations

INGEDIEND, VASTGESTELD = "ingediend", "vastgesteld"


def forwards(apps, schema_editor):
    Toetsing = apps.get_model("afspraken", "Toetsing")
    Afspraak = apps.get_model("afspraken", "Afspraak")
    GeslotenJaar = apps.get_model("cooperatie", "GeslotenJaar")
    Relatie = apps.get_model("cooperatie", "Relatie")

    gesloten: dict[tuple[int, int], str] = {}
    for cooperatie_id, jaar, status in Toetsing.objects.filter(
        status__in=(INGEDIEND, VASTGESTELD)
    ).values_list("afspraak__cooperatie_id", "jaar", "status"):
        if gesloten.get((cooperatie_id, jaar)) != VASTGESTELD:
            gesloten[cooperatie_id, jaar] = status
    GeslotenJaar.objects.bulk_create(
        GeslotenJaar(cooperatie_id=cooperatie_id, jaar=jaar, status=status)
        for (cooperatie_id, jaar), status in sorted(gesloten.items())
    )

    pairs = set(Afspraak.objects.values_list("corporatie_id", "cooperatie_id"))
    Relatie.objects.bulk_create(
        [Relatie(corporatie_id=a, cooperatie_id=b) for a, b in sorted(pairs)],
        ignore_conflicts=True,
    )
    relaties = {
        (corporatie_id, cooperatie_id): pk
        for pk, corporatie_id, cooperatie_id in Relatie.objects.values_list(
            "pk", "corporatie_id", "cooperatie_id"
        )
    }
    named = set(
        Afspraak.gebouwen.through.objects.values_list(
            "afspraak__corporatie_id", "afspraak__cooperatie_id", "gebouw_id"
        )
    )
    Relatie.gebouwen.through.objects.bulk_create(
        [
            Relatie.gebouwen.through(relatie_id=relaties[a, b], gebouw_id=gebouw)
            for a, b, gebouw in sorted(named)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("afspraken", "0008_tekst_zonder_stuurtekens_en_begrensd"),
        ("cooperatie", "0008_gesloten_jaren_en_relaties"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
