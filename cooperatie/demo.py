"""The demo world that `manage.py seed_demo` builds.

Two woningcorporaties, their gebouwen in real municipalities, four coöperaties (woon
and beheer) with about 150 leden, one afspraak per coöperatie whose toezeggingen
together use every indicator, and two years of activities and bookings: the
previous calendar year in full and the current year up to today.

Every domain write goes through the services with the most natural actor (admin
for corporaties and roles, the beheerder for buildings, contracts and agreements,
the bestuur for members, activities and bookings), so the journal holds the whole
world. Only the user accounts are created directly: no service exists for them.

The yearly cycle has run for the previous calendar year: each bestuur submits
(indient) its year, one of them is returned by the beheerder because a month of
receipts is missing and submits again after booking them, the beheerder assesses
the kwalitatieve toezeggingen and approves (vaststelt) every year, which seals one
nalevingsrapport (PDF) per afspraak. The current year stays open.

The world is deterministic for a given date (fixed seeds for Faker and `random`),
is written in one transaction, and is built once: when the first demo corporatie
exists, `seed()` writes nothing at all.
"""

from __future__ import annotations

import calendar
import datetime
import random
import struct
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from faker import Faker

from afspraken import services as afspraken_services
from afspraken.choices import Indicator, Richting, Verdict
from afspraken.models import Rapport
from kern import formatting
from ledger import services as ledger_services
from ledger.choices import BoekingSoort, Thema

from . import services
from .choices import (
    Bestuursfunctie,
    CooperatieSoort,
    Daeb,
    Doelgroep,
    OvereenkomstSoort,
    Rechtsvorm,
    RolSoort,
)
from .models import Corporatie

DEMO_PASSWORD = "demo-wachtwoord-2024"
"""The one password of every demo account (documented, printed by seed_demo)."""

SITE_URL = "http://127.0.0.1:8000/"
ADMIN_URL = "http://127.0.0.1:8000/admin/"
SEED = 20240417
KAARTJAAR = 2024
CENT = Decimal("0.01")


# Static data ----------------------------------------------------------------------


@dataclass(frozen=True)
class CorporatieSpec:
    key: str
    naam: str
    kvk_nummer: str
    plaats: str


@dataclass(frozen=True)
class GebouwSpec:
    """A building. `woningen` tells how its homes are numbered: `portiek` entrances
    (odd numbers from `eerste`, 8 homes each, `101-3`) or a `reeks` of even
    numbers from `eerste`."""

    corporatie: str
    complexnummer: str
    naam: str
    straat: str
    eerste: int
    woningen: str
    postcode: str
    plaats: str
    gemeentecode: str
    buurtcode: str
    aantal_woningen: int
    bouwjaar: int
    daeb: str

    def adressen(self) -> list[str]:
        if self.woningen == "portiek":
            entrances = -(-self.aantal_woningen // 8)
            return [
                f"{self.straat} {self.eerste + 2 * e}-{n}"
                for e in range(entrances)
                for n in range(1, 9)
            ][: self.aantal_woningen]
        return [
            f"{self.straat} {self.eerste + 2 * i}" for i in range(self.aantal_woningen)
        ]

    @property
    def huisnummer(self) -> str:
        if self.woningen == "portiek":
            entrances = -(-self.aantal_woningen // 8)
            return f"{self.eerste}-{self.eerste + 2 * (entrances - 1)}"
        return f"{self.eerste}-{self.eerste + 2 * (self.aantal_woningen - 1)}"


CORPORATIES = (
    CorporatieSpec("lindenhaeghe", "Woonstichting Lindenhaeghe", "30217846", "Utrecht"),
    CorporatieSpec("noorderzijl", "Woongroep Noorderzijl", "05098321", "Zwolle"),
)
MARKER_KVK = CORPORATIES[0].kvk_nummer
"""The demo world exists when a corporatie with this KvK-nummer exists."""

# Postcodes lie in the range of the town; buurtcodes follow the CBS pattern
# BU + gemeentecode + wijk + buurt (illustrative neighbourhoods, kaartjaar 2024).
# fmt: off
GEBOUWEN = (
    GebouwSpec(
        "lindenhaeghe", "UT-0412", "Zambesiflat", "Zambesidreef", 101, "portiek",
        "3564 AV", "Utrecht", "GM0344", "BU03440304", 48, 1964, Daeb.DAEB,
    ),
    GebouwSpec(
        "lindenhaeghe", "UT-0233", "Lombokhof", "Kanaalstraat", 210, "reeks",
        "3531 CL", "Utrecht", "GM0344", "BU03440103", 36, 1911, Daeb.GEMENGD,
    ),
    GebouwSpec(
        "lindenhaeghe", "RT-1187", "Pretoriahof", "Pretorialaan", 62, "reeks",
        "3072 EP", "Rotterdam", "GM0599", "BU05991084", 64, 1928, Daeb.DAEB,
    ),
    GebouwSpec(
        "lindenhaeghe", "RT-0954", "Spangen Blok 7", "Potgieterstraat", 3, "portiek",
        "3026 TK", "Rotterdam", "GM0599", "BU05990313", 40, 1922, Daeb.DAEB,
    ),
    GebouwSpec(
        "noorderzijl", "ZW-204", "Assendorper Erf", "Assendorperstraat", 140, "reeks",
        "8012 DK", "Zwolle", "GM0193", "BU01930402", 28, 1924, Daeb.DAEB,
    ),
    GebouwSpec(
        "noorderzijl", "ZW-311", "Holtenbroek Galerij", "Zwartewaterallee", 2,
        "reeks", "8031 DW", "Zwolle", "GM0193", "BU01930901", 60, 1969, Daeb.DAEB,
    ),
    GebouwSpec(
        "noorderzijl", "LW-087", "Vrijheidsflat", "Valeriusstraat", 1, "portiek",
        "8916 BG", "Leeuwarden", "GM0080", "BU00800601", 40, 1958, Daeb.DAEB,
    ),
    GebouwSpec(
        "noorderzijl", "LW-112", "Bilgaardhof", "Bilgaardpark", 20, "reeks",
        "8926 AK", "Leeuwarden", "GM0080", "BU00801104", 24, 1972, Daeb.GEMENGD,
    ),
)
# fmt: on


@dataclass(frozen=True)
class Soort:
    """A kind of activity: its text, theme, turnout and what it usually costs."""

    titel: str
    thema: str
    omschrijving: str
    open_voor_buurt: bool
    weekdag: int
    leden: tuple[int, int]
    buurt: tuple[int, int]
    vrijwilligers: tuple[int, int]
    uren: tuple[int, int]  # half hours per volunteer
    partners: str = ""
    kosten: tuple[str, int, int, float] | None = None  # text, min, max, chance


# fmt: off
SOORTEN: dict[str, Soort] = {
    "nieuwjaar": Soort(
        "Nieuwjaarsbijeenkomst", Thema.ONTMOETING,
        "Nieuwjaarsborrel in de gemeenschappelijke ruimte, met oliebollen.",
        True, 6, (14, 26), (4, 12), (3, 5), (4, 7),
        kosten=("Oliebollen en drinken nieuwjaarsbijeenkomst", 60, 140, 1.0),
    ),
    "koffie": Soort(
        "Koffieochtend", Thema.ONTMOETING,
        "Open inloop met koffie en thee; nieuwe bewoners maken kennis.",
        False, 2, (6, 14), (0, 0), (1, 2), (4, 6),
        kosten=("Koffie, thee en koek", 12, 35, 0.5),
    ),
    "maaltijd": Soort(
        "Buurtmaaltijd", Thema.ONTMOETING,
        "Samen koken en eten; buren uit de straat schuiven aan.",
        True, 4, (10, 22), (6, 18), (3, 5), (6, 9),
        kosten=("Boodschappen buurtmaaltijd", 70, 160, 0.9),
    ),
    "sinterklaas": Soort(
        "Sinterklaasfeest voor de kinderen", Thema.ONTMOETING,
        "Sinterklaas en pieten op bezoek in de binnentuin, met cadeautjes.",
        True, 5, (12, 24), (10, 25), (4, 6), (5, 8),
        kosten=("Cadeautjes en strooigoed Sinterklaasfeest", 150, 260, 1.0),
    ),
    "taalcafe": Soort(
        "Taalcafé", Thema.TAAL_EDUCATIE,
        "Nederlands oefenen met buren, in kleine groepjes aan tafel.",
        True, 1, (3, 8), (4, 12), (2, 3), (4, 5), "Bibliotheek {plaats}",
        ("Lesmateriaal taalcafé", 15, 45, 0.15),
    ),
    "huiswerk": Soort(
        "Huiswerkbegeleiding", Thema.TAAL_EDUCATIE,
        "Leden helpen kinderen uit het complex en de buurt met huiswerk.",
        True, 2, (2, 6), (3, 9), (2, 3), (3, 4), "Stichting Huiswerkhulp {plaats}",
    ),
    "moestuin": Soort(
        "Moestuindag", Thema.GROEN,
        "Zaaien, wieden en oogsten in de gemeenschappelijke moestuin.",
        True, 5, (4, 10), (1, 5), (2, 4), (5, 8), "IVN {plaats}",
        ("Zaden, plantgoed en potgrond moestuin", 25, 95, 0.45),
    ),
    "geveltuin": Soort(
        "Geveltuintjes aanleggen", Thema.GROEN,
        "Tegels eruit, planten erin: geveltuinen langs de gevel van het complex.",
        True, 5, (8, 16), (4, 10), (4, 6), (6, 8), "Gemeente {plaats}",
        ("Planten en compost geveltuinen", 180, 360, 1.0),
    ),
    "weggeefwinkel": Soort(
        "Weggeefwinkel", Thema.VOEDSEL_ARMOEDE,
        "Kleding, speelgoed en huisraad gratis voor wie het nodig heeft.",
        True, 5, (4, 10), (8, 20), (2, 4), (5, 7),
        kosten=("Rekken en dozen weggeefwinkel", 20, 60, 0.2),
    ),
    "voedselbank": Soort(
        "Uitgiftepunt voedselbank", Thema.VOEDSEL_ARMOEDE,
        "Uitgifte van voedselpakketten in de buurtkamer, met koffie.",
        True, 3, (3, 8), (10, 24), (3, 4), (5, 7), "Voedselbank {plaats}",
        ("Vervoer voedselpakketten (bestelbus)", 18, 40, 0.7),
    ),
    "repair": Soort(
        "Repair Café", Thema.DUURZAAMHEID,
        "Samen kapotte spullen repareren in plaats van weggooien.",
        True, 5, (3, 9), (6, 16), (3, 5), (6, 9), "Repair Café {plaats}",
        ("Onderdelen en gereedschap Repair Café", 20, 70, 0.5),
    ),
    "zonnepanelen": Soort(
        "Informatieavond zonnepanelen", Thema.DUURZAAMHEID,
        "Uitleg over zonnepanelen op het dak en wat het de huurders oplevert.",
        True, 3, (12, 26), (5, 15), (2, 3), (4, 6), "Energieloket {plaats}",
        ("Zaalhuur en koffie informatieavond", 40, 90, 1.0),
    ),
    "energiecoach": Soort(
        "Spreekuur energiecoach", Thema.DUURZAAMHEID,
        "Tips om energie te besparen; tochtstrips en radiatorfolie mee naar huis.",
        True, 0, (3, 8), (2, 6), (1, 2), (4, 6), "Energiecoaches {plaats}",
        ("Tochtstrips en radiatorfolie", 30, 80, 0.5),
    ),
    "schoonmaak": Soort(
        "Schoonmaakactie rond het complex", Thema.SCHOON_VEILIG,
        "Zwerfafval prikken en de binnenplaats vegen, met de buren.",
        True, 5, (8, 18), (4, 12), (4, 7), (5, 7), "Gemeente {plaats}",
        ("Afvalzakken, grijpers en handschoenen", 25, 75, 0.8),
    ),
    "preventie": Soort(
        "Buurtpreventiewandeling", Thema.SCHOON_VEILIG,
        "Avondronde door de buurt: kapotte lampen en onveilige plekken melden.",
        True, 4, (3, 6), (1, 4), (2, 3), (3, 4), "Wijkagent {plaats}",
    ),
    "burenhulp": Soort(
        "Burenhulp: boodschappen en klusjes", Thema.ZORG_VOOR_ELKAAR,
        "Leden doen boodschappen en kleine klussen voor oudere buren.",
        False, 2, (4, 9), (0, 0), (2, 4), (4, 8), "Buurtteam {plaats}",
    ),
    "concert": Soort(
        "Buurtconcert in de binnentuin", Thema.KUNST_CULTUUR,
        "Zomerconcert van muzikanten uit de buurt, met picknick.",
        True, 6, (15, 30), (20, 45), (4, 6), (6, 8), "Muziekschool {plaats}",
        ("Vergoeding muzikanten en geluid buurtconcert", 220, 380, 1.0),
    ),
    "schilderclub": Soort(
        "Schilderclub", Thema.KUNST_CULTUUR,
        "Schilderen en tekenen met buren van alle leeftijden.",
        True, 0, (4, 9), (2, 5), (1, 2), (4, 5),
        kosten=("Verf, doeken en penselen schilderclub", 25, 60, 0.6),
    ),
    "ledenvergadering": Soort(
        "Algemene ledenvergadering", Thema.OVERIG,
        "Jaarplan, begroting en verantwoording; het bestuur legt verantwoording af.",
        False, 3, (14, 30), (0, 0), (3, 4), (3, 6),
        kosten=("Koffie en drukwerk ledenvergadering", 25, 60, 0.7),
    ),
}
# fmt: on

ALLE_MAANDEN = tuple(range(1, 13))
ZONDER_ZOMER = (1, 2, 3, 4, 5, 6, 9, 10, 11, 12)
SCHOOLMAANDEN = (1, 2, 3, 4, 5, 6, 9, 10, 11, 12)
TUINSEIZOEN = (4, 5, 6, 7, 8, 9, 10)


@dataclass(frozen=True)
class Programma:
    soort: str
    maanden: tuple[int, ...]
    per_maand: int = 1
    dagen: tuple[int, int] | None = None


@dataclass(frozen=True)
class Toezeg:
    omschrijving: str
    indicator: str
    norm: str
    richting: str = Richting.MINIMAAL
    zwaarwegend: bool = True
    thema: str = ""
    alleen_open_voor_buurt: bool = False
    deels_vanaf: str = "75"
    # The beheerder's assessment of a kwalitatieve toezegging for the previous year.
    oordeel: str = ""
    toelichting: str = ""


@dataclass(frozen=True)
class CooperatieSpec:
    naam: str
    soort: str
    kvk_nummer: str
    rechtsvorm: str
    opgericht_op: datetime.date
    domein: str
    gebouw: str
    ingangsdatum: datetime.date
    wijk: str
    bestuur_username: str
    actief_aandeel: float  # share of members who volunteer
    budget: int  # euros per year from the corporatie
    tranches: tuple[tuple[int, int], ...]  # (month, day)
    programma: tuple[Programma, ...]
    vaste_uitgaven: tuple[tuple[int, int, str, int, int], ...]
    eenmalig: tuple[tuple[int, int, int, str, int, int], ...]  # jaar-offset first
    afspraak_titel: str
    looptijd: tuple[int, int | None]  # ingangsjaar, eindjaar offsets from this year
    toezeggingen: tuple[Toezeg, ...]
    # The treasurer forgot to book this month's receipts of the previous year; the
    # beheerder returns the submitted year for them (see `_Builder._jaarcyclus`).
    ontbrekende_maand: int | None = None


VASTE_UITGAVEN = (
    (3, 31, "Bankkosten eerste kwartaal", 28, 42),
    (6, 30, "Bankkosten tweede kwartaal", 28, 42),
    (9, 30, "Bankkosten derde kwartaal", 28, 42),
    (12, 31, "Bankkosten vierde kwartaal", 28, 42),
    (2, 14, "Verzekering vrijwilligers en aansprakelijkheid", 120, 165),
    (5, 12, "Drukwerk nieuwsbrief voorjaar", 65, 120),
    (11, 10, "Drukwerk nieuwsbrief najaar", 65, 120),
)

# fmt: off
COOPERATIES = (
    CooperatieSpec(
        naam="Wooncoöperatie De Zambesi",
        soort=CooperatieSoort.WOON,
        kvk_nummer="66412893",
        rechtsvorm=Rechtsvorm.VERENIGING,
        opgericht_op=datetime.date(2016, 3, 14),
        domein="dezambesi.example.nl",
        gebouw="UT-0412",
        ingangsdatum=datetime.date(2017, 1, 1),
        wijk="Overvecht",
        bestuur_username="bestuur",
        actief_aandeel=0.36,
        budget=6000,
        tranches=((1, 8), (7, 1)),
        programma=(
            Programma("nieuwjaar", (1,), dagen=(5, 14)),
            Programma("koffie", (1, 3, 5, 7, 9, 11)),
            Programma("maaltijd", ZONDER_ZOMER),
            Programma("moestuin", TUINSEIZOEN),
            Programma("repair", (2, 5, 9, 11)),
            Programma("schoonmaak", (3, 9), dagen=(14, 24)),
            Programma("ledenvergadering", (4, 11)),
            Programma("zonnepanelen", (10,)),
            Programma("sinterklaas", (12,), dagen=(1, 5)),
        ),
        vaste_uitgaven=VASTE_UITGAVEN,
        eenmalig=(
            (-1, 6, 12, "Tuinbanken en plantenbakken binnentuin", 1650, 1900),
            (0, 4, 18, "Partytent en statafels voor buurtactiviteiten", 560, 780),
        ),
        afspraak_titel="Afspraken sociale inbreng De Zambesi",
        looptijd=(-2, 1),
        toezeggingen=(
            Toezeg(
                "Minstens 20 activiteiten per jaar die open zijn voor buurtbewoners",
                Indicator.AANTAL_ACTIVITEITEN, "20", alleen_open_voor_buurt=True,
            ),
            Toezeg(
                "Leden zetten samen minstens 300 vrijwilligersuren per jaar in",
                Indicator.VRIJWILLIGERSUREN, "300",
            ),
            Toezeg(
                "Minstens 70% van de leden behoort tot de doelgroep (DAEB-inkomen)",
                Indicator.AANDEEL_DOELGROEP, "70",
            ),
            Toezeg(
                "De uitgaven blijven binnen het leefbaarheidsbudget van € 6.000 "
                "per jaar",
                Indicator.BESTEDING, "6000", richting=Richting.MAXIMAAL,
            ),
            Toezeg(
                "De coöperatie onderhoudt de binnentuin samen met de buurt en "
                "bespreekt dit jaarlijks met de wijkbeheerder",
                Indicator.KWALITATIEF, "0", zwaarwegend=False,
                oordeel=Verdict.NAGEKOMEN,
                toelichting=(
                    "De binnentuin is het hele seizoen met buurtbewoners "
                    "onderhouden tijdens de moestuindagen en de schoonmaakacties. "
                    "Het jaargesprek met de wijkbeheerder vond in het najaar "
                    "plaats; het verslag is ontvangen en besproken."
                ),
            ),
        ),
        ontbrekende_maand=11,
    ),
    CooperatieSpec(
        naam="Beheercoöperatie Lombokhof",
        soort=CooperatieSoort.BEHEER,
        kvk_nummer="75120458",
        rechtsvorm=Rechtsvorm.COOPERATIE,
        opgericht_op=datetime.date(2019, 9, 2),
        domein="lombokhof.example.nl",
        gebouw="UT-0233",
        ingangsdatum=datetime.date(2020, 1, 1),
        wijk="Lombok",
        bestuur_username="bestuur2",
        actief_aandeel=0.28,
        budget=4800,
        tranches=((1, 10), (4, 1), (7, 1), (10, 1)),
        programma=(
            Programma("taalcafe", ZONDER_ZOMER, per_maand=2),
            Programma("huiswerk", SCHOOLMAANDEN),
            Programma("weggeefwinkel", ALLE_MAANDEN),
            Programma("maaltijd", (3, 12)),
            Programma("schoonmaak", (3, 9), dagen=(14, 24)),
            Programma("concert", (6,), dagen=(15, 28)),
            Programma("burenhulp", (1, 4, 7, 10)),
            Programma("ledenvergadering", (5, 11)),
        ),
        vaste_uitgaven=VASTE_UITGAVEN,
        eenmalig=((-1, 9, 20, "Boekenkast en leesboeken taalcafé", 240, 420),),
        afspraak_titel="Beheerafspraken Lombokhof",
        looptijd=(-1, None),
        toezeggingen=(
            Toezeg(
                "Minstens 24 bijeenkomsten over taal en educatie per jaar "
                "(taalcafé, huiswerkbegeleiding)",
                Indicator.AANTAL_ACTIVITEITEN, "24", thema=Thema.TAAL_EDUCATIE,
            ),
            Toezeg(
                "De activiteiten bereiken samen minstens 250 deelnemers uit de buurt",
                Indicator.DEELNEMERS_BUURT, "250",
            ),
            Toezeg(
                "Minstens 30% van de leden doet als vrijwilliger mee",
                Indicator.AANDEEL_ACTIEVE_LEDEN, "30",
            ),
            Toezeg(
                "De coöperatie telt op 31 december minstens 30 leden",
                Indicator.AANTAL_LEDEN, "30",
            ),
        ),
    ),
    CooperatieSpec(
        naam="Wooncoöperatie Assendorper Erf",
        soort=CooperatieSoort.WOON,
        kvk_nummer="80317264",
        rechtsvorm=Rechtsvorm.VERENIGING,
        opgericht_op=datetime.date(2020, 5, 11),
        domein="assendorpererf.example.nl",
        gebouw="ZW-204",
        ingangsdatum=datetime.date(2021, 7, 1),
        wijk="Assendorp",
        bestuur_username="bestuur3",
        actief_aandeel=0.45,
        budget=3000,
        tranches=((2, 1),),
        programma=(
            Programma("nieuwjaar", (1,), dagen=(5, 14)),
            Programma("moestuin", (4, 5, 6, 7, 8, 9), per_maand=2),
            Programma("geveltuin", (4,)),
            Programma("koffie", ZONDER_ZOMER),
            Programma("energiecoach", (1, 3, 10, 12)),
            Programma("zonnepanelen", (3,)),
            Programma("schilderclub", (2, 3, 5, 9, 10, 11)),
            Programma("schoonmaak", (9,), dagen=(20, 28)),
            Programma("ledenvergadering", (4, 11)),
        ),
        vaste_uitgaven=VASTE_UITGAVEN,
        eenmalig=(
            (-1, 3, 22, "Kweekkas en regenton moestuin", 680, 820),
            (0, 5, 6, "Bankjes en picknicktafel voortuin", 420, 560),
        ),
        afspraak_titel="Afspraak sociale inbreng Assendorper Erf",
        looptijd=(-3, 1),
        toezeggingen=(
            Toezeg(
                "Minstens 10 groenactiviteiten per jaar (moestuin, geveltuinen)",
                Indicator.AANTAL_ACTIVITEITEN, "10", thema=Thema.GROEN,
            ),
            Toezeg(
                "Leden zetten samen minstens 200 vrijwilligersuren per jaar in",
                Indicator.VRIJWILLIGERSUREN, "200",
            ),
            Toezeg(
                "De coöperatie besteedt minstens € 2.500 per jaar aan leefbaarheid",
                Indicator.BESTEDING, "2500",
            ),
            Toezeg(
                "De coöperatie signaleert eenzaamheid bij buren en werkt daarin "
                "samen met het wijkteam Assendorp",
                Indicator.KWALITATIEF, "0",
                oordeel=Verdict.DEELS,
                toelichting=(
                    "Eenzaamheid wordt gesignaleerd tijdens de koffieochtenden en "
                    "het spreekuur van de energiecoach; twee buren zijn naar het "
                    "wijkteam doorverwezen. Een vaste werkafspraak met het wijkteam "
                    "Assendorp ontbreekt nog: er was één overleg in plaats van elk "
                    "kwartaal. Graag opnemen in het jaarplan."
                ),
            ),
        ),
    ),
    CooperatieSpec(
        naam="Beheercoöperatie De Vrijheid",
        soort=CooperatieSoort.BEHEER,
        kvk_nummer="85902417",
        rechtsvorm=Rechtsvorm.COOPERATIE,
        opgericht_op=datetime.date(2022, 2, 1),
        domein="devrijheid.example.nl",
        gebouw="LW-087",
        ingangsdatum=datetime.date(2022, 7, 1),
        wijk="Vrijheidswijk",
        bestuur_username="bestuur4",
        actief_aandeel=0.22,
        budget=4500,
        tranches=((1, 20), (7, 20)),
        programma=(
            Programma("voedselbank", ALLE_MAANDEN),
            Programma("weggeefwinkel", (3, 6, 9, 11)),
            Programma("koffie", ZONDER_ZOMER),
            Programma("preventie", (1, 4, 10, 12)),
            Programma("schoonmaak", (3, 9), dagen=(14, 24)),
            Programma("burenhulp", (2, 5, 8, 11)),
            Programma("ledenvergadering", (6, 12)),
            Programma("sinterklaas", (12,), dagen=(1, 5)),
        ),
        vaste_uitgaven=VASTE_UITGAVEN,
        eenmalig=(
            (-1, 2, 26, "Inrichting buurtkamer (tafels, stoelen, koelkast)",
             3450, 3500),
        ),
        afspraak_titel="Beheerafspraak Vrijheidsflat",
        looptijd=(-1, 3),
        toezeggingen=(
            Toezeg(
                "De coöperatie telt op 31 december minstens 32 leden",
                Indicator.AANTAL_LEDEN, "32",
            ),
            Toezeg(
                "Minstens 80% van de leden behoort tot de doelgroep (DAEB-inkomen)",
                Indicator.AANDEEL_DOELGROEP, "80",
            ),
            Toezeg(
                "Activiteiten die open zijn voor de buurt trekken samen minstens "
                "150 buurtbewoners",
                Indicator.DEELNEMERS_BUURT, "150", alleen_open_voor_buurt=True,
            ),
            Toezeg(
                "Minstens 25% van de leden doet als vrijwilliger mee",
                Indicator.AANDEEL_ACTIEVE_LEDEN, "25", deels_vanaf="60",
            ),
            Toezeg(
                "De uitgaven blijven binnen het budget van € 4.500 per jaar",
                Indicator.BESTEDING, "4500", richting=Richting.MAXIMAAL,
            ),
            Toezeg(
                "Minstens 12 activiteiten per jaar rond voedsel en armoede",
                Indicator.AANTAL_ACTIVITEITEN, "12", thema=Thema.VOEDSEL_ARMOEDE,
            ),
        ),
    ),
)
# fmt: on


@dataclass(frozen=True)
class UserSpec:
    username: str
    rol: str
    scope: str  # corporatie key or cooperatie naam
    first_name: str = ""
    last_name: str = ""


STAFF = (
    UserSpec("beheerder", RolSoort.BEHEERDER, "lindenhaeghe", "Sanne", "Verhoef"),
    UserSpec("beheerder2", RolSoort.BEHEERDER, "noorderzijl", "Wietse", "Hoekstra"),
    UserSpec("auditor", RolSoort.AUDITOR, "lindenhaeghe", "Ingrid", "Brouwer"),
)
DEMO_USERNAMES = (
    "admin",
    *(s.username for s in STAFF),
    *(c.bestuur_username for c in COOPERATIES),
)


# Public API -------------------------------------------------------------------------


class DemoConflictError(Exception):
    """Demo accounts exist in a database without the demo world."""


def demo_exists() -> bool:
    return Corporatie.objects.filter(kvk_nummer=MARKER_KVK).exists()


def seed(*, today: datetime.date | None = None) -> bool:
    """Build the demo world in one transaction. Returns False (and writes nothing)
    when it already exists. When the build fails, the rows roll back and the files
    it stored (photos, sealed reports) are removed again."""
    builder = _Builder(today or timezone.localdate())
    try:
        with transaction.atomic():
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
                c.kvk_nummer for c in CORPORATIES
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


def demo_logins() -> list[DemoLogin]:
    """The demo accounts as they are in the database, with their roles."""
    users = {
        user.username: user
        for user in get_user_model()
        .objects.filter(username__in=DEMO_USERNAMES)
        .prefetch_related("rollen__corporatie", "rollen__cooperatie")
    }
    rows: list[DemoLogin] = []
    for username in DEMO_USERNAMES:
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
                str(rol.corporatie or rol.cooperatie),
                wachtwoord,
            )
            for rol in user.rollen.all()
        )
    return rows


def row_counts() -> list[tuple[str, int]]:
    """Rows per model of the domain apps, plus the user accounts."""
    models = [get_user_model()]
    for label in ("cooperatie", "afspraken", "ledger"):
        models.extend(apps.get_app_config(label).get_models())
    return [
        (str(m._meta.verbose_name_plural), m._default_manager.count()) for m in models
    ]


def png_bytes(rgb: tuple[int, int, int], size: int = 16) -> bytes:
    """A small solid-colour PNG, valid to any image reader."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


# Builder ----------------------------------------------------------------------------


@dataclass
class _Plan:
    """One member before it is written."""

    adres: str
    lid_sinds: datetime.date
    lid_tot: datetime.date | None = None
    voornaam: str = ""
    achternaam: str = ""
    bestuursfunctie: str = ""
    doelgroep: str = Doelgroep.ONBEKEND
    email: str = ""
    telefoon: str = ""
    lid: object = None

    @property
    def naam(self) -> str:
        return f"{self.voornaam} {self.achternaam}"


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT)


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
        self.rng = random.Random(SEED)
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(SEED)
        self.users: dict[str, object] = {}
        self.corporaties: dict[str, object] = {}
        self.gebouwen: dict[str, object] = {}
        self.gebouw_specs = {g.complexnummer: g for g in GEBOUWEN}
        self.cooperaties: dict[str, object] = {}
        self.leden: dict[str, list[_Plan]] = {}
        self.afspraken: list[object] = []
        self.activiteiten: dict[tuple[str, int], list[object]] = {}
        self.uitgaven: dict[tuple[str, int], list[object]] = {}
        # Per cooperatie: (board, other volunteers), the members who volunteer.
        self.pool: dict[str, tuple[list[_Plan], list[_Plan]]] = {}
        # Per cooperatie: the previous year's expenses the treasurer forgot to book
        # (the fields of each boeking), booked after the year is returned.
        self.ontbrekend: dict[str, list[dict]] = {}
        self.toetsingen: dict[tuple[str, int], object] = {}
        # Files stored while building, removed again when the build fails.
        self.bestanden: list[tuple[Storage, str]] = []

    # Users and organisations ----------------------------------------------------

    def build(self) -> None:
        self._users()
        self._corporaties()
        self._gebouwen()
        self._cooperaties()
        for spec in COOPERATIES:
            self._leden(spec)
        for spec in COOPERATIES:
            self._afspraak(spec)
        for spec in COOPERATIES:
            for jaar in self.jaren:
                self._jaar(spec, jaar)
        self._correcties()
        self._bijlagen()
        self._toetsingen()
        for spec in COOPERATIES:
            self._jaarcyclus(spec)

    def remove_files(self) -> None:
        for storage, name in self.bestanden:
            storage.delete(name)

    def _users(self) -> None:
        user_model = get_user_model()
        existing = set(
            user_model.objects.filter(username__in=DEMO_USERNAMES).values_list(
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
        specs = [
            *STAFF,
            *(
                UserSpec(c.bestuur_username, RolSoort.BESTUUR, c.naam)
                for c in COOPERATIES
            ),
        ]
        for spec in specs:
            user = user_model(
                username=spec.username,
                email=f"{spec.username}@example.nl",
                first_name=spec.first_name,
                last_name=spec.last_name,
            )
            password_validation.validate_password(DEMO_PASSWORD, user)
            user.password = encoded
            user.save()
            self.users[spec.username] = user

    def _corporaties(self) -> None:
        admin = self.users["admin"]
        for spec in CORPORATIES:
            self.corporaties[spec.key] = services.corporatie_create(
                naam=spec.naam,
                kvk_nummer=spec.kvk_nummer,
                plaats=spec.plaats,
                actor=admin,
            )
        for spec in STAFF:
            services.rol_create(
                user=self.users[spec.username],
                soort=spec.rol,
                corporatie=self.corporaties[spec.scope],
                actor=admin,
            )

    def _beheerder_of(self, corporatie_key: str):
        spec = next(
            s
            for s in STAFF
            if s.rol == RolSoort.BEHEERDER and s.scope == corporatie_key
        )
        return self.users[spec.username]

    def _gebouwen(self) -> None:
        for spec in GEBOUWEN:
            self.gebouwen[spec.complexnummer] = services.gebouw_create(
                corporatie=self.corporaties[spec.corporatie],
                actor=self._beheerder_of(spec.corporatie),
                complexnummer=spec.complexnummer,
                naam=spec.naam,
                straat=spec.straat,
                huisnummer=spec.huisnummer,
                postcode=spec.postcode,
                plaats=spec.plaats,
                gemeentecode=spec.gemeentecode,
                buurtcode=spec.buurtcode,
                kaartjaar=KAARTJAAR,
                aantal_woningen=spec.aantal_woningen,
                bouwjaar=spec.bouwjaar,
                daeb=spec.daeb,
            )

    def _cooperaties(self) -> None:
        admin = self.users["admin"]
        for spec in COOPERATIES:
            gebouw = self.gebouw_specs[spec.gebouw]
            beheerder = self._beheerder_of(gebouw.corporatie)
            corporatie = self.corporaties[gebouw.corporatie]
            cooperatie = services.cooperatie_create(
                aangemeld_door=corporatie,
                actor=beheerder,
                naam=spec.naam,
                soort=spec.soort,
                kvk_nummer=spec.kvk_nummer,
                rechtsvorm=spec.rechtsvorm,
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
                user=self.users[spec.bestuur_username],
                soort=RolSoort.BESTUUR,
                cooperatie=cooperatie,
                actor=admin,
            )

    # Members ----------------------------------------------------------------------

    def _date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _leden(self, spec: CooperatieSpec) -> None:
        rng = self.rng
        gebouw = self.gebouw_specs[spec.gebouw]
        homes = gebouw.adressen()
        rng.shuffle(homes)
        current = round(len(homes) * 0.88)
        ended = round(len(homes) * 0.09)
        start = spec.ingangsdatum
        latest = self.today - datetime.timedelta(days=20)
        vorig = datetime.date(self.jaar - 1, 1, 1)
        plans: list[_Plan] = []
        for i, adres in enumerate(homes[:current]):
            if i < ended:
                # This home changed hands: the leaver and the household after.
                if i % 3 == 0 or self.today.month < 3:
                    eind = min(
                        datetime.date(self.jaar - 1, 12, 15),
                        latest - datetime.timedelta(days=30),
                    )
                    window = (vorig, eind)
                elif i % 3 == 1:
                    window = (
                        datetime.date(self.jaar, 1, 5),
                        latest - datetime.timedelta(days=45),
                    )
                else:
                    window = (start + datetime.timedelta(days=400), vorig)
                lid_tot = self._date_between(*window)
                sinds = self._date_between(
                    start, lid_tot - datetime.timedelta(days=300)
                )
                plans.append(_Plan(adres, max(sinds, start), lid_tot))
                nieuw = lid_tot + datetime.timedelta(days=rng.randint(14, 40))
                plans.append(_Plan(adres, min(nieuw, latest)))
            elif rng.random() < 0.45:
                plans.append(_Plan(adres, start))
            else:
                # Most households join in the first years of the cooperatie.
                span = (latest - start).days - 30
                days = 30 + int(span * rng.random() ** 2)
                plans.append(_Plan(adres, start + datetime.timedelta(days=days)))

        # Board: long-standing members, founders first.
        veteranen = [p for p in plans if p.lid_tot is None and p.lid_sinds < vorig]
        veteranen.sort(key=lambda p: (p.lid_sinds, p.adres))
        functies = [
            Bestuursfunctie.VOORZITTER,
            Bestuursfunctie.SECRETARIS,
            Bestuursfunctie.PENNINGMEESTER,
            Bestuursfunctie.BESTUURSLID,
        ] + [Bestuursfunctie.BESTUURSLID] * rng.randint(0, 1)
        for plan, functie in zip(veteranen, functies, strict=False):
            plan.bestuursfunctie = functie
        # One leaver of the first cooperatie sat on the board; leaving ends that.
        if spec is COOPERATIES[0]:
            vertrokken = [p for p in plans if p.lid_tot is not None]
            vertrokken[0].bestuursfunctie = Bestuursfunctie.BESTUURSLID

        # Doelgroep in realistic, exact proportions for the kind of building.
        ja, nee = (0.78, 0.08) if gebouw.daeb == Daeb.DAEB else (0.55, 0.30)
        n = len(plans)
        waarden = [Doelgroep.JA] * round(n * ja) + [Doelgroep.NEE] * round(n * nee)
        waarden += [Doelgroep.ONBEKEND] * (n - len(waarden))
        rng.shuffle(waarden)

        namen: set[str] = set()
        emails: set[str] = set()
        for plan, doelgroep in zip(plans, waarden, strict=True):
            plan.doelgroep = doelgroep
            while plan.naam.strip() in namen or not plan.voornaam:
                plan.voornaam = self.fake.first_name()
                plan.achternaam = self.fake.last_name()
            namen.add(plan.naam)
            if rng.random() < 0.82:
                basis = f"{_ascii(plan.voornaam)}.{_ascii(plan.achternaam)}"
                email, k = f"{basis}@example.nl", 2
                while email in emails:
                    email, k = f"{basis}{k}@example.nl", k + 1
                emails.add(email)
                plan.email = email
            if rng.random() < 0.85:
                plan.telefoon = f"06-{rng.randint(10000000, 99999999)}"

        cooperatie = self.cooperaties[spec.naam]
        bestuur = self.users[spec.bestuur_username]
        plans.sort(key=lambda p: (p.lid_sinds, p.adres))
        for plan in plans:
            plan.lid = services.lid_create(
                cooperatie=cooperatie,
                actor=bestuur,
                naam=plan.naam,
                email=plan.email,
                telefoon=plan.telefoon,
                adres=plan.adres,
                lid_sinds=plan.lid_sinds,
                bestuursfunctie=plan.bestuursfunctie,
                doelgroep=plan.doelgroep,
            )
        for plan in sorted(
            (p for p in plans if p.lid_tot is not None), key=lambda p: p.lid_tot
        ):
            services.lid_end(lid=plan.lid, lid_tot=plan.lid_tot, actor=bestuur)
        self.leden[spec.naam] = plans

        # The bestuur account belongs to the voorzitter.
        voorzitter = next(
            p for p in plans if p.bestuursfunctie == Bestuursfunctie.VOORZITTER
        )
        bestuur.first_name = voorzitter.voornaam
        bestuur.last_name = voorzitter.achternaam
        bestuur.save(update_fields=["first_name", "last_name"])

        # Who volunteers: the board plus a share of the other members.
        board = [p for p in plans if p.bestuursfunctie and p.lid_tot is None]
        others = [p for p in plans if p not in board]
        target = max(0, round(current * spec.actief_aandeel) - len(board))
        self.pool[spec.naam] = (board, rng.sample(others, min(target, len(others))))

    # Agreements -----------------------------------------------------------------

    def _afspraak(self, spec: CooperatieSpec) -> None:
        gebouw_spec = self.gebouw_specs[spec.gebouw]
        corporatie = self.corporaties[gebouw_spec.corporatie]
        beheerder = self._beheerder_of(gebouw_spec.corporatie)
        ingang = self.jaar + spec.looptijd[0]
        eind = None if spec.looptijd[1] is None else self.jaar + spec.looptijd[1]
        periode = f"{ingang}–{eind}" if eind else f"vanaf {ingang}"
        afspraak = afspraken_services.afspraak_create(
            corporatie=corporatie,
            cooperatie=self.cooperaties[spec.naam],
            titel=f"{spec.afspraak_titel} {periode}",
            ingangsjaar=ingang,
            eindjaar=eind,
            ondertekend_op=datetime.date(ingang - 1, 12, self.rng.randint(2, 19)),
            gebouwen=[self.gebouwen[spec.gebouw]],
            prestatieafspraak=(
                f"Prestatieafspraken gemeente {gebouw_spec.plaats} {ingang}, "
                "thema leefbaarheid en participatie"
            ),
            actor=beheerder,
        )
        for volgorde, t in enumerate(spec.toezeggingen, start=1):
            afspraken_services.toezegging_create(
                afspraak=afspraak,
                actor=beheerder,
                omschrijving=t.omschrijving,
                indicator=t.indicator,
                norm=Decimal(t.norm),
                richting=t.richting,
                deels_vanaf=Decimal(t.deels_vanaf),
                zwaarwegend=t.zwaarwegend,
                thema=t.thema,
                alleen_open_voor_buurt=t.alleen_open_voor_buurt,
                volgorde=volgorde,
            )
        self.afspraken.append(afspraak)

    # Activities and bookings ----------------------------------------------------------

    def _dates(self, jaar: int, programma: Programma, weekdag: int) -> list:
        out = []
        for maand in programma.maanden:
            last = calendar.monthrange(jaar, maand)[1]
            lo, hi = programma.dagen or (1, last)
            span = hi - lo + 1
            for i in range(programma.per_maand):
                a = lo + i * span // programma.per_maand
                b = lo + (i + 1) * span // programma.per_maand - 1
                day = datetime.date(jaar, maand, self.rng.randint(a, b))
                day += datetime.timedelta(days=(weekdag - day.weekday()) % 7)
                if day.month != maand:
                    day -= datetime.timedelta(days=7)
                out.append(day)
        return out

    def _bedrag(self, lo: int, hi: int) -> Decimal:
        return _money(Decimal(self.rng.randint(lo * 100, hi * 100)) / 100)

    def _vrijwilligers(self, spec: CooperatieSpec, datum, k: int) -> list:
        board, others = self.pool[spec.naam]
        # Board members turn up twice as often as the other volunteers.
        kandidaten = [p for p in board + board + others if p.lid.is_lid_op(datum)]
        gekozen: list[_Plan] = []
        while kandidaten and len(gekozen) < k:
            plan = self.rng.choice(kandidaten)
            gekozen.append(plan)
            kandidaten = [p for p in kandidaten if p is not plan]
        return [p.lid for p in gekozen]

    def _jaar(self, spec: CooperatieSpec, jaar: int) -> None:
        rng = self.rng
        cooperatie = self.cooperaties[spec.naam]
        bestuur = self.users[spec.bestuur_username]
        gebouw_spec = self.gebouw_specs[spec.gebouw]
        corporatie = self.corporaties[gebouw_spec.corporatie]
        events: list[tuple] = []
        for programma in spec.programma:
            soort = SOORTEN[programma.soort]
            events.extend(
                (d, 1, "activiteit", soort)
                for d in self._dates(jaar, programma, soort.weekdag)
            )
        for n, (maand, dag) in enumerate(spec.tranches, start=1):
            bedrag = _money(Decimal(spec.budget) / len(spec.tranches))
            tekst = (
                f"Leefbaarheidsbudget {jaar} van {corporatie.naam}"
                if len(spec.tranches) == 1
                else f"Leefbaarheidsbudget {jaar}, tranche {n} van "
                f"{len(spec.tranches)} ({corporatie.naam})"
            )
            events.append(
                (datetime.date(jaar, maand, dag), 0, "budget", (tekst, bedrag))
            )
        for maand, dag, tekst, lo, hi in spec.vaste_uitgaven:
            events.append(
                (datetime.date(jaar, maand, dag), 2, "uitgave", (tekst, lo, hi))
            )
        for offset, maand, dag, tekst, lo, hi in spec.eenmalig:
            if jaar == self.jaar + offset:
                events.append(
                    (datetime.date(jaar, maand, dag), 2, "uitgave", (tekst, lo, hi))
                )
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        if jaar == self.today.year:
            kept = [e for e in events if e[0] <= self.today]
            # Even on the first days of January the current year has some life.
            for kind in ("budget", "activiteit"):
                if not any(e[2] == kind for e in kept):
                    first = next(e for e in events if e[2] == kind)
                    kept.insert(0, (self.today, *first[1:]))
            events = sorted(kept, key=lambda e: (e[0], e[1], e[2]))

        activiteiten = self.activiteiten.setdefault((spec.naam, jaar), [])
        uitgaven = self.uitgaven.setdefault((spec.naam, jaar), [])
        plaats = gebouw_spec.plaats
        for datum, _order, kind, payload in events:
            if kind == "budget":
                tekst, bedrag = payload
                ledger_services.boeking_create(
                    cooperatie=cooperatie,
                    datum=datum,
                    soort=BoekingSoort.BUDGET,
                    bedrag=bedrag,
                    omschrijving=tekst,
                    actor=bestuur,
                )
            elif kind == "uitgave":
                tekst, lo, hi = payload
                self._uitgave(
                    spec,
                    uitgaven,
                    datum=datum,
                    bedrag=self._bedrag(lo, hi),
                    omschrijving=tekst,
                )
            else:
                soort: Soort = payload
                vrijwilligers = self._vrijwilligers(
                    spec, datum, rng.randint(*soort.vrijwilligers)
                )
                uren = sum(
                    (Decimal(rng.randint(*soort.uren)) / 2 for _ in vrijwilligers),
                    Decimal(0),
                )
                activiteit = ledger_services.activiteit_create(
                    cooperatie=cooperatie,
                    actor=bestuur,
                    vrijwilligers=vrijwilligers,
                    datum=datum,
                    titel=soort.titel,
                    thema=soort.thema,
                    omschrijving=soort.omschrijving,
                    open_voor_buurt=soort.open_voor_buurt,
                    deelnemers_leden=rng.randint(*soort.leden),
                    deelnemers_buurt=(
                        rng.randint(*soort.buurt) if soort.open_voor_buurt else 0
                    ),
                    vrijwilligersuren=_money(uren),
                    partners=soort.partners.format(plaats=plaats, wijk=spec.wijk),
                )
                activiteiten.append(activiteit)
                if soort.kosten and rng.random() < soort.kosten[3]:
                    tekst, lo, hi, _chance = soort.kosten
                    self._uitgave(
                        spec,
                        uitgaven,
                        datum=datum,
                        bedrag=self._bedrag(lo, hi),
                        omschrijving=tekst,
                        activiteit=activiteit,
                    )

    def _uitgave(self, spec: CooperatieSpec, uitgaven: list, **fields) -> None:
        """Book an expense, unless it is one the treasurer forgot (for now)."""
        datum: datetime.date = fields["datum"]
        if datum.year == self.jaar - 1 and datum.month == spec.ontbrekende_maand:
            self.ontbrekend.setdefault(spec.naam, []).append(fields)
            return
        uitgaven.append(
            ledger_services.boeking_create(
                cooperatie=self.cooperaties[spec.naam],
                soort=BoekingSoort.UITGAVE,
                actor=self.users[spec.bestuur_username],
                **fields,
            )
        )

    def _later(self, datum: datetime.date, days: int) -> datetime.date:
        return min(datum + datetime.timedelta(days=days), self.today)

    def _correcties(self) -> None:
        """Mistakes and their storno's, as treasurers make them."""
        vorig = self.jaar - 1
        zambesi, lombok, erf, vrijheid = (c.naam for c in COOPERATIES)

        # A misplaced decimal comma: storno and the right amount.
        bestuur = self.users[COOPERATIES[0].bestuur_username]
        maaltijd = next(
            a for a in self.activiteiten[(zambesi, vorig)] if a.titel == "Buurtmaaltijd"
        )
        fout = ledger_services.boeking_create(
            cooperatie=maaltijd.cooperatie,
            datum=maaltijd.datum,
            soort=BoekingSoort.UITGAVE,
            bedrag=Decimal("1245.00"),
            omschrijving="Boodschappen buurtmaaltijd (extra inkoop)",
            activiteit=maaltijd,
            actor=bestuur,
        )
        ledger_services.boeking_storno(
            boeking=fout,
            actor=bestuur,
            datum=self._later(maaltijd.datum, 6),
            omschrijving="Storno: bedrag met verkeerde komma ingevoerd "
            "(€ 1.245,00 in plaats van € 124,50)",
        )
        ledger_services.boeking_create(
            cooperatie=maaltijd.cooperatie,
            datum=self._later(maaltijd.datum, 6),
            soort=BoekingSoort.UITGAVE,
            bedrag=Decimal("124.50"),
            omschrijving="Boodschappen buurtmaaltijd (extra inkoop), gecorrigeerd",
            activiteit=maaltijd,
            actor=bestuur,
        )

        # An invoice booked twice: storno of the duplicate only.
        bestuur = self.users[COOPERATIES[1].bestuur_username]
        drukwerk = next(
            b for b in self.uitgaven[(lombok, vorig)] if "najaar" in b.omschrijving
        )
        dubbel = ledger_services.boeking_create(
            cooperatie=drukwerk.cooperatie,
            datum=drukwerk.datum,
            soort=BoekingSoort.UITGAVE,
            bedrag=drukwerk.bedrag,
            omschrijving=drukwerk.omschrijving,
            actor=bestuur,
        )
        ledger_services.boeking_storno(
            boeking=dubbel,
            actor=bestuur,
            datum=self._later(drukwerk.datum, 3),
            omschrijving="Storno: factuur drukwerk nieuwsbrief dubbel geboekt",
        )

        # This year's budget booked with the wrong amount, then corrected.
        bestuur = self.users[COOPERATIES[2].bestuur_username]
        cooperatie = self.cooperaties[erf]
        budget = cooperatie.boekingen.filter(
            soort=BoekingSoort.BUDGET, datum__year=self.jaar
        ).earliest("datum")
        storno_datum = self._later(budget.datum, 4)
        ledger_services.boeking_storno(
            boeking=budget,
            actor=bestuur,
            datum=storno_datum,
            omschrijving="Storno: budget geboekt als € 3.000,00; ontvangen is "
            "€ 3.250,00 (inclusief bijdrage geveltuinen)",
        )
        ledger_services.boeking_create(
            cooperatie=cooperatie,
            datum=storno_datum,
            soort=BoekingSoort.BUDGET,
            bedrag=Decimal("3250.00"),
            omschrijving=f"{budget.omschrijving}, gecorrigeerd bedrag",
            actor=bestuur,
        )

        # An expense linked to the wrong activity: storno and re-booking.
        bestuur = self.users[COOPERATIES[3].bestuur_username]
        acts = self.activiteiten[(vrijheid, vorig)]
        uitgifte = next(a for a in acts if a.titel == "Uitgiftepunt voedselbank")
        koffie = next(
            a for a in acts if a.titel == "Koffieochtend" and a.datum >= uitgifte.datum
        )
        verkeerd = ledger_services.boeking_create(
            cooperatie=uitgifte.cooperatie,
            datum=uitgifte.datum,
            soort=BoekingSoort.UITGAVE,
            bedrag=Decimal("27.80"),
            omschrijving="Huur bestelbus voedselpakketten",
            activiteit=koffie,
            actor=bestuur,
        )
        ledger_services.boeking_storno(
            boeking=verkeerd,
            actor=bestuur,
            datum=self._later(uitgifte.datum, 10),
            omschrijving="Storno: uitgave bij de verkeerde activiteit geboekt",
        )
        ledger_services.boeking_create(
            cooperatie=uitgifte.cooperatie,
            datum=self._later(uitgifte.datum, 10),
            soort=BoekingSoort.UITGAVE,
            bedrag=Decimal("27.80"),
            omschrijving="Huur bestelbus voedselpakketten",
            activiteit=uitgifte,
            actor=bestuur,
        )

    def _bijlagen(self) -> None:
        vorig = self.jaar - 1
        for spec, titel, rgb, tekst in (
            (
                COOPERATIES[0],
                "Schoonmaakactie rond het complex",
                (64, 140, 200),
                "Foto van de schoonmaakactie",
            ),
            (
                COOPERATIES[2],
                "Moestuindag",
                (70, 150, 60),
                "Foto van de oogst in de moestuin",
            ),
        ):
            activiteit = next(
                a for a in self.activiteiten[(spec.naam, vorig)] if a.titel == titel
            )
            bijlage = ledger_services.bijlage_add(
                activiteit=activiteit,
                bestand=ContentFile(png_bytes(rgb), name="foto.png"),
                omschrijving=tekst,
                actor=self.users[spec.bestuur_username],
            )
            self.bestanden.append((bijlage.bestand.storage, bijlage.bestand.name))

    def _toetsingen(self) -> None:
        for spec, afspraak in zip(COOPERATIES, self.afspraken, strict=True):
            beheerder = self._beheerder_of(self.gebouw_specs[spec.gebouw].corporatie)
            for jaar in self.jaren:
                self.toetsingen[(spec.naam, jaar)] = afspraken_services.toetsing_open(
                    afspraak=afspraak, jaar=jaar, actor=beheerder
                )

    def _jaarcyclus(self, spec: CooperatieSpec) -> None:
        """The previous year through the yearly cycle (domain §4): the bestuur
        submits; when receipts are missing the beheerder returns the year and the
        bestuur books them and submits again; the beheerder assesses the
        kwalitatieve toezeggingen and approves, which seals the nalevingsrapport."""
        vorig = self.jaar - 1
        bestuur = self.users[spec.bestuur_username]
        beheerder = self._beheerder_of(self.gebouw_specs[spec.gebouw].corporatie)
        toetsing = afspraken_services.toetsing_indienen(
            toetsing=self.toetsingen[(spec.naam, vorig)], actor=bestuur
        )
        ontbrekend = self.ontbrekend.pop(spec.naam, [])
        if ontbrekend:
            maand = formatting.maand(spec.ontbrekende_maand, taal="nl")
            bonnen = [
                f"{f['omschrijving'][0].lower()}{f['omschrijving'][1:]} "
                f"({f['datum'].day} {maand})"
                for f in ontbrekend
            ]
            toetsing = afspraken_services.toetsing_terugsturen(
                toetsing=toetsing,
                reden=(
                    f"De bonnen van {maand} {vorig} ontbreken in het kasboek: "
                    f"{_opsomming(bonnen)}. Graag aanvullen en opnieuw indienen."
                ),
                actor=beheerder,
            )
            for fields in ontbrekend:
                self.uitgaven[(spec.naam, vorig)].append(
                    ledger_services.boeking_create(
                        cooperatie=self.cooperaties[spec.naam],
                        soort=BoekingSoort.UITGAVE,
                        actor=bestuur,
                        **fields,
                    )
                )
            toetsing = afspraken_services.toetsing_indienen(
                toetsing=toetsing, actor=bestuur
            )
        clauses = {t.omschrijving: t for t in toetsing.afspraak.toezeggingen.all()}
        for t in spec.toezeggingen:
            if t.indicator == Indicator.KWALITATIEF:
                afspraken_services.toetsing_beoordelen(
                    toetsing=toetsing,
                    toezegging=clauses[t.omschrijving],
                    oordeel=t.oordeel,
                    toelichting=t.toelichting,
                    actor=beheerder,
                )
        toetsing = afspraken_services.toetsing_vaststellen(
            toetsing=toetsing, actor=beheerder
        )
        rapport = toetsing.rapporten.get()
        self.bestanden.append((rapport.pdf.storage, rapport.pdf.name))


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
