"""The nalevingsrapport counts the activities per Woningwet flag from
snapshot version 2 on; a snapshot taken before (version 1, already sealed
reports among them) prints as it did, without those rows."""

from __future__ import annotations

import datetime

from afspraken import nalevingsrapport
from tests.afspraken.test_rapporten import _text, sealed  # noqa: F401 (fixture)

MOMENT = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)


def test_a_new_report_counts_the_activities_per_flag(sealed):  # noqa: F811
    toetsing, _rapport, pdf = sealed

    assert toetsing.snapshot["versie"] >= 2  # counts per flag from version 2 on
    # The world's activity is open to the neighbourhood; the sealed fixture's
    # Oudejaarsbijeenkomst too (factory default): no flags, both counted 0.
    assert toetsing.snapshot["cijfers"]["woningwet_signalen"] == {
        "niet_open_geen_partners": 0,
        "buiten_de_buurt": 0,
    }
    text = " ".join(_text(pdf).split())
    assert (
        "Activiteiten met signaal Woningwet: niet open voor de buurt en geen "
        "partners 0" in text
    )
    assert "Activiteiten met signaal Woningwet: buiten de buurt 0" in text


def test_a_snapshot_of_version_1_prints_without_the_flags(sealed):  # noqa: F811
    toetsing, _rapport, _pdf = sealed
    oud = {
        **toetsing.snapshot,
        "versie": 1,
        "cijfers": {
            k: v
            for k, v in toetsing.snapshot["cijfers"].items()
            if k != "woningwet_signalen"
        },
    }

    html = nalevingsrapport.nalevingsrapport_html(
        oud,
        status=toetsing.status,
        moment=MOMENT,
        vastgesteld_door="",
        journaal_hash="0" * 64,
    )

    assert "Woningwet" not in html
