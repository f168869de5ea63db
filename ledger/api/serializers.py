"""Serializers of the ledger resources."""

from rest_framework import serializers

from cooperatie.models import Cooperatie, Lid
from kern.api.base import ModelSerializer, ScopedRelatedField, Serializer
from kern.models import AuditEntry

from ..models import Activiteit, Bijlage, Boeking, Bon


class BijlageSerializer(ModelSerializer):
    """An evidence file of an activity (the file itself is downloaded in the
    portal); `oorspronkelijke_naam` is the name it had when it was uploaded."""

    class Meta:
        model = Bijlage
        fields = (
            "id",
            "omschrijving",
            "oorspronkelijke_naam",
            "content_type",
            "grootte",
            "sha256",
            "created_at",
        )
        read_only_fields = fields


class BonSerializer(BijlageSerializer):
    """A receipt of a booking, described as an activity's evidence file."""

    class Meta(BijlageSerializer.Meta):
        model = Bon


class BijlageUploadSerializer(Serializer):
    bestand = serializers.FileField(help_text="Foto (JPEG, PNG, GIF, WebP) of PDF.")
    omschrijving = serializers.CharField(
        required=False, allow_blank=True, max_length=200
    )


class ActiviteitSerializer(ModelSerializer):
    cooperatie = ScopedRelatedField(Cooperatie)
    vrijwilligers = ScopedRelatedField(Lid, many=True, required=False)
    vrijwilligers_uren = serializers.DictField(
        child=serializers.DecimalField(
            max_digits=6, decimal_places=2, min_value=0, allow_null=True
        ),
        required=False,
        help_text=(
            "Optioneel: uren per vrijwilliger (id van het lid → uren). Vult u ze "
            "in, dan voor elke vrijwilliger, en samen zijn ze de "
            "vrijwilligersuren. Weglaten laat de verdeling staan; {} wist haar."
        ),
    )
    bijlagen = BijlageSerializer(many=True, read_only=True)

    class Meta:
        model = Activiteit
        fields = (
            "id",
            "cooperatie",
            *Activiteit.EDITABLE_FIELDS,
            "vrijwilligers_uren",
            "bijlagen",
        )
        validators = []


class ActiviteitUpdateSerializer(ActiviteitSerializer):
    cooperatie = serializers.PrimaryKeyRelatedField(read_only=True)


class BoekingSerializer(ModelSerializer):
    cooperatie = ScopedRelatedField(Cooperatie)
    activiteit = ScopedRelatedField(Activiteit, required=False, allow_null=True)
    storno = serializers.SerializerMethodField(
        help_text="Id van de storno die deze boeking tenietdoet, of null."
    )
    bonnen = BonSerializer(many=True, read_only=True)

    class Meta:
        model = Boeking
        fields = (
            "id",
            "cooperatie",
            "datum",
            "soort",
            "bedrag",
            "omschrijving",
            "activiteit",
            "corrigeert",
            "storno",
            "bonnen",
            "created_at",
        )
        read_only_fields = ("corrigeert", "created_at")
        validators = []

    def get_storno(self, obj) -> int | None:
        try:
            return obj.storno.pk
        except Boeking.storno.RelatedObjectDoesNotExist:
            return None


class StornoSerializer(Serializer):
    datum = serializers.DateField(
        required=False, help_text="Datum van de storno; standaard die van de boeking."
    )
    # Required by the service (its message names the field); blank is let
    # through here so that every caller gets the same refusal.
    omschrijving = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Reden van de storno (verplicht).",
    )


class JournaalSerializer(ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = (
            "id",
            "keten",
            "seq",
            "timestamp",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "corporatie_id",
            "cooperatie_id",
            "before",
            "after",
            "request_id",
            "prev_hash",
            "hash",
        )
        read_only_fields = fields
