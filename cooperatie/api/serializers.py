"""Serializers of the cooperatie resources. They validate input shape and render
output; the rules live in the services."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kern.api.base import ModelSerializer, ScopedRelatedField, Serializer
from kern.api.scopes import SCOPES
from kern.coordinaten import RD_X_RANGE, RD_Y_RANGE
from kern.validators import BAG_VERBLIJFSOBJECTEN_MAX, bag_verblijfsobject_validator

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

# A member's personal data (`Lid.PERSONAL_FIELDS`) is null where the user may
# not see it: said after the field's own description.
PERSOONSGEGEVEN = _("Persoonsgegeven: null voor wie het niet mag zien.")


def _persoonsgegeven(text):
    return format_lazy("{} {}", text, PERSOONSGEGEVEN)


class CorporatieSerializer(ModelSerializer):
    beschrijving = _(
        "Een woningcorporatie: eigenaar van gebouwen en partij bij de afspraken "
        "met coöperaties."
    )
    beschrijvingen = {
        "naam": _("Naam van de corporatie."),
        "kvk_nummer": _("KvK-nummer: precies 8 cijfers, uniek onder de corporaties."),
        "plaats": _("Vestigingsplaats."),
    }

    class Meta:
        model = Corporatie
        fields = ("id", *Corporatie.EDITABLE_FIELDS)


def _rd_field(bounds) -> serializers.DecimalField:
    """An RD coordinate a write may give (in metres, to the millimetre)."""
    return serializers.DecimalField(
        max_digits=9,
        decimal_places=3,
        min_value=bounds[0],
        max_value=bounds[1],
        required=False,
        allow_null=True,
        write_only=True,
    )


class GebouwSerializer(ModelSerializer):
    beschrijving = _("Een gebouw of complex met woningen, eigendom van een corporatie.")
    beschrijvingen = {
        "corporatie": _(
            "Id van de corporatie die eigenaar is; ligt vast na het aanmaken."
        ),
        "complexnummer": _(
            "Het nummer van het complex bij de corporatie; uniek per corporatie."
        ),
        "naam": _("Naam van het gebouw of complex."),
        "straat": _("Straat van het adres."),
        "huisnummer": _("Huisnummer met een eventuele toevoeging, bijv. 12A."),
        "postcode": _(
            "Postcode in de vorm 1234 AB; 1234ab wordt aanvaard en zo opgeslagen."
        ),
        "plaats": _("Plaats van het gebouw."),
        "gemeentecode": _("CBS-code van de gemeente: GM en 4 cijfers, bijv. GM0344."),
        "buurtcode": _(
            "CBS-code van de buurt: BU, 4 cijfers en 4 cijfers of hoofdletters, "
            "bijv. BU03440101; leeg als onbekend."
        ),
        "kaartjaar": _(
            "Jaar van de CBS-wijk- en buurtkaart waarin de buurtcode geldt; "
            "verplicht bij een buurtcode."
        ),
        "aantal_woningen": _("Aantal woningen in het gebouw; minstens 1."),
        "bouwjaar": _("Bouwjaar, tussen 1200 en 2100; leeg als onbekend."),
        "daeb": _(
            "Of de woningen DAEB (sociale huur) zijn, niet-DAEB of gemengd; "
            "standaard DAEB."
        ),
        "bag_pand_id": _(
            "Identificatie van het pand in de BAG: 16 cijfers, beginnend met de 4 "
            "cijfers van de gemeentecode van het gebouw en dan 10; leeg als "
            "onbekend."
        ),
        "bag_verblijfsobject_ids": _(
            "Identificaties van de verblijfsobjecten in de BAG, elk 16 cijfers, "
            "beginnend met de 4 cijfers van de gemeentecode van het gebouw en "
            "dan 01; elk hoogstens één keer, hoogstens 500."
        ),
        "clustercode": _(
            "De code van het cluster in de systemen van de corporatie (VERA): "
            "hoogstens 20 letters, cijfers, punten, liggende streepjes of "
            "onderstrepingstekens; kleine letters worden hoofdletters. Leeg als "
            "onbekend."
        ),
        "latitude": _(
            "Noorderbreedte in graden (WGS84), tussen 50,7 en 53,7, hoogstens 6 "
            "decimalen; samen met de lengtegraad, of beide null."
        ),
        "longitude": _(
            "Oosterlengte in graden (WGS84), tussen 3,2 en 7,3, hoogstens 6 "
            "decimalen; samen met de breedtegraad, of beide null."
        ),
        "rd_x": _(
            "Alleen bij schrijven: de x-coördinaat in RD (EPSG:28992), in meters. "
            "Samen met rd_y omgerekend naar breedte- en lengtegraad en zo "
            "opgeslagen; niet samen met die te geven."
        ),
        "rd_y": _(
            "Alleen bij schrijven: de y-coördinaat in RD (EPSG:28992), in meters; "
            "zie rd_x."
        ),
    }
    corporatie = ScopedRelatedField(Corporatie)
    bag_verblijfsobject_ids = serializers.ListField(
        child=serializers.CharField(
            max_length=16, validators=[bag_verblijfsobject_validator]
        ),
        max_length=BAG_VERBLIJFSOBJECTEN_MAX,
        required=False,
    )
    rd_x = _rd_field(RD_X_RANGE)
    rd_y = _rd_field(RD_Y_RANGE)

    class Meta:
        model = Gebouw
        fields = ("id", "corporatie", *Gebouw.EDITABLE_FIELDS, *Gebouw.CONVERTED_FIELDS)
        # Format rules and normalisation (`3511ab` → `3511 AB`) are the service's.
        extra_kwargs = {
            "postcode": {"validators": []},
            "gemeentecode": {"validators": []},
            "buurtcode": {"validators": []},
            "clustercode": {"validators": []},
        }
        validators = []  # uniqueness is checked by the service, per field


class GebouwUpdateSerializer(GebouwSerializer):
    corporatie = serializers.PrimaryKeyRelatedField(read_only=True)


class CooperatieSerializer(ModelSerializer):
    beschrijving = _("Een woon- of beheercoöperatie van huurders.")
    beschrijvingen = {
        "naam": _("Naam van de coöperatie."),
        "soort": _(
            "Wooncoöperatie (beheert en huurt eventueel de eigen woningen) of "
            "beheercoöperatie (beheert; de corporatie blijft eigenaar)."
        ),
        "kvk_nummer": _("KvK-nummer: precies 8 cijfers, uniek onder de coöperaties."),
        "rechtsvorm": _("Rechtsvorm; standaard vereniging."),
        "opgericht_op": _("Datum van oprichting; leeg als onbekend."),
        "email": _("Algemeen e-mailadres van de coöperatie; mag leeg."),
        "website": _("Website (een URL); mag leeg."),
        "aangemeld_door": _(
            "Id van de corporatie die de coöperatie aanmeldde; zij ziet haar ook "
            "vóór een overeenkomst of afspraak. Null als de platformbeheerder haar "
            "aanmeldde; ligt vast na het aanmaken."
        ),
    }
    aangemeld_door = ScopedRelatedField(Corporatie, required=False, allow_null=True)

    class Meta:
        model = Cooperatie
        fields = ("id", *Cooperatie.EDITABLE_FIELDS, "aangemeld_door")
        validators = []
        extra_kwargs = {"kvk_nummer": {"validators": []}}


class CooperatieUpdateSerializer(CooperatieSerializer):
    aangemeld_door = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)


class OvereenkomstSerializer(ModelSerializer):
    beschrijving = _(
        "Een huur- of beheerovereenkomst: een gebouw is voor een periode verhuurd "
        "aan of in beheer bij een coöperatie."
    )
    beschrijvingen = {
        "gebouw": _("Id van het gebouw; ligt vast na het aanmaken."),
        "cooperatie": _("Id van de coöperatie; ligt vast na het aanmaken."),
        "soort": _("Huurovereenkomst of beheerovereenkomst."),
        "ingangsdatum": _("Eerste dag van de overeenkomst."),
        "einddatum": _(
            "Laatste dag van de overeenkomst; leeg voor onbepaalde tijd. Een "
            "gebouw heeft op elke datum hoogstens één overeenkomst."
        ),
        "aantal_woningen": _(
            "Aantal woningen dat de overeenkomst betreft; weglaten voor alle "
            "woningen van het gebouw, nooit meer."
        ),
    }
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

    beschrijving = _(
        "Een lid (huishouden) van een coöperatie. Alleen het eigen bestuur ziet "
        "de persoonsgegevens; een beheerder ziet van bestuursleden alleen naam en "
        "functie."
    )
    beschrijvingen = {
        "cooperatie": _("Id van de coöperatie; ligt vast na het aanmaken."),
        "naam": _persoonsgegeven(_("Naam van het lid.")),
        "email": _persoonsgegeven(
            _("E-mailadres; uniek binnen de coöperatie, mag leeg.")
        ),
        "telefoon": _persoonsgegeven(_("Telefoonnummer; mag leeg.")),
        "adres": _persoonsgegeven(
            _("Straat en huisnummer van de woning, bijv. Kastanjelaan 12-3.")
        ),
        "lid_sinds": _(
            "Eerste dag van het lidmaatschap. Een lid telt mee op een peildatum "
            "(31 december) vanaf deze dag tot lid_tot."
        ),
        "lid_tot": _(
            "Eerste dag dat het huishouden geen lid meer is; leeg zolang het lid is."
        ),
        "bestuursfunctie": _("Functie in het bestuur; leeg voor een gewoon lid."),
        "doelgroep": _persoonsgegeven(
            _(
                "Of het inkomen op of onder de DAEB-grens van dat jaar ligt: ja, "
                "nee of onbekend. Nooit een bedrag."
            )
        ),
    }
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
    beschrijving = _("Het einde van een lidmaatschap.")
    lid_tot = serializers.DateField(
        help_text=_("Eerste dag dat het huishouden geen lid meer is.")
    )


class OvereenkomstEndSerializer(Serializer):
    beschrijving = _("Het einde van een overeenkomst.")
    einddatum = serializers.DateField(
        help_text=_("Laatste dag van de overeenkomst; niet vóór de ingangsdatum.")
    )


class ApiTokenSerializer(ModelSerializer):
    beschrijving = _(
        "Een persoonlijke API-token: een script werkt ermee met uw rollen. Van "
        "de sleutel worden alleen de eerste tekens getoond."
    )
    beschrijvingen = {
        "prefix": _("De eerste tekens van de sleutel, om de token te herkennen."),
        "created_at": _("Moment waarop de token is gemaakt."),
        "verloopt_op": _(
            "Na dit moment werkt de token niet meer (standaard 90 dagen na het maken)."
        ),
        "last_used_at": _("Moment van het laatste gebruik; leeg als nog nooit."),
        "revoked_at": _("Moment van intrekken; leeg zolang de token werkt."),
    }

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
    beschrijving = _("Een zojuist gemaakte API-token, met zijn sleutel.")
    sleutel = serializers.CharField(
        read_only=True,
        help_text=_(
            "De sleutel, alleen nu getoond: stuur hem mee als `Authorization: "
            "Token <sleutel>`."
        ),
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "sleutel")


class ApiClientSerializer(ModelSerializer):
    """A machine client of a corporatie: OAuth2 client credentials with scopes.
    The client id is made when it is registered; revoking is a DELETE."""

    beschrijving = _(
        "Een machinekoppeling van een corporatie (OAuth2 client credentials): een "
        "ERP- of BI-systeem dat met eigen scopes de API leest of wijzigt."
    )
    beschrijvingen = {
        "corporatie": _("Id van de corporatie namens wie de koppeling werkt."),
        "naam": _("Naam van de koppeling, zoals de beheerder haar herkent."),
        "client_id": _(
            "De client-id waarmee de koppeling bij /api/v1/oauth/token/ een "
            "toegangstoken aanvraagt."
        ),
        "created_at": _("Moment van registreren."),
        "revoked_at": _("Moment van intrekken; null zolang de koppeling werkt."),
    }
    corporatie = ScopedRelatedField(Corporatie)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(SCOPES.items())),
        min_length=1,
        max_length=len(SCOPES),
        help_text=_(
            "De scopes van de koppeling: per groep gegevens lezen "
            "(`Coopsturing.<Groep>.Read`) of ook wijzigen (`….Write`)."
        ),
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
        help_text=_("Het geheim van de koppeling; wordt alleen nu getoond."),
    )

    class Meta(ApiClientSerializer.Meta):
        fields = (*ApiClientSerializer.Meta.fields, "client_secret")


class RolSerializer(ModelSerializer):
    """A role a user holds. Ending it is a DELETE; roles are granted by
    invitation (`/uitnodigingen/`)."""

    beschrijving = _(
        "Een rol van een gebruiker: beheerder of auditor bij een corporatie, "
        "bestuur bij een coöperatie, of gemeente bij een gemeente."
    )
    beschrijvingen = {
        "soort": _(
            "Beheerder of auditor (bij een corporatie), bestuur (bij een "
            "coöperatie) of gemeente (bij een gemeentecode)."
        ),
        "corporatie": _(
            "Id van de corporatie van een beheerder of auditor; anders null."
        ),
        "cooperatie": _("Id van de coöperatie van een bestuurder; anders null."),
        "gemeentecode": _(
            "CBS-code van de gemeente van een gemeenterol (GM en 4 cijfers); "
            "anders leeg."
        ),
        "gebruiker": _("Id van de gebruiker die de rol heeft."),
    }
    gebruiker = serializers.PrimaryKeyRelatedField(source="user", read_only=True)
    gebruiker_naam = serializers.SerializerMethodField(
        help_text=_("Volledige naam van de gebruiker, anders de gebruikersnaam.")
    )
    # Read only, and empty for every role but a gemeente's: declared here so the
    # schema does not give it the model's pattern with an empty default.
    gemeentecode = serializers.CharField(read_only=True)

    class Meta:
        model = Rol
        fields = (
            "id",
            "soort",
            "corporatie",
            "cooperatie",
            "gemeentecode",
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

    beschrijving = _(
        "Een uitnodiging per e-mail voor een rol. De link staat alleen in de "
        "mail; het token en zijn hash zijn nooit te zien."
    )
    beschrijvingen = {
        "email": _("E-mailadres van wie wordt uitgenodigd."),
        "soort": _(
            "De rol: beheerder of auditor (met corporatie) of bestuur (met coöperatie)."
        ),
        "corporatie": _(
            "Id van de corporatie, bij een uitnodiging als beheerder of auditor; "
            "anders null."
        ),
        "cooperatie": _(
            "Id van de coöperatie, bij een uitnodiging als bestuurder; anders null."
        ),
        "status": _(
            "Open, verlopen, aangenomen of ingetrokken; volgt uit de momenten "
            "van de uitnodiging."
        ),
        "verloopt_op": _("Na dit moment werkt de link niet meer."),
        "created_at": _("Moment van uitnodigen."),
        "uitgenodigd_door": _(
            "Id van de gebruiker die uitnodigde; null als die niet meer bestaat."
        ),
        "geaccepteerd_op": _("Moment van aannemen; leeg zolang niet aangenomen."),
        "ingetrokken_op": _("Moment van intrekken; leeg zolang niet ingetrokken."),
    }
    corporatie = ScopedRelatedField(Corporatie, required=False, allow_null=True)
    cooperatie = ScopedRelatedField(Cooperatie, required=False, allow_null=True)
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
