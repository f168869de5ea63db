"""The demo's photos are real PNG images, drawn the same way every time."""

from __future__ import annotations

import io

from PIL import Image

from demo.bijlagen import BREEDTE, HOOGTE, foto_png
from ledger.bijlagen import sniff_content_type


def test_a_demo_photo_is_a_png_in_its_colour():
    png = foto_png(kleur=(64, 140, 200), titel="Foto", onderschrift="Moestuindag")

    assert sniff_content_type(png[:16]) == "image/png"
    image = Image.open(io.BytesIO(png))
    image.verify()
    image = Image.open(io.BytesIO(png))
    assert image.size == (BREEDTE, HOOGTE)
    assert image.getpixel((BREEDTE - 1, HOOGTE // 2)) == (64, 140, 200)


def test_the_same_input_draws_the_same_bytes_and_other_text_others():
    args = {"kleur": (70, 150, 60), "titel": "Foto van de oogst"}

    first = foto_png(onderschrift="Moestuindag, 13 september 2025", **args)

    assert foto_png(onderschrift="Moestuindag, 13 september 2025", **args) == first
    assert foto_png(onderschrift="Taalcafé, 2 oktober 2025", **args) != first
