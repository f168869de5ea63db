"""The demo's figures per buurt: the samples in demo/data/buurtcijfers/ (made
up, labelled "VOORBEELD - geen echte cijfers" in every row, in the official
column layout; docs/buurtcijfers.md), read through the same import an
operator runs on the real files."""

from __future__ import annotations

from pathlib import Path

from cooperatie import buurtcijfers
from cooperatie.models import Buurtkerncijfers, Leefbaarometerscore

MAP = Path(__file__).resolve().parent / "data" / "buurtcijfers"
LEEFBAAROMETER = MAP / "VOORBEELD-leefbaarometer-3.0-buurten.csv"
CBS = MAP / "VOORBEELD-cbs-kerncijfers-wijken-en-buurten-2024.csv"
VERSIE = "VOORBEELD 3.0"
CBS_JAAR = 2024


def lees_voorbeelden(actor) -> None:
    """Import both samples, each unless its year (and version) is already
    there: real figures an operator read in before are never replaced."""
    voorbeelden = (
        (
            LEEFBAAROMETER,
            Leefbaarometerscore.objects.filter(versie=VERSIE),
            {"bron": buurtcijfers.LEEFBAAROMETER, "versie": VERSIE},
        ),
        (
            CBS,
            Buurtkerncijfers.objects.filter(jaar=CBS_JAAR),
            {"bron": buurtcijfers.CBS, "jaar": CBS_JAAR},
        ),
    )
    for pad, aanwezig, bron in voorbeelden:
        if not aanwezig.exists():
            buurtcijfers.import_buurtcijfers(
                data=pad.read_bytes(), naam=pad.name, actor=actor, **bron
            )
