"""Factories of the cooperatie app: Dutch fake data, valid by default."""

import datetime

from django.contrib.auth import get_user_model

import factory
from factory.django import DjangoModelFactory

from cooperatie.choices import (
    CooperatieSoort,
    Daeb,
    Doelgroep,
    OvereenkomstSoort,
    RolSoort,
)
from cooperatie.models import Cooperatie, Corporatie, Gebouw, Lid, Overeenkomst, Rol
from cooperatie.services import relatie_record

factory.Faker._DEFAULT_LOCALE = "nl_NL"

PASSWORD = "demo-wachtwoord-2024"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.nl")
    password = factory.django.Password(PASSWORD)

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)


class CorporatieFactory(DjangoModelFactory):
    class Meta:
        model = Corporatie

    naam = factory.Sequence(lambda n: f"Woonstichting Voorbeeld {n}")
    kvk_nummer = factory.Sequence(lambda n: f"{41000000 + n:08d}")
    plaats = factory.Faker("city")


class GebouwFactory(DjangoModelFactory):
    class Meta:
        model = Gebouw

    corporatie = factory.SubFactory(CorporatieFactory)
    complexnummer = factory.Sequence(lambda n: f"C{1000 + n}")
    naam = factory.Sequence(lambda n: f"Complex De Linde {n}")
    straat = factory.Faker("street_name")
    huisnummer = factory.Faker("building_number")
    postcode = factory.Sequence(lambda n: f"{1011 + n % 8000:04d} AB")
    plaats = factory.Faker("city")
    gemeentecode = "GM0363"
    buurtcode = "BU03630000"
    kaartjaar = 2024
    aantal_woningen = 24
    bouwjaar = 1968
    daeb = Daeb.DAEB


class CooperatieFactory(DjangoModelFactory):
    class Meta:
        model = Cooperatie

    naam = factory.Sequence(lambda n: f"Wooncoöperatie De Eendracht {n}")
    soort = CooperatieSoort.WOON
    kvk_nummer = factory.Sequence(lambda n: f"{71000000 + n:08d}")
    opgericht_op = datetime.date(2018, 5, 1)
    email = factory.Sequence(lambda n: f"bestuur{n}@coop.example.nl")


class OvereenkomstFactory(DjangoModelFactory):
    class Meta:
        model = Overeenkomst

    gebouw = factory.SubFactory(GebouwFactory)
    cooperatie = factory.SubFactory(CooperatieFactory)
    soort = OvereenkomstSoort.HUUR
    ingangsdatum = datetime.date(2020, 1, 1)
    einddatum = None
    aantal_woningen = factory.LazyAttribute(lambda o: o.gebouw.aantal_woningen)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The tie an overeenkomst makes, as overeenkomst_create keeps it.
        overeenkomst = super()._create(model_class, *args, **kwargs)
        relatie_record(
            corporatie_id=overeenkomst.gebouw.corporatie_id,
            cooperatie_id=overeenkomst.cooperatie_id,
        )
        return overeenkomst


class LidFactory(DjangoModelFactory):
    class Meta:
        model = Lid

    cooperatie = factory.SubFactory(CooperatieFactory)
    naam = factory.Faker("name")
    email = factory.Sequence(lambda n: f"lid{n}@example.nl")
    telefoon = factory.Faker("phone_number")
    adres = factory.Faker("street_address")
    lid_sinds = datetime.date(2020, 1, 1)
    lid_tot = None
    bestuursfunctie = ""
    doelgroep = Doelgroep.ONBEKEND
    journaal_salt = factory.LazyFunction(Lid.new_salt)


class RolFactory(DjangoModelFactory):
    class Meta:
        model = Rol

    user = factory.SubFactory(UserFactory)
    soort = RolSoort.BEHEERDER
    corporatie = factory.SubFactory(CorporatieFactory)
    cooperatie = None

    class Params:
        bestuur = factory.Trait(
            soort=RolSoort.BESTUUR,
            corporatie=None,
            cooperatie=factory.SubFactory(CooperatieFactory),
        )
        auditor = factory.Trait(soort=RolSoort.AUDITOR)
        gemeente = factory.Trait(
            soort=RolSoort.GEMEENTE,
            corporatie=None,
            cooperatie=None,
            gemeentecode="GM0363",
        )
