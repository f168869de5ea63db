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
        `gebouw` cleans to the ids of the gebouwen with that number); `gemeenten`:
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

    def clean_gebouw(self) -> frozenset[int] | None:
        """The ids of the chosen gebouw, or of every gebouw with the searched
        complexnummer (the number is unique per corporatie as written, so "C1"
        and "c1" can both exist: both are found). A number that is no
        complexnummer but the id of one of the gebouwen still finds it: a link
        made while the filter was a choice keeps its meaning once the
        corporatie has more gebouwen than the choice shows."""
        waarde = self.cleaned_data.get("gebouw")
        if isinstance(waarde, int):
            return frozenset({waarde})
        if not waarde or not waarde.strip():
            return None
        nummer = waarde.strip()
        pks = frozenset(
            self.gebouwen.filter(complexnummer__iexact=nummer).values_list(
                "pk", flat=True
            )
        )
        if not pks and nummer.isdigit() and len(nummer) < 19:
            pks = frozenset(
                self.gebouwen.filter(pk=int(nummer)).values_list("pk", flat=True)
            )
        if not pks:
            raise forms.ValidationError(
                _(
                    "Complexnummer %(nummer)s moet van een gebouw met een "
                    "afspraak zijn."
                ),
                code="onbekend",
                params={"nummer": nummer},
            )
        return pks

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
