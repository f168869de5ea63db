"""Filters of the ledger resources."""

from django.utils.translation import gettext_lazy as _

import django_filters as filters

from cooperatie.filtersets import (
    VAN_COOPERATIE,
    IdFilter,
    JaarFilter,
    MomentFilter,
    TextSearchFilterSet,
)
from kern.models import AuditEntry

from .models import Activiteit, Boeking


class JaarFilterMixin(filters.FilterSet):
    beschrijvingen = {
        "jaar": _("Alleen die met een datum in dit kalenderjaar."),
        "cooperatie": VAN_COOPERATIE,
        "datum_vanaf": _("Alleen die op of na deze datum."),
        "datum_tot": _("Alleen die op of vóór deze datum."),
    }
    jaar = JaarFilter(field_name="datum", lookup_expr="year")
    cooperatie = IdFilter()
    datum_vanaf = filters.DateFilter(field_name="datum", lookup_expr="gte")
    datum_tot = filters.DateFilter(field_name="datum", lookup_expr="lte")


class ActiviteitFilter(JaarFilterMixin, TextSearchFilterSet):
    search_fields = ("titel", "omschrijving", "partners")
    beschrijvingen = {
        "q": _(
            "Zoekt, zonder op hoofdletters te letten, in titel, omschrijving en "
            "partners."
        ),
        "thema": _("Alleen activiteiten met dit thema."),
        "open_voor_buurt": _(
            "true: alleen activiteiten die open waren voor de buurt; false: "
            "alleen de andere."
        ),
    }

    class Meta:
        model = Activiteit
        fields = ("cooperatie", "thema", "open_voor_buurt")


class BoekingFilter(JaarFilterMixin, TextSearchFilterSet):
    search_fields = ("omschrijving",)
    beschrijvingen = {
        "q": _("Zoekt, zonder op hoofdletters te letten, in de omschrijving."),
        "activiteit": _("Alleen boekingen voor de activiteit met dit id."),
        "storno": _("true: alleen storno's; false: alleen gewone boekingen."),
        "soort": _("Alleen ontvangen budget of alleen uitgaven."),
    }
    activiteit = IdFilter()
    storno = filters.BooleanFilter(
        field_name="corrigeert", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Boeking
        fields = ("cooperatie", "soort", "activiteit")


class JournaalFilter(TextSearchFilterSet):
    search_fields = ("action", "object_repr", "actor_name")
    beschrijvingen = {
        "q": _(
            "Zoekt, zonder op hoofdletters te letten, in actie, object en de "
            "naam van de gebruiker."
        ),
        "sinds": _("Alleen regels vanaf dit moment (ISO 8601, met tijdzone)."),
        "tot": _("Alleen regels tot en met dit moment (ISO 8601, met tijdzone)."),
        "corporatie": _("Alleen regels over gegevens van de corporatie met dit id."),
        "cooperatie": _("Alleen regels over gegevens van de coöperatie met dit id."),
        "seq_vanaf": _(
            "Alleen regels vanaf dit volgnummer; met keten om verder te lezen "
            "waar u was."
        ),
        "keten": _("Alleen de regels van deze keten, bijv. corporatie:12."),
        "action": _("Alleen regels met precies deze actie, bijv. gebouw_create."),
        "object_type": _(
            "Alleen regels over deze soort object, bijv. cooperatie.gebouw."
        ),
        "object_id": _("Alleen regels over het object met dit id (met object_type)."),
    }
    sinds = MomentFilter(field_name="timestamp", lookup_expr="gte")
    tot = MomentFilter(field_name="timestamp", lookup_expr="lte")
    corporatie = IdFilter(field_name="corporatie_id")
    cooperatie = IdFilter(field_name="cooperatie_id")
    seq_vanaf = IdFilter(field_name="seq", lookup_expr="gte")

    class Meta:
        model = AuditEntry
        fields = ("keten", "action", "object_type", "object_id")
