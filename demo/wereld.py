"""The demo world that `manage.py seed_demo` builds.

Two woningcorporaties, their gebouwen in real municipalities, four coöperaties (woon
and beheer) with about 150 leden, one afspraak per coöperatie whose toezeggingen
together use every indicator, and two years of activities and bookings: the
previous calendar year in full and the current year up to today. What the world
holds is in demo/data/wereld.yaml; this module and its helpers only build it.

Every domain write goes through the services with the most natural actor (admin
for corporaties and roles, the beheerder for buildings, contracts and agreements,
the bestuur for members, activities and bookings), so the journal holds the whole
world. Only the user accounts are created directly: no service exists for them.

The yearly cycle has run for the previous calendar year: each bestuur submits
(indient) its year, one of them is returned by the beheerder because a month of
receipts is missing and submits again after booking them, the beheerder assesses
the kwalitatieve toezeggingen and approves (vaststelt) every year, which seals one
nalevingsrapport (PDF) per afspraak. The current year stays open.

The world is deterministic for a given date (the data file's seed for Faker and
`random`), is written in one transaction, and is built once: when the first demo
corporatie exists, `seed()` writes nothing at all.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from faker import Faker

from afspraken import services as afspraken_services
from afspraken.choices import Indicator, ToetsingStatus, Verdict
from afspraken.models import Rapport, Toetsing
from cooperatie import services, uitnodigingen
from cooperatie.choices import CooperatieSoort, OvereenkomstSoort, RolSoort
from cooperatie.models import Corporatie, Uitnodiging
from kern.gemeenten import gemeente_naam
from ledger import services as ledger_services

from . import bijlagen, buurtcijfers, correcties, gegevens
from .gegevens import CooperatieSpec, velden
from .kasboek import Kasboek
from .leden import Ledenlijst

WERELD = gegevens.laad()
DEMO_PASSWORD = WERELD.wachtwoord
"""The one password of every demo account (documented, printed by seed_demo)."""
SITE_URL = WERELD.site


def admin_url() -> str:
    return SITE_URL.rstrip("/") + reverse("admin:index")


# Public API -------------------------------------------------------------------------


class DemoConflictError(Exception):
    """Demo accounts exist in a database without the demo world."""


def demo_exists() -> bool:
    return Corporatie.objects.filter(kvk_nummer=WERELD.kenmerk_kvk).exists()


def seed(*, today: datetime.date | None = None) -> bool:
    """Build the demo world in one transaction. Returns False (and writes nothing)
    when it already exists. When the build fails, the rows roll back and the files
    it stored (photos, sealed reports) are removed again."""
    builder = _Builder(today or timezone.localdate())
    try:
        with transaction.atomic(), translation.override("nl"):
            if demo_exists():
                return False
            builder.build()
    except BaseException:
        builder.remove_files()
        raise
    return True


@dataclass(frozen=True)
class DemoLogin:
    username: str
    rol: str
    scope: str
    wachtwoord: str


@dataclass(frozen=True)
class DemoRapport:
    cooperatie: str
    jaar: int
    verdict: str
    teruggestuurd: bool
    sha256: str


def sealed_reports() -> list[DemoRapport]:
    """The sealed nalevingsrapporten of the demo corporaties, by year and afspraak."""
    rapporten = (
        Rapport.objects.filter(
            toetsing__afspraak__corporatie__kvk_nummer__in=[
                c.kvk_nummer for c in WERELD.corporaties.values()
            ]
        )
        .select_related("toetsing__afspraak__cooperatie")
        .order_by("toetsing__jaar", "toetsing__afspraak_id")
    )
    return [
        DemoRapport(
            cooperatie=r.toetsing.afspraak.cooperatie.naam,
            jaar=r.toetsing.jaar,
            verdict=str(Verdict(r.toetsing.verdict).label),
            teruggestuurd=r.toetsing.teruggestuurd_op is not None,
            sha256=r.sha256,
        )
        for r in rapporten
    ]


def waiting_years() -> list[tuple[str, int]]:
    """(coöperatie, year) of the demo's submitted years that wait for the
    beheerder."""
    return list(
        Toetsing.objects.filter(
            status=ToetsingStatus.INGEDIEND,
            afspraak__corporatie__kvk_nummer__in=[
                c.kvk_nummer for c in WERELD.corporaties.values()
            ],
        )
        .order_by("jaar", "afspraak_id")
        .values_list("afspraak__cooperatie__naam", "jaar")
    )


def open_invitations() -> list[tuple[str, str, datetime.datetime]]:
    """(e-mail, coöperatie, expiry) of the demo's invitations still open."""
    return [
        (u.email, u.cooperatie.naam, u.verloopt_op)
        for u in Uitnodiging.objects.filter(
            email__in=[spec.email for spec in WERELD.uitnodigingen],
            geaccepteerd_op=None,
            ingetrokken_op=None,
            verloopt_op__gt=timezone.now(),
        )
        .select_related("cooperatie")
        .order_by("pk")
    ]


def demo_logins() -> list[DemoLogin]:
    """The demo accounts as they are in the database, with their roles."""
    users = {
        user.username: user
        for user in get_user_model()
        .objects.filter(username__in=WERELD.gebruikers)
        .prefetch_related("rollen__corporatie", "rollen__cooperatie")
    }
    rows: list[DemoLogin] = []
    for username in WERELD.gebruikers:
        user = users.get(username)
        if user is None:
            continue
        wachtwoord = DEMO_PASSWORD
        if username == "admin" and not user.check_password(DEMO_PASSWORD):
            wachtwoord = "(eigen wachtwoord)"
        if user.is_superuser:
            rows.append(
                DemoLogin(
                    username, "platformbeheerder", "alles (Django-admin)", wachtwoord
                )
            )
        rows.extend(
            DemoLogin(
                username,
                str(rol.get_soort_display()),
                str(
                    rol.corporatie or rol.cooperatie or gemeente_naam(rol.gemeentecode)
                ),
                wachtwoord,
            )
            for rol in user.rollen.all()
        )
    return rows


def login_table(rows: Sequence[DemoLogin]) -> list[str]:
    """The demo logins as aligned text lines."""
    header = DemoLogin("gebruiker", "rol", "bereik", "wachtwoord")
    widths = [
        max(len(getattr(r, f)) for r in (header, *rows))
        for f in ("username", "rol", "scope")
    ]
    return [
        f"  {r.username:<{widths[0]}}  {r.rol:<{widths[1]}}  "
        f"{r.scope:<{widths[2]}}  {r.wachtwoord}"
        for r in (header, *rows)
    ]


def row_counts() -> list[tuple[str, int]]:
    """Rows per model of the platform and domain apps, plus the user accounts."""
    models = [get_user_model()]
    for label in ("kern", "cooperatie", "afspraken", "ledger"):
        models.extend(apps.get_app_config(label).get_models())
    return [
        (str(m._meta.verbose_name_plural), m._default_manager.count()) for m in models
    ]


# Builder ----------------------------------------------------------------------------


def _opsomming(items: Sequence[str]) -> str:
    """`a, b en c`."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} en {items[-1]}"


class _Builder:
    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.jaar = today.year
        self.jaren = (today.year - 1, today.year)
        self.rng = random.Random(WERELD.seed)
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(WERELD.seed)
        self.users: dict[str, object] = {}
        self.corporaties: dict[str, Corporatie] = {}
        self.gebouwen: dict[str, object] = {}
        self.cooperaties: dict[str, object] = {}
        self.afspraken: dict[str, object] = {}
        self.prestatieafspraken: dict[tuple[str, str], object] = {}
        self.kasboeken: dict[str, Kasboek] = {}
        self.toetsingen: dict[tuple[str, int], object] = {}
        # Files stored while building, removed again when the build fails.
        self.bestanden: list[tuple[Storage, str]] = []

    def build(self) -> None:
        self._users()
        self._corporaties()
        self._gebouwen()
        buurtcijfers.lees_voorbeelden(self.users["admin"])
        self._cooperaties()
        for spec in WERELD.cooperaties:
            self._leden(spec)
        self._prestatieafspraken()
        for spec in WERELD.cooperaties:
            self._afspraak(spec)
        for spec in WERELD.cooperaties:
            for jaar in self.jaren:
                self.kasboeken[spec.naam].jaar(jaar)
        correcties.corrigeer(
            correcties=WERELD.correcties, kasboeken=self.kasboeken, jaar=self.jaar
        )
        self._fotos()
        self._toetsingen()
        for spec in WERELD.cooperaties:
            self._jaarcyclus(spec)
        for spec in WERELD.jaarparameters:
            afspraken_services.jaarparameter_create(
                **velden(spec), actor=self.users["admin"]
            )
        for spec in WERELD.uitnodigingen:
            uitnodigingen.uitnodiging_create(
                email=spec.email,
                soort=RolSoort.BESTUUR,
                cooperatie=self.cooperaties[spec.cooperatie],
                actor=self.users[spec.door],
            )

    def remove_files(self) -> None:
        for storage, name in self.bestanden:
            storage.delete(name)

    def _beheerder(self, spec: CooperatieSpec):
        """The beheerder of the corporatie that owns the coöperatie's building."""
        corporatie = WERELD.gebouwen[spec.gebouw].corporatie
        return self.users[WERELD.beheerder_van(corporatie)]

    # Users and organisations ----------------------------------------------------

    def _users(self) -> None:
        user_model = get_user_model()
        existing = set(
            user_model.objects.filter(username__in=WERELD.gebruikers).values_list(
                "username", flat=True
            )
        )
        admin = user_model.objects.filter(username="admin").first()
        if admin is not None and not admin.is_superuser:
            raise DemoConflictError(
                "Er bestaat al een gebruiker 'admin' die geen superuser is."
            )
        conflicts = sorted(existing - {"admin"})
        if conflicts:
            raise DemoConflictError(
                "Deze demogebruikers bestaan al zonder demowereld: "
                + ", ".join(conflicts)
            )
        # One hash for all demo accounts: hashing is deliberately slow, and the
        # password is public anyway.
        encoded = make_password(DEMO_PASSWORD)
        if admin is None:
            admin = user_model.objects.create_superuser(
                username="admin", email="admin@example.nl", password=None
            )
            admin.password = encoded
            admin.save(update_fields=["password"])
        self.users["admin"] = admin
        # The bestuur accounts get the name of their voorzitter later on.
        names = {
            m.gebruiker: (m.voornaam, m.achternaam)
            for m in (*WERELD.medewerkers, *WERELD.gemeenten)
        }
        for username in WERELD.gebruikers[1:]:
            first_name, last_name = names.get(username, ("", ""))
            user = user_model(
                username=username,
                email=f"{username}@example.nl",
                first_name=first_name,
                last_name=last_name,
            )
            password_validation.validate_password(DEMO_PASSWORD, user)
            user.password = encoded
            user.save()
            self.users[username] = user

    def _corporaties(self) -> None:
        admin = self.users["admin"]
        for key, spec in WERELD.corporaties.items():
            self.corporaties[key] = services.corporatie_create(
                actor=admin, **velden(spec, "naam", "kvk_nummer", "plaats")
            )
        for spec in WERELD.medewerkers:
            services.rol_create(
                user=self.users[spec.gebruiker],
                soort=spec.rol,
                corporatie=self.corporaties[spec.corporatie],
                actor=admin,
            )
        for gemeente in WERELD.gemeenten:
            services.rol_create(
                user=self.users[gemeente.gebruiker],
                soort=RolSoort.GEMEENTE,
                gemeentecode=gemeente.gemeentecode,
                actor=admin,
            )

    def _gebouwen(self) -> None:
        for complexnummer, spec in WERELD.gebouwen.items():
            self.gebouwen[complexnummer] = services.gebouw_create(
                corporatie=self.corporaties[spec.corporatie],
                actor=self.users[WERELD.beheerder_van(spec.corporatie)],
                complexnummer=complexnummer,
                kaartjaar=WERELD.kaartjaar,
                huisnummer=spec.huisnummer,
                **velden(spec, zonder=("corporatie", "eerste", "woningen")),
            )

    def _cooperaties(self) -> None:
        admin = self.users["admin"]
        for spec in WERELD.cooperaties:
            beheerder = self._beheerder(spec)
            cooperatie = services.cooperatie_create(
                aangemeld_door=self.corporaties[
                    WERELD.gebouwen[spec.gebouw].corporatie
                ],
                actor=beheerder,
                **velden(spec, "naam", "soort", "kvk_nummer", "rechtsvorm"),
                opgericht_op=spec.opgericht_op,
                email=f"bestuur@{spec.domein}",
                website=f"https://{spec.domein}/",
            )
            self.cooperaties[spec.naam] = cooperatie
            services.overeenkomst_create(
                gebouw=self.gebouwen[spec.gebouw],
                cooperatie=cooperatie,
                soort=(
                    OvereenkomstSoort.HUUR
                    if spec.soort == CooperatieSoort.WOON
                    else OvereenkomstSoort.BEHEER
                ),
                ingangsdatum=spec.ingangsdatum,
                actor=beheerder,
            )
            services.rol_create(
                user=self.users[spec.bestuur],
                soort=RolSoort.BESTUUR,
                cooperatie=cooperatie,
                actor=admin,
            )

    def _leden(self, spec: CooperatieSpec) -> None:
        gebouw = WERELD.gebouwen[spec.gebouw]
        cooperatie = self.cooperaties[spec.naam]
        bestuur = self.users[spec.bestuur]
        lijst = Ledenlijst(spec, gebouw, WERELD.leden, self.today, self.rng, self.fake)
        self.kasboeken[spec.naam] = Kasboek(
            wereld=WERELD,
            spec=spec,
            cooperatie=cooperatie,
            corporatie=self.corporaties[gebouw.corporatie].naam,
            plaats=gebouw.plaats,
            bestuur=bestuur,
            vrijwilligers=lijst.maak(cooperatie=cooperatie, bestuur=bestuur),
            rng=self.rng,
            today=self.today,
        )

    # Agreements and the yearly cycle --------------------------------------------

    def _prestatieafspraken(self) -> None:
        for spec in WERELD.prestatieafspraken:
            ingang, eind = self.jaar + spec.ingang, self.jaar + spec.eind
            obj = afspraken_services.prestatieafspraak_create(
                corporatie=self.corporaties[spec.corporatie],
                gemeentecode=spec.gemeentecode,
                titel=WERELD.teksten.prestatieafspraak.format(
                    plaats=spec.plaats, ingang=ingang, eind=eind
                ),
                ingangsjaar=ingang,
                eindjaar=eind,
                huurdersorganisatie=spec.huurdersorganisatie,
                doelen=[velden(d) for d in spec.doelen],
                actor=self.users[WERELD.beheerder_van(spec.corporatie)],
            )
            self.prestatieafspraken[spec.corporatie, spec.gemeentecode] = obj

    def _prestatieafspraak(self, gebouw, ingang: int, eind: int | None):
        """The corporatie's prestatieafspraak in the gebouw's gemeente, when
        their years meet."""
        obj = self.prestatieafspraken.get((gebouw.corporatie, gebouw.gemeentecode))
        if obj is None or ingang > obj.eindjaar or (eind or ingang) < obj.ingangsjaar:
            return None
        return obj

    def _afspraak(self, spec: CooperatieSpec) -> None:
        gebouw = WERELD.gebouwen[spec.gebouw]
        beheerder = self._beheerder(spec)
        teksten, afspraak = WERELD.teksten, spec.afspraak
        ingang = self.jaar + afspraak.ingang
        eind = None if afspraak.eind is None else self.jaar + afspraak.eind
        titel = teksten.afspraak_open if eind is None else teksten.afspraak_periode
        afspraak_obj = afspraken_services.afspraak_create(
            corporatie=self.corporaties[gebouw.corporatie],
            cooperatie=self.cooperaties[spec.naam],
            titel=titel.format(titel=afspraak.titel, ingang=ingang, eind=eind),
            ingangsjaar=ingang,
            eindjaar=eind,
            ondertekend_op=datetime.date(ingang - 1, 12, self.rng.randint(2, 19)),
            gebouwen=[
                self.gebouwen[spec.gebouw],
                *(self.gebouwen[c] for c in afspraak.ook_gebouwen),
            ],
            prestatieafspraak=self._prestatieafspraak(gebouw, ingang, eind),
            actor=beheerder,
        )
        for volgorde, t in enumerate(afspraak.toezeggingen, start=1):
            afspraken_services.toezegging_create(
                afspraak=afspraak_obj,
                actor=beheerder,
                volgorde=volgorde,
                **velden(t, zonder=("beoordeling",)),
            )
        self.afspraken[spec.naam] = afspraak_obj

    def _fotos(self) -> None:
        vorig = self.jaar - 1
        for foto in WERELD.fotos:
            kasboek = self.kasboeken[foto.cooperatie]
            activiteit = next(
                a for a in kasboek.activiteiten[vorig] if a.titel == foto.activiteit
            )
            png = bijlagen.foto_png(
                kleur=foto.kleur,
                titel=foto.omschrijving,
                onderschrift=f"{activiteit.titel}, "
                + formats.date_format(activiteit.datum, "j F Y"),
            )
            bijlage = ledger_services.bijlage_add(
                activiteit=activiteit,
                bestand=ContentFile(png, name="foto.png"),
                omschrijving=foto.omschrijving,
                actor=kasboek.bestuur,
            )
            self.bestanden.append((bijlage.bestand.storage, bijlage.bestand.name))

    def _toetsingen(self) -> None:
        for spec in WERELD.cooperaties:
            for jaar in self.jaren:
                self.toetsingen[(spec.naam, jaar)] = afspraken_services.toetsing_open(
                    afspraak=self.afspraken[spec.naam],
                    jaar=jaar,
                    actor=self._beheerder(spec),
                )

    def _jaarcyclus(self, spec: CooperatieSpec) -> None:
        """The previous year through the yearly cycle (domain §4): the bestuur
        submits; when receipts are missing the beheerder returns the year and the
        bestuur books them and submits again; the beheerder assesses the
        kwalitatieve toezeggingen and approves, which seals the nalevingsrapport.
        A coöperatie marked `vorig_jaar_wacht` stops at ingediend: its year waits
        for the beheerder."""
        vorig = self.jaar - 1
        kasboek = self.kasboeken[spec.naam]
        beheerder = self._beheerder(spec)
        toetsing = afspraken_services.toetsing_indienen(
            toetsing=self.toetsingen[(spec.naam, vorig)], actor=kasboek.bestuur
        )
        if kasboek.ontbrekend:
            toetsing = afspraken_services.toetsing_terugsturen(
                toetsing=toetsing,
                reden=self._reden(kasboek.ontbrekend),
                actor=beheerder,
            )
            for fields in kasboek.ontbrekend:
                kasboek.uitgaven[vorig].append(kasboek.boek(**fields))
            kasboek.ontbrekend.clear()
            toetsing = afspraken_services.toetsing_indienen(
                toetsing=toetsing, actor=kasboek.bestuur
            )
        if spec.vorig_jaar_wacht:
            return
        clauses = {t.omschrijving: t for t in toetsing.afspraak.toezeggingen.all()}
        for t in spec.afspraak.toezeggingen:
            if t.indicator == Indicator.KWALITATIEF:
                afspraken_services.toetsing_beoordelen(
                    toetsing=toetsing,
                    toezegging=clauses[t.omschrijving],
                    oordeel=t.beoordeling.oordeel,
                    toelichting=t.beoordeling.toelichting,
                    actor=beheerder,
                )
        toetsing = afspraken_services.toetsing_vaststellen(
            toetsing=toetsing, actor=beheerder
        )
        rapport = toetsing.rapporten.get()
        self.bestanden.append((rapport.pdf.storage, rapport.pdf.name))

    @staticmethod
    def _reden(ontbrekend: list[dict]) -> str:
        """Why the beheerder returns the year: the receipts of a month are missing."""
        teksten = WERELD.teksten
        bonnen = [
            teksten.bon.format(
                omschrijving=f["omschrijving"][0].lower() + f["omschrijving"][1:],
                datum=formats.date_format(f["datum"], "j F"),
            )
            for f in ontbrekend
        ]
        return teksten.terugsturen.format(
            maand=formats.date_format(ontbrekend[0]["datum"], "F Y"),
            bonnen=_opsomming(bonnen),
        )
