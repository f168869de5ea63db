"""Filters of the afspraken resources."""

from django.utils.translation import gettext_lazy as _

import django_filters as filters

from cooperatie.filtersets import (
    VAN_COOPERATIE,
    VAN_CORPORATIE,
    IdFilter,
    JaarFilter,
    TextSearchFilterSet,
)

from .choices import Verdict
from .models import (
    Afspraak,
    Jaarparameter,
    Prestatieafspraak,
    Rapport,
    Toetsing,
    Toezegging,
)


class AfspraakFilter(TextSearchFilterSet):
    search_fields = ("titel", "prestatieafspraak_kenmerk", "cooperatie__naam")
    beschrijvingen = {
        "q": _(
            "Zoekt, zonder op hoofdletters te letten, in titel, kenmerk van de "
            "prestatieafspraak en de naam van de coöperatie."
        ),
        "prestatieafspraak": _(
            "Alleen afspraken die bijdragen aan de prestatieafspraak met dit id."
        ),
        "jaar": _("Alleen afspraken die in dit jaar lopen."),
        "corporatie": VAN_CORPORATIE,
        "cooperatie": VAN_COOPERATIE,
        "gebouw": _("Alleen afspraken over het gebouw met dit id."),
        "gemeentecode": _(
            "Alleen afspraken over een gebouw in deze gemeente: haar CBS-code, "
            "bijv. GM0344."
        ),
    }
    jaar = JaarFilter(method="filter_jaar", label="Lopend in jaar")
    corporatie = IdFilter()
    cooperatie = IdFilter()
    gebouw = IdFilter(field_name="gebouwen", distinct=True)
    gemeentecode = filters.CharFilter(
        field_name="gebouwen__gemeentecode", distinct=True
    )
    prestatieafspraak = IdFilter()

    class Meta:
        model = Afspraak
        fields = ("corporatie", "cooperatie")

    def filter_jaar(self, queryset, name, value):
        return queryset.lopend_in(int(value))


class PrestatieafspraakFilter(TextSearchFilterSet):
    search_fields = ("titel", "huurdersorganisatie")
    beschrijvingen = {
        "q": _(
            "Zoekt, zonder op hoofdletters te letten, in titel en huurdersorganisatie."
        ),
        "corporatie": VAN_CORPORATIE,
        "gemeentecode": _(
            "Alleen prestatieafspraken in deze gemeente: haar CBS-code, bijv. GM0344."
        ),
        "jaar": _("Alleen prestatieafspraken die in dit jaar gelden."),
    }
    corporatie = IdFilter()
    gemeentecode = filters.CharFilter(method="filter_gemeentecode")
    jaar = JaarFilter(method="filter_jaar")

    class Meta:
        model = Prestatieafspraak
        fields = ("corporatie",)

    def filter_gemeentecode(self, queryset, name, value):
        return queryset.in_gemeente(value.strip().upper())

    def filter_jaar(self, queryset, name, value):
        return queryset.lopend_in(int(value))


class ToezeggingFilter(TextSearchFilterSet):
    search_fields = ("omschrijving",)
    beschrijvingen = {
        "q": _("Zoekt, zonder op hoofdletters te letten, in de omschrijving."),
        "afspraak": _("Alleen die van de afspraak met dit id."),
        "indicator": _("Alleen toezeggingen met deze indicator."),
        "richting": _("Alleen minimale of alleen maximale toezeggingen."),
        "thema": _("Alleen toezeggingen die de activiteiten van dit thema tellen."),
        "zwaarwegend": _(
            "true: alleen zwaarwegende toezeggingen; false: alleen de andere."
        ),
    }
    afspraak = IdFilter()

    class Meta:
        model = Toezegging
        fields = ("afspraak", "indicator", "richting", "thema", "zwaarwegend")


class ToetsingFilter(filters.FilterSet):
    beschrijvingen = {
        "afspraak": _("Alleen die van de afspraak met dit id."),
        "jaar": _("Alleen toetsingen van dit jaar."),
        "corporatie": _("Alleen die van afspraken van de corporatie met dit id."),
        "cooperatie": _("Alleen die van afspraken met de coöperatie met dit id."),
        "gebouw": _("Alleen die van afspraken over het gebouw met dit id."),
        "gemeentecode": _(
            "Alleen die van afspraken over een gebouw in deze gemeente: haar "
            "CBS-code, bijv. GM0344."
        ),
        "verdict": _("Alleen toetsingen met dit oordeel."),
        "status": _("Alleen toetsingen met deze status."),
    }
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
    beschrijvingen = {
        "toetsing": _("Alleen het rapport van de toetsing met dit id."),
        "jaar": _("Alleen rapporten over dit jaar."),
        "corporatie": _("Alleen die van afspraken van de corporatie met dit id."),
        "cooperatie": _("Alleen die van afspraken met de coöperatie met dit id."),
        "sinds": _("Alleen rapporten verzegeld op of na deze datum."),
        "tot": _("Alleen rapporten verzegeld op of vóór deze datum."),
        "sha256": _(
            "Alleen het rapport met precies deze SHA-256 (64 kleine hexadecimale "
            "tekens)."
        ),
    }
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
    beschrijvingen = {
        "jaar": _("Alleen de parameters van dit jaar."),
        "code": _("Alleen deze parameter."),
    }
    jaar = JaarFilter()

    class Meta:
        model = Jaarparameter
        fields = ("jaar", "code")
