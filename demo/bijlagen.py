"""The demo's evidence: photos drawn with Pillow, not taken.

Each is a coloured card that says what it stands for and that it is generated, so
nobody mistakes it for a real photo of a real activity. Same input, same bytes.
"""

from __future__ import annotations

import io
import unicodedata

from PIL import Image, ImageDraw, ImageFont

BREEDTE, HOOGTE = 480, 320
MARGE = 24


def _ascii(tekst: str) -> str:
    """Pillow's bundled font (no system font, so the picture does not depend on
    what the machine has installed) has ASCII letters only: é becomes e, not a
    box."""
    return unicodedata.normalize("NFKD", tekst).encode("ascii", "ignore").decode()


def foto_png(*, kleur: tuple[int, int, int], titel: str, onderschrift: str) -> bytes:
    """A PNG card in `kleur`, marked as generated, with `titel` and `onderschrift`
    on a lighter band at the bottom."""
    image = Image.new("RGB", (BREEDTE, HOOGTE), kleur)
    draw = ImageDraw.Draw(image)
    licht = tuple(c + (255 - c) * 3 // 4 for c in kleur)
    band = HOOGTE - 96
    draw.rectangle((0, band, BREEDTE, HOOGTE), fill=licht)
    klein = ImageFont.load_default(size=16)
    draw.text((MARGE, MARGE), "Demofoto (gegenereerd)", font=klein, fill="white")
    groot = ImageFont.load_default(size=22)
    draw.text((MARGE, band + 18), _ascii(titel), font=groot, fill="black")
    draw.text((MARGE, band + 56), _ascii(onderschrift), font=klein, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
