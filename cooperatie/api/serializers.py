"""Serializers of the cooperatie resources. They validate input shape and render
output; the rules live in the services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kern.api.base import ModelSerializer, ScopedRelatedField, Serializer
from kern.api.scopes import SCOPES

from .. import uitnodigingen
from ..choices import CORPORATIE_ROLLEN, UitnodigingStatus
from ..models import (
    ApiClient,
    ApiToken,
    Cooperatie,
    Corporatie,
    Gebouw,
    Lid,
    Overeenkomst,
    Rol,
    Uitnodiging,
)


class CorporatieSerializer(ModelSerializer):
    class Meta:
        model = Corporatie
        fields = ("id", *Corporatie.EDITABLE_FIELDS)


class GebouwSerializer(ModelSerializer):
    corporatie = ScopedRelatedField(Corporatie)

    class Meta:
        model = Gebouw
        fields = ("id", "corporatie", *Gebouw.EDITABLE_FIELDS)
        # Format rules and normalisation (`3511ab` → `3511 AB`) are the service's.
        extra_kwargs = {
            "postcode": {"validators": []},
            "gemeentecode": {"validators": []},
            "buurtcode": {"validators": []},
        }
        validators = []  # uniqueness is checked by the service, per field


class GebouwUpdateSerializer(GebouwSerializer):
    corporatie = serializers.PrimaryKeyRelatedField(read_only=True)


class CooperatieSerializer(ModelSerializer):
    aangemeld_door = ScopedRelatedField(Corporatie, required=False, allow_null=True)

    class Meta:
        model = Cooperatie
        fields = ("id", *Cooperatie.EDITABLE_FIELDS, "aangemeld_door")
        validators = []
        extra_kwargs = {"kvk_nummer": {"validators": []}}


class CooperatieUpdateSerializer(CooperatieSerializer):
    aangemeld_door = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)


class OvereenkomstSerializer(ModelSerializer):
    gebouw = ScopedRelatedField(Gebouw)
    cooperatie = ScopedRelatedField(Cooperatie)
    aantal_woningen = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Overeenkomst
        fields = ("id", "gebouw", "cooperatie", *Overeenkomst.EDITABLE_FIELDS)
        validators = []


class OvereenkomstUpdateSerializer(OvereenkomstSerializer):
    gebouw = serializers.PrimaryKeyRelatedField(read_only=True)
    cooperatie = serializers.PrimaryKeyRelatedField(read_only=True)


class LidSerializer(ModelSerializer):
    """A member. Its personal fields (`Lid.PERSONAL_FIELDS`) are null where the
    user may not see them (`privacy.MemberMask`): all of them are shown to the
    cooperatie's own bestuur, only the name (with the function) of board members
    to a beheerder (domain §8)."""

    cooperatie = ScopedRelatedField(Cooperatie)
    masked_fields = Lid.PERSONAL_FIELDS

    class Meta:
        model = Lid
        fields = ("id", "cooperatie", *Lid.EDITABLE_FIELDS)
        validators = []
        extra_kwargs = {"email": {"validators": []}}


class LidUpdateSerializer(LidSerializer):
    cooperatie = serializers.PrimaryKeyRelatedField(read_only=True)


class LidEndSerializer(Serializer):
    lid_tot = serializers.DateField(
        help_text="Eerste dag dat het huishouden geen lid meer is."
    )


class OvereenkomstEndSerializer(Serializer):
    einddatum = serializers.DateField(help_text="Laatste dag van de overeenkomst.")


class ApiTokenSerializer(ModelSerializer):
    class Meta:
        model = ApiToken
        fields = (
            "id",
            "naam",
            "prefix",
            "created_at",
            "verloopt_op",
            "last_used_at",
            "revoked_at",
        )
        read_only_fields = (
            "prefix",
            "created_at",
            "verloopt_op",
            "last_used_at",
            "revoked_at",
        )


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    sleutel = serializers.CharField(
        read_only=True, help_text="De sleutel; wordt alleen nu getoond."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "sleutel")


class ApiClientSerializer(ModelSerializer):
    """A machine client of a corporatie: OAuth2 client credentials with scopes.
    The client id is made when it is registered; revoking is a DELETE."""

    corporatie = ScopedRelatedField(Corporatie)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(SCOPES.items())),
        min_length=1,
        max_length=len(SCOPES),
        help_text="De scopes van de koppeling: per groep gegevens lezen "
        "(`Coopsturing.<Groep>.Read`) of ook wijzigen (`….Write`).",
    )

    class Meta:
        model = ApiClient
        fields = (
            "id",
            "corporatie",
            "naam",
            "scopes",
            "client_id",
            "created_at",
            "revoked_at",
        )
        read_only_fields = ("client_id", "created_at", "revoked_at")


class ApiClientCreatedSerializer(ApiClientSerializer):
    client_secret = serializers.CharField(
        read_only=True,
        help_text="Het geheim van de koppeling; wordt alleen nu getoond.",
    )

    class Meta(ApiClientSerializer.Meta):
        fields = (*ApiClientSerializer.Meta.fields, "client_secret")


class RolSerializer(ModelSerializer):
    """A role a user holds. Ending it is a DELETE; roles are granted by
    invitation (`/uitnodigingen/`)."""

    gebruiker = serializers.PrimaryKeyRelatedField(source="user", read_only=True)
    gebruiker_naam = serializers.SerializerMethodField(
        help_text="Volledige naam van de gebruiker, anders de gebruikersnaam."
    )

    class Meta:
        model = Rol
        fields = (
            "id",
            "soort",
            "corporatie",
            "cooperatie",
            "gebruiker",
            "gebruiker_naam",
        )
        read_only_fields = fields

    def get_gebruiker_naam(self, rol) -> str:
        return rol.user.get_full_name() or rol.user.get_username()


def _scope_message() -> str:
    """The model's own words for a role's scope that does not fit its soort."""
    constraint = next(
        c
        for c in Uitnodiging._meta.constraints
        if c.name == "uitnodiging_scope_past_bij_soort"
    )
    return constraint.get_violation_error_message()


class UitnodigingSerializer(ModelSerializer):
    """An invitation to a role. Neither the token nor its hash is ever shown:
    the link is only in the mail to the invitee."""

    corporatie = ScopedRelatedField(
        Corporatie,
        required=False,
        allow_null=True,
        help_text="Bij een uitnodiging als beheerder of auditor.",
    )
    cooperatie = ScopedRelatedField(
        Cooperatie,
        required=False,
        allow_null=True,
        help_text="Bij een uitnodiging als bestuurder.",
    )
    status = serializers.SerializerMethodField()

    class Meta:
        model = Uitnodiging
        fields = (
            "id",
            "email",
            "soort",
            "corporatie",
            "cooperatie",
            "status",
            "verloopt_op",
            "created_at",
            "uitgenodigd_door",
            "geaccepteerd_op",
            "ingetrokken_op",
        )
        read_only_fields = (
            "verloopt_op",
            "created_at",
            "uitgenodigd_door",
            "geaccepteerd_op",
            "ingetrokken_op",
        )
        validators = []

    @extend_schema_field(serializers.ChoiceField(choices=UitnodigingStatus.choices))
    def get_status(self, uitnodiging) -> str:
        return uitnodigingen.status_of(uitnodiging)

    def validate(self, attrs):
        # The shape of the role (which organisation goes with the soort) is
        # checked before who may invite, so a mismatch names the field.
        corporatie_rol = attrs["soort"] in CORPORATIE_ROLLEN
        if (attrs.get("corporatie") is None) == corporatie_rol or (
            attrs.get("cooperatie") is None
        ) == (not corporatie_rol):
            raise serializers.ValidationError({"soort": [_scope_message()]})
        return attrs
