"""Form plumbing shared by every portal: the date widget and the form that leaves
writing to the services."""

import re
from decimal import Decimal

from django import forms

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


def date_input() -> forms.DateInput:
    return forms.DateInput(**DATE_WIDGET)


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that takes labels, choices and help texts from the model but
    leaves the instance alone: the service validates and writes, and it needs the
    stored values untouched to journal what changed."""

    def _post_clean(self):
        pass

    def changed_values(self) -> dict:
        """The cleaned values of the fields the user changed."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


# Amounts ---------------------------------------------------------------------------

BEDRAG_MAX_LENGTE = 32
"""Longer text is refused before it is read as an amount."""

_BEDRAG_TEKENS = str.maketrans("", "", " \u00a0\u202f\t")
_BEDRAG_NL = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")
_BEDRAG_PUNT = re.compile(r"^(\d+)\.(\d{1,2})$")
_BEDRAG_EN = re.compile(r"^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$")


def lees_bedrag(tekst: str) -> Decimal:
    """An amount in euro as people type it: ``1.234,50``, ``1234,5``, ``€ 12``,
    ``-12,50``, and the machine forms ``1234.50`` and ``1,234.50``.

    A comma is the decimal separator and dots group thousands (``1.234`` is one
    thousand two hundred and thirty-four); a lone dot followed by one or two
    digits is a decimal point, as spreadsheets write it. Anything else, an
    ambiguous grouping included, raises ValueError with a Dutch message saying
    what the amount must look like.
    """
    tekst = str(tekst)
    if len(tekst) > BEDRAG_MAX_LENGTE:
        raise ValueError(
            f"Een bedrag mag hoogstens {BEDRAG_MAX_LENGTE} tekens lang zijn."
        )
    tekst = tekst.translate(_BEDRAG_TEKENS)
    for teken in ("€", "EUR", "eur"):
        tekst = tekst.removeprefix(teken)
    teken = ""
    if tekst and tekst[0] in "+-":
        teken, tekst = tekst[0], tekst[1:]
    tekst = tekst.removeprefix("€")
    for patroon in (_BEDRAG_NL, _BEDRAG_PUNT):
        if m := patroon.match(tekst):
            geheel, decimalen = m.group(1).replace(".", ""), m.group(2) or ""
            break
    else:
        if m := _BEDRAG_EN.match(tekst):
            geheel, decimalen = m.group(1).replace(",", ""), m.group(2)
        else:
            raise ValueError(
                "Een bedrag moet een getal in euro zijn, bijvoorbeeld 1.234,50."
            )
    waarde = Decimal(f"{geheel}.{decimalen or '0'}")
    return -waarde if teken == "-" else waarde


class BedragField(forms.DecimalField):
    """A DecimalField that reads Dutch amounts (``lees_bedrag``) and shows the
    stored value with a decimal comma; the model's bounds and decimal places
    still apply."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return lees_bedrag(value)
        except ValueError as fout:
            raise forms.ValidationError(str(fout), code="invalid") from fout
