"""The roll-up of a gemeente as a read-only resource:
``GET /api/v1/gemeente-overzichten/{gemeentecode}/?jaar=``.

Only a user with the gemeente role for that gemeente (or the platform
operator) reads it; for anyone else the gemeente does not exist (404). No
machine client reads it (no `scope_group`): a client acts for one corporatie,
and the roll-up adds up other corporaties' figures.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from kern.api.oauth import ClientScoped
from kern.api.permissions import WriteGate
from kern.api.schema import AutoSchema
from kern.scoping import scope_of

from ..gemeente import gemeente_jaren, gemeente_overzicht


def _f(kind, text, **kwargs):
    return kind(help_text=text, read_only=True, **kwargs)


class TotalenSerializer(serializers.Serializer):
    """The figures of a group of afspraak-years."""

    beschrijving = gettext_lazy(
        "De totalen van een groep afspraken in het jaar (gemeente, corporatie of "
        "buurt)."
    )

    afspraken = _f(
        serializers.IntegerField,
        gettext_lazy("Aantal lopende afspraken."),
    )
    cooperaties = _f(
        serializers.IntegerField,
        gettext_lazy("Aantal coöperaties, elke coöperatie één keer geteld."),
    )
    woningen = _f(
        serializers.IntegerField,
        gettext_lazy("Aantal woningen van de gebouwen, elk gebouw één keer geteld."),
    )
    vrijwilligersuren = _f(
        serializers.CharField,
        gettext_lazy("Vrijwilligersuren in het jaar, als decimaal getal in tekst."),
    )
    deelnemers_buurt = _f(
        serializers.IntegerField,
        gettext_lazy("Deelnemers aan activiteiten die geen lid zijn, opgeteld."),
    )
    besteding = _f(
        serializers.CharField,
        gettext_lazy("Uitgaven min storno's in euro, als tekst met twee decimalen."),
    )
    besteding_per_woning = _f(
        serializers.CharField,
        gettext_lazy("Besteding gedeeld door woningen in euro; null zonder woningen."),
        allow_null=True,
    )
    statussen = _f(
        serializers.DictField,
        gettext_lazy("Aantal toetsingen per status (niet_geopend zonder toetsing)."),
        child=serializers.IntegerField(),
    )
    verdicten = _f(
        serializers.DictField,
        gettext_lazy("Aantal toetsingen per oordeel."),
        child=serializers.IntegerField(),
    )


class CorporatieRegelSerializer(TotalenSerializer):
    """One corporatie in the roll-up."""

    beschrijving = gettext_lazy("De totalen van één corporatie in de gemeente.")

    corporatie_id = _f(serializers.IntegerField, gettext_lazy("Id van de corporatie."))
    naam = _f(serializers.CharField, gettext_lazy("Naam van de corporatie."))


class BuurtRegelSerializer(TotalenSerializer):
    """One buurt in the roll-up."""

    beschrijving = gettext_lazy("De totalen van één buurt in de gemeente.")

    buurtcode = _f(
        serializers.CharField,
        gettext_lazy("CBS-buurtcode; leeg voor gebouwen zonder buurtcode."),
    )
    naam = _f(serializers.CharField, gettext_lazy("De buurtcode, of leeg."))


class GemeenteOverzichtSerializer(serializers.Serializer):
    """The roll-up of a gemeente-year."""

    beschrijving = gettext_lazy(
        "Het overzicht van een gemeente in een jaar: alle afspraken over gebouwen "
        "in de gemeente, opgeteld per corporatie en per buurt. Alleen totalen."
    )
    gemeentecode = _f(serializers.CharField, gettext_lazy("CBS-code van de gemeente."))
    gemeente = _f(serializers.CharField, gettext_lazy("Naam van de gemeente."))
    jaar = _f(serializers.IntegerField, gettext_lazy("Het jaar van het overzicht."))
    totaal = TotalenSerializer(
        read_only=True,
        help_text=gettext_lazy(
            "De hele gemeente; een coöperatie telt hier één keer mee."
        ),
    )
    per_corporatie = CorporatieRegelSerializer(
        many=True, read_only=True, help_text=gettext_lazy("Eén regel per corporatie.")
    )
    per_buurt = BuurtRegelSerializer(
        many=True, read_only=True, help_text=gettext_lazy("Eén regel per buurt.")
    )


class JaarQuerySerializer(serializers.Serializer):
    jaar = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("Het jaar; zonder: het laatste jaar met afspraken."),
    )


@extend_schema_view(
    retrieve=extend_schema(
        summary=gettext_lazy("Overzicht van een gemeente opvragen"),
        description=gettext_lazy(
            "Voor een gebruiker met de rol gemeente: per corporatie en per buurt "
            "het aantal coöperaties en woningen, toetsingen per status en oordeel, "
            "vrijwilligersuren, deelnemers uit de buurt en besteding per woning. "
            "Een andere gemeente bestaat voor u niet (404)."
        ),
        parameters=[
            OpenApiParameter(
                "gemeentecode",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=gettext_lazy("CBS-code van de gemeente, GM en 4 cijfers."),
            ),
            OpenApiParameter(
                "jaar",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description=gettext_lazy(
                    "Het jaar; zonder: het laatste jaar met afspraken."
                ),
            ),
        ],
        responses=GemeenteOverzichtSerializer,
    )
)
class GemeenteOverzichtViewSet(ClientScoped, viewsets.GenericViewSet):
    """Read-only: the roll-up of one gemeente-year."""

    schema = AutoSchema()
    serializer_class = GemeenteOverzichtSerializer
    lookup_field = "gemeentecode"
    lookup_value_regex = "[^/]+"
    pagination_class = None
    filter_backends = ()
    writers = {}

    def get_permissions(self):
        return [*super().get_permissions(), WriteGate()]

    def get_queryset(self):  # no model: the schema asks
        return None

    def retrieve(self, request, gemeentecode=None):
        scope = scope_of(request.user)
        if not (scope.is_superuser or gemeentecode in scope.gemeenten):
            raise NotFound(_("Gemeente niet gevonden."))
        query = JaarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        jaar = query.validated_data.get("jaar")
        if jaar is None:
            jaren = gemeente_jaren(gemeentecode)
            jaar = jaren[0] if jaren else timezone.localdate().year
        overzicht = gemeente_overzicht(gemeentecode=gemeentecode, jaar=jaar)
        return Response(GemeenteOverzichtSerializer(overzicht.as_data()).data)
