"""Filters of the ledger resources."""

import django_filters as filters

from cooperatie.filtersets import (
    IdFilter,
    JaarFilter,
    MomentFilter,
    TextSearchFilterSet,
)
from kern.models import AuditEntry

from .models import Activiteit, Boeking


class JaarFilterMixin(filters.FilterSet):
    jaar = JaarFilter(field_name="datum", lookup_expr="year")
    cooperatie = IdFilter()
    datum_vanaf = filters.DateFilter(field_name="datum", lookup_expr="gte")
    datum_tot = filters.DateFilter(field_name="datum", lookup_expr="lte")


class ActiviteitFilter(JaarFilterMixin, TextSearchFilterSet):
    search_fields = ("titel", "omschrijving", "partners")

    class Meta:
        model = Activiteit
        fields = ("cooperatie", "thema", "open_voor_buurt")


class BoekingFilter(JaarFilterMixin, TextSearchFilterSet):
    search_fields = ("omschrijving",)
    activiteit = IdFilter()
    storno = filters.BooleanFilter(
        field_name="corrigeert", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Boeking
        fields = ("cooperatie", "soort", "activiteit")


class JournaalFilter(TextSearchFilterSet):
    search_fields = ("action", "object_repr", "actor_name")
    sinds = MomentFilter(field_name="timestamp", lookup_expr="gte")
    tot = MomentFilter(field_name="timestamp", lookup_expr="lte")
    corporatie = IdFilter(field_name="corporatie_id")
    cooperatie = IdFilter(field_name="cooperatie_id")
    seq_vanaf = IdFilter(field_name="seq", lookup_expr="gte")

    class Meta:
        model = AuditEntry
        fields = ("keten", "action", "object_type", "object_id")
