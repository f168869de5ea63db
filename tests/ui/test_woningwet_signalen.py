"""The Woningwet flags in the portals: a hint to the bestuur when booking an
activity, and in the beheerder's dossier per activity and counted per year."""

from __future__ import annotations

import datetime
import re

from ledger.models import Activiteit
from tests.helpers import page_text
from tests.ledger.factories import ActiviteitFactory
from tests.ui.activiteiten_helpers import form_data, messages_of, url
from tests.ui.test_dossier import dossier_url

UITLEG = "in de directe omgeving, voor huurders en met partners"


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def test_the_bestuur_books_a_buurtcode_and_is_warned_not_refused(bestuur, world):
    data = form_data(world.a, buurtcode="bu03440304", vrijwilligers=[])
    del data["open_voor_buurt"]
    data["partners"] = ""

    response = bestuur.post(url(world.a, "activiteit-nieuw"), data)

    assert response.status_code == 302
    activiteit = Activiteit.objects.get(titel="Moestuindag")
    assert activiteit.buurtcode == "BU03440304"
    warnings = [m for m in messages_of(response) if UITLEG in m]
    assert len(warnings) == 2
    page = bestuur.get(url(world.a, "activiteit-bewerken", activiteit.pk))
    assert "Signaal Woningwet" in _text(page)
    assert "buiten de buurt" in _text(page)


def test_a_bad_buurtcode_is_refused_on_its_field(bestuur, world):
    data = form_data(world.a, buurtcode="GM0344", vrijwilligers=[])

    response = bestuur.post(url(world.a, "activiteit-nieuw"), data)

    assert response.status_code == 200
    assert "buurtcode" in response.context["form"].errors


def test_the_dossier_shows_the_flags_per_activity_and_their_count(client, world):
    a = world.a
    ActiviteitFactory(
        cooperatie=a.cooperatie,
        datum=datetime.date(2024, 4, 1),
        titel="Ledenvergadering",
        open_voor_buurt=False,
        partners="",
    )
    client.force_login(a.beheerder)

    response = client.get(dossier_url(a), {"jaar": 2024})

    text = _text(response)
    assert "niet open voor de buurt en geen partners" in text
    assert "Signaal Woningwet: niet open voor de buurt en geen partners 1" in text
    assert "Signaal Woningwet: buiten de buurt 0" in text
    assert UITLEG in text
