"""``{% load gemeente %}`` then ``{{ code|gemeente }}``: the CBS gemeente name of
a gemeentecode (``GM0344`` → ``Utrecht``), the code when unknown."""

from __future__ import annotations

from django import template

from kern.gemeenten import gemeente_naam

register = template.Library()


@register.filter
def gemeente(code) -> str:
    return gemeente_naam(str(code)) if code else ""
