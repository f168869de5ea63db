"""Endpoints of the afspraken resources, the yearly cycle and the sealed reports."""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cooperatie.api.views import WriteSerializers
from cooperatie.models import Corporatie
from kern.api.base import (
    CreateMixin,
    DestroyMixin,
    ReadViewSet,
    UpdateMixin,
    etag_of,
)
from kern.api.parsers import BoundedJSONParser, refuse_larger_than
from kern.api.permissions import BEHEERDER, BESTUUR, SUPERUSER_ONLY
from kern.api.problems import SealError
from kern.api.renderers import JSONRenderer, PdfRenderer, ZipRenderer

from .. import rapporten, services, tasks
from ..filtersets import (
    AfspraakFilter,
    JaarparameterFilter,
    PrestatieafspraakFilter,
    RapportFilter,
    ToetsingFilter,
    ToezeggingFilter,
)
from ..models import (
    Afspraak,
    Jaarparameter,
    Prestatieafspraak,
    Rapport,
    Toetsing,
    Toezegging,
)
from ..rapporten import too_large_message
from . import serializers as s
from . import teksten

logger = logging.getLogger(__name__)


def _seal_refused(exc: Exception, what: str) -> SealError:
    """409 for a stored report that no longer matches its seal or cannot be
    read. The cause goes to the log only: an OSError's text names the file's
    path on the server."""
    logger.error("%s refused: %s", what, exc)
    return SealError(
        _(
            "Het opgeslagen rapport klopt niet met de SHA-256 van de verzegeling "
            "of ontbreekt; het wordt niet afgegeven. Meld dit bij de "
            "platformbeheerder."
        )
    )


@extend_schema_view(**teksten.AFSPRAKEN)
class AfspraakViewSet(WriteSerializers, CreateMixin, UpdateMixin, ReadViewSet):
    model = Afspraak
    scope_group = "Afspraken"
    serializer_class = s.AfspraakSerializer
    update_serializer_class = s.AfspraakUpdateSerializer
    filterset_class = AfspraakFilter
    prefetch_related = ("gebouwen",)
    ordering_fields = ("titel", "ingangsjaar", "eindjaar")
    writers = BEHEERDER

    def create_object(self, data, actor):
        rows = _toezegging_changes(data)
        saved = services.afspraak_save(data=data, toezeggingen=rows, actor=actor)
        return saved.afspraak

    def update_object(self, instance, data, actor):
        rows = _toezegging_changes(data)
        # Rows alone leave the afspraak's own fields alone (no empty update in
        # the journal); a request with neither is an update, as it always was.
        own = data if data or not rows else None
        return services.afspraak_save(
            afspraak=instance, data=own, toezeggingen=rows, actor=actor
        ).afspraak


def _toezegging_changes(data: dict) -> list[services.ToezeggingChange]:
    """The nested clause rows, taken out of the afspraak's own fields."""
    return [
        services.ToezeggingChange(
            id=row.pop("id", None), delete=row.pop("verwijderen", False), data=row
        )
        for row in (dict(row) for row in data.pop("toezeggingen", []))
    ]


@extend_schema_view(**teksten.PRESTATIEAFSPRAKEN)
class PrestatieafspraakViewSet(
    WriteSerializers, CreateMixin, UpdateMixin, DestroyMixin, ReadViewSet
):
    model = Prestatieafspraak
    scope_group = "Afspraken"
    serializer_class = s.PrestatieafspraakSerializer
    update_serializer_class = s.PrestatieafspraakUpdateSerializer
    filterset_class = PrestatieafspraakFilter
    prefetch_related = ("doelen",)
    ordering_fields = ("titel", "gemeentecode", "ingangsjaar")
    writers = BEHEERDER

    create_service = services.prestatieafspraak_create
    update_service = services.prestatieafspraak_update
    delete_service = services.prestatieafspraak_delete

    def create_object(self, data, actor):
        data["doelen"] = [dict(row) for row in data.get("doelen", [])]
        return services.prestatieafspraak_create(actor=actor, **data)

    def update_object(self, instance, data, actor):
        if "doelen" in data:
            data["doelen"] = [dict(row) for row in data["doelen"]]
        return services.prestatieafspraak_update(
            prestatieafspraak=instance, actor=actor, **data
        )


@extend_schema_view(**teksten.TOEZEGGINGEN)
class ToezeggingViewSet(
    WriteSerializers, CreateMixin, UpdateMixin, DestroyMixin, ReadViewSet
):
    model = Toezegging
    scope_group = "Afspraken"
    serializer_class = s.ToezeggingSerializer
    update_serializer_class = s.ToezeggingUpdateSerializer
    filterset_class = ToezeggingFilter
    select_related = ("afspraak",)
    ordering_fields = ("volgorde", "indicator")
    writers = BEHEERDER

    create_service = services.toezegging_create
    update_service = services.toezegging_update
    delete_service = services.toezegging_delete


@extend_schema_view(
    indienen=extend_schema(request=None),
    terugsturen=extend_schema(
        request=s.TerugsturenSerializer,
        responses=s.ToetsingSerializer,
    ),
    beoordelen=extend_schema(
        request=s.BeoordelenSerializer,
        responses=s.ToetsingSerializer,
    ),
    vaststellen=extend_schema(request=None),
)
@extend_schema_view(**teksten.TOETSINGEN)
class ToetsingViewSet(CreateMixin, ReadViewSet):
    model = Toetsing
    scope_group = "Toetsingen"
    serializer_class = s.ToetsingSerializer
    filterset_class = ToetsingFilter
    select_related = ("afspraak",)
    prefetch_related = ("rapporten",)
    ordering_fields = ("jaar", "status")
    # Either side opens a year; the bestuur submits it; the beheerder returns,
    # assesses and approves it.
    writers = {
        "create": BEHEERDER | BESTUUR,
        "indienen": BESTUUR,
        "terugsturen": BEHEERDER,
        "beoordelen": BEHEERDER,
        "vaststellen": BEHEERDER,
    }
    etag_actions = ("indienen", "terugsturen", "beoordelen", "vaststellen")

    create_service = services.toetsing_open

    def _done(self, toetsing):
        # The toetsing itself, not the action's input serializer (reden, oordeel).
        toetsing = self.get_queryset().get(pk=toetsing.pk)
        response = Response(
            s.ToetsingSerializer(toetsing, context=self.get_serializer_context()).data
        )
        response["ETag"] = etag_of(toetsing)
        return response

    @action(detail=True, methods=["post"], serializer_class=s.ToetsingSerializer)
    def indienen(self, request, pk=None):
        toetsing = services.toetsing_indienen(
            toetsing=self.get_object(), actor=request.user
        )
        return self._done(toetsing)

    @action(detail=True, methods=["post"], serializer_class=s.TerugsturenSerializer)
    def terugsturen(self, request, pk=None):
        toetsing = self.get_object()
        serializer = s.TerugsturenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        toetsing = services.toetsing_terugsturen(
            toetsing=toetsing,
            reden=serializer.validated_data["reden"],
            actor=request.user,
        )
        return self._done(toetsing)

    @action(detail=True, methods=["post"], serializer_class=s.BeoordelenSerializer)
    def beoordelen(self, request, pk=None):
        toetsing = self.get_object()
        serializer = s.BeoordelenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        toezegging = (
            Toezegging.objects.visible_to(request.user)
            .filter(
                pk=serializer.validated_data["toezegging"],
                afspraak_id=toetsing.afspraak_id,
            )
            .first()
        )
        if toezegging is None:
            raise ValidationError(
                {"toezegging": [_("Geen toezegging van deze afspraak met dit id.")]}
            )
        services.toetsing_beoordelen(
            toetsing=toetsing,
            toezegging=toezegging,
            oordeel=serializer.validated_data["oordeel"],
            toelichting=serializer.validated_data["toelichting"],
            actor=request.user,
        )
        return self._done(toetsing)

    @action(detail=True, methods=["post"], serializer_class=s.ToetsingSerializer)
    def vaststellen(self, request, pk=None):
        toetsing = services.toetsing_vaststellen(
            toetsing=self.get_object(), actor=request.user
        )
        return self._done(toetsing)


@extend_schema_view(
    pdf=extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(
                description=gettext_lazy("Het bestand klopt niet met zijn zegel.")
            ),
        },
    ),
    bundel=extend_schema(
        parameters=[s.BundelQuerySerializer],
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            409: OpenApiResponse(
                description=gettext_lazy("Een bestand klopt niet met zijn zegel.")
            ),
        },
    ),
    verifieer=extend_schema(
        request={
            "multipart/form-data": s.VerifieerSerializer,
            "application/json": s.VerifieerSerializer,
        },
        responses=s.VerificatieSerializer,
    ),
)
@extend_schema_view(**teksten.RAPPORTEN)
class RapportViewSet(ReadViewSet):
    model = Rapport
    scope_group = "Rapporten"
    serializer_class = s.RapportSerializer
    filterset_class = RapportFilter
    select_related = ("toetsing",)
    ordering_fields = ("created_at",)
    # Verifying only reads: anyone signed in may ask.
    writers = {"verifieer": None}

    # Room for the multipart framing and the other field around the PDF.
    VERIFIEER_BODY_ALLOWANCE = 64 * 1024

    def initial(self, request, *args, **kwargs):
        # A file to verify is refused by the length its request declares, the
        # same limit as the web form's, before anything (a session's CSRF
        # check, the parser) reads the body.
        if self.action == "verifieer":
            limit = settings.VERIFIEER_MAX_BYTES + self.VERIFIEER_BODY_ALLOWANCE
            refuse_larger_than(request, limit, {"pdf": [too_large_message()]})
        super().initial(request, *args, **kwargs)

    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer, JSONRenderer])
    def pdf(self, request, pk=None):
        rapport = self.get_object()
        toetsing = rapport.toetsing
        try:
            data = tasks.sealed_bytes(toetsing)
        except (ValueError, OSError) as exc:
            # Never hand out a stored file that no longer matches its seal.
            raise _seal_refused(exc, f"sealed report {rapport.pk}") from exc
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="nalevingsrapport-{toetsing.jaar}'
            f'-toetsing-{toetsing.pk}.pdf"'
        )
        return response

    @action(detail=False, methods=["get"], renderer_classes=[ZipRenderer, JSONRenderer])
    def bundel(self, request):
        query = s.BundelQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        corporatie = (
            Corporatie.objects.visible_to(request.user)
            .filter(pk=query.validated_data["corporatie"])
            .first()
        )
        if corporatie is None:
            raise NotFound(_("Corporatie niet gevonden."))
        jaar = query.validated_data["jaar"]
        sealed = self.get_queryset().filter(
            toetsing__jaar=jaar, toetsing__afspraak__corporatie=corporatie
        )
        if not sealed.exists():
            raise NotFound(_("Er zijn geen verzegelde rapporten in dat jaar."))
        try:
            blob = rapporten.auditor_bundle(
                rapporten=sealed, corporatie_naam=corporatie.naam, jaar=jaar
            )
        except (ValueError, OSError) as exc:
            raise _seal_refused(exc, f"auditor bundle {corporatie.pk}/{jaar}") from exc
        response = HttpResponse(blob, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="auditorbundel-{corporatie.kvk_nummer}-{jaar}.zip"'
        )
        return response

    @action(
        detail=False,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser, BoundedJSONParser],
        serializer_class=s.VerifieerSerializer,
        scope_reads=True,
    )
    def verifieer(self, request):
        serializer = s.VerifieerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data.get("pdf")
        if upload is not None:
            data = upload.read()
            sha256 = rapporten.sha256_of(data)
            rapport = rapporten.verify(pdf=data)
        else:
            sha256 = serializer.validated_data["sha256"].lower()
            rapport = rapporten.verify(sha256=sha256)
        # A sealed report outside the user's scope is reported as unknown.
        if (
            rapport is not None
            and not self.get_queryset().filter(pk=rapport.pk).exists()
        ):
            rapport = None
        return Response(
            {
                "verzegeld": rapport is not None,
                "sha256": sha256,
                "rapport": s.RapportSerializer(rapport).data if rapport else None,
            }
        )


@extend_schema_view(**teksten.JAARPARAMETERS)
class JaarparameterViewSet(WriteSerializers, CreateMixin, UpdateMixin, ReadViewSet):
    model = Jaarparameter
    scope_group = "Jaarparameters"
    serializer_class = s.JaarparameterSerializer
    update_serializer_class = s.JaarparameterUpdateSerializer
    filterset_class = JaarparameterFilter
    ordering_fields = ("jaar", "code")
    writers = SUPERUSER_ONLY

    create_service = services.jaarparameter_create
    update_service = services.jaarparameter_update
    instance_kwarg = "parameter"
