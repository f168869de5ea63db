"""Endpoints of the ledger: activities with evidence, bookings with storno, and
the journal."""

import functools

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cooperatie.api.views import WriteSerializers
from cooperatie.models import Lid
from kern.api.base import CreateMixin, DestroyMixin, ReadViewSet, UpdateMixin
from kern.api.bulk import BulkCreateMixin
from kern.api.lean import Later, Lean
from kern.api.permissions import BESTUUR
from kern.inlezen import PerIds, of_ids
from kern.models import AuditEntry

from .. import services
from ..filtersets import ActiviteitFilter, BoekingFilter, JournaalFilter
from ..models import Activiteit, Boeking, Vrijwilliger
from ..selectors import WONINGWET_KOLOMMEN, woningwet_signalen_van
from . import serializers as s
from . import teksten


def _vrijwilligers_per_activiteit(ids) -> Later:
    """`vrijwilligers` (ordered as the members are) and `vrijwilligers_uren`
    (by member id, as `Activiteit.vrijwilligers_uren`) of the activities with
    these ids, both from one query of the volunteer rows, sent now and read
    once the page's rows are made."""
    sent = _vrijwilligers_van.send(ids)
    return Later(lambda: _per_activiteit(sent))


def _per_activiteit(rows) -> tuple[dict, dict]:
    leden: dict[int, list[int]] = {}
    gesplitst: dict[int, list[tuple[int, object]]] = {}
    for activiteit_id, lid_id, uren in rows:
        leden.setdefault(activiteit_id, []).append(lid_id)
        if uren is not None:
            gesplitst.setdefault(activiteit_id, []).append((lid_id, uren))
    field = _uren_field()
    uren_per_activiteit = {
        activiteit_id: field.to_representation(
            {str(lid_id): uren for lid_id, uren in sorted(paren)}
        )
        for activiteit_id, paren in gesplitst.items()
    }
    return leden, uren_per_activiteit


def _vrijwilligersrijen(ids):
    """The volunteer rows of the activities, ordered as the members are."""
    ordering = [
        f"-lid__{term[1:]}" if term.startswith("-") else f"lid__{term}"
        for term in Lid._meta.ordering
    ]
    return (
        of_ids(Vrijwilliger.objects.all(), "activiteit", ids)
        .order_by(*ordering)
        .values_list("activiteit_id", "lid_id", "uren")
    )


# The same query on every page, compiled once.
_vrijwilligers_van = PerIds(_vrijwilligersrijen)


@functools.cache
def _uren_field():
    """The serializer's field of the hours per volunteer (their format)."""
    return s.ActiviteitSerializer().fields["vrijwilligers_uren"]


@extend_schema_view(
    bijlagen=extend_schema(
        request={"multipart/form-data": s.BijlageUploadSerializer},
        responses={201: s.BijlageSerializer},
    ),
    bulk=extend_schema(
        request=s.ActiviteitSerializer(many=True),
        responses={201: s.ActiviteitSerializer(many=True)},
    ),
)
@extend_schema_view(**teksten.ACTIVITEITEN)
class ActiviteitViewSet(
    WriteSerializers,
    BulkCreateMixin,
    CreateMixin,
    UpdateMixin,
    DestroyMixin,
    ReadViewSet,
):
    model = Activiteit
    scope_group = "Activiteiten"
    serializer_class = s.ActiviteitSerializer
    update_serializer_class = s.ActiviteitUpdateSerializer
    filterset_class = ActiviteitFilter
    prefetch_related = ("vrijwilligers", "vrijwilligerschappen", "bijlagen")
    ordering_fields = ("datum", "titel", "thema")
    writers = BESTUUR
    # The rows follow from the scope and the parameters alone (ReadViewSet).
    plans_kept = True
    lean = {
        "vrijwilligers": Lean(
            fetch=_vrijwilligers_per_activiteit, part=0, missing=list, final=True
        ),
        "vrijwilligers_uren": Lean(
            fetch=_vrijwilligers_per_activiteit, part=1, missing=dict, final=True
        ),
        "woningwet_signalen": Lean(
            columns=WONINGWET_KOLOMMEN,
            fetch=woningwet_signalen_van,
            missing=list,
            final=True,
        ),
    }

    delete_service = services.activiteit_delete
    bulk_service = services.activiteit_create_many

    # Through the same service as the bestuur's form. Files are added one at a
    # time with the `bijlagen` action (multipart), not in these JSON writes.
    def create_object(self, data, actor):
        return services.activiteit_save(data=data, actor=actor).activiteit

    def update_object(self, instance, data, actor):
        saved = services.activiteit_save(activiteit=instance, data=data, actor=actor)
        return saved.activiteit

    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=s.BijlageUploadSerializer,
    )
    def bijlagen(self, request, pk=None):
        activiteit = self.get_object()
        serializer = s.BijlageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bijlage = services.bijlage_add(
            activiteit=activiteit,
            bestand=serializer.validated_data["bestand"],
            omschrijving=serializer.validated_data.get("omschrijving", ""),
            actor=request.user,
        )
        return Response(s.BijlageSerializer(bijlage).data, status=201)


@extend_schema_view(
    storno=extend_schema(
        request=s.StornoSerializer,
        responses={201: s.BoekingSerializer},
    ),
    bonnen=extend_schema(
        request={"multipart/form-data": s.BijlageUploadSerializer},
        responses={201: s.BonSerializer},
    ),
    bulk=extend_schema(
        request=s.BoekingSerializer(many=True),
        responses={201: s.BoekingSerializer(many=True)},
    ),
)
@extend_schema_view(**teksten.BOEKINGEN)
class BoekingViewSet(BulkCreateMixin, CreateMixin, ReadViewSet):
    """Bookings are never changed or deleted: PUT, PATCH and DELETE answer 405;
    a mistake is corrected with a storno and a new booking."""

    model = Boeking
    scope_group = "Boekingen"
    serializer_class = s.BoekingSerializer
    filterset_class = BoekingFilter
    select_related = ("storno",)
    prefetch_related = ("bonnen",)
    lean = {"storno": Lean(columns=("storno__id",), final=True)}
    ordering_fields = ("datum", "bedrag")
    writers = BESTUUR
    # The rows follow from the scope and the parameters alone (ReadViewSet).
    plans_kept = True

    create_service = services.boeking_create
    bulk_service = services.boeking_create_many

    @action(detail=True, methods=["post"], serializer_class=s.StornoSerializer)
    def storno(self, request, pk=None):
        boeking = self.get_object()
        serializer = s.StornoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        storno = services.boeking_storno(
            boeking=boeking, actor=request.user, **serializer.validated_data
        )
        storno = self.get_queryset().get(pk=storno.pk)
        return Response(
            s.BoekingSerializer(storno, context=self.get_serializer_context()).data,
            status=201,
        )

    # Receipts are added one at a time, as an activity's evidence files; a
    # booking's year must be open (a storno's and the cancelled booking's).
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=s.BijlageUploadSerializer,
    )
    def bonnen(self, request, pk=None):
        boeking = self.get_object()
        serializer = s.BijlageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bon = services.bon_add(
            boeking=boeking,
            bestand=serializer.validated_data["bestand"],
            omschrijving=serializer.validated_data.get("omschrijving", ""),
            actor=request.user,
        )
        return Response(s.BonSerializer(bon).data, status=201)


@extend_schema_view(**teksten.JOURNAAL)
class JournaalViewSet(ReadViewSet):
    model = AuditEntry
    scope_group = "Journaal"
    serializer_class = s.JournaalSerializer
    filterset_class = JournaalFilter
    ordering_fields = ("timestamp", "id", "seq")
