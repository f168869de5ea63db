"""Shared fixtures. Every test world has two tenants (A and B), so each test can
also show that the other tenant's objects stay out of reach."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from cooperatie.choices import Bestuursfunctie, Doelgroep, RolSoort
from cooperatie.models import GeslotenJaar, Relatie
from tests.afspraken.factories import (
    AfspraakFactory,
    BeoordelingFactory,
    JaarparameterFactory,
    PrestatieafspraakFactory,
    PrestatiedoelFactory,
    RapportFactory,
    ToetsingFactory,
    ToezeggingFactory,
)
from tests.cooperatie.factories import (
    CooperatieFactory,
    CorporatieFactory,
    GebouwFactory,
    LidFactory,
    OvereenkomstFactory,
    RolFactory,
    UserFactory,
)
from tests.database_roles import (  # noqa: F401  (fixtures: PostgreSQL roles)
    django_db_modify_db_settings,
    django_db_setup,
)
from tests.ledger.factories import (
    ActiviteitFactory,
    AuditEntryFactory,
    BijlageFactory,
    BoekingFactory,
    BonFactory,
)
from tests.seeding import (  # noqa: F401  (the test data seed's hooks and fixture)
    data_seed,
    pytest_addoption,
    pytest_report_header,
)


@pytest.fixture(scope="session")
def journaal_sleutel(tmp_path_factory):
    """The Ed25519 key that signs journal checkpoints, one per test worker (in
    production a file outside the database, see docs/journal.md)."""
    from kern import checkpoints

    path = tmp_path_factory.mktemp("journaal") / "journaal-ed25519.pem"
    checkpoints.generate_key(path)
    return path


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, journaal_sleutel):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOURNAAL_SLEUTEL = str(journaal_sleutel)
    settings.JOURNAAL_PUBLIEKE_SLEUTEL = ""
    # Hashing the world's passwords with the production hasher costs seconds a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a request in English
    (a user who chose it) leaves that language active in the thread, and a
    later test that calls a service outside a request would read English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# The two schemathesis runs are the longest tests: they go first, so that
# parallel workers (pytest-xdist hands out tests round-robin in collection order)
# start one each at once instead of one worker finishing on them. Only these move:
# pytest-django has already put the tests that flush the database last.
SLOW_FIRST = "tests/api/test_schemathesis.py"


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))


@dataclass
class Tenant:
    """One corporatie with one cooperatie and one of every object, plus a user for
    each role."""

    corporatie: object
    gebouw: object
    cooperatie: object
    overeenkomst: object
    lid: object
    bestuurslid: object
    rol_beheerder: object
    rol_auditor: object
    rol_bestuur: object
    relatie: object
    gesloten_jaar: object
    afspraak: object
    prestatieafspraak: object
    prestatiedoel: object
    toezegging: object
    toetsing: object
    beoordeling: object
    rapport: object
    activiteit: object
    bijlage: object
    boeking: object
    bon: object
    beheerder: object
    auditor: object
    bestuur: object
    journaal: object

    def objects(self) -> dict[str, object]:
        """One object of every model that belongs to this tenant."""
        return {
            "Corporatie": self.corporatie,
            "Gebouw": self.gebouw,
            "Cooperatie": self.cooperatie,
            "Overeenkomst": self.overeenkomst,
            "Lid": self.lid,
            "Rol": self.rol_bestuur,
            "Relatie": self.relatie,
            "GeslotenJaar": self.gesloten_jaar,
            "Afspraak": self.afspraak,
            "Prestatieafspraak": self.prestatieafspraak,
            "Prestatiedoel": self.prestatiedoel,
            "Toezegging": self.toezegging,
            "Toetsing": self.toetsing,
            "Beoordeling": self.beoordeling,
            "Rapport": self.rapport,
            "Activiteit": self.activiteit,
            "Vrijwilliger": self.activiteit.vrijwilligerschappen.get(),
            "Bijlage": self.bijlage,
            "Boeking": self.boeking,
            "Bon": self.bon,
            "AuditEntry": self.journaal,
        }


def make_tenant(letter: str) -> Tenant:
    corporatie = CorporatieFactory(naam=f"Woonstichting {letter}")
    gebouw = GebouwFactory(corporatie=corporatie)
    cooperatie = CooperatieFactory(naam=f"Wooncoöperatie {letter}")
    overeenkomst = OvereenkomstFactory(gebouw=gebouw, cooperatie=cooperatie)
    lid = LidFactory(cooperatie=cooperatie, doelgroep=Doelgroep.JA)
    bestuurslid = LidFactory(
        cooperatie=cooperatie, bestuursfunctie=Bestuursfunctie.VOORZITTER
    )
    beheerder = UserFactory(username=f"beheerder_{letter.lower()}")
    auditor = UserFactory(username=f"auditor_{letter.lower()}")
    bestuur = UserFactory(username=f"bestuur_{letter.lower()}")
    rol_beheerder = RolFactory(user=beheerder, corporatie=corporatie)
    rol_auditor = RolFactory(user=auditor, corporatie=corporatie, auditor=True)
    rol_bestuur = RolFactory(user=bestuur, cooperatie=cooperatie, bestuur=True)
    # The afspraak contributes to the corporatie's prestatieafspraak in the
    # gebouw's gemeente.
    prestatieafspraak = PrestatieafspraakFactory(
        corporatie=corporatie, gemeentecode=gebouw.gemeentecode
    )
    prestatiedoel = PrestatiedoelFactory(prestatieafspraak=prestatieafspraak)
    afspraak = AfspraakFactory(
        corporatie=corporatie,
        cooperatie=cooperatie,
        gebouwen=[gebouw],
        prestatieafspraak=prestatieafspraak,
    )
    toezegging = ToezeggingFactory(afspraak=afspraak)
    toetsing = ToetsingFactory(afspraak=afspraak, jaar=2024)
    beoordeling = BeoordelingFactory(toetsing=toetsing, beoordeeld_door=beheerder)
    rapport = RapportFactory(
        toetsing=ToetsingFactory(afspraak=afspraak, jaar=2023, status="vastgesteld"),
        created_by=beheerder,
    )
    activiteit = ActiviteitFactory(cooperatie=cooperatie, vrijwilligers=[lid])
    bijlage = BijlageFactory(activiteit=activiteit)
    boeking = BoekingFactory(cooperatie=cooperatie, activiteit=activiteit)
    bon = BonFactory(boeking=boeking)
    journaal = AuditEntryFactory(
        actor=bestuur,
        object_type="ledger.boeking",
        object_id=boeking.pk,
        cooperatie_id=cooperatie.pk,
    )
    return Tenant(
        corporatie=corporatie,
        gebouw=gebouw,
        cooperatie=cooperatie,
        overeenkomst=overeenkomst,
        lid=lid,
        bestuurslid=bestuurslid,
        rol_beheerder=rol_beheerder,
        rol_auditor=rol_auditor,
        rol_bestuur=rol_bestuur,
        # Kept by the factories, as the services keep them: the tie of the
        # overeenkomst and afspraak, and the year the sealed toetsing closed.
        relatie=Relatie.objects.get(corporatie=corporatie, cooperatie=cooperatie),
        gesloten_jaar=GeslotenJaar.objects.get(cooperatie=cooperatie, jaar=2023),
        afspraak=afspraak,
        prestatieafspraak=prestatieafspraak,
        prestatiedoel=prestatiedoel,
        toezegging=toezegging,
        toetsing=toetsing,
        beoordeling=beoordeling,
        rapport=rapport,
        activiteit=activiteit,
        bijlage=bijlage,
        boeking=boeking,
        bon=bon,
        beheerder=beheerder,
        auditor=auditor,
        bestuur=bestuur,
        journaal=journaal,
    )


@pytest.fixture
def world(db):
    """Two tenants, a superuser, and a legal figure."""
    a = make_tenant("A")
    b = make_tenant("B")
    return SimpleNamespace(
        a=a,
        b=b,
        superuser=UserFactory(username="platform", superuser=True),
        jaarparameter=JaarparameterFactory(),
    )


@pytest.fixture
def gemeente(world):
    """The world with a third tenant C whose gebouw lies in Rotterdam
    (GM0599), while A's and B's lie in Amsterdam (GM0363), and `ambtenaar`, a
    user with the gemeente role for Amsterdam."""
    world.c = make_tenant("C")
    world.c.gebouw.gemeentecode = "GM0599"
    world.c.gebouw.buurtcode = "BU05990000"
    world.c.gebouw.save()
    world.c.prestatieafspraak.gemeentecode = "GM0599"
    world.c.prestatieafspraak.save()
    world.ambtenaar = RolFactory(
        user=UserFactory(username="ambtenaar"), gemeente=True, gemeentecode="GM0363"
    ).user
    return world


@pytest.fixture
def superuser(db):
    return UserFactory(username="platform", superuser=True)


ROLES = (RolSoort.BEHEERDER, RolSoort.AUDITOR, RolSoort.BESTUUR)
