"""Filters of the cooperatie resources (API and, later, the UI lists)."""

from django.db.models import Q

import django_filters as filters

from .models import Cooperatie, Corporatie, Gebouw, Lid, Overeenkomst
from .scope import cooperatie_ids_of_corporaties


class TextSearchFilterSet(filters.FilterSet):
    """Adds `q`: a case-insensitive search over `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = filters.CharFilter(method="search", label="Zoeken")

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

    class Meta:
        model = Corporatie
        fields = ("kvk_nummer", "plaats")


class GebouwFilter(TextSearchFilterSet):
    search_fields = ("naam", "complexnummer", "straat", "plaats", "postcode")

    class Meta:
        model = Gebouw
        fields = ("corporatie", "gemeentecode", "buurtcode", "daeb", "plaats")


class CooperatieFilter(TextSearchFilterSet):
    search_fields = ("naam", "kvk_nummer")
    corporatie = filters.NumberFilter(method="filter_corporatie", label="Corporatie")
    gebouw = filters.NumberFilter(field_name="overeenkomsten__gebouw", distinct=True)

    class Meta:
        model = Cooperatie
        fields = ("soort", "rechtsvorm", "kvk_nummer")

    def filter_corporatie(self, queryset, name, value):
        return queryset.filter(pk__in=cooperatie_ids_of_corporaties([value]))


class OvereenkomstFilter(filters.FilterSet):
    corporatie = filters.NumberFilter(field_name="gebouw__corporatie")
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
    search_fields = ("naam", "email", "adres")
    actief_op = filters.DateFilter(method="filter_actief_op", label="Lid op datum")
    bestuur = filters.BooleanFilter(method="filter_bestuur", label="Bestuursleden")

    class Meta:
        model = Lid
        fields = ("cooperatie", "doelgroep", "bestuursfunctie")

    def filter_actief_op(self, queryset, name, value):
        return queryset.op_peildatum(value)

    def filter_bestuur(self, queryset, name, value):
        return queryset.bestuur() if value else queryset.filter(bestuursfunctie="")
