"""Evidence files are recognised by their content, never by their name."""

from __future__ import annotations

import unicodedata

# Character categories never kept in a shown file name: controls, format
# characters (bidi overrides, zero-width), line and paragraph separators.
_ONZICHTBAAR = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def sniff_content_type(head: bytes) -> str | None:
    """The accepted type that the first bytes show, or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def schone_naam(naam: str | None, limit: int) -> str:
    """The name an upload had on the user's device, fit to show: without any
    folder part, control, format or separator characters, whitespace collapsed,
    and at most `limit` characters (the extension kept when it is cut). Never
    used to store or serve the file."""
    naam = (naam or "")[-4096:]  # the base name is at the end
    naam = naam.replace("\\", "/").rsplit("/", 1)[-1]
    naam = "".join(
        " " if unicodedata.category(char) in _ONZICHTBAAR else char for char in naam
    )
    naam = " ".join(naam.split()).strip(" .")
    if len(naam) > limit:
        stam, punt, extensie = naam.rpartition(".")
        if punt and stam and len(extensie) <= 8:
            naam = stam[: limit - len(extensie) - 2] + "…." + extensie
        else:
            naam = naam[: limit - 1] + "…"
    return naam
