"""Evidence in the beheerder's portal: the file itself and a thumbnail of a photo,
bounded so that a decompression bomb is refused without being decoded."""

from __future__ import annotations

import io
import struct
import time
import zlib

from django.core.files.base import ContentFile

import pytest
from PIL import Image

from portalen.bijlagen import MiniatuurError, miniatuur_bytes
from tests.ledger.factories import BijlageFactory
from tests.ui.cyclus_helpers import url


def _png(size: tuple[int, int], mode: str = "RGB", kleur=(40, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, kleur).save(out, format="PNG")
    return out.getvalue()


def _chunk(soort: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(soort + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + soort + data + struct.pack(">I", crc)


def _png_bomb(breedte: int, hoogte: int, *, rijen: int | None = None) -> bytes:
    """A valid PNG of `breedte` × `hoogte` RGB pixels whose image data is
    zeros, compressed: a small file that unpacks to width × height × 3 bytes
    (only the first `rijen` rows are included when given)."""
    rij = b"\x00" * (1 + breedte * 3)
    data = zlib.compress(rij * (hoogte if rijen is None else rijen), 9)
    ihdr = struct.pack(">IIBBBBB", breedte, hoogte, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def _bijlage(activiteit, content: bytes, naam: str, content_type: str):
    return BijlageFactory(
        activiteit=activiteit,
        bestand=ContentFile(content, name=naam),
        content_type=content_type,
        grootte=len(content),
    )


@pytest.fixture
def beheerder(client, world):
    client.force_login(world.a.beheerder)
    return client


def _miniatuur_url(tenant, bijlage) -> str:
    return url("beheer-bijlage-miniatuur", tenant.corporatie, bijlage.pk)


def test_thumbnail_is_a_small_jpeg_of_the_photo(beheerder, world):
    a = world.a
    foto = _bijlage(a.activiteit, _png((800, 600)), "foto.png", "image/png")

    response = beheerder.get(_miniatuur_url(a, foto))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "JPEG"
    assert image.size == (240, 180)
    pixel = image.getpixel((120, 90))
    assert all(abs(p - k) < 8 for p, k in zip(pixel, (40, 120, 200), strict=True))
    # Private content: the browser may keep it, a shared cache never.
    assert response["Cache-Control"].startswith("private")
    assert "max-age=" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline")

    again = beheerder.get(_miniatuur_url(a, foto), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(("mode", "kleur"), [("P", 3), ("RGBA", (0, 0, 0, 0))])
def test_thumbnail_of_a_palette_or_transparent_image(beheerder, world, mode, kleur):
    a = world.a
    foto = _bijlage(a.activiteit, _png((300, 300), mode, kleur), "f.png", "image/png")

    response = beheerder.get(_miniatuur_url(a, foto))

    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (240, 240))


def test_a_pdf_has_no_thumbnail(beheerder, world):
    a = world.a
    pdf = _bijlage(a.activiteit, b"%PDF-1.4 bon", "bon.pdf", "application/pdf")

    assert beheerder.get(_miniatuur_url(a, pdf)).status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        _png_bomb(5_000, 5_000),  # 25 megapixels: 75 MB of pixels in 76 kB
        _png_bomb(60_000, 60_000, rijen=1),  # 3.6 gigapixels (Pillow's own guard)
        b"\x89PNG\r\n\x1a\n" + b"no image at all",
    ],
    ids=["bomb", "gigapixel", "garbage"],
)
def test_a_bomb_or_broken_image_is_refused_without_decoding(beheerder, world, content):
    a = world.a
    bom = _bijlage(a.activiteit, content, "bom.png", "image/png")

    begin = time.monotonic()
    response = beheerder.get(_miniatuur_url(a, bom))

    assert response.status_code == 404
    assert time.monotonic() - begin < 2
    with pytest.raises(MiniatuurError):
        miniatuur_bytes(content)


def test_a_thumbnail_of_another_tenants_bijlage_is_not_found(beheerder, world):
    assert beheerder.get(_miniatuur_url(world.a, world.b.bijlage)).status_code == 404
    bijlage = url("beheer-bijlage", world.a.corporatie, world.b.bijlage.pk)
    assert beheerder.get(bijlage).status_code == 404


def test_the_file_itself_with_the_safe_headers(beheerder, world):
    a = world.a
    pdf = _bijlage(a.activiteit, b"%PDF-1.4 bon", "bon.pdf", "application/pdf")

    foto = beheerder.get(url("beheer-bijlage", a.corporatie, a.bijlage.pk))
    assert foto.status_code == 200
    assert foto["Content-Type"] == "image/png"
    assert foto["Content-Disposition"].startswith("inline")
    assert b"".join(foto.streaming_content) == a.bijlage.bestand.open("rb").read()

    response = beheerder.get(url("beheer-bijlage", a.corporatie, pdf.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert pdf.bestand.name.rsplit("/", 1)[-1] in response["Content-Disposition"]
    for r in (foto, response):
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert r["Cache-Control"] == "private, no-store"


def test_a_missing_file_is_not_found(beheerder, world):
    a = world.a
    a.bijlage.bestand.storage.delete(a.bijlage.bestand.name)

    assert beheerder.get(_miniatuur_url(a, a.bijlage)).status_code == 404
    bijlage = url("beheer-bijlage", a.corporatie, a.bijlage.pk)
    assert beheerder.get(bijlage).status_code == 404
