"""The migration that turns the volunteers of an activity into an explicit
model with hours (ledger/0006) keeps every existing volunteer."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

OLD = [("ledger", "0005_journaal_naar_kern")]


@pytest.mark.django_db(transaction=True)
def test_existing_volunteers_are_kept_without_hours():
    call_command("migrate", "ledger", OLD[0][1], verbosity=0)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(OLD).apps
        Cooperatie = old_apps.get_model("cooperatie", "Cooperatie")
        Lid = old_apps.get_model("cooperatie", "Lid")
        Activiteit = old_apps.get_model("ledger", "Activiteit")
        cooperatie = Cooperatie.objects.create(
            naam="De Oude Tuin", soort="woon", kvk_nummer="12345678"
        )
        leden = [
            Lid.objects.create(
                cooperatie=cooperatie,
                naam=naam,
                lid_sinds=datetime.date(2020, 1, 1),
            )
            for naam in ("Anna", "Bert")
        ]
        activiteit = Activiteit.objects.create(
            cooperatie=cooperatie,
            datum=datetime.date(2024, 3, 1),
            titel="Snoeidag",
            thema="groen",
            vrijwilligersuren=6,
        )
        activiteit.vrijwilligers.set(leden)

        call_command("migrate", "ledger", verbosity=0)

        from ledger.models import Activiteit as Nieuw
        from ledger.models import Vrijwilliger

        rows = Vrijwilliger.objects.filter(activiteit_id=activiteit.pk)
        assert sorted((r.lid_id, r.uren) for r in rows) == sorted(
            (lid.pk, None) for lid in leden
        )
        assert set(
            Nieuw.objects.get(pk=activiteit.pk).vrijwilligers.values_list(
                "pk", flat=True
            )
        ) == {lid.pk for lid in leden}
    finally:
        call_command("migrate", verbosity=0)
