"""Reading a rendered report back: its text per page, the verdicts it shows, and
where on the page each piece of text is drawn."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable

import pypdf
from pypdf.generic import ContentStream

from afspraken.choices import Verdict

# Longest first: "nagekomen" is also part of "niet nagekomen" and "deels nagekomen".
VERDICT_LABELS = sorted((str(v.label) for v in Verdict), key=len, reverse=True)


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def flat(text: str) -> str:
    """The text with every run of white space as one space."""
    return " ".join(text.split())


def verdict_counts(text: str) -> Counter:
    """How often each verdict label is shown in a text."""
    rest = flat(text).lower()
    counts = Counter()
    for label in VERDICT_LABELS:
        counts[label] = rest.count(label)
        rest = rest.replace(label, " ")
    return +counts


def expected_verdicts(verdicts: Iterable[str]) -> Counter:
    return Counter(str(Verdict(v).label) for v in verdicts)


def _times(m: list[float], n: list[float]) -> list[float]:
    """The PDF matrix product m × n (m applied first)."""
    a, b, c, d, e, f = m
    aa, bb, cc, dd, ee, ff = n
    return [
        a * aa + b * cc,
        a * bb + b * dd,
        c * aa + d * cc,
        c * bb + d * dd,
        e * aa + f * cc + ee,
        e * bb + f * dd + ff,
    ]


def text_origins(page: pypdf.PageObject) -> list[tuple[float, float]]:
    """Where each text-showing operator of the page starts, in page coordinates.

    WeasyPrint positions every run of text with its own `Tm`, so the start of
    each run is exact; this is enough to see text pushed off the page.
    """
    identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    ctm, stack, line = identity, [], identity
    origins = []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _times([float(v) for v in operands], ctm)
        elif operator == b"BT":
            line = identity
        elif operator == b"Tm":
            line = [float(v) for v in operands]
        elif operator in (b"Td", b"TD"):
            tx, ty = (float(v) for v in operands)
            line = _times([1.0, 0.0, 0.0, 1.0, tx, ty], line)
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            matrix = _times(line, ctm)
            origins.append((matrix[4], matrix[5]))
    return origins


def text_outside_pages(data: bytes) -> list[tuple[int, float, float]]:
    """(page number, x, y) of every run of text that starts outside its page."""
    outside = []
    for number, page in enumerate(reader(data).pages, 1):
        box = page.mediabox
        for x, y in text_origins(page):
            if not (
                float(box.left) <= x <= float(box.right)
                and float(box.bottom) <= y <= float(box.top)
            ):
                outside.append((number, round(x), round(y)))
    return outside
