"""Evidence files (bijlagen of activities, bonnen of bookings) as HTTP responses,
for every portal that shows them.

Evidence is never served from a public media URL: only through a portal view,
after the portal's scope check, with the stored (sniffed) type and headers that
keep a browser from treating the file as a page of this site.

A thumbnail is a small JPEG made with Pillow from a photo. Photos are decoded
only when their pixel count is bounded (`MAX_PIXELS`), checked from the header
before any pixel is read (a JPEG is decoded at a reduced scale, so its bound is
higher), so a decompression bomb (a small file that unpacks to
gigapixels) is refused without being decoded; a file Pillow cannot read, or one
that is no photo (a PDF), gets no thumbnail.
"""

from __future__ import annotations

import io
import warnings

from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from PIL import Image, ImageOps, UnidentifiedImageError

from ledger.bijlagen import EXTENSIONS
from ledger.models import Bewijsbestand

# Largest photo (in pixels) a thumbnail is made of; anything larger is refused
# before decoding. A JPEG decodes at up to 1/8 of its size for a thumbnail (a
# 48-megapixel phone photo fits); other formats decode whole (16 megapixels is
# some 64 MB in memory).
MAX_PIXELS = {"JPEG": 64_000_000}
MAX_PIXELS_OTHER = 16_000_000
# The longest side of a thumbnail, in pixels.
THUMBNAIL_SIZE = 240
# A thumbnail never changes for a bijlage (the file is never replaced, only
# removed), so the browser may keep it a while; private: never a shared cache.
THUMBNAIL_CACHE_CONTROL = "private, max-age=3600"

# Images Pillow may decode for a thumbnail (the types `ledger.bijlagen` accepts).
THUMBNAIL_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")


def _safe_headers(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def bestandsnaam(bijlage: Bewijsbestand) -> str:
    """The file's name for the browser: the name it had when uploaded (already
    cleaned), with the extension of its sniffed type, so a PDF named `x.exe`
    downloads as `x.pdf`; the stored name when the upload had none."""
    opgeslagen = bijlage.bestand.name.rsplit("/", 1)[-1]
    if not bijlage.oorspronkelijke_naam:
        return opgeslagen
    stam, punt, _extensie = bijlage.oorspronkelijke_naam.rpartition(".")
    stam = stam if punt and stam else bijlage.oorspronkelijke_naam
    extensie = EXTENSIONS.get(bijlage.content_type) or opgeslagen.rsplit(".", 1)[-1]
    return f"{stam}.{extensie}"


def heeft_miniatuur(bijlage: Bewijsbestand) -> bool:
    """Whether a thumbnail is offered: photos only."""
    return bijlage.content_type.startswith("image/")


def download(bijlage: Bewijsbestand) -> FileResponse:
    """The file itself: photos open in the browser, PDFs are downloaded; the
    stored type is sent, never guessed; never cached (evidence may show people)."""
    try:
        bestand = bijlage.bestand.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Het bestand van dit bewijsstuk ontbreekt.")) from exc
    response = FileResponse(
        bestand,
        content_type=bijlage.content_type,
        as_attachment=not heeft_miniatuur(bijlage),
        filename=bestandsnaam(bijlage),
    )
    response["Cache-Control"] = "private, no-store"
    return _safe_headers(response)


class MiniatuurError(Exception):
    """The file is no photo that can be made small safely."""


def miniatuur_bytes(data: bytes, size: int = THUMBNAIL_SIZE) -> bytes:
    """A JPEG of at most `size` × `size` pixels of the photo in `data`.

    Raises `MiniatuurError` for a file that is no readable photo or whose pixel
    count exceeds its bound (checked before decoding)."""
    try:
        with warnings.catch_warnings():
            # Our own bound below is stricter than Pillow's warning threshold.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=THUMBNAIL_FORMATS)
            breedte, hoogte = image.size
            grens = MAX_PIXELS.get(image.format, MAX_PIXELS_OTHER)
            if breedte <= 0 or hoogte <= 0 or breedte * hoogte > grens:
                raise MiniatuurError("too many pixels")
            image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale
            image = ImageOps.exif_transpose(image)
            image.thumbnail((size, size))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGBA")
                achtergrond = Image.new("RGB", image.size, (255, 255, 255))
                achtergrond.paste(image, mask=image.getchannel("A"))
                image = achtergrond
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=80, optimize=True)
    except MiniatuurError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,  # raised by some Pillow plugins for a malformed header
    ) as exc:
        raise MiniatuurError(str(exc)) from exc
    return out.getvalue()


def miniatuur(request, bijlage: Bewijsbestand) -> HttpResponse:
    """A thumbnail of a photo bijlage as a JPEG response; 404 for a file without
    one (no photo, unreadable, or too large to decode safely). Answers 304 when
    the browser holds the current one (the ETag is the file's SHA-256)."""
    if not heeft_miniatuur(bijlage):
        raise Http404(_("Van dit bewijsstuk is geen miniatuur te maken."))
    etag = f'"{bijlage.sha256}-{THUMBNAIL_SIZE}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        try:
            with bijlage.bestand.open("rb") as bestand:
                data = bestand.read()
        except FileNotFoundError as exc:
            raise Http404(_("Het bestand van dit bewijsstuk ontbreekt.")) from exc
        try:
            jpeg = miniatuur_bytes(data)
        except MiniatuurError as exc:
            raise Http404(_("Van dit bewijsstuk is geen miniatuur te maken.")) from exc
        response = HttpResponse(jpeg, content_type="image/jpeg")
        naam = bestandsnaam(bijlage).rsplit(".", 1)[0]
        response["Content-Disposition"] = content_disposition_header(
            False, f"{naam}-klein.jpg"
        )
    response["ETag"] = etag
    response["Cache-Control"] = THUMBNAIL_CACHE_CONTROL
    return _safe_headers(response)
