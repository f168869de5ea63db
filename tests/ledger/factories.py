"""Factories of the ledger app."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

import factory
from factory.django import DjangoModelFactory

from kern import journal
from kern.models import AuditEntry
from ledger.choices import BoekingSoort, Thema
from ledger.models import Activiteit, Bijlage, Boeking, Bon
from tests.cooperatie.factories import CooperatieFactory, UserFactory

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe"
    b"\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


class ActiviteitFactory(DjangoModelFactory):
    class Meta:
        model = Activiteit
        skip_postgeneration_save = True

    cooperatie = factory.SubFactory(CooperatieFactory)
    datum = datetime.date(2024, 3, 15)
    titel = factory.Sequence(lambda n: f"Taalcafé {n}")
    thema = Thema.TAAL_EDUCATIE
    omschrijving = "Wekelijks taalcafé in de gemeenschappelijke ruimte."
    open_voor_buurt = True
    deelnemers_leden = 6
    deelnemers_buurt = 4
    vrijwilligersuren = Decimal("3.50")

    @factory.post_generation
    def vrijwilligers(self, create, extracted, **kwargs):
        if create and extracted:
            self.vrijwilligers.set(extracted)


class BijlageFactory(DjangoModelFactory):
    class Meta:
        model = Bijlage

    activiteit = factory.SubFactory(ActiviteitFactory)
    bestand = factory.LazyFunction(lambda: ContentFile(PNG_1PX, name="foto.png"))
    omschrijving = "Foto van de activiteit"
    content_type = "image/png"
    grootte = len(PNG_1PX)
    sha256 = factory.Sequence(lambda n: f"{n:064x}")


class BoekingFactory(DjangoModelFactory):
    class Meta:
        model = Boeking

    cooperatie = factory.SubFactory(CooperatieFactory)
    datum = datetime.date(2024, 3, 15)
    soort = BoekingSoort.UITGAVE
    bedrag = Decimal("25.00")
    omschrijving = "Koffie en thee voor het taalcafé"


class BonFactory(DjangoModelFactory):
    class Meta:
        model = Bon

    boeking = factory.SubFactory(BoekingFactory)
    bestand = factory.LazyFunction(lambda: ContentFile(PNG_1PX, name="bon.png"))
    oorspronkelijke_naam = "kassabon.png"
    content_type = "image/png"
    grootte = len(PNG_1PX)
    sha256 = factory.Sequence(lambda n: f"{n:064x}")


class AuditEntryFactory(factory.Factory):
    """Appends a real, chained journal entry."""

    class Meta:
        model = AuditEntry

    actor = factory.SubFactory(UserFactory)
    action = "test_action"
    object_type = "test.object"
    object_id = factory.Sequence(str)
    object_repr = "testobject"
    after = factory.LazyFunction(lambda: {"veld": "waarde"})
    corporatie_id = None
    cooperatie_id = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        with transaction.atomic():
            return journal.record(**kwargs)

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("journal entries are only ever created")
