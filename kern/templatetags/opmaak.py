"""Template filters of `kern.formatting`, in the active language.

``{% load opmaak %}`` then ``{{ x|getal }}``, ``{{ x|getal:2 }}`` (two decimals),
``{{ x|getal:"-2" }}`` (two decimals, none for a whole number, as ``floatformat``
writes it), ``{{ n|aantal }}`` (a count, grouped), ``{{ h|uren }}`` (hours,
grouped, no trailing zeros), ``{{ x|bedrag }}``, ``{{ x|percentage }}`` (one decimal) or
``{{ x|percentage:0 }}``, ``{{ d|datum }}`` or ``{{ d|datum:"lang" }}``, and
``{{ t|moment }}``, ``{{ t|moment:"seconden" }}`` or ``{{ t|moment:"compact" }}``.
"""

from __future__ import annotations

from django import template

from kern import formatting

register = template.Library()

# A variable a template does not know is "" (string_if_invalid): written as
# nothing, as Django's own filters do; any other value that is no number raises.


def _decimals(arg) -> tuple[int | None, bool]:
    """A filter's argument as (decimals, compact): ``"-2"`` is two, compact."""
    if arg is None or arg == "":
        return None, False
    number = int(arg)
    return abs(number), number < 0


@register.filter
def getal(value, arg=None) -> str:
    if value == "":
        return ""
    decimalen, compact = _decimals(arg)
    return formatting.getal(value, decimalen, compact=compact)


@register.filter
def aantal(value) -> str:
    """A count: whole, thousands separated ("1.234")."""
    if value == "":
        return ""
    return formatting.aantal(value)


@register.filter
def uren(value) -> str:
    """Hours as stored (to the hundredth), thousands separated, without
    trailing zeros: "1.234,5", "2,25", "12"."""
    if value == "":
        return ""
    if value is None:
        return formatting.LEEG
    return formatting.getal(value, groeperen=True)


@register.filter
def bedrag(value) -> str:
    if value == "":
        return ""
    return formatting.bedrag(value)


@register.filter
def percentage(value, arg=1) -> str:
    if value == "":
        return ""
    decimalen, compact = _decimals(arg)
    return formatting.percentage(value, decimalen, compact=compact)


@register.filter
def datum(value, vorm="kort") -> str:
    if value == "":
        return ""
    return formatting.datum(value, vorm)


@register.filter
def moment(value, arg="kort") -> str:
    """``arg``: a date form, ``seconden``, or both separated by a comma."""
    if value == "":
        return ""
    woorden = [w.strip() for w in str(arg).split(",") if w.strip()]
    seconden = "seconden" in woorden
    vormen = [w for w in woorden if w != "seconden"]
    return formatting.moment(value, *vormen[:1], seconden=seconden)
