"""Filters of the afspraken resources."""

import django_filters as filters

from cooperatie.filtersets import TextSearchFilterSet

from .choices import Verdict
from .models import Afspraak, Jaarparameter, Rapport, Toetsing, Toezegging


class AfspraakFilter(TextSearchFilterSet):
    search_fields = ("titel", "prestatieafspraak", "cooperatie__naam")
    jaar = filters.NumberFilter(method="filter_jaar", label="Lopend in jaar")
    gebouw = filters.NumberFilter(field_name="gebouwen", distinct=True)
    gemeentecode = filters.CharFilter(
        field_name="gebouwen__gemeentecode", distinct=True
    )

    class Meta:
        model = Afspraak
        fields = ("corporatie", "cooperatie")

    def filter_jaar(self, queryset, name, value):
        return queryset.lopend_in(int(value))


class ToezeggingFilter(TextSearchFilterSet):
    search_fields = ("omschrijving",)

    class Meta:
        model = Toezegging
        fields = ("afspraak", "indicator", "richting", "thema", "zwaarwegend")


class ToetsingFilter(filters.FilterSet):
    corporatie = filters.NumberFilter(field_name="afspraak__corporatie")
    cooperatie = filters.NumberFilter(field_name="afspraak__cooperatie")
    gebouw = filters.NumberFilter(field_name="afspraak__gebouwen", distinct=True)
    gemeentecode = filters.CharFilter(
        field_name="afspraak__gebouwen__gemeentecode", distinct=True
    )
    verdict = filters.ChoiceFilter(choices=Verdict.choices)

    class Meta:
        model = Toetsing
        fields = ("afspraak", "jaar", "status")


class RapportFilter(filters.FilterSet):
    jaar = filters.NumberFilter(field_name="toetsing__jaar")
    corporatie = filters.NumberFilter(field_name="toetsing__afspraak__corporatie")
    cooperatie = filters.NumberFilter(field_name="toetsing__afspraak__cooperatie")
    sinds = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    tot = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Rapport
        fields = ("toetsing", "sha256")


class JaarparameterFilter(filters.FilterSet):
    class Meta:
        model = Jaarparameter
        fields = ("jaar", "code")
