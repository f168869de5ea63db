"""Forms, journal readers and model lists shared by the Django admin tests."""

from __future__ import annotations

import datetime

from django.contrib.messages import get_messages
from django.db.models import Max
from django.urls import reverse

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
from cooperatie.models import (
    ApiClient,
    ApiToken,
    Buurtkerncijfers,
    Cooperatie,
    Corporatie,
    Gebouw,
    GeslotenJaar,
    LedenInzage,
    Leefbaarometerscore,
    Lid,
    Overeenkomst,
    Relatie,
    Rol,
    SsoIdentiteit,
    Uitnodiging,
)
from kern.models import (
    Aanmeldtijdperk,
    Accountinstelling,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    AuditEntry,
    Herstelcode,
    Verzending,
)
from ledger.models import (
    Activiteit,
    ActiviteitJaartotaal,
    Bijlage,
    Boeking,
    Bon,
    Vrijwilliger,
    VrijwilligerJaartelling,
)
from tests.api.oauth_helpers import register as register_client

REGISTERED = (
    Aanmeldtijdperk,
    Accountinstelling,
    Herstelcode,
    Verzending,
    Corporatie,
    Gebouw,
    Cooperatie,
    Overeenkomst,
    Lid,
    Rol,
    Relatie,
    GeslotenJaar,
    Afspraak,
    Prestatieafspraak,
    Prestatiedoel,
    Toezegging,
    Toetsing,
    Beoordeling,
    Rapport,
    Jaarparameter,
    Activiteit,
    Vrijwilliger,
    ActiviteitJaartotaal,
    VrijwilligerJaartelling,
    Bijlage,
    Boeking,
    Bon,
    AuditEntry,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    ApiToken,
    ApiClient,
    LedenInzage,
    Uitnodiging,
    SsoIdentiteit,
    Leefbaarometerscore,
    Buurtkerncijfers,
)
# Nothing creates these through a service the admin may call.
ADD_DISABLED = {
    Aanmeldtijdperk,
    Accountinstelling,
    Herstelcode,
    Verzending,
    Relatie,
    GeslotenJaar,
    Beoordeling,
    Rapport,
    Vrijwilliger,
    ActiviteitJaartotaal,
    VrijwilligerJaartelling,
    AuditEntry,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    ApiToken,
    ApiClient,
    LedenInzage,
    Uitnodiging,
    SsoIdentiteit,
    Leefbaarometerscore,
    Buurtkerncijfers,
}
# Append-only or without an update service: the change page only shows the row.
VIEW_ONLY = {
    Aanmeldtijdperk,
    Accountinstelling,
    Herstelcode,
    Verzending,
    Relatie,
    GeslotenJaar,
    Rol,
    Toetsing,
    Beoordeling,
    Rapport,
    Vrijwilliger,
    ActiviteitJaartotaal,
    VrijwilligerJaartelling,
    Bijlage,
    Boeking,
    Bon,
    AuditEntry,
    AuditChainHead,
    AuditChainVerification,
    AuditCheckpoint,
    ApiToken,
    ApiClient,
    LedenInzage,
    Uitnodiging,
    SsoIdentiteit,
    Leefbaarometerscore,
    Buurtkerncijfers,
}

GEBOUW_FORM = (
    "complexnummer",
    "naam",
    "straat",
    "huisnummer",
    "postcode",
    "plaats",
    "gemeentecode",
    "buurtcode",
    "kaartjaar",
    "aantal_woningen",
    "bouwjaar",
    "daeb",
)
LID_FORM = (
    "naam",
    "email",
    "telefoon",
    "adres",
    "lid_sinds",
    "lid_tot",
    "bestuursfunctie",
    "doelgroep",
)
COOPERATIE_FORM = (
    "naam",
    "soort",
    "kvk_nummer",
    "rechtsvorm",
    "opgericht_op",
    "email",
    "website",
)


def url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_values(obj, names, prefix: str = "") -> dict[str, str]:
    """POST values of a form that leaves `obj` as it is (unchecked boxes absent)."""
    data = {}
    for name in names:
        value = getattr(obj, obj._meta.get_field(name).attname)
        if value is False:
            continue
        if value is True:
            value = "on"
        elif value is None:
            value = ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[f"{prefix}{name}"] = str(value)
    return data


def management_form(prefix: str, total: int, initial: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def journal_seq() -> int:
    return AuditEntry.objects.aggregate(m=Max("pk"))["m"] or 0


def entries_since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=seq).order_by("pk"))


def error_messages(response) -> list[str]:
    return [
        m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"
    ]


def _one_of_each(world) -> dict:
    objects = {type(obj): obj for obj in world.a.objects().values()}
    objects[Jaarparameter] = world.jaarparameter
    objects[Leefbaarometerscore] = Leefbaarometerscore.objects.create(
        buurtcode="BU03630000", meetjaar=2022, versie="3.0", totaal="4.1"
    )
    objects[Buurtkerncijfers] = Buurtkerncijfers.objects.create(
        buurtcode="BU03630000", jaar=2024, aantal_inwoners=1200
    )
    # Kept by the database from the tenant's activity and its volunteer.
    objects[ActiviteitJaartotaal] = ActiviteitJaartotaal.objects.filter(
        cooperatie=world.a.cooperatie
    ).first()
    objects[VrijwilligerJaartelling] = VrijwilligerJaartelling.objects.filter(
        cooperatie=world.a.cooperatie
    ).first()
    objects[AuditChainHead] = AuditChainHead.objects.order_by("keten").first()
    objects[AuditChainVerification] = AuditChainVerification.objects.first()
    objects[AuditCheckpoint] = AuditCheckpoint.objects.first()
    objects[ApiToken] = ApiToken.objects.filter(user=world.a.beheerder).first()
    objects[ApiClient] = register_client(world.a, "Coopsturing.Gebouwen.Read")[0]
    objects[LedenInzage] = LedenInzage.objects.first()
    objects[Accountinstelling] = Accountinstelling.objects.get_or_create(
        user=world.a.beheerder
    )[0]
    objects[Verzending] = Verzending.objects.get_or_create(sleutel="test:1")[0]
    objects[Herstelcode] = Herstelcode.objects.create(
        user=world.a.beheerder, code_hash="1" * 64
    )
    objects[Aanmeldtijdperk] = Aanmeldtijdperk.objects.get_or_create(
        user=world.a.beheerder
    )[0]
    objects[SsoIdentiteit] = SsoIdentiteit.objects.create(
        user=world.a.beheerder, issuer="https://idp", sub="s-1", journaal_salt="x"
    )
    objects[Uitnodiging] = Uitnodiging.objects.create(
        email="nieuw@example.org",
        soort="bestuur",
        cooperatie=world.a.cooperatie,
        key_hash="0" * 64,
        verloopt_op=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    return objects


def _toezegging_row(index: int, omschrijving: str, norm: str) -> dict[str, str]:
    prefix = f"toezeggingen-{index}-"
    return {
        f"{prefix}omschrijving": omschrijving,
        f"{prefix}indicator": "aantal_activiteiten",
        f"{prefix}norm": norm,
        f"{prefix}richting": "minimaal",
        f"{prefix}deels_vanaf": "75",
        f"{prefix}zwaarwegend": "on",
        f"{prefix}thema": "",
        f"{prefix}volgorde": str(index),
    }


def _afspraak_data(world, gebouw, titel: str) -> dict:
    return {
        "corporatie": world.a.corporatie.pk,
        "cooperatie": world.a.cooperatie.pk,
        "gebouwen": [gebouw.pk],
        "titel": titel,
        "ingangsjaar": "2025",
        "eindjaar": "2028",
        "ondertekend_op": "2024-12-01",
        "prestatieafspraak_kenmerk": "",
        "indienen_maand": "4",
        "indienen_dag": "1",
    }
