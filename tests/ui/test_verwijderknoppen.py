"""A page offers no delete button where the service would refuse the delete: the
same predicate decides both, and the page says why instead."""

from __future__ import annotations

import datetime

from django.urls import reverse

from cooperatie import verwijderbaar as cooperatie_services
from ledger import verwijderbaar as ledger_services
from tests.cooperatie.factories import GebouwFactory, RolFactory, UserFactory
from tests.helpers import page_text
from tests.ledger.factories import ActiviteitFactory, BijlageFactory, BoekingFactory
from tests.ui.activiteiten_helpers import url
from tests.ui.beheer_helpers import url as beheer_url

DELETE_ACTIVITEIT = "Activiteit verwijderen"


def _activiteit_page(bestuur, world, activiteit):
    response = bestuur.get(url(world.a, "activiteit-bewerken", activiteit.pk))
    assert response.status_code == 200
    return response


def test_a_bare_activity_offers_the_delete_button(bestuur, world):
    activiteit = ActiviteitFactory(cooperatie=world.a.cooperatie)

    response = _activiteit_page(bestuur, world, activiteit)

    assert ledger_services.activiteit_delete_refusal(activiteit) is None
    assert DELETE_ACTIVITEIT in page_text(response)
    assert url(world.a, "activiteit-verwijderen", activiteit.pk) in (
        response.content.decode()
    )


def test_an_activity_with_evidence_offers_no_delete_but_says_why(bestuur, world):
    activiteit = ActiviteitFactory(cooperatie=world.a.cooperatie)
    BijlageFactory(activiteit=activiteit)

    response = _activiteit_page(bestuur, world, activiteit)

    reason = ledger_services.activiteit_delete_refusal(activiteit)
    assert reason == (
        "Een activiteit met bewijsstukken blijft bewaard; verwijder eerst de "
        "bewijsstukken."
    )
    text = page_text(response)
    assert reason in text
    assert DELETE_ACTIVITEIT not in text
    assert url(world.a, "activiteit-verwijderen", activiteit.pk) not in (
        response.content.decode()
    )
    # The page and the message use the same word for evidence files.
    assert "Bewijsstukken" in text
    assert "bijlagen" not in reason


def test_an_activity_with_bookings_offers_no_delete(bestuur, world):
    activiteit = ActiviteitFactory(cooperatie=world.a.cooperatie)
    BoekingFactory(cooperatie=world.a.cooperatie, activiteit=activiteit)

    response = _activiteit_page(bestuur, world, activiteit)

    text = page_text(response)
    assert "Aan deze activiteit zijn boekingen gekoppeld; zij blijft bewaard." in text
    assert DELETE_ACTIVITEIT not in text


def test_an_activity_of_a_closed_year_offers_no_delete(bestuur, world):
    activiteit = ActiviteitFactory(
        cooperatie=world.a.cooperatie, datum=datetime.date(2023, 5, 1)
    )

    response = _activiteit_page(bestuur, world, activiteit)

    refusal = ledger_services.activiteit_delete_refusal(activiteit)
    assert refusal
    assert "2023" in refusal
    assert DELETE_ACTIVITEIT not in page_text(response)


def test_service_refuses_with_the_same_reason_the_page_shows(bestuur, world):
    activiteit = ActiviteitFactory(cooperatie=world.a.cooperatie)
    BoekingFactory(cooperatie=world.a.cooperatie, activiteit=activiteit)
    reason = ledger_services.activiteit_delete_refusal(activiteit)

    response = bestuur.post(url(world.a, "activiteit-verwijderen", activiteit.pk))

    assert response.status_code == 302
    shown = page_text(bestuur.get(response["Location"]))
    assert reason in shown


def test_gebouw_with_an_overeenkomst_offers_no_delete(client, world):
    client.force_login(world.a.beheerder)

    response = client.get(beheer_url("beheer-gebouw-bewerken", world.a))

    text = page_text(response)
    assert cooperatie_services.gebouw_delete_refusal(world.a.gebouw) in text
    assert "Gebouw verwijderen" not in text


def test_unused_gebouw_offers_the_delete(client, world):
    gebouw = GebouwFactory(corporatie=world.a.corporatie)
    client.force_login(world.a.beheerder)

    response = client.get(
        reverse("beheer-gebouw-bewerken", args=[world.a.corporatie.pk, gebouw.pk])
    )

    assert cooperatie_services.gebouw_delete_refusal(gebouw) is None
    assert "Gebouw verwijderen" in page_text(response)


def test_the_last_beheerder_is_offered_no_end_of_role(client, world):
    client.force_login(world.a.beheerder)
    own = reverse(
        "beheer-rol-beeindigen", args=[world.a.corporatie.pk, world.a.rol_beheerder.pk]
    )

    response = client.get(reverse("beheer-gebruikers", args=[world.a.corporatie.pk]))

    html = page_text(response)
    assert "Een corporatie moet minstens één beheerder houden." in html
    assert own not in html
    # The auditor's role can still be ended from the same page.
    auditor = reverse(
        "beheer-rol-beeindigen", args=[world.a.corporatie.pk, world.a.rol_auditor.pk]
    )
    assert auditor in html


def test_with_a_second_beheerder_both_roles_can_be_ended(client, world):
    RolFactory(user=UserFactory(), corporatie=world.a.corporatie)
    client.force_login(world.a.beheerder)

    response = client.get(reverse("beheer-gebruikers", args=[world.a.corporatie.pk]))

    own = reverse(
        "beheer-rol-beeindigen", args=[world.a.corporatie.pk, world.a.rol_beheerder.pk]
    )
    assert own in page_text(response)
    assert (
        cooperatie_services.rol_delete_refusal(
            actor=world.a.beheerder, rol=world.a.rol_beheerder
        )
        is None
    )
