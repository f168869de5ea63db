"""Factories of the afspraken app."""

import hashlib
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

import factory
import pypdf
from factory.django import DjangoModelFactory

from afspraken.choices import Indicator, JaarparameterCode, Richting, ToetsingStatus
from afspraken.models import (
    Afspraak,
    Beoordeling,
    Jaarparameter,
    Prestatieafspraak,
    Prestatiedoel,
    Rapport,
    Toetsing,
    Toezegging,
)
from afspraken.services import gesloten_jaar_update, relatie_update
from kern import journal
from ledger.choices import Thema
from tests.cooperatie.factories import (
    CooperatieFactory,
    CorporatieFactory,
    UserFactory,
)


class PrestatieafspraakFactory(DjangoModelFactory):
    class Meta:
        model = Prestatieafspraak

    corporatie = factory.SubFactory(CorporatieFactory)
    gemeentecode = "GM0344"
    titel = factory.Sequence(lambda n: f"Prestatieafspraken Utrecht {n}")
    ingangsjaar = 2023
    eindjaar = 2026
    huurdersorganisatie = "Huurdersvereniging Noordwest"


class PrestatiedoelFactory(DjangoModelFactory):
    class Meta:
        model = Prestatiedoel

    prestatieafspraak = factory.SubFactory(PrestatieafspraakFactory)
    thema = Thema.ONTMOETING
    omschrijving = "Buurtkamers open voor de buurt"
    streefwaarde = Decimal("4")
    eenheid = "buurtkamers"
    volgorde = factory.Sequence(lambda n: n + 1)


class AfspraakFactory(DjangoModelFactory):
    class Meta:
        model = Afspraak
        skip_postgeneration_save = True

    corporatie = factory.SubFactory(CorporatieFactory)
    cooperatie = factory.SubFactory(CooperatieFactory)
    titel = factory.Sequence(lambda n: f"Afspraken sociale inbreng {n}")
    ingangsjaar = 2023
    eindjaar = 2027

    @factory.post_generation
    def gebouwen(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted:
            self.gebouwen.set(extracted)
        # The tie an afspraak makes, as afspraak_create keeps it.
        relatie_update(afspraak=self)


class ToezeggingFactory(DjangoModelFactory):
    class Meta:
        model = Toezegging

    afspraak = factory.SubFactory(AfspraakFactory)
    omschrijving = "Minstens 12 activiteiten per jaar"
    indicator = Indicator.AANTAL_ACTIVITEITEN
    norm = Decimal("12")
    richting = Richting.MINIMAAL


class ToetsingFactory(DjangoModelFactory):
    class Meta:
        model = Toetsing

    afspraak = factory.SubFactory(AfspraakFactory)
    jaar = 2024
    status = ToetsingStatus.OPEN

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        toetsing = super()._create(model_class, *args, **kwargs)
        _keep_year(toetsing)
        return toetsing


def _keep_year(toetsing: Toetsing) -> None:
    # A toetsing made ingediend or vastgesteld closes its year, as the
    # transitions keep it.
    with transaction.atomic():
        gesloten_jaar_update(
            cooperatie_id=toetsing.afspraak.cooperatie_id, jaar=toetsing.jaar
        )


def set_status(toetsing: Toetsing, status: str) -> None:
    """Give a toetsing a status without its transition (a test's shortcut), with
    the closed year the transition would keep."""
    Toetsing.objects.filter(pk=toetsing.pk).update(status=status)
    toetsing.status = status
    _keep_year(toetsing)


class BeoordelingFactory(DjangoModelFactory):
    class Meta:
        model = Beoordeling

    toetsing = factory.SubFactory(ToetsingFactory)
    toezegging = factory.SubFactory(
        ToezeggingFactory,
        afspraak=factory.SelfAttribute("..toetsing.afspraak"),
        indicator=Indicator.KWALITATIEF,
        omschrijving="De moestuin is open voor buurtbewoners",
        norm=Decimal("0"),
    )
    oordeel = "nagekomen"
    toelichting = "Elke zaterdag open; bezocht door buurtbewoners."
    beoordeeld_door = factory.SubFactory(UserFactory)


def minimal_pdf(title: str) -> bytes:
    """A small valid PDF (one blank page) with a title: a stand-in for a rendered
    report where the test is not about rendering."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=72, height=72)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class RapportFactory(DjangoModelFactory):
    class Meta:
        model = Rapport
        skip_postgeneration_save = True

    class Params:
        # Unique bytes per report, and a seal that matches them.
        inhoud = factory.Sequence(lambda n: minimal_pdf(f"Rapport {n}"))

    toetsing = factory.SubFactory(ToetsingFactory, status=ToetsingStatus.VASTGESTELD)
    pdf = factory.LazyAttribute(lambda o: ContentFile(o.inhoud, name="r.pdf"))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.inhoud).hexdigest())
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def verzegeling(self, create, extracted, **kwargs):
        """The seal's journal entry, as toetsing_vaststellen writes it, so that
        verify_ledger finds every factory-made report in its chain."""
        if not create:
            return
        with transaction.atomic():
            journal.record(
                actor=self.created_by,
                action="toetsing_vaststellen",
                obj=self.toetsing,
                before={"status": ToetsingStatus.INGEDIEND},
                after={
                    "status": ToetsingStatus.VASTGESTELD,
                    "rapport_sha256": self.sha256,
                },
            )


class JaarparameterFactory(DjangoModelFactory):
    class Meta:
        model = Jaarparameter
        django_get_or_create = ("jaar", "code")

    jaar = 2024
    code = JaarparameterCode.DAEB_INKOMENSGRENS_EEN
    waarde = Decimal("47699.00")
    bron = "Staatscourant, wijziging inkomensgrenzen 2024"
