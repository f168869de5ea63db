"""Serializers of the ledger resources."""

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cooperatie.models import Cooperatie, Lid
from kern.api.base import ModelSerializer, ScopedRelatedField, Serializer
from kern.models import AuditEntry

from ..choices import WoningwetSignaal
from ..models import Activiteit, Bijlage, Boeking, Bon
from ..selectors import woningwet_signalen_in


class BijlageSerializer(ModelSerializer):
    """An evidence file of an activity (the file itself is downloaded in the
    portal); `oorspronkelijke_naam` is the name it had when it was uploaded."""

    beschrijving = _(
        "Een bewijsstuk bij een activiteit: een foto of PDF. Het bestand zelf "
        "downloadt u in het portaal."
    )
    beschrijvingen = {
        "omschrijving": _("Korte omschrijving; mag leeg."),
        "content_type": _(
            "Soort bestand, herkend aan de inhoud: image/jpeg, image/png, "
            "image/gif, image/webp of application/pdf."
        ),
        "grootte": _("Grootte in bytes."),
        "sha256": _("SHA-256 van het bestand, 64 hexadecimale tekens."),
        "created_at": _("Moment van toevoegen."),
    }

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

    beschrijving = _(
        "Een bon of factuur bij een boeking: een foto of PDF. Het bestand zelf "
        "downloadt u in het portaal."
    )

    class Meta(BijlageSerializer.Meta):
        model = Bon


class BijlageUploadSerializer(Serializer):
    beschrijving = _("Een bestand om toe te voegen, als multipart/form-data.")
    bestand = serializers.FileField(
        help_text=_(
            "Foto (JPEG, PNG, GIF, WebP) of PDF, herkend aan de inhoud; standaard "
            "hoogstens 10 MB."
        )
    )
    omschrijving = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Korte omschrijving; mag leeg."),
    )


class ActiviteitSerializer(ModelSerializer):
    beschrijving = _(
        "Een activiteit die de coöperatie organiseerde, met deelnemers, "
        "vrijwilligers en bewijsstukken."
    )
    beschrijvingen = {
        "cooperatie": _(
            "Id van de coöperatie die de activiteit organiseerde; ligt vast na "
            "het aanmaken."
        ),
        "datum": _("Datum van de activiteit; bepaalt in welk jaar zij telt."),
        "titel": _("Titel van de activiteit."),
        "thema": _(
            "Het thema; een toezegging kan alleen de activiteiten van één thema tellen."
        ),
        "omschrijving": _("Wat er gebeurde; mag leeg."),
        "open_voor_buurt": _(
            "Of de activiteit openstond voor buurtbewoners die geen lid zijn."
        ),
        "deelnemers_leden": _("Aantal leden dat meedeed; 0 of meer."),
        "deelnemers_buurt": _("Aantal deelnemers die geen lid zijn; 0 of meer."),
        "vrijwilligersuren": _(
            "Alle uren van alle vrijwilligers samen, 0 of meer, als tekst met "
            'twee decimalen, bijv. "7.50".'
        ),
        "vrijwilligers": _(
            "Ids van de leden die als vrijwilliger meehielpen; mag leeg."
        ),
        "partners": _("Organisaties waarmee is samengewerkt; mag leeg."),
        "buurtcode": _(
            "CBS-buurtcode van de plek van de activiteit (BU, 4 cijfers en 4 "
            "cijfers of letters; kleine letters worden hoofdletters); mag leeg."
        ),
        "bijlagen": _("De bewijsstukken; toevoegen kan met de actie bijlagen."),
    }
    cooperatie = ScopedRelatedField(Cooperatie)
    vrijwilligers = ScopedRelatedField(Lid, many=True, required=False)
    vrijwilligers_uren = serializers.DictField(
        child=serializers.DecimalField(
            max_digits=6, decimal_places=2, min_value=0, allow_null=True
        ),
        required=False,
        help_text=_(
            "Optioneel: uren per vrijwilliger (id van het lid → uren). Vult u ze "
            "in, dan voor elke vrijwilliger, en samen zijn ze de "
            "vrijwilligersuren. Weglaten laat de verdeling staan; {} wist haar."
        ),
    )
    bijlagen = BijlageSerializer(many=True, read_only=True)
    woningwet_signalen = serializers.SerializerMethodField(
        help_text=_(
            "Signalen (geen weigering) bij de Woningwetregel dat leefbaarheidswerk "
            "in de directe omgeving is, voor huurders en met partners: "
            "niet_open_geen_partners (niet open voor de buurt en zonder "
            "partners), buiten_de_buurt (een buurtcode die niet die van een "
            "gebouw van de coöperatie op de datum is). Leeg als er niets opvalt."
        )
    )

    class Meta:
        model = Activiteit
        fields = (
            "id",
            "cooperatie",
            *Activiteit.EDITABLE_FIELDS,
            "vrijwilligers_uren",
            "bijlagen",
            "woningwet_signalen",
        )
        # The buurtcode is checked by the service, after it is put in capitals.
        extra_kwargs = {"buurtcode": {"validators": []}}
        read_only_fields = ("woningwet_signalen",)
        validators = []

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=WoningwetSignaal.choices)
        )
    )
    def get_woningwet_signalen(self, obj) -> list[str]:
        # Computed for every activity the answer shows at once (one query of
        # the cooperaties' gebouwen), then read per activity.
        cache = self.context.setdefault("woningwet_signalen", {})
        if obj.pk not in cache:
            parent = self.parent
            alle = (
                list(parent.instance)
                if isinstance(parent, serializers.ListSerializer)
                and parent.instance is not None
                else [obj]
            )
            ids = [a.pk for a in alle]
            cache.update(woningwet_signalen_in(Activiteit.objects.filter(pk__in=ids)))
        return cache.get(obj.pk, [])


class ActiviteitUpdateSerializer(ActiviteitSerializer):
    cooperatie = serializers.PrimaryKeyRelatedField(read_only=True)


class BoekingSerializer(ModelSerializer):
    beschrijving = _(
        "Een boeking in het kasboek van de coöperatie: ontvangen budget of een "
        "uitgave. Zij verandert nooit; een storno draait haar terug."
    )
    beschrijvingen = {
        "cooperatie": _("Id van de coöperatie; ligt vast na het aanmaken."),
        "datum": _("Datum van de boeking; bepaalt in welk jaar zij telt."),
        "soort": _("Budget ontvangen van de corporatie, of een uitgave."),
        "bedrag": _(
            "Bedrag in euro, groter dan 0, als tekst met twee decimalen, bijv. "
            '"12.50"; ook een storno heeft een positief bedrag.'
        ),
        "omschrijving": _(
            "Waarvoor het geld is ontvangen of uitgegeven; bij een storno de reden."
        ),
        "activiteit": _("Id van de activiteit waarvoor het geld is, of null."),
        "corrigeert": _(
            "Bij een storno: id van de boeking die zij terugdraait; anders null."
        ),
        "bonnen": _("De bonnen en facturen; toevoegen kan met de actie bonnen."),
        "created_at": _("Moment van vastleggen."),
    }
    cooperatie = ScopedRelatedField(Cooperatie)
    activiteit = ScopedRelatedField(Activiteit, required=False, allow_null=True)
    storno = serializers.SerializerMethodField(
        help_text=_("Id van de storno die deze boeking tenietdoet, of null.")
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
    beschrijving = _("Een storno: de tegenboeking die een boeking terugdraait.")
    datum = serializers.DateField(
        required=False,
        help_text=_("Datum van de storno; standaard die van de boeking."),
    )
    # Required by the service (its message names the field); blank is let
    # through here so that every caller gets the same refusal.
    omschrijving = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text=_("Reden van de storno (verplicht)."),
    )


class JournaalSerializer(ModelSerializer):
    beschrijving = _(
        "Een regel van het journaal: één wijziging, door wie en wanneer, met de "
        "hash die haar aan de vorige regel van haar keten koppelt. Verandert "
        "nooit."
    )
    beschrijvingen = {
        "seq": _("Volgnummer in de keten: 1, 2, 3, … zonder gaten."),
        "timestamp": _("Moment van de wijziging."),
        "actor_name": _("Naam van wie de wijziging deed, als tekst bewaard."),
        "action": _("Wat er gebeurde, bijv. gebouw_create, lid_end of boeking_storno."),
        "object_type": _("Soort object, bijv. cooperatie.gebouw."),
        "object_id": _("Id van het object."),
        "object_repr": _("Het object zoals het toen heette."),
        "corporatie_id": _("Id van de corporatie wier gegevens het zijn, of null."),
        "cooperatie_id": _("Id van de coöperatie wier gegevens het zijn, of null."),
        "before": _(
            "De gewijzigde velden zoals ze waren (bij verwijderen alle); null bij "
            "een nieuw object. Persoonsgegevens staan er alleen als digest in."
        ),
        "after": _(
            "De gewijzigde velden erna (bij een nieuw object alle); null als het "
            "object verwijderd is."
        ),
        "request_id": _(
            "Id van het verzoek dat de wijziging deed, zoals in de header X-Request-ID."
        ),
        "prev_hash": _(
            "Hash van de vorige regel in de keten; 64 nullen bij de eerste."
        ),
        "hash": _("SHA-256 over prev_hash en de inhoud van deze regel."),
    }

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
