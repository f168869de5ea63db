"""The background tiles of the map of gebouwen (docs/kaart.md).

`KAART_TEGELS_URL` is a tile URL template with `{z}`, `{x}` and `{y}` (and
optionally `{s}` as the first label of the host, for a server with subdomains);
default the PDOK BRT achtergrondkaart in EPSG:3857 (web mercator). Empty: no
tiles, the markers on a plain background. The origin of the URL is the one
source besides the site itself that the Content-Security-Policy lets images come
from (`img_src`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from csp.constants import SELF

STANDAARD_TEGELS_URL = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/"
    "{z}/{x}/{y}.png"
)
STANDAARD_TEGELS_ATTRIBUTIE = "Kaartgegevens © Kadaster"
MAX_URL_LENGTE = 500


def tegels_origin(url: str) -> str | None:
    """The origin (scheme, host, port) of a tile URL template, as a CSP source;
    None for no tiles. `{s}` as the first host label becomes the CSP wildcard.
    Anything else than an http(s) template with {z}, {x} and {y} is refused."""
    url = url.strip()
    if not url:
        return None
    fout = f"KAART_TEGELS_URL={url[:80]!r}: "
    if len(url) > MAX_URL_LENGTE or any(c.isspace() or c in "'\";," for c in url):
        raise ImproperlyConfigured(
            fout + f"must be one URL of at most {MAX_URL_LENGTE} characters, "
            "without spaces, quotes, commas or semicolons."
        )
    if any(deel not in url for deel in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured(fout + "must contain {z}, {x} and {y}.")
    delen = urlsplit(url)
    if delen.scheme not in ("https", "http") or not delen.netloc:
        raise ImproperlyConfigured(fout + "must be an https:// (or http://) URL.")
    host = delen.netloc.rpartition("@")[2]
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if "{" in host or "}" in host:
        raise ImproperlyConfigured(
            fout + "only {s}, as the first part of the host name, may stand in it."
        )
    return f"{delen.scheme}://{host}"


def img_src(tegels_url: str) -> list[str]:
    """The CSP `img-src` sources: the site, data: URLs (Leaflet's and the
    charts' small images), and the tile server when there is one."""
    origin = tegels_origin(tegels_url)
    return [SELF, "data:", *([origin] if origin else [])]
