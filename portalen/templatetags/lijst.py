"""Template tags of the list pages (portalen/lijst.html).

    {% load lijst %}
    {% koppen _("Naam") getal:_("Woningen") verborgen:_("Acties") %}

renders one ``<th scope="col">`` per label, in order: a ``getal:`` column (of
numbers) is right-aligned like its cells (``class="num"``), a ``verborgen:``
label is read out by assistive technology only.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

SOORTEN = ("getal", "verborgen")


class KoppenNode(template.Node):
    def __init__(self, kolommen):
        self.kolommen = kolommen

    def render(self, context):
        cells = []
        for soort, label in self.kolommen:
            text = label.resolve(context)
            if soort == "verborgen":
                text = format_html('<span class="visually-hidden">{}</span>', text)
            numeric = mark_safe(' class="num"') if soort == "getal" else ""
            cells.append((numeric, text))
        return format_html_join("\n", '<th scope="col"{}>{}</th>', cells)


@register.tag
def koppen(parser, token):
    """The header cells of a list's table, one per label (see the module)."""
    kolommen = []
    for bit in token.split_contents()[1:]:
        soort, sep, label = bit.partition(":")
        if not sep or soort not in SOORTEN:
            soort, label = "", bit
        kolommen.append((soort, parser.compile_filter(label)))
    return KoppenNode(kolommen)
