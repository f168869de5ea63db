"""Serializers of the afspraken resources."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rest_framework import serializers
from rest_framework.utils import html

from cooperatie.models import Cooperatie, Corporatie, Gebouw
from kern.api.base import ModelSerializer, ScopedRelatedField, Serializer

from ..choices import Verdict
from ..models import (
    MAX_DOELEN,
    Afspraak,
    Jaarparameter,
    Prestatieafspraak,
    Prestatiedoel,
    Rapport,
    Toetsing,
    Toezegging,
)
from ..rapporten import too_large_message
from ..services import TOEZEGGING_FIELDS

# The most clause rows one write of an afspraak takes.
MAX_TOEZEGGING_ROWS = 200

# A clause's fields, for its own resource and for the rows of an afspraak.
TOEZEGGING_BESCHRIJVINGEN = {
    "omschrijving": _("Wat de coöperatie toezegt, in woorden."),
    "indicator": _(
        "Wat per jaar wordt gemeten: een aantal, uren, euro's of een percentage "
        "van de leden; een kwalitatieve toezegging beoordeelt de beheerder."
    ),
    "norm": _(
        "De waarde die de meting moet halen (minimaal) of niet mag overschrijden "
        "(maximaal), in de eenheid van de indicator: 0 of meer, als tekst met "
        'twee decimalen, bijv. "12.50".'
    ),
    "richting": _(
        "Minimaal: de meting moet de norm halen; maximaal: zij mag hem niet "
        "overschrijden."
    ),
    "deels_vanaf": _(
        "Percentage van de norm (0 tot 100, standaard 75) vanaf waar een "
        "minimale toezegging deels is nagekomen."
    ),
    "zwaarwegend": _(
        "Of niet nakomen de hele toetsing niet nagekomen maakt; standaard ja."
    ),
    "thema": _(
        "Telt alleen activiteiten met dit thema (leeg: alle); alleen bij "
        "indicatoren over activiteiten."
    ),
    "alleen_open_voor_buurt": _(
        "Telt alleen activiteiten die open waren voor de buurt; alleen bij "
        "indicatoren over activiteiten."
    ),
    "volgorde": _("Plaats in de toezeggingen van de afspraak; lager eerst."),
}


class ToezeggingRowSerializer(ModelSerializer):
    """One clause row written with its afspraak: without `id` a new toezegging,
    with `id` the fields to change of one of this afspraak's toezeggingen, or
    with `verwijderen` its removal."""

    beschrijving = _(
        "Een toezegging die met haar afspraak wordt geschreven; alleen de "
        "meegestuurde velden veranderen."
    )
    beschrijvingen = TOEZEGGING_BESCHRIJVINGEN
    id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Id van een toezegging van deze afspraak; weglaten voor een nieuwe."
        ),
    )
    verwijderen = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("De toezegging met dit id verwijderen."),
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
    beschrijving = _(
        "Een afspraak tussen een corporatie en een coöperatie over haar sociale "
        "inbreng in de wijk, voor een reeks jaren."
    )
    beschrijvingen = {
        "corporatie": _(
            "Id van de corporatie die de afspraak maakt; ligt vast na het aanmaken."
        ),
        "cooperatie": _(
            "Id van de coöperatie met wie de afspraak is gemaakt; ligt vast na "
            "het aanmaken."
        ),
        "gebouwen": _("Ids van de gebouwen waarover de afspraak gaat; mag leeg."),
        "titel": _("Titel van de afspraak."),
        "ondertekend_op": _("Datum van ondertekening; leeg als nog niet getekend."),
        "ingangsjaar": _("Eerste jaar waarin de afspraak geldt (2000 tot 2100)."),
        "eindjaar": _(
            "Laatste jaar waarin de afspraak geldt, niet vóór het ingangsjaar; "
            "leeg voor onbepaald."
        ),
        "prestatieafspraak": _(
            "Id van de prestatieafspraak (/prestatieafspraken/) van dezelfde "
            "corporatie waaraan de afspraak bijdraagt: in de gemeente van een van "
            "haar gebouwen en met minstens één jaar gemeen; null voor geen."
        ),
        "prestatieafspraak_kenmerk": _(
            "Verwijzing in tekst naar de prestatieafspraken, bijv. een artikel; "
            "mag leeg."
        ),
    }
    corporatie = ScopedRelatedField(Corporatie)
    cooperatie = ScopedRelatedField(Cooperatie)
    gebouwen = ScopedRelatedField(Gebouw, many=True, required=False)
    prestatieafspraak = ScopedRelatedField(
        Prestatieafspraak, required=False, allow_null=True
    )
    toezeggingen = ToezeggingRowSerializer(
        many=True,
        required=False,
        write_only=True,
        max_length=MAX_TOEZEGGING_ROWS,
        help_text=_(
            "Toezeggingen die met de afspraak worden toegevoegd, gewijzigd of "
            "verwijderd, alles of niets; alleen bij schrijven (lezen kan via "
            "/toezeggingen/)."
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
            "prestatieafspraak_kenmerk",
            "indienen_maand",
            "indienen_dag",
            "toezeggingen",
        )
        validators = []


class AfspraakUpdateSerializer(AfspraakSerializer):
    corporatie = serializers.PrimaryKeyRelatedField(read_only=True)
    cooperatie = serializers.PrimaryKeyRelatedField(read_only=True)


class ToezeggingSerializer(ModelSerializer):
    beschrijving = _(
        "Een meetbare toezegging van een afspraak: een indicator met een norm, "
        "elk jaar gemeten in de toetsing."
    )
    beschrijvingen = {
        **TOEZEGGING_BESCHRIJVINGEN,
        "afspraak": _("Id van de afspraak; ligt vast na het aanmaken."),
    }
    afspraak = ScopedRelatedField(Afspraak)

    class Meta:
        model = Toezegging
        fields = ("id", "afspraak", *TOEZEGGING_FIELDS)
        validators = []


class ToezeggingUpdateSerializer(ToezeggingSerializer):
    afspraak = serializers.PrimaryKeyRelatedField(read_only=True)


class ToetsingSerializer(ModelSerializer):
    beschrijving = _(
        "De toetsing van één afspraak over één jaar: open, ingediend, "
        "teruggestuurd of vastgesteld, met de metingen en het oordeel."
    )
    beschrijvingen = {
        "afspraak": _("Id van de getoetste afspraak."),
        "jaar": _("Het getoetste kalenderjaar; de afspraak loopt erin."),
        "status": _(
            "Waar het jaar staat. Alleen de acties indienen, terugsturen en "
            "vaststellen veranderen haar."
        ),
        "verdict": _(
            "Het oordeel over het hele jaar; leeg zolang het niet is ingediend."
        ),
        "toelichting": _("Toelichting bij het oordeel over het jaar; mag leeg."),
        "snapshot": _(
            "De metingen en het oordeel per toezegging, vastgelegd bij het "
            "indienen (null daarvoor): alleen totalen, nooit persoonsgegevens."
        ),
        "ingediend_op": _("Moment van het laatste indienen; leeg als nooit."),
        "teruggestuurd_op": _("Moment van het laatste terugsturen; leeg als nooit."),
        "teruggestuurd_reden": _("De reden van het laatste terugsturen."),
        "vastgesteld_op": _("Moment van vaststellen; leeg zolang niet vastgesteld."),
        "rapport": _(
            "Id van het verzegelde nalevingsrapport; null tot het jaar is vastgesteld."
        ),
    }
    afspraak = ScopedRelatedField(Afspraak)
    verdict = serializers.ChoiceField(
        choices=Verdict.choices, allow_blank=True, read_only=True
    )
    rapport = serializers.SerializerMethodField()
    uiterlijk_indienen = serializers.DateField(
        read_only=True,
        help_text=_("De laatste dag waarop het jaar ingediend kan worden."),
    )
    te_laat = serializers.SerializerMethodField(
        help_text=_(
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
    beschrijving = _("Waarom een ingediend jaar teruggaat naar het bestuur.")
    reden = serializers.CharField(
        help_text=_("Waarom de toetsing wordt teruggestuurd.")
    )


class BeoordelenSerializer(Serializer):
    beschrijving = _(
        "Het oordeel van de beheerder over een kwalitatieve toezegging in deze "
        "toetsing."
    )
    toezegging = serializers.IntegerField(
        help_text=_("Id van een kwalitatieve toezegging van deze afspraak.")
    )
    oordeel = serializers.ChoiceField(
        choices=[
            (Verdict.NAGEKOMEN, Verdict.NAGEKOMEN.label),
            (Verdict.DEELS, Verdict.DEELS.label),
            (Verdict.NIET_NAGEKOMEN, Verdict.NIET_NAGEKOMEN.label),
        ],
        help_text=_("Nagekomen, deels nagekomen of niet nagekomen."),
    )
    toelichting = serializers.CharField(help_text=_("Waarom dit oordeel."))


class RapportSerializer(ModelSerializer):
    beschrijving = _(
        "Een verzegeld nalevingsrapport: de PDF van een vastgestelde toetsing, "
        "met zijn SHA-256 en de koppen van de journaalketens bij het verzegelen. "
        "Verandert nooit."
    )
    beschrijvingen = {
        "toetsing": _("Id van de vastgestelde toetsing."),
        "jaar": _("Het jaar van de toetsing."),
        "afspraak": _("Id van de afspraak van de toetsing."),
        "sha256": _("SHA-256 van de PDF, 64 hexadecimale tekens: het zegel."),
        "journaal_seq": _(
            "Volgnummer van de laatste regel in de keten van de corporatie bij "
            "het verzegelen."
        ),
        "journaal_hash": _("Hash van die regel; staat ook in de PDF."),
        "cooperatie_journaal_seq": _(
            "Volgnummer van de laatste regel in de keten van de coöperatie bij "
            "het verzegelen."
        ),
        "cooperatie_journaal_hash": _("Hash van die regel; staat ook in de PDF."),
        "created_at": _("Moment van verzegelen."),
    }
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
    beschrijving = _("Een PDF-bestand of zijn SHA-256, om te controleren.")
    pdf = serializers.FileField(
        required=False, help_text=_("Het PDF-bestand dat u wilt controleren.")
    )
    sha256 = _FormRegexField(
        r"^[0-9a-fA-F]{64}$",
        required=False,
        help_text=_("Of de SHA-256 ervan: 64 hexadecimale tekens."),
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
    beschrijving = _("Of een bestand een verzegeld rapport binnen uw bereik is.")
    verzegeld = serializers.BooleanField(
        help_text=_("Of het een verzegeld rapport binnen uw bereik is.")
    )
    sha256 = serializers.CharField(
        help_text=_("De SHA-256 van het gecontroleerde bestand.")
    )
    rapport = RapportSerializer(
        allow_null=True, help_text=_("Het verzegelde rapport; null als het er geen is.")
    )


class BundelQuerySerializer(Serializer):
    corporatie = serializers.IntegerField(help_text=_("Id van de corporatie."))
    # The years a toetsing can have (JAAR_VALIDATORS); the ZIP format itself
    # cannot date a file before 1980.
    jaar = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text=_("Het jaar van de toetsingen.")
    )


class JaarparameterSerializer(ModelSerializer):
    beschrijving = _(
        "Een wettelijk bedrag dat per jaar verandert (DAEB-inkomensgrens, "
        "aftoppingsgrens), met zijn bron."
    )
    beschrijvingen = {
        "jaar": _("Het jaar waarin de waarde geldt; ligt vast na het aanmaken."),
        "code": _("Welke parameter; één per jaar. Ligt vast na het aanmaken."),
        "waarde": _("Het bedrag in euro, groter dan 0, als tekst met twee decimalen."),
        "bron": _("Waar de waarde vandaan komt, bijv. een regeling of publicatie."),
    }

    class Meta:
        model = Jaarparameter
        fields = ("id", "jaar", "code", "waarde", "bron")
        validators = []


class JaarparameterUpdateSerializer(JaarparameterSerializer):
    class Meta(JaarparameterSerializer.Meta):
        read_only_fields = ("jaar", "code")


class PrestatiedoelSerializer(ModelSerializer):
    beschrijving = _(
        "Een thema en doel voor de leefbaarheid uit een prestatieafspraak, "
        "eventueel met een streefwaarde."
    )
    beschrijvingen = {
        "thema": _("Het thema, zoals bij activiteiten."),
        "omschrijving": _("Wat is afgesproken, in woorden."),
        "streefwaarde": _(
            "Het getal dat wordt nagestreefd, 0 of meer, als tekst met twee "
            'decimalen, bijv. "200.00"; null voor geen.'
        ),
        "eenheid": _(
            "De eenheid van de streefwaarde, bijv. uren of woningen; nodig bij "
            "een streefwaarde."
        ),
    }

    class Meta:
        model = Prestatiedoel
        fields = ("thema", "omschrijving", "streefwaarde", "eenheid")
        validators = []


class PrestatieafspraakSerializer(ModelSerializer):
    beschrijving = _(
        "Een prestatieafspraak van een corporatie met een gemeente en de "
        "huurdersorganisatie, met haar doelen voor de leefbaarheid."
    )
    beschrijvingen = {
        "corporatie": _(
            "Id van de corporatie die de prestatieafspraak maakte; ligt vast na "
            "het aanmaken."
        ),
        "gemeentecode": _(
            "De CBS-code van de gemeente: GM gevolgd door 4 cijfers, bijv. GM0344."
        ),
        "titel": _("Titel van de prestatieafspraak."),
        "ingangsjaar": _("Eerste jaar waarin zij geldt (2000 tot 2100)."),
        "eindjaar": _(
            "Laatste jaar waarin zij geldt, niet vóór het ingangsjaar (gelijk "
            "voor één jaar); leeg voor onbepaald."
        ),
        "huurdersorganisatie": _(
            "De naam van de huurdersorganisatie die meetekende; mag leeg."
        ),
    }
    corporatie = ScopedRelatedField(Corporatie)
    doelen = PrestatiedoelSerializer(
        many=True,
        required=False,
        max_length=MAX_DOELEN,
        help_text=_(
            "De doelen in hun volgorde, hoogstens 20. Bij wijzigen vervangt de "
            "meegestuurde lijst de doelen; weglaten laat ze zoals ze zijn."
        ),
    )

    class Meta:
        model = Prestatieafspraak
        fields = (
            "id",
            "corporatie",
            "gemeentecode",
            "titel",
            "ingangsjaar",
            "eindjaar",
            "huurdersorganisatie",
            "doelen",
        )
        validators = []


class PrestatieafspraakUpdateSerializer(PrestatieafspraakSerializer):
    corporatie = serializers.PrimaryKeyRelatedField(read_only=True)
