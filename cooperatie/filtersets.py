"""Filters of the cooperatie resources, for the API and the lists of the
portals (`portalen.filters`)."""

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import django_filters as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from .choices import UitnodigingStatus
from .models import Cooperatie, Corporatie, Gebouw, Lid, Overeenkomst, Rol, Uitnodiging
from .scope import cooperatie_ids_of_corporaties

MAX_ID = 2**63 - 1

# What the filters of the API match, for its users (`beschrijvingen` of each
# filterset, kern/api/beschrijvingen.py). These two serve every resource.
VAN_CORPORATIE = gettext_lazy("Alleen die van de corporatie met dit id.")
VAN_COOPERATIE = gettext_lazy("Alleen die van de coöperatie met dit id.")


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """The id of a related row. An id the user cannot see finds nothing, like an
    id that does not exist (no error that would tell which ids exist)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class JaarFilter(filters.NumberFilter):
    """A calendar year."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class _UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError as exc:
            message = _("Dit moment valt buiten het bereik.")
            raise forms.ValidationError(message) from exc


class MomentFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC. PostgreSQL refuses an offset beyond
    ±15:59 that ISO 8601 (and Python) allow, e.g. `2024-06-06T10:00-21:16`."""

    field_class = _UtcIsoDateTimeField


class TextSearchFilterSet(filters.FilterSet):
    """Adds `q`: a case-insensitive search over `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = filters.CharFilter(method="search", label="Zoeken")
    # The API narrows `search_fields` to the fields the user sees.
    method_fields = {"q": ()}

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class CorporatieFilter(TextSearchFilterSet):
    search_fields = ("naam", "kvk_nummer", "plaats")
    beschrijvingen = {
        "q": gettext_lazy(
            "Zoekt, zonder op hoofdletters te letten, in naam, KvK-nummer en plaats."
        ),
        "kvk_nummer": gettext_lazy("Alleen de corporatie met precies dit KvK-nummer."),
        "plaats": gettext_lazy("Alleen corporaties in precies deze plaats."),
    }

    class Meta:
        model = Corporatie
        fields = ("kvk_nummer", "plaats")


class GebouwFilter(TextSearchFilterSet):
    """`q` searches the buurtcode too (added with the UI list's search; the
    API finds more rows than before, never fewer)."""

    search_fields = (
        "naam",
        "complexnummer",
        "straat",
        "plaats",
        "postcode",
        "buurtcode",
    )
    beschrijvingen = {
        "q": gettext_lazy(
            "Zoekt, zonder op hoofdletters te letten, in naam, complexnummer, "
            "straat, plaats, postcode en buurtcode."
        ),
        "corporatie": VAN_CORPORATIE,
        "gemeentecode": gettext_lazy(
            "Alleen gebouwen in deze gemeente: haar CBS-code, bijv. GM0344."
        ),
        "buurtcode": gettext_lazy(
            "Alleen gebouwen in deze buurt: haar CBS-code, bijv. BU03440101."
        ),
        "daeb": gettext_lazy("Alleen gebouwen met deze DAEB-soort."),
        "plaats": gettext_lazy("Alleen gebouwen in precies deze plaats."),
    }
    corporatie = IdFilter()

    class Meta:
        model = Gebouw
        fields = ("corporatie", "gemeentecode", "buurtcode", "daeb", "plaats")


class CooperatieFilter(TextSearchFilterSet):
    search_fields = ("naam", "kvk_nummer")
    beschrijvingen = {
        "q": gettext_lazy(
            "Zoekt, zonder op hoofdletters te letten, in naam en KvK-nummer."
        ),
        "corporatie": gettext_lazy(
            "Alleen de coöperaties in het bereik van de corporatie met dit id: "
            "met een overeenkomst of afspraak, of door haar aangemeld."
        ),
        "gebouw": gettext_lazy(
            "Alleen de coöperaties met een overeenkomst (ooit) op het gebouw met "
            "dit id."
        ),
        "soort": gettext_lazy("Alleen woon- of alleen beheercoöperaties."),
        "rechtsvorm": gettext_lazy("Alleen coöperaties met deze rechtsvorm."),
        "kvk_nummer": gettext_lazy("Alleen de coöperatie met precies dit KvK-nummer."),
    }
    corporatie = IdFilter(method="filter_corporatie", label="Corporatie")
    gebouw = IdFilter(field_name="overeenkomsten__gebouw", distinct=True)

    class Meta:
        model = Cooperatie
        fields = ("soort", "rechtsvorm", "kvk_nummer")

    def filter_corporatie(self, queryset, name, value):
        return queryset.filter(pk__in=cooperatie_ids_of_corporaties([value]))


class OvereenkomstFilter(filters.FilterSet):
    beschrijvingen = {
        "gebouw": gettext_lazy("Alleen die op het gebouw met dit id."),
        "cooperatie": VAN_COOPERATIE,
        "corporatie": gettext_lazy(
            "Alleen die op gebouwen van de corporatie met dit id."
        ),
        "gemeentecode": gettext_lazy(
            "Alleen die op gebouwen in deze gemeente: haar CBS-code, bijv. GM0344."
        ),
        "lopend_op": gettext_lazy(
            "Alleen die op deze datum lopen: ingegaan en nog niet geëindigd."
        ),
        "ingangsdatum_vanaf": gettext_lazy("Alleen die op of na deze datum ingaan."),
        "ingangsdatum_tot": gettext_lazy("Alleen die op of vóór deze datum ingaan."),
        "soort": gettext_lazy("Alleen huur- of alleen beheerovereenkomsten."),
    }
    gebouw = IdFilter()
    cooperatie = IdFilter()
    corporatie = IdFilter(field_name="gebouw__corporatie")
    gemeentecode = filters.CharFilter(field_name="gebouw__gemeentecode")
    lopend_op = filters.DateFilter(method="filter_lopend_op", label="Lopend op")
    ingangsdatum_vanaf = filters.DateFilter(
        field_name="ingangsdatum", lookup_expr="gte"
    )
    ingangsdatum_tot = filters.DateFilter(field_name="ingangsdatum", lookup_expr="lte")

    class Meta:
        model = Overeenkomst
        fields = ("gebouw", "cooperatie", "soort")

    def filter_lopend_op(self, queryset, name, value):
        return queryset.on(value)


class LidFilter(TextSearchFilterSet):
    """`q` searches the telefoon too (added with the UI list's search; a
    personal field, so only for whom it is not hidden)."""

    search_fields = ("naam", "email", "telefoon", "adres")
    beschrijvingen = {
        "q": gettext_lazy(
            "Zoekt, zonder op hoofdletters te letten, in naam, e-mail, telefoon "
            "en adres, voor zover u die ziet."
        ),
        "actief_op": gettext_lazy(
            "Alleen wie op deze datum lid is, zoals een peildatum telt."
        ),
        "bestuur": gettext_lazy(
            "true: alleen bestuursleden; false: alleen leden zonder bestuursfunctie."
        ),
        "cooperatie": VAN_COOPERATIE,
        "doelgroep": gettext_lazy(
            "Alleen leden met deze doelgroep; geen filter voor wie de doelgroep "
            "niet ziet."
        ),
        "bestuursfunctie": gettext_lazy("Alleen leden met deze bestuursfunctie."),
    }
    actief_op = filters.DateFilter(method="filter_actief_op", label="Lid op datum")
    bestuur = filters.BooleanFilter(method="filter_bestuur", label="Bestuursleden")
    cooperatie = IdFilter()
    method_fields = {
        "actief_op": ("lid_sinds", "lid_tot"),
        "bestuur": ("bestuursfunctie",),
    }

    class Meta:
        model = Lid
        fields = ("cooperatie", "doelgroep", "bestuursfunctie")

    def filter_actief_op(self, queryset, name, value):
        return queryset.op_peildatum(value)

    def filter_bestuur(self, queryset, name, value):
        return queryset.bestuur() if value else queryset.filter(bestuursfunctie="")


class RolFilter(filters.FilterSet):
    beschrijvingen = {
        "corporatie": VAN_CORPORATIE,
        "cooperatie": VAN_COOPERATIE,
        "gebruiker": gettext_lazy("Alleen de rollen van de gebruiker met dit id."),
        "soort": gettext_lazy("Alleen rollen van deze soort."),
    }
    corporatie = IdFilter()
    cooperatie = IdFilter()
    gebruiker = IdFilter(field_name="user")

    class Meta:
        model = Rol
        fields = ("corporatie", "cooperatie", "gebruiker", "soort")


class UitnodigingFilter(filters.FilterSet):
    beschrijvingen = {
        "corporatie": VAN_CORPORATIE,
        "cooperatie": VAN_COOPERATIE,
        "status": gettext_lazy("Alleen uitnodigingen met deze status."),
        "soort": gettext_lazy("Alleen uitnodigingen voor deze rol."),
    }
    corporatie = IdFilter()
    cooperatie = IdFilter()
    status = filters.ChoiceFilter(
        choices=UitnodigingStatus.choices, method="filter_status", label="Status"
    )
    method_fields = {"status": ("geaccepteerd_op", "ingetrokken_op", "verloopt_op")}

    class Meta:
        model = Uitnodiging
        fields = ("corporatie", "cooperatie", "soort", "status")

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)
