"""Forms of the bestuur's ledger pages: activities with evidence, bookings, storno.

The forms only shape and parse input; every rule (volunteers of this cooperatie,
year lock, evidence type and size, a booking cancelled once) stays in
`ledger.services`, whose refusals the views put back on these forms.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatie.models import Lid
from kern import formatting
from ledger.choices import Thema
from ledger.filtersets import ActiviteitFilter
from ledger.models import Activiteit
from portalen.filters import PageFilter, search_input

ALLE_JAREN = "alle"
# The longest search text of a list.
ZOEK_MAX = 100


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _decimal_input() -> forms.TextInput:
    # A text input with a decimal keyboard on a phone; accepts "3,5" and "3.5".
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def _number_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})


def _model_field(model, name: str, **kwargs) -> forms.Field:
    """The form field of a model field, so label, help text and limits have one
    source."""
    return model._meta.get_field(name).formfield(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the user pick several files at once."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files; each is checked by the service that stores it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(d, initial) for d in data if d]
        if not data:
            return []
        return [single_file_clean(data, initial)]


class LidChoiceField(forms.ModelMultipleChoiceField):
    """Members by name (the bestuur of their own cooperatie may see names)."""

    def label_from_instance(self, obj: Lid) -> str:
        if obj.bestuursfunctie:
            return f"{obj.naam} ({obj.get_bestuursfunctie_display()})"
        return obj.naam


# The volunteer picker's filter: its query parameter and its longest text.
ZOEK_LID = "zoek_lid"
ZOEK_LID_MAX = 100


def zoek_lid(data) -> str:
    """The picker's filter text from a query or form (bounded)."""
    return (data.get(ZOEK_LID) or "").strip()[:ZOEK_LID_MAX]


def uren_name(pk) -> str:
    return f"uren_{pk}"


class VrijwilligerPicker(forms.CheckboxSelectMultiple):
    """The volunteers as checkboxes, each with its hours, and a text filter.

    The chosen members come first and are always shown; the others only when
    their name contains the filter (`zoek`), so the filter works without
    JavaScript (static/js/vrijwilligers.js filters the same list as one types).
    """

    template_name = "bestuur/widgets/vrijwilligers.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zoek = ""
        self.uren: dict[str, str] = {}

    def get_context(self, name, value, attrs):
        # Not the choice widget's own option groups: one pass over the members.
        context = forms.Widget.get_context(self, name, value, attrs)
        gekozen = {str(v) for v in context["widget"]["value"] or ()}
        zoek = self.zoek.casefold()
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        eerst, rest, verborgen = [], [], 0
        for index, (choice, label) in enumerate(self.choices):
            pk = str(choice)
            row = {
                "pk": pk,
                "label": label,
                "id": f"{base_id}_{index}",
                "checked": pk in gekozen,
                "uren_name": uren_name(pk),
                "uren": self.uren.get(pk, ""),
            }
            if row["checked"]:
                eerst.append(row)
            elif not zoek or zoek in str(label).casefold():
                rest.append(row)
            else:
                verborgen += 1
        context["picker"] = {
            "rows": eerst + rest,
            "zoek": self.zoek,
            "zoek_param": ZOEK_LID,
            "zoek_max": ZOEK_LID_MAX,
            "verborgen": verborgen,
        }
        return context


class ActiviteitForm(forms.Form):
    """One activity with its volunteers and new evidence files.

    The volunteers to choose from are the cooperatie's members on the activity's
    date (the date typed in, when the form is posted) or today, plus those already
    chosen, so an edit never drops a volunteer silently.
    """

    datum = _model_field(Activiteit, "datum", widget=_date_input())
    titel = _model_field(Activiteit, "titel")
    thema = _model_field(Activiteit, "thema")
    omschrijving = _model_field(
        Activiteit, "omschrijving", widget=forms.Textarea(attrs={"rows": 4})
    )
    open_voor_buurt = _model_field(
        Activiteit,
        "open_voor_buurt",
        help_text=_(
            "Aankruisen als ook buurtbewoners die geen lid zijn mochten komen."
        ),
    )
    deelnemers_leden = _model_field(
        Activiteit,
        "deelnemers_leden",
        widget=_number_input(),
        help_text=_("Aantal leden dat meedeed."),
    )
    deelnemers_buurt = _model_field(
        Activiteit, "deelnemers_buurt", widget=_number_input()
    )
    vrijwilligersuren = _model_field(
        Activiteit,
        "vrijwilligersuren",
        localize=True,
        widget=_decimal_input(),
        help_text=_("Alle uren van alle vrijwilligers samen, bijv. 7,5."),
    )
    vrijwilligers = LidChoiceField(
        queryset=Lid.objects.none(),
        required=False,
        label=_("Vrijwilligers"),
        widget=VrijwilligerPicker,
        help_text=_(
            "Leden die als vrijwilliger hebben meegeholpen. Uren per vrijwilliger "
            "zijn optioneel; vult u ze in, dan voor iedereen, en samen moeten ze "
            "de vrijwilligersuren zijn."
        ),
    )
    partners = _model_field(
        Activiteit,
        "partners",
        help_text=_("Organisaties waarmee is samengewerkt, bijv. de bibliotheek."),
    )
    buurtcode = _model_field(
        Activiteit,
        "buurtcode",
        help_text=_(
            "Optioneel: de CBS-buurtcode van de plek van de activiteit, bijv. "
            "BU03440304, als die niet in de buurt van uw gebouw was. De "
            "Woningwet vraagt leefbaarheidswerk in de directe omgeving, voor "
            "huurders en met partners; een afwijking is een signaal, geen "
            "weigering."
        ),
    )
    bijlagen = MultipleFileField(
        label=_("Bewijsstukken toevoegen"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
        help_text=_(
            "Foto's (JPEG, PNG, GIF, WebP) of PDF-bestanden, zoals een bon of een "
            "foto van de activiteit. U kunt meerdere bestanden tegelijk kiezen."
        ),
    )

    def __init__(
        self,
        *args,
        leden,
        activiteit: Activiteit | None = None,
        zoek: str = "",
        **kwargs,
    ):
        """`leden`: the cooperatie's members visible to the user; `zoek`: the
        volunteer picker's filter."""
        self.activiteit = activiteit
        self.opgeslagen_uren: dict[int, Decimal | None] = (
            dict(activiteit.vrijwilligerschappen.values_list("lid_id", "uren"))
            if activiteit is not None
            else {}
        )
        if activiteit is not None:
            initial = {
                name: getattr(activiteit, name)
                for name in Activiteit.EDITABLE_FIELDS
                if name != "vrijwilligers"
            }
            initial["vrijwilligers"] = [
                lid.pk for lid in activiteit.vrijwilligers.all()
            ]
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        vandaag = timezone.localdate()
        datum = self._posted_datum() or (activiteit.datum if activiteit else None)
        on_date = Q()
        for dag in {vandaag, datum} - {None}:
            on_date |= Q(lid_sinds__lte=dag) & (
                Q(lid_tot__isnull=True) | Q(lid_tot__gt=dag)
            )
        if activiteit is not None:
            on_date |= Q(activiteiten_als_vrijwilliger=activiteit)
        self.fields["vrijwilligers"].queryset = (
            leden.filter(on_date).distinct().order_by("naam", "pk")
        )
        picker = self.fields["vrijwilligers"].widget
        picker.zoek = zoek
        if self.is_bound:
            picker.uren = {
                key[len("uren_") :]: str(value)[:20]
                for key, value in self.data.items()
                if key.startswith("uren_")
            }
        else:
            picker.uren = {
                str(pk): formatting.getal(uren)
                for pk, uren in self.opgeslagen_uren.items()
                if uren is not None
            }

    def clean(self):
        """The hours typed next to each chosen volunteer, as
        `vrijwilligers_uren` (member id → hours or None); the service checks
        that they add up."""
        cleaned = super().clean()
        veld = forms.DecimalField(
            localize=True, max_digits=6, decimal_places=2, min_value=0, required=False
        )
        uren: dict[int, Decimal | None] = {}
        for lid in cleaned.get("vrijwilligers") or ():
            tekst = (self.data.get(uren_name(lid.pk)) or "").strip()[:20]
            try:
                uren[lid.pk] = veld.clean(tekst)
            except forms.ValidationError as exc:
                for message in exc.messages:
                    self.add_error(
                        "vrijwilligers",
                        _("Uren van %(naam)s: %(fout)s")
                        % {"naam": lid.naam, "fout": message},
                    )
        cleaned["vrijwilligers_uren"] = uren
        return cleaned

    def _posted_datum(self) -> datetime.date | None:
        if not self.is_bound:
            return None
        try:
            return self.fields["datum"].clean(self.data.get(self.add_prefix("datum")))
        except forms.ValidationError:
            return None

    def activiteit_data(self, *, only_changed: bool = False) -> dict:
        """The activity's fields for the service (`only_changed`: those the user
        changed, so an edit journals exactly what changed)."""
        names = [
            name
            for name in Activiteit.EDITABLE_FIELDS
            if not only_changed or name in self.changed_data
        ]
        data = {name: self.cleaned_data[name] for name in names}
        uren = self.cleaned_data["vrijwilligers_uren"]
        gewijzigd = uren != {pk: self.opgeslagen_uren.get(pk) for pk in uren} or bool(
            {"vrijwilligers", "vrijwilligersuren"} & set(data)
        )
        if not only_changed or gewijzigd:
            data["vrijwilligers_uren"] = uren
        return data


def _jaar_of(value: str) -> int | None:
    return None if value == ALLE_JAREN else int(value)


class _JaarKeuze(PageFilter):
    """The year above a list of the bestuur: a year, `alle` (every year), or,
    when the address names none or a bad one, the running year. Offered: the
    years with rows, the running year and a chosen year (1900–2999)."""

    labels = {"jaar": _("Jaar")}

    def __init__(self, data, queryset, **kwargs):
        lopend = timezone.localdate().year
        self.defaults = {"jaar": str(lopend)}
        jaren = {d.year for d in queryset.dates("datum", "year")} | {lopend}
        gekozen = (data or {}).get("jaar", "")
        if gekozen.isascii() and gekozen.isdigit() and 1900 <= int(gekozen) <= 2999:
            jaren.add(int(gekozen))
        kwargs.setdefault("choices", {})["jaar"] = [
            *((str(j), str(j)) for j in sorted(jaren, reverse=True)),
            (ALLE_JAREN, _("alle jaren")),
        ]
        super().__init__(data, queryset, **kwargs)
        self.filters["jaar"].extra["coerce"] = _jaar_of


class ActiviteitListFilter(_JaarKeuze, ActiviteitFilter):
    """The filters above the list of activities: the API's year and theme."""

    label = _("Activiteiten filteren")

    page_fields = ("jaar", "thema", "q")
    params = {"q": "zoek"}
    labels = {**_JaarKeuze.labels, "thema": _("Thema"), "q": _("Zoeken")}
    help_texts = {"q": _("Titel, omschrijving of partners.")}
    widgets = {"q": search_input()}

    def __init__(self, data, queryset, **kwargs):
        kwargs.setdefault("choices", {})["thema"] = [
            ("", _("alle thema's")),
            *Thema.choices,
        ]
        super().__init__(data, queryset, **kwargs)
        # A search text is bounded before it reaches the database.
        self.filters["zoek"].extra["max_length"] = ZOEK_MAX
