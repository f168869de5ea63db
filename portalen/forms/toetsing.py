"""Forms of the yearly cycle pages: the dashboard filters, returning a year and
assessing a kwalitatief toezegging."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from afspraken import termijnen
from afspraken.choices import ToetsingStatus, Verdict
from kern.gemeenten import gemeente_naam
from portalen.filters import complexnummer_field, gebouw_keuzes

# Status of an afspraak in a year without a toetsing (the year was not opened).
NIET_GEOPEND = "niet_geopend"

STATUS_KEUZES = [
    ("", _("alle statussen")),
    (termijnen.TE_LAAT, termijnen.TE_LAAT_LABEL),
    (NIET_GEOPEND, _("nog niet geopend")),
    *ToetsingStatus.choices,
]


class DashboardFilterForm(forms.Form):
    """The filters above the dashboard (a GET form; every field optional).

    A form of its own, not a FilterSet: its rows are afspraak-years, also the
    years without a toetsing (status "nog niet geopend", which is stored
    nowhere), worked out in Python, not a queryset of one model. It offers the
    interface of `portalen.filters.PageFilter` to the list template."""

    label = _("Toetsingen filteren")

    gemeente = forms.ChoiceField(label=_("Gemeente"), required=False)
    gebouw = forms.TypedChoiceField(
        label=_("Gebouw"), required=False, coerce=int, empty_value=None
    )
    jaar = forms.TypedChoiceField(
        label=_("Jaar"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_KEUZES)

    def __init__(self, *args, gebouwen, gemeenten, jaren, **kwargs):
        """`gebouwen`: a queryset of the gebouwen with an afspraak, offered as a
        choice up to `GEBOUW_KEUZE_MAX`, else searched by complexnummer (then
        `gebouw` cleans to the pk of the gebouw with that number); `gemeenten`:
        their gemeentecodes."""
        super().__init__(*args, **kwargs)
        self.gebouwen = gebouwen
        self.fields["gemeente"].choices = [
            ("", _("alle gemeenten")),
            *(
                (code, gemeente_naam(code))
                for code in sorted(set(gemeenten), key=gemeente_naam)
            ),
        ]
        keuzes = gebouw_keuzes(gebouwen)
        if keuzes is None:
            self.fields["gebouw"] = complexnummer_field(_("Gebouw"))
        else:
            self.fields["gebouw"].choices = keuzes
        self.fields["jaar"].choices = [
            ("", _("alle jaren")),
            *((jaar, str(jaar)) for jaar in jaren),
        ]

    def clean_gebouw(self):
        waarde = self.cleaned_data.get("gebouw")
        if not isinstance(waarde, str) or not waarde.strip():
            return waarde or None
        pk = (
            self.gebouwen.filter(complexnummer__iexact=waarde.strip())
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            raise forms.ValidationError(
                _(
                    "Complexnummer %(nummer)s moet van een gebouw met een "
                    "afspraak zijn."
                ),
                code="onbekend",
                params={"nummer": waarde.strip()},
            )
        return pk

    @property
    def form(self):
        return self

    @property
    def active(self) -> bool:
        """Whether the address sets any of the filters."""
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class TerugsturenForm(forms.Form):
    """The reason a beheerder returns a submitted year (required)."""

    reden = forms.CharField(
        label=_("Reden van terugsturen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Wat moet het bestuur aanvullen of verbeteren? Het bestuur ziet deze "
            "reden op zijn jaaroverzicht; zij komt ook in het journaal."
        ),
        max_length=2000,
    )


class BeoordelenForm(forms.Form):
    """The beheerder's assessment of one kwalitatief toezegging."""

    oordeel = forms.ChoiceField(
        label=_("Oordeel"),
        choices=[
            (Verdict.NAGEKOMEN, Verdict.NAGEKOMEN.label),
            (Verdict.DEELS, Verdict.DEELS.label),
            (Verdict.NIET_NAGEKOMEN, Verdict.NIET_NAGEKOMEN.label),
        ],
        widget=forms.RadioSelect,
    )
    toelichting = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarop baseert u het oordeel? Verplicht; komt in het rapport."),
        max_length=2000,
    )
