"""PDF rendering with WeasyPrint that never touches the network or the file system
outside the project's static files.

Every URL in a template resolves against the `static:` scheme; the fetcher serves
such URLs from Django's static finders and refuses every other scheme (`file:`,
`http:`, `https:`, `data:` …), so text a user typed — say an activity description
holding `<img src="file:///etc/passwd">` — can never make the renderer read a file
or call a host. Templates escape user text anyway; this is the second wall.
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders

from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from kern.validators import CONTROL_CHARACTERS_MULTI_LINE

logger = logging.getLogger(__name__)

# fontTools stamps every font subset it writes with the current time unless
# SOURCE_DATE_EPOCH is set; a fixed stamp keeps rendering byte-for-byte repeatable.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")

STATIC_BASE_URL = "static:///"
PDF_VARIANT = "pdf/a-3b"


def printable(value: Any) -> Any:
    """Data for a print template with every control character in its texts
    replaced by U+FFFD (tabs and line breaks stay: HTML reads them as spaces).

    The models refuse such characters; this is the second wall for data that got
    in another way (older rows, a snapshot taken before the rule, raw SQL), so
    that no stored text can break a line, reorder the text around it, or upset
    the PDF's metadata. Dicts, lists and tuples are copied, other values kept.
    """
    if isinstance(value, str):
        return CONTROL_CHARACTERS_MULTI_LINE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(printable(item) for item in value)
    return value


# The languages a report can be written in; Dutch unless the sealer reads English.
TALEN = ("nl", "en")


def rapporttaal(taal: str | None) -> str:
    """The language a report is written in: Dutch unless English is asked for."""
    code = (taal or "nl").split("-")[0].lower()
    return code if code in TALEN else "nl"


class RefusedURLError(ValueError):
    """A URL outside the static files was asked for."""


class StaticOnlyURLFetcher(URLFetcher):
    """Serves `static:///path` from the static files; refuses anything else."""

    def __init__(self):
        super().__init__(allowed_protocols=("static",), fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_BASE_URL):
            self.refused.append(url)
            logger.warning("PDF renderer refused URL %s", url[:200])
            raise RefusedURLError(f"refused: {url[:200]}")
        relative = url.removeprefix(STATIC_BASE_URL).split("?")[0].split("#")[0]
        path = finders.find(relative) if ".." not in Path(relative).parts else None
        if not path:
            self.refused.append(url)
            raise RefusedURLError(f"no static file: {relative}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(path).read_bytes(), {"Content-Type": content_type}
        )


@dataclass(frozen=True)
class Bijvoegsel:
    """A file attached inside the PDF (PDF/A-3 associated file)."""

    name: str
    content: bytes
    description: str
    relationship: str = "Data"


def render_pdf(
    html: str,
    *,
    attachments: tuple[Bijvoegsel, ...] = (),
    moment: datetime.datetime,
    identifier: bytes,
) -> tuple[bytes, StaticOnlyURLFetcher]:
    """Render HTML to PDF/A-3b bytes with the given attachments.

    `moment` fixes every date inside the file and `identifier` its PDF /ID, so the
    same input gives the same bytes.
    """
    fetcher = StaticOnlyURLFetcher()
    files = [
        Attachment(
            string=a.content,
            name=a.name,
            description=a.description,
            created=moment,
            modified=moment,
            relationship=a.relationship,
            url_fetcher=fetcher,
        )
        for a in attachments
    ]
    document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).render()
    pdf = document.write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_identifier=identifier,
        attachments=files,
        uncompressed_pdf=False,
    )
    return pdf, fetcher
