"""Forms of the beheerder's pages for gebouwen, coöperaties and overeenkomsten.

The forms only parse input; every rule (formats, uniqueness, overlap, scope) is
checked by the service the view calls, whose refusals land on these forms through
`portalen.ui.apply_errors`.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import django_filters as filters

from cooperatie.filtersets import GebouwFilter, OvereenkomstFilter
from cooperatie.models import Cooperatie, Gebouw, Overeenkomst
from kern.coordinaten import RD_X_RANGE, RD_Y_RANGE
from kern.forms import ServiceModelForm, date_input
from kern.validators import BAG_IDS_MAX_CHARS, split_ids
from portalen.filters import COMPLEXNUMMER_HELP, PageFilter, search_input


class IdListField(forms.CharField):
    """A list of ids, one per line (or separated by spaces, commas or
    semicolons); the service checks each."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        # The model field's callable default would add a hidden initial value,
        # which a browser posts back as text.
        for name in ("encoder", "decoder", "required", "max_length"):
            kwargs.pop(name, None)
        kwargs["show_hidden_initial"] = False
        super().__init__(max_length=BAG_IDS_MAX_CHARS, required=False, **kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return split_ids(super().to_python(value))


def _rd_field(label, bounds):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=bounds[0],
        max_value=bounds[1],
        decimal_places=3,
        localize=True,
        help_text=_(
            "In meters (RD, EPSG:28992). Vul x en y in in plaats van de graden: "
            "de ligging wordt omgerekend en in graden opgeslagen."
        ),
    )


class GebouwForm(ServiceModelForm):
    rd_x = _rd_field(_("RD-x"), RD_X_RANGE)
    rd_y = _rd_field(_("RD-y"), RD_Y_RANGE)

    class Meta:
        model = Gebouw
        fields = Gebouw.EDITABLE_FIELDS
        field_classes = {"bag_verblijfsobject_ids": IdListField}
        localized_fields = ("latitude", "longitude")
        help_texts = {
            "complexnummer": _("Uniek binnen uw corporatie."),
            "postcode": _("Bijvoorbeeld 1234 AB."),
            "gemeentecode": _("GM gevolgd door 4 cijfers, bijvoorbeeld GM0363."),
            "buurtcode": _(
                "CBS-buurtcode: BU, 4 cijfers en 4 cijfers of hoofdletters, "
                "bijvoorbeeld BU03630000. Vul dan ook het kaartjaar in."
            ),
            "bag_verblijfsobject_ids": _(
                "Eén id per regel, elk 16 cijfers, beginnend met de 4 cijfers van "
                "de gemeentecode; hoogstens 500."
            ),
        }


class GebouwListFilter(PageFilter, GebouwFilter):
    """The filters above the list of gebouwen: the API's search and gemeente."""

    label = _("Gebouwen filteren")

    page_fields = ("q", "gemeentecode")
    params = {"gemeentecode": "gemeente"}
    labels = {"q": _("Zoeken"), "gemeentecode": _("Gemeente")}
    help_texts = {"q": _("Complexnummer, naam, adres of buurtcode.")}
    widgets = {"q": search_input()}


class CooperatieForm(ServiceModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Cooperatie
        fields = Cooperatie.EDITABLE_FIELDS
        widgets = {"opgericht_op": date_input()}
        help_texts = {"kvk_nummer": _("8 cijfers.")}


class OvereenkomstForm(ServiceModelForm):
    """A new overeenkomst: gebouw and coöperatie from the portal only."""

    class Meta:
        model = Overeenkomst
        fields = ("gebouw", "cooperatie", *Overeenkomst.EDITABLE_FIELDS)
        widgets = {"ingangsdatum": date_input(), "einddatum": date_input()}
        help_texts = {
            "aantal_woningen": _("Leeg: alle woningen van het gebouw."),
        }

    def __init__(self, *args, gebouwen, cooperaties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gebouw"].queryset = gebouwen
        self.fields["cooperatie"].queryset = cooperaties
        self.fields["aantal_woningen"].required = False


class OvereenkomstEditForm(ServiceModelForm):
    """An existing overeenkomst: gebouw and coöperatie stay as they are."""

    class Meta:
        model = Overeenkomst
        fields = Overeenkomst.EDITABLE_FIELDS
        widgets = {"ingangsdatum": date_input(), "einddatum": date_input()}


class OvereenkomstEndForm(forms.Form):
    einddatum = forms.DateField(
        label=_("Einddatum"),
        help_text=_("De laatste dag van de overeenkomst."),
        widget=date_input(),
    )


class OvereenkomstListFilter(PageFilter, OvereenkomstFilter):
    """The filters above the list of overeenkomsten: the API's coöperatie and
    gebouw, and a status relative to today that only the page offers (running
    includes those that start later; the API has `lopend_op`, a date)."""

    label = _("Overeenkomsten filteren")

    LOPEND = "lopend"
    BEEINDIGD = "beeindigd"

    status = filters.ChoiceFilter(
        label=_("Status"),
        choices=[(LOPEND, _("lopend")), (BEEINDIGD, _("beëindigd"))],
        empty_label=_("alle"),
        method="filter_status",
    )
    method_fields = {"status": ("einddatum",), "gebouw": ("gebouw",)}

    page_fields = ("status", "cooperatie", "gebouw")
    labels = {"cooperatie": _("Coöperatie"), "gebouw": _("Gebouw")}

    def __init__(self, *args, complexnummer: bool = False, **kwargs):
        """`complexnummer`: the gebouw filter takes a complexnummer, not a
        choice (a corporatie with many gebouwen, see `gebouw_keuzes`)."""
        super().__init__(*args, **kwargs)
        if complexnummer and "gebouw" in self.filters:
            zoek = filters.CharFilter(
                field_name="gebouw",
                method="filter_complexnummer",
                label=_("Gebouw"),
                help_text=COMPLEXNUMMER_HELP,
                widget=search_input(),
                max_length=40,
            )
            zoek.parent, zoek.model = self, self._meta.model
            self.filters["gebouw"] = zoek

    def filter_complexnummer(self, queryset, name, value):
        """The overeenkomsten on the gebouwen with this complexnummer (in any
        case); a number that is no complexnummer but a gebouw's id finds that
        gebouw, as a link made while the filter was a choice meant it."""
        nummer = value.strip()
        op_nummer = queryset.filter(gebouw__complexnummer__iexact=nummer)
        if nummer.isdigit() and len(nummer) < 19 and not op_nummer.exists():
            return queryset.filter(gebouw_id=int(nummer))
        return op_nummer

    def filter_status(self, queryset, name, value):
        vandaag = timezone.localdate()
        if value == self.LOPEND:
            return queryset.filter(
                Q(einddatum__isnull=True) | Q(einddatum__gte=vandaag)
            )
        return queryset.filter(einddatum__lt=vandaag)
