"""Who is told what about the yearly cycle, by mail (kern.mail).

Three kinds of message:

- a step of the cycle (`toetsing_ingediend`, `toetsing_teruggestuurd`,
  `toetsing_vastgesteld`): called by the services in `afspraken.services.cyclus`
  inside their transaction; kern.mail renders at once and sends after commit, so
  a step that rolls back tells nobody;
- deadline reminders to the bestuur (`herinnering_termijn` shortly before a
  year's deadline, `herinnering_te_laat` once it has passed), each sent once per
  afspraak-year;
- a weekly digest to the beheerders of each corporatie (`weekoverzicht`): the
  years past their deadline and the clauses at risk in the running year, sent at
  most once per ISO week and only when there is something to report.

Reminders and digest run from `send_reminders` (command and task). Each message
goes out once: `kern.mail.once` records its key in the same transaction that
queues it. A key is only kept when at least one mail was queued, so a
cooperatie whose bestuur has no account yet is reminded once it has one.

Mail leaves the system: the context names organisations, years, afspraak titles,
clause descriptions and a return reason, never members.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from cooperatie.choices import RolSoort
from cooperatie.models import Corporatie, Rol
from kern import mail
from kern.models import Verzending

from . import signalering, termijnen
from .models import Afspraak, Rapport, Toetsing
from .selectors import corporatie_jaar


def _users(soort: str, **scope) -> list:
    """Active users holding role `soort` in the organisation(s) of `scope`
    (`rollen__corporatie_id=…`, `rollen__cooperatie_id__in=…`)."""
    return list(
        get_user_model()
        .objects.filter(rollen__soort=soort, is_active=True, **scope)
        .select_related("accountinstelling")
        .distinct()
        .order_by("pk")
    )


def beheerders(corporatie_id: int) -> list:
    return _users(RolSoort.BEHEERDER, rollen__corporatie_id=corporatie_id)


def auditors(corporatie_id: int) -> list:
    return _users(RolSoort.AUDITOR, rollen__corporatie_id=corporatie_id)


def bestuur(cooperatie_id: int) -> list:
    return _users(RolSoort.BESTUUR, rollen__cooperatie_id=cooperatie_id)


def _besturen(cooperatie_ids) -> dict[int, list]:
    """The active bestuur users of each cooperatie, in one query."""
    by_cooperatie: dict[int, list] = defaultdict(list)
    for rol in (
        Rol.objects.filter(
            soort=RolSoort.BESTUUR,
            cooperatie_id__in=list(cooperatie_ids),
            user__is_active=True,
        )
        .select_related("user__accountinstelling")
        .order_by("user_id")
    ):
        by_cooperatie[rol.cooperatie_id].append(rol.user)
    return by_cooperatie


def _toetsing_context(toetsing: Toetsing) -> dict:
    afspraak = toetsing.afspraak
    return {
        "jaar": toetsing.jaar,
        "afspraak_titel": afspraak.titel,
        "cooperatie_naam": afspraak.cooperatie.naam,
        "corporatie_naam": afspraak.corporatie.naam,
    }


def toetsing_ingediend(toetsing: Toetsing) -> int:
    """The bestuur submitted a year: the corporatie's beheerders assess it."""
    afspraak = toetsing.afspraak
    url = reverse("beheer-toetsing", args=[afspraak.corporatie_id, toetsing.pk])
    return mail.send(
        to=beheerders(afspraak.corporatie_id),
        naam="toetsing_ingediend",
        context={**_toetsing_context(toetsing), "url": mail.absolute_url(url)},
    )


def toetsing_teruggestuurd(toetsing: Toetsing) -> int:
    """A beheerder returned a year, with a reason: the bestuur corrects it."""
    afspraak = toetsing.afspraak
    url = reverse("bestuur-toetsing", args=[afspraak.cooperatie_id, toetsing.pk])
    return mail.send(
        to=bestuur(afspraak.cooperatie_id),
        naam="toetsing_teruggestuurd",
        context={
            **_toetsing_context(toetsing),
            "reden": toetsing.teruggestuurd_reden,
            "url": mail.absolute_url(url),
        },
    )


def toetsing_vastgesteld(toetsing: Toetsing, rapport: Rapport) -> int:
    """A year is approved and its report sealed: the bestuur and the
    corporatie's auditors get a link to the report in their own portal."""
    afspraak = toetsing.afspraak
    context = _toetsing_context(toetsing)
    verstuurd = mail.send(
        to=bestuur(afspraak.cooperatie_id),
        naam="toetsing_vastgesteld",
        context={
            **context,
            "url": mail.absolute_url(
                reverse("bestuur-toetsing", args=[afspraak.cooperatie_id, toetsing.pk])
            ),
            "rapport_url": mail.absolute_url(
                reverse(
                    "bestuur-rapport-pdf", args=[afspraak.cooperatie_id, rapport.pk]
                )
            ),
        },
    )
    verstuurd += mail.send(
        to=auditors(afspraak.corporatie_id),
        naam="toetsing_vastgesteld",
        context={
            **context,
            "url": mail.absolute_url(
                reverse("audit-toetsing", args=[afspraak.corporatie_id, toetsing.pk])
            ),
            "rapport_url": mail.absolute_url(
                reverse("audit-rapport-pdf", args=[afspraak.corporatie_id, rapport.pk])
            ),
        },
    )
    return verstuurd


# Reminders and the weekly digest -------------------------------------------


@dataclass
class Samenvatting:
    """What one run of `send_reminders` queued (messages, not keys)."""

    herinnering_termijn: int = 0
    herinnering_te_laat: int = 0
    weekoverzicht: int = 0
    corporaties: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "herinnering_termijn": self.herinnering_termijn,
            "herinnering_te_laat": self.herinnering_te_laat,
            "weekoverzicht": self.weekoverzicht,
            "corporaties": self.corporaties,
        }


@dataclass
class Openstaand:
    """One afspraak-year still with the bestuur."""

    afspraak: Afspraak
    jaar: int
    status: str
    uiterlijk: datetime.date
    dagen: int  # until the deadline; negative once passed
    toetsing_pk: int | None = None

    @property
    def te_laat(self) -> bool:
        return self.dagen < 0


def _once_and_send(sleutel: str, **send_kwargs) -> int:
    """Queue a message under `sleutel` unless that key was recorded before. The key
    is kept only when a mail was queued (the same transaction)."""
    with transaction.atomic():
        if not mail.once(sleutel):
            return 0
        verstuurd = mail.send(**send_kwargs)
        if not verstuurd:
            transaction.set_rollback(True)
        return verstuurd


def openstaande_jaren(corporatie_id: int, vandaag: datetime.date) -> list[Openstaand]:
    """Every year up to last year of every afspraak of the corporatie that is still
    with the bestuur (no toetsing, open or returned), oldest deadline first. Two
    queries."""
    laatste = vandaag.year - 1
    afspraken = list(
        Afspraak.objects.filter(corporatie_id=corporatie_id, ingangsjaar__lte=laatste)
        .select_related("cooperatie", "corporatie")
        .order_by("pk")
    )
    statussen = {
        (afspraak_id, jaar): (pk, status)
        for pk, afspraak_id, jaar, status in Toetsing.objects.filter(
            afspraak__corporatie_id=corporatie_id, jaar__lte=laatste
        ).values_list("pk", "afspraak_id", "jaar", "status")
    }
    rijen = []
    for afspraak in afspraken:
        eind = min(afspraak.eindjaar or laatste, laatste)
        for jaar in range(afspraak.ingangsjaar, eind + 1):
            toetsing_pk, status = statussen.get((afspraak.pk, jaar), (None, ""))
            if status not in termijnen.BIJ_HET_BESTUUR:
                continue
            uiterlijk = afspraak.uiterlijk_indienen(jaar)
            rijen.append(
                Openstaand(
                    afspraak=afspraak,
                    jaar=jaar,
                    status=status,
                    uiterlijk=uiterlijk,
                    dagen=termijnen.dagen_tot(uiterlijk, vandaag),
                    toetsing_pk=toetsing_pk,
                )
            )
    rijen.sort(key=lambda r: (r.uiterlijk, r.afspraak.cooperatie.naam, r.afspraak.pk))
    return rijen


def _bestuur_url(rij: Openstaand) -> str:
    cooperatie_id = rij.afspraak.cooperatie_id
    if rij.toetsing_pk:
        path = reverse("bestuur-toetsing", args=[cooperatie_id, rij.toetsing_pk])
    else:
        path = reverse("bestuur-start", args=[cooperatie_id])
    return mail.absolute_url(path)


def _herinneringen(
    rijen: list[Openstaand], besturen: dict[int, list], samenvatting: Samenvatting
) -> None:
    dagen_voor = settings.HERINNERING_DAGEN_VOOR_TERMIJN
    for rij in rijen:
        if rij.te_laat:
            naam, sleutel = "herinnering_te_laat", "herinnering:te-laat"
        elif rij.dagen <= dagen_voor:
            naam, sleutel = "herinnering_termijn", "herinnering:voor"
        else:
            continue
        ontvangers = besturen.get(rij.afspraak.cooperatie_id, [])
        if not ontvangers:
            continue
        verstuurd = _once_and_send(
            f"{sleutel}:{rij.afspraak.pk}:{rij.jaar}",
            to=ontvangers,
            naam=naam,
            context={
                "jaar": rij.jaar,
                "afspraak_titel": rij.afspraak.titel,
                "cooperatie_naam": rij.afspraak.cooperatie.naam,
                "corporatie_naam": rij.afspraak.corporatie.naam,
                "uiterlijk": rij.uiterlijk,
                "dagen": rij.dagen,
                "te_laat_dagen": -rij.dagen,
                "url": _bestuur_url(rij),
            },
        )
        setattr(samenvatting, naam, getattr(samenvatting, naam) + verstuurd)


def weekoverzicht_sleutel(corporatie_id: int, vandaag: datetime.date) -> str:
    iso = vandaag.isocalendar()
    return f"weekoverzicht:{corporatie_id}:{iso.year}-W{iso.week:02d}"


def risico_toezeggingen(corporatie_id: int, vandaag: datetime.date) -> list[dict]:
    """The clauses at risk in the running year (signalering), per afspraak not yet
    submitted for that year. A constant number of queries."""
    rijen = []
    for regel in corporatie_jaar(jaar=vandaag.year, corporatie_ids=[corporatie_id]):
        if regel.toetsing and regel.toetsing.status not in termijnen.BIJ_HET_BESTUUR:
            continue
        rijen.extend(
            {
                "cooperatie_naam": regel.afspraak.cooperatie.naam,
                "afspraak_titel": regel.afspraak.titel,
                "omschrijving": s.toezegging.omschrijving,
            }
            for s in signalering.signalen(regel.resultaat, vandaag)
            if s.risico
        )
    return rijen


def _weekoverzicht(
    corporatie: Corporatie,
    rijen: list[Openstaand],
    vandaag: datetime.date,
    samenvatting: Samenvatting,
) -> None:
    sleutel = weekoverzicht_sleutel(corporatie.pk, vandaag)
    if Verzending.objects.filter(sleutel=sleutel).exists():
        return  # sent this week already: spare the measuring
    ontvangers = beheerders(corporatie.pk)
    if not ontvangers:
        return
    te_laat = [
        {
            "cooperatie_naam": r.afspraak.cooperatie.naam,
            "afspraak_titel": r.afspraak.titel,
            "jaar": r.jaar,
            "uiterlijk": r.uiterlijk,
        }
        for r in rijen
        if r.te_laat
    ]
    risico = risico_toezeggingen(corporatie.pk, vandaag)
    if not te_laat and not risico:
        return
    samenvatting.weekoverzicht += _once_and_send(
        sleutel,
        to=ontvangers,
        naam="weekoverzicht",
        context={
            "corporatie_naam": corporatie.naam,
            "lopend_jaar": vandaag.year,
            "week": vandaag.isocalendar().week,
            "te_laat": te_laat,
            "risico": risico,
            "url": mail.absolute_url(reverse("beheer-start", args=[corporatie.pk])),
            "signalering_url": mail.absolute_url(
                reverse("beheer-signalering", args=[corporatie.pk])
            ),
        },
    )


def send_reminders(vandaag: datetime.date) -> Samenvatting:
    """Queue the deadline reminders and weekly digests due on `vandaag`, each once
    (see the module docstring). Works per corporatie: a bounded number of queries
    for each, however many afspraak-years it has."""
    samenvatting = Samenvatting()
    for corporatie in Corporatie.objects.order_by("pk"):
        samenvatting.corporaties += 1
        rijen = openstaande_jaren(corporatie.pk, vandaag)
        besturen = _besturen({r.afspraak.cooperatie_id for r in rijen})
        _herinneringen(rijen, besturen, samenvatting)
        _weekoverzicht(corporatie, rijen, vandaag, samenvatting)
    return samenvatting
