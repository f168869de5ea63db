"""Serializers of the afspraken resources."""

from django.conf import settings

from rest_framework import serializers
from rest_framework.utils import html

from cooperatie.models import Cooperatie, Corporatie, Gebouw
from kern.api.base import ModelSerializer, ScopedRelatedField, Serializer

from ..choices import Verdict
from ..models import Afspraak, Jaarparameter, Rapport, Toetsing, Toezegging
from ..rapporten import too_large_message
from ..services import TOEZEGGING_FIELDS

# The most clause rows one write of an afspraak takes.
MAX_TOEZEGGING_ROWS = 200


class ToezeggingRowSerializer(ModelSerializer):
    """One clause row written with its afspraak: without `id` a new toezegging,
    with `id` the fields to change of one of this afspraak's toezeggingen, or
    with `verwijderen` its removal."""

    id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Id van een toezegging van deze afspraak; weglaten voor een nieuwe.",
    )
    verwijderen = serializers.BooleanField(
        required=False,
        default=False,
        help_text="De toezegging met dit id verwijderen.",
    )

    class Meta:
        model = Toezegging
        fields = (
            "id",
            "verwijderen",
            "omschrijving",
            "indicator",
            "norm",
            "richting",
            "deels_vanaf",
            "zwaarwegend",
            "thema",
            "alleen_open_voor_buurt",
            "volgorde",
        )
        extra_kwargs = {
            name: {"required": False}
            for name in fields
            if name not in ("id", "verwijderen")
        }
        validators = []


class AfspraakSerializer(ModelSerializer):
    corporatie = ScopedRelatedField(Corporatie)
    cooperatie = ScopedRelatedField(Cooperatie)
    gebouwen = ScopedRelatedField(Gebouw, many=True, required=False)
    toezeggingen = ToezeggingRowSerializer(
        many=True,
        required=False,
        write_only=True,
        max_length=MAX_TOEZEGGING_ROWS,
        help_text=(
            "Toezeggingen die met de afspraak worden toegevoegd, gewijzigd of "
            "verwijderd, alles of niets."
        ),
    )

    class Meta:
        model = Afspraak
        fields = (
            "id",
            "corporatie",
            "cooperatie",
            "gebouwen",
            "titel",
            "ondertekend_op",
            "ingangsjaar",
            "eindjaar",
            "prestatieafspraak",
            "indienen_maand",
            "indienen_dag",
            "toezeggingen",
        )
        validators = []


class AfspraakUpdateSerializer(AfspraakSerializer):
    corporatie = serializers.PrimaryKeyRelatedField(read_only=True)
    cooperatie = serializers.PrimaryKeyRelatedField(read_only=True)


class ToezeggingSerializer(ModelSerializer):
    afspraak = ScopedRelatedField(Afspraak)

    class Meta:
        model = Toezegging
        fields = ("id", "afspraak", *TOEZEGGING_FIELDS)
        validators = []


class ToezeggingUpdateSerializer(ToezeggingSerializer):
    afspraak = serializers.PrimaryKeyRelatedField(read_only=True)


class ToetsingSerializer(ModelSerializer):
    afspraak = ScopedRelatedField(Afspraak)
    verdict = serializers.ChoiceField(
        choices=Verdict.choices, allow_blank=True, read_only=True
    )
    rapport = serializers.SerializerMethodField()
    uiterlijk_indienen = serializers.DateField(
        read_only=True,
        help_text="De laatste dag waarop het jaar ingediend kan worden.",
    )
    te_laat = serializers.SerializerMethodField(
        help_text=(
            "Of de termijn voorbij is terwijl het jaar nog bij het bestuur ligt "
            "(open of teruggestuurd)."
        )
    )

    class Meta:
        model = Toetsing
        # Only the actions of the yearly cycle change these.
        read_only_fields = (
            "status",
            "verdict",
            "toelichting",
            "snapshot",
            "ingediend_op",
            "teruggestuurd_op",
            "teruggestuurd_reden",
            "vastgesteld_op",
        )
        fields = (
            "id",
            "afspraak",
            "jaar",
            *read_only_fields,
            "uiterlijk_indienen",
            "te_laat",
            "rapport",
        )
        validators = []

    def get_te_laat(self, obj) -> bool:
        return obj.te_laat()

    def get_rapport(self, obj) -> int | None:
        rapporten = list(obj.rapporten.all())
        return rapporten[0].pk if rapporten else None


class TerugsturenSerializer(Serializer):
    reden = serializers.CharField(help_text="Waarom de toetsing wordt teruggestuurd.")


class BeoordelenSerializer(Serializer):
    toezegging = serializers.IntegerField(
        help_text="Id van de kwalitatieve toezegging."
    )
    oordeel = serializers.ChoiceField(
        choices=[
            (Verdict.NAGEKOMEN, Verdict.NAGEKOMEN.label),
            (Verdict.DEELS, Verdict.DEELS.label),
            (Verdict.NIET_NAGEKOMEN, Verdict.NIET_NAGEKOMEN.label),
        ]
    )
    toelichting = serializers.CharField()


class RapportSerializer(ModelSerializer):
    jaar = serializers.IntegerField(source="toetsing.jaar", read_only=True)
    afspraak = serializers.IntegerField(source="toetsing.afspraak_id", read_only=True)

    class Meta:
        model = Rapport
        fields = (
            "id",
            "toetsing",
            "jaar",
            "afspraak",
            "sha256",
            "journaal_keten",
            "journaal_seq",
            "journaal_hash",
            "cooperatie_journaal_seq",
            "cooperatie_journaal_hash",
            "created_at",
        )
        read_only_fields = fields


class _FormRegexField(serializers.RegexField):
    """A form field sent empty is a (wrong) value here, not an absent one."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)


class VerifieerSerializer(Serializer):
    pdf = serializers.FileField(required=False, help_text="Het PDF-bestand.")
    sha256 = _FormRegexField(
        r"^[0-9a-fA-F]{64}$", required=False, help_text="Of de SHA-256 ervan."
    )

    def validate_pdf(self, upload):
        if upload is not None and upload.size > settings.VERIFIEER_MAX_BYTES:
            raise serializers.ValidationError(too_large_message(upload.size))
        return upload

    def validate(self, attrs):
        if not attrs.get("pdf") and not attrs.get("sha256"):
            raise serializers.ValidationError(
                {"pdf": "Geef een PDF-bestand of een SHA-256."}
            )
        return attrs


class VerificatieSerializer(Serializer):
    verzegeld = serializers.BooleanField()
    sha256 = serializers.CharField()
    rapport = RapportSerializer(allow_null=True)


class BundelQuerySerializer(Serializer):
    corporatie = serializers.IntegerField()
    # The years a toetsing can have (JAAR_VALIDATORS); the ZIP format itself
    # cannot date a file before 1980.
    jaar = serializers.IntegerField(min_value=2000, max_value=2100)


class JaarparameterSerializer(ModelSerializer):
    class Meta:
        model = Jaarparameter
        fields = ("id", "jaar", "code", "waarde", "bron")
        validators = []


class JaarparameterUpdateSerializer(JaarparameterSerializer):
    class Meta(JaarparameterSerializer.Meta):
        read_only_fields = ("jaar", "code")
