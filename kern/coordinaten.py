"""A location as people give it: WGS84 degrees (what is stored and shown on a
map) or Rijksdriehoeksmeting coordinates (RD, EPSG:28992, what Dutch registers
such as the BAG and a corporation's own systems hold), converted with pyproj.

`coordinaten_uit_rd` takes `rd_x`/`rd_y` out of a service's input and puts the
WGS84 `latitude`/`longitude` in their place, so every way in (form, API,
import) stores the same."""

from __future__ import annotations

import threading
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The RD grid's extent over the European Netherlands, in metres.
RD_X_RANGE = (Decimal(0), Decimal(300000))
RD_Y_RANGE = (Decimal(289000), Decimal(629000))
# Six decimals of a degree: about 0.1 m, finer than any building needs.
DEGREES = Decimal("0.000001")

_local = threading.local()


def _transformer():
    # A pyproj Transformer may not be shared between threads: one per thread.
    transformer = getattr(_local, "transformer", None)
    if transformer is None:
        from pyproj import Transformer

        transformer = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
        _local.transformer = transformer
    return transformer


def rd_naar_wgs84(x: Decimal, y: Decimal) -> tuple[Decimal, Decimal]:
    """The WGS84 (latitude, longitude) of an RD point, to six decimals."""
    longitude, latitude = _transformer().transform(float(x), float(y))
    return (
        Decimal(repr(latitude)).quantize(DEGREES, ROUND_HALF_UP),
        Decimal(repr(longitude)).quantize(DEGREES, ROUND_HALF_UP),
    )


def _metres(value: Any, bounds: tuple[Decimal, Decimal]) -> Decimal | None:
    """The number of metres `value` reads as within `bounds`, else None."""
    try:
        number = Decimal(str(value).strip()[:32].replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if number.is_finite() and bounds[0] <= number <= bounds[1]:
        return number
    return None


def coordinaten_uit_rd(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with `rd_x` and `rd_y` (when given) replaced by the `latitude`
    and `longitude` they convert to. Both or neither, and not together with
    WGS84 degrees; refusals name the field."""
    if "rd_x" not in data and "rd_y" not in data:
        return data
    data = dict(data)
    x, y = data.pop("rd_x", None), data.pop("rd_y", None)
    if x in (None, "") and y in (None, ""):
        return data
    for name, value in (("rd_x", x), ("rd_y", y)):
        if value in (None, ""):
            raise ValidationError(
                {name: _("Vul beide RD-coördinaten in (x en y), of geen van beide.")}
            )
    if data.get("latitude") is not None or data.get("longitude") is not None:
        raise ValidationError(
            {
                "rd_x": _(
                    "Geef de ligging in RD-coördinaten of in graden (WGS84), niet "
                    "allebei."
                )
            }
        )
    metres = {"rd_x": _metres(x, RD_X_RANGE), "rd_y": _metres(y, RD_Y_RANGE)}
    refused = {
        name: _(
            "De RD-coördinaat moet een getal in meters tussen %(van)s en %(tot)s zijn."
        )
        % {"van": bounds[0], "tot": bounds[1]}
        for name, bounds in (("rd_x", RD_X_RANGE), ("rd_y", RD_Y_RANGE))
        if metres[name] is None
    }
    if refused:
        raise ValidationError(refused)
    data["latitude"], data["longitude"] = rd_naar_wgs84(metres["rd_x"], metres["rd_y"])
    return data
