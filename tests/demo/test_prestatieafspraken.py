"""The demo's afspraken refer to their corporatie's prestatieafspraak in their
gebouw's gemeente, with liveability targets."""

from __future__ import annotations

import datetime

import pytest

from afspraken.models import Afspraak, Prestatieafspraak
from demo import wereld


@pytest.mark.django_db
def test_demo_afspraken_refer_to_a_prestatieafspraak_of_their_gemeente():
    assert wereld.seed(today=datetime.date(2026, 3, 2))

    assert Prestatieafspraak.objects.exists()
    assert all(p.doelen.exists() for p in Prestatieafspraak.objects.all())
    verwijzend = Afspraak.objects.filter(prestatieafspraak__isnull=False)
    assert verwijzend.exists()
    for afspraak in verwijzend.select_related("prestatieafspraak"):
        p = afspraak.prestatieafspraak
        assert p.corporatie_id == afspraak.corporatie_id
        assert p.gemeentecode in {g.gemeentecode for g in afspraak.gebouwen.all()}
