"""Filters of the afspraken resources."""

import django_filters as filters

from cooperatie.filtersets import IdFilter, JaarFilter, TextSearchFilterSet

from .choices import Verdict
from .models import Afspraak, Jaarparameter, Rapport, Toetsing, Toezegging


class AfspraakFilter(TextSearchFilterSet):
    search_fields = ("titel", "prestatieafspraak", "cooperatie__naam")
    jaar = JaarFilter(method="filter_jaar", label="Lopend in jaar")
    corporatie = IdFilter()
    cooperatie = IdFilter()
    gebouw = IdFilter(field_name="gebouwen", distinct=True)
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
    afspraak = IdFilter()

    class Meta:
        model = Toezegging
        fields = ("afspraak", "indicator", "richting", "thema", "zwaarwegend")


class ToetsingFilter(filters.FilterSet):
    afspraak = IdFilter()
    jaar = JaarFilter()
    corporatie = IdFilter(field_name="afspraak__corporatie")
    cooperatie = IdFilter(field_name="afspraak__cooperatie")
    gebouw = IdFilter(field_name="afspraak__gebouwen", distinct=True)
    gemeentecode = filters.CharFilter(
        field_name="afspraak__gebouwen__gemeentecode", distinct=True
    )
    verdict = filters.ChoiceFilter(choices=Verdict.choices)

    class Meta:
        model = Toetsing
        fields = ("afspraak", "jaar", "status")


class RapportFilter(filters.FilterSet):
    toetsing = IdFilter()
    jaar = JaarFilter(field_name="toetsing__jaar")
    corporatie = IdFilter(field_name="toetsing__afspraak__corporatie")
    cooperatie = IdFilter(field_name="toetsing__afspraak__cooperatie")
    sinds = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    tot = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Rapport
        fields = ("toetsing", "sha256")


class JaarparameterFilter(filters.FilterSet):
    jaar = JaarFilter()

    class Meta:
        model = Jaarparameter
        fields = ("jaar", "code")
