"""Forms of the report pages: the year filter of the auditor's start page and the
verification of a report (upload a PDF or give its SHA-256)."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from afspraken.filtersets import RapportFilter
from afspraken.rapporten import too_large_message
from portalen.filters import PageFilter

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class RapportListFilter(PageFilter, RapportFilter):
    """The API's `?jaar=` above the sealed reports, offered as the years with a
    report; an empty choice shows every year."""

    label = _("Rapporten filteren")

    page_fields = ("jaar",)
    labels = {"jaar": _("Jaar")}


class VerifieerForm(forms.Form):
    """One PDF file or one SHA-256: which sealed report is it, if any?"""

    pdf = forms.FileField(
        label=_("PDF-bestand"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    sha256 = forms.CharField(
        label=_("Of de SHA-256 van het bestand"),
        required=False,
        max_length=80,
        help_text=_(
            "64 tekens 0-9 en a-f, bijvoorbeeld de uitvoer van "
            "<code>sha256sum rapport.pdf</code>."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pdf"].help_text = _(
            "Het nalevingsrapport zoals u het hebt ontvangen of gedownload, "
            "hoogstens %(grootte)s."
        ) % {"grootte": filesizeformat(settings.VERIFIEER_MAX_BYTES)}

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload and upload.size > settings.VERIFIEER_MAX_BYTES:
            raise forms.ValidationError(too_large_message(upload.size))
        return upload

    def clean_sha256(self):
        value = "".join(self.cleaned_data.get("sha256", "").split()).lower()
        if value and not SHA256_RE.match(value):
            raise forms.ValidationError(
                _(
                    "Een SHA-256 moet uit precies 64 tekens 0-9 en a-f bestaan; "
                    "dit zijn "
                    "er %(aantal)s."
                )
                % {"aantal": len(value)}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not cleaned.get("pdf") and not cleaned.get("sha256"):
            raise forms.ValidationError(
                {"pdf": _("Kies een PDF-bestand of vul een SHA-256 in.")}
            )
        if cleaned.get("pdf") and cleaned.get("sha256"):
            raise forms.ValidationError(
                {"sha256": _("Geef een PDF-bestand óf een SHA-256, niet allebei.")}
            )
        return cleaned
