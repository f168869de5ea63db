"""Endpoints of the cooperatie resources: thin viewsets over the services."""

from django.utils.translation import gettext as _

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kern.api.base import CreateMixin, DestroyMixin, ReadViewSet, UpdateMixin, etag_of
from kern.api.permissions import BEHEERDER, BESTUUR, SUPERUSER_ONLY

from .. import koppelingen, privacy, services, uitnodigingen
from ..filtersets import (
    CooperatieFilter,
    CorporatieFilter,
    GebouwFilter,
    LidFilter,
    OvereenkomstFilter,
    RolFilter,
    UitnodigingFilter,
)
from ..models import (
    ApiClient,
    ApiToken,
    Cooperatie,
    Corporatie,
    Gebouw,
    LedenInzage,
    Lid,
    Overeenkomst,
    Rol,
    Uitnodiging,
)
from ..scope import scope_of
from . import serializers as s
from . import teksten


class WriteSerializers:
    """A separate serializer for updates, where the owner fields are fixed."""

    update_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return super().get_serializer_class()


@extend_schema_view(**teksten.CORPORATIES)
class CorporatieViewSet(CreateMixin, UpdateMixin, ReadViewSet):
    model = Corporatie
    scope_group = "Corporaties"
    serializer_class = s.CorporatieSerializer
    filterset_class = CorporatieFilter
    ordering_fields = ("naam", "kvk_nummer", "plaats")
    writers = {
        "create": SUPERUSER_ONLY,
        "update": BEHEERDER,
        "partial_update": BEHEERDER,
    }

    create_service = services.corporatie_create
    update_service = services.corporatie_update


@extend_schema_view(**teksten.GEBOUWEN)
class GebouwViewSet(
    WriteSerializers,
    CreateMixin,
    UpdateMixin,
    DestroyMixin,
    ReadViewSet,
):
    model = Gebouw
    scope_group = "Gebouwen"
    serializer_class = s.GebouwSerializer
    update_serializer_class = s.GebouwUpdateSerializer
    filterset_class = GebouwFilter
    ordering_fields = ("complexnummer", "naam", "plaats", "gemeentecode")
    writers = BEHEERDER

    create_service = services.gebouw_create
    update_service = services.gebouw_update
    delete_service = services.gebouw_delete


@extend_schema_view(**teksten.COOPERATIES)
class CooperatieViewSet(WriteSerializers, CreateMixin, UpdateMixin, ReadViewSet):
    model = Cooperatie
    scope_group = "Cooperaties"
    serializer_class = s.CooperatieSerializer
    update_serializer_class = s.CooperatieUpdateSerializer
    filterset_class = CooperatieFilter
    ordering_fields = ("naam", "kvk_nummer", "soort")
    # Registering: a beheerder for its corporatie (or the platform operator);
    # changing: also the cooperatie's own bestuur.
    writers = {
        "create": BEHEERDER,
        "update": BEHEERDER | BESTUUR,
        "partial_update": BEHEERDER | BESTUUR,
    }

    create_service = services.cooperatie_create
    update_service = services.cooperatie_update


@extend_schema_view(
    beeindigen=extend_schema(
        request=s.OvereenkomstEndSerializer,
        responses=s.OvereenkomstSerializer,
    ),
)
@extend_schema_view(**teksten.OVEREENKOMSTEN)
class OvereenkomstViewSet(WriteSerializers, CreateMixin, UpdateMixin, ReadViewSet):
    model = Overeenkomst
    scope_group = "Overeenkomsten"
    serializer_class = s.OvereenkomstSerializer
    update_serializer_class = s.OvereenkomstUpdateSerializer
    filterset_class = OvereenkomstFilter
    ordering_fields = ("ingangsdatum", "einddatum")
    writers = BEHEERDER
    etag_actions = ("beeindigen",)

    create_service = services.overeenkomst_create
    update_service = services.overeenkomst_update

    @action(detail=True, methods=["post"], serializer_class=s.OvereenkomstEndSerializer)
    def beeindigen(self, request, pk=None):
        overeenkomst = self.get_object()
        serializer = s.OvereenkomstEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.overeenkomst_end(
            overeenkomst=overeenkomst,
            einddatum=serializer.validated_data["einddatum"],
            actor=request.user,
        )
        overeenkomst.refresh_from_db()
        response = Response(
            s.OvereenkomstSerializer(
                overeenkomst, context=self.get_serializer_context()
            ).data
        )
        response["ETag"] = etag_of(overeenkomst)
        return response


@extend_schema_view(
    beeindigen=extend_schema(
        request=s.LidEndSerializer,
        responses=s.LidSerializer,
    ),
)
@extend_schema_view(**teksten.LEDEN)
class LidViewSet(WriteSerializers, CreateMixin, UpdateMixin, ReadViewSet):
    """Members. The bestuur of a cooperatie sees all its members with their
    personal data; a beheerder sees only the board members (name and function);
    an auditor sees no member rows (the aggregates are in the reports)."""

    model = Lid
    scope_group = "Leden"
    serializer_class = s.LidSerializer
    update_serializer_class = s.LidUpdateSerializer
    filterset_class = LidFilter
    ordering_fields = ("naam", "email", "lid_sinds", "lid_tot", "doelgroep")
    writers = BESTUUR
    etag_actions = ("beeindigen",)

    create_service = services.lid_create
    update_service = services.lid_update

    def get_field_mask(self):
        return privacy.MemberMask.of(self.request.user)

    def get_queryset(self):
        queryset = super().get_queryset()
        rows = self.field_mask().rows()
        return queryset if rows is None else queryset.filter(rows)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            # Every read of member rows is logged (docs/privacy.md).
            reading = self.lean_reading()
            leden = page if reading is None else reading.named(page)
            privacy.log_inzagen(
                actor=self.request.user, leden=leden, bron=LedenInzage.Bron.API
            )
        return page

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        privacy.log_inzagen(
            actor=request.user, leden=[instance], bron=LedenInzage.Bron.API
        )
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = self.etag_for(instance)
        return response

    @action(detail=True, methods=["post"], serializer_class=s.LidEndSerializer)
    def beeindigen(self, request, pk=None):
        lid = self.get_object()
        serializer = s.LidEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.lid_end(
            lid=lid, lid_tot=serializer.validated_data["lid_tot"], actor=request.user
        )
        lid.refresh_from_db()
        response = Response(
            s.LidSerializer(lid, context=self.get_serializer_context()).data
        )
        response["ETag"] = self.etag_for(lid)
        return response


@extend_schema_view(create=extend_schema(responses=s.ApiTokenCreatedSerializer))
@extend_schema_view(**teksten.TOKENS)
class ApiTokenViewSet(ReadViewSet):
    """A user's own tokens. Making one needs a signed-in session: a request
    authenticated by a token gets 403, so a leaked key cannot mint successors
    that outlive its expiry or revocation. Listing and revoking work with a
    token too."""

    model = ApiToken
    serializer_class = s.ApiTokenSerializer
    # Every user keeps their own tokens.
    writers = {"create": None, "destroy": None}

    def create(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(
                _("Een API-token kan geen tokens maken; meld u aan om er een te maken.")
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = services.apitoken_create(
            naam=serializer.validated_data["naam"], actor=request.user
        )
        token.sleutel = key
        return Response(s.ApiTokenCreatedSerializer(token).data, status=201)

    def destroy(self, request, *args, **kwargs):
        services.apitoken_revoke(token=self.get_object(), actor=request.user)
        return Response(status=204)


@extend_schema_view(create=extend_schema(responses=s.ApiClientCreatedSerializer))
@extend_schema_view(**teksten.KOPPELINGEN)
class ApiClientViewSet(ReadViewSet):
    """A corporatie's machine clients, for its beheerders. Registering one
    needs a signed-in session, as making a personal token does: a request
    authenticated by a token gets 403, so a leaked key cannot make itself a
    client that outlives it. A client itself reaches none of this (no
    `scope_group`)."""

    model = ApiClient
    serializer_class = s.ApiClientSerializer
    select_related = ("corporatie",)
    ordering_fields = ("naam", "created_at")
    # `create` itself refuses a token and a non-beheerder before it reads the
    # body; a client outside the user's corporatie is a 404.
    writers = {"create": None, "destroy": None}

    def create(self, request, *args, **kwargs):
        if request.auth is not None:
            raise PermissionDenied(
                _(
                    "Een koppeling registreren kan alleen na aanmelden, niet "
                    "met een token."
                )
            )
        scope = scope_of(request.user)
        if not (scope.is_superuser or scope.beheerder_corporaties):
            raise PermissionDenied(
                _(
                    "Alleen een beheerder van een corporatie mag koppelingen "
                    "registreren."
                )
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client, secret = koppelingen.apiclient_create(
            **serializer.validated_data, actor=request.user
        )
        client.client_secret = secret
        return Response(s.ApiClientCreatedSerializer(client).data, status=201)

    def destroy(self, request, *args, **kwargs):
        koppelingen.apiclient_revoke(client=self.get_object(), actor=request.user)
        return Response(status=204)


@extend_schema_view(
    intrekken=extend_schema(request=None),
    opnieuw_versturen=extend_schema(request=None),
)
@extend_schema_view(**teksten.UITNODIGINGEN)
class UitnodigingViewSet(CreateMixin, ReadViewSet):
    """Invitations to a role. Neither the token nor its hash is shown: the link
    is only in the mail. An invitation is never changed or deleted; it is
    withdrawn, or sent again with a new link."""

    model = Uitnodiging
    serializer_class = s.UitnodigingSerializer
    filterset_class = UitnodigingFilter
    ordering_fields = ("created_at", "verloopt_op", "email", "soort")
    writers = BEHEERDER | BESTUUR
    etag_actions = ("intrekken", "opnieuw_versturen")

    create_service = uitnodigingen.uitnodiging_create

    def _done(self, uitnodiging):
        uitnodiging = self.get_queryset().get(pk=uitnodiging.pk)
        response = Response(self.get_serializer(uitnodiging).data)
        response["ETag"] = etag_of(uitnodiging)
        return response

    @action(detail=True, methods=["post"])
    def intrekken(self, request, pk=None):
        uitnodiging = uitnodigingen.uitnodiging_withdraw(
            uitnodiging=self.get_object(), actor=request.user
        )
        return self._done(uitnodiging)

    @action(detail=True, methods=["post"], url_path="opnieuw-versturen")
    def opnieuw_versturen(self, request, pk=None):
        uitnodiging = uitnodigingen.uitnodiging_resend(
            uitnodiging=self.get_object(), actor=request.user
        )
        return self._done(uitnodiging)


@extend_schema_view(**teksten.ROLLEN)
class RolViewSet(DestroyMixin, ReadViewSet):
    """The roles the user sees: their own, and those they may end (a
    beheerder: on their corporatie and the cooperaties in its reach; a bestuur:
    the board of its cooperatie). Roles are granted by invitation."""

    model = Rol
    serializer_class = s.RolSerializer
    filterset_class = RolFilter
    select_related = ("user",)
    ordering_fields = ("soort",)
    # Whose role may be ended the service decides (one's own, always).
    writers = {"destroy": None}

    delete_service = services.rol_delete
