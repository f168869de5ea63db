"""`manage.py seed_demo` builds a complete, valid demo world through the services,
once: a second run adds nothing and prints the logins again. The previous year has
gone through the yearly cycle (one afspraak returned once) and is vastgesteld with
a sealed nalevingsrapport per afspraak, except one year that is ingediend and
waits for the beheerder; earlier years nobody opened are late; the current year
is open."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

import pytest

from afspraken import jaren, rapporten
from afspraken.choices import Indicator, Richting, ToetsingStatus, Verdict
from afspraken.models import Afspraak, Beoordeling, Rapport, Toetsing
from cooperatie import uitnodigingen
from cooperatie.choices import (
    Bestuursfunctie,
    CooperatieSoort,
    Daeb,
    Doelgroep,
    OvereenkomstSoort,
    RolSoort,
)
from cooperatie.models import (
    Cooperatie,
    Corporatie,
    Gebouw,
    Lid,
    Overeenkomst,
    Rol,
    Uitnodiging,
)
from demo import wereld
from demo.wereld import DEMO_PASSWORD, WERELD
from kern import journal
from kern.journal import verify_chain
from kern.models import AuditCheckpoint, AuditEntry
from ledger.bijlagen import sniff_content_type
from ledger.choices import BoekingSoort, Thema
from ledger.models import Activiteit, Bijlage, Boeking

# CBS gemeentecode -> (name, lowest and highest 4-digit postcode of the town),
# kept here independently of the demo data.
GEMEENTEN = {
    "GM0363": ("Amsterdam", 1011, 1109),
    "GM0344": ("Utrecht", 3451, 3585),
    "GM0599": ("Rotterdam", 3011, 3089),
    "GM0193": ("Zwolle", 8011, 8049),
    "GM0080": ("Leeuwarden", 8900, 8941),
}
POSTCODE = re.compile(r"^([1-9][0-9]{3}) [A-Z]{2}$")
DEMO_USERS = (
    "admin",
    "beheerder",
    "beheerder2",
    "auditor",
    "gemeente",
    "bestuur",
    "bestuur2",
    "bestuur3",
    "bestuur4",
)


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def all_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_models()
    }


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file())


def gebouw_of(cooperatie: Cooperatie) -> Gebouw:
    return Overeenkomst.objects.get(cooperatie=cooperatie).gebouw


def assert_logins_printed(output: str) -> None:
    for username in DEMO_USERS:
        assert re.search(rf"^\s+{username}\s+\S", output, re.MULTILINE), username
    assert DEMO_PASSWORD in output
    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert "Woonstichting Lindenhaeghe" in output


def check_gebouwen() -> None:
    gebouwen = list(Gebouw.objects.all())
    assert len(gebouwen) >= 6
    assert len({g.gemeentecode for g in gebouwen}) >= 3
    for gebouw in gebouwen:
        gebouw.full_clean()
        naam, laagste, hoogste = GEMEENTEN[gebouw.gemeentecode]
        assert gebouw.plaats == naam
        match = POSTCODE.match(gebouw.postcode)
        assert match, gebouw.postcode
        assert laagste <= int(match.group(1)) <= hoogste, (naam, gebouw.postcode)
        assert re.fullmatch(r"BU[0-9]{8}", gebouw.buurtcode)
        assert gebouw.buurtcode[2:6] == gebouw.gemeentecode[2:]
        assert gebouw.kaartjaar == 2024
        assert gebouw.aantal_woningen >= 10
        assert 1850 <= gebouw.bouwjaar <= 2025


def check_cooperaties() -> list[Cooperatie]:
    cooperaties = list(Cooperatie.objects.all())
    assert len(cooperaties) == 4
    assert Counter(c.soort for c in cooperaties) == {
        CooperatieSoort.WOON: 2,
        CooperatieSoort.BEHEER: 2,
    }
    verwacht = {
        CooperatieSoort.WOON: OvereenkomstSoort.HUUR,
        CooperatieSoort.BEHEER: OvereenkomstSoort.BEHEER,
    }
    for cooperatie in cooperaties:
        overeenkomst = Overeenkomst.objects.get(cooperatie=cooperatie)
        assert overeenkomst.soort == verwacht[cooperatie.soort]
        assert overeenkomst.einddatum is None
        assert cooperatie.aangemeld_door_id == overeenkomst.gebouw.corporatie_id
    return cooperaties


def check_leden(cooperaties: list[Cooperatie], today: datetime.date) -> None:
    assert 130 <= Lid.objects.count() <= 170
    assert Lid.objects.filter(lid_tot__isnull=False).count() >= 8
    assert Lid.objects.exclude(email="").count() > Lid.objects.count() * 0.7
    for cooperatie in cooperaties:
        gebouw = gebouw_of(cooperatie)
        leden = list(cooperatie.leden.all())
        huidig = [lid for lid in leden if lid.is_lid_op(today)]
        # Proportional to the homes: most homes hold a member, none holds two.
        assert 0.7 * gebouw.aantal_woningen <= len(huidig) <= gebouw.aantal_woningen
        assert len({lid.adres for lid in huidig}) == len(huidig)
        assert all(lid.adres.startswith(f"{gebouw.straat} ") for lid in leden)
        assert any(lid.lid_tot for lid in leden)
        assert len({lid.lid_sinds.year for lid in leden}) >= 3
        functies = Counter(lid.bestuursfunctie for lid in huidig if lid.bestuursfunctie)
        assert functies[Bestuursfunctie.VOORZITTER] == 1
        assert functies[Bestuursfunctie.SECRETARIS] == 1
        assert functies[Bestuursfunctie.PENNINGMEESTER] == 1
        assert functies[Bestuursfunctie.BESTUURSLID] >= 1
        assert not any(lid.bestuursfunctie for lid in leden if lid.lid_tot)
        doelgroep = Counter(lid.doelgroep for lid in huidig)
        assert set(doelgroep) <= set(Doelgroep.values)
        if gebouw.daeb == Daeb.DAEB:
            assert doelgroep[Doelgroep.JA] > 0.6 * len(huidig)
        assert doelgroep[Doelgroep.JA] > doelgroep[Doelgroep.NEE]


def check_afspraken(today: datetime.date) -> None:
    afspraken = list(Afspraak.objects.prefetch_related("toezeggingen", "gebouwen"))
    assert len(afspraken) == 4
    assert len({a.cooperatie_id for a in afspraken}) == 4
    toezeggingen = []
    for afspraak in afspraken:
        clauses = list(afspraak.toezeggingen.all())
        assert 3 <= len(clauses) <= 6
        toezeggingen.extend(clauses)
        assert afspraak.ingangsjaar < today.year
        assert afspraak.loopt_in(today.year - 1)
        assert afspraak.loopt_in(today.year)
        gebouwen = {g.corporatie_id for g in afspraak.gebouwen.all()}
        assert gebouwen == {afspraak.corporatie_id}
        assert all(len(t.omschrijving) > 20 for t in clauses)
        jaren = Toetsing.objects.filter(afspraak=afspraak).values_list("jaar", "status")
        vorig = (
            ToetsingStatus.INGEDIEND
            if afspraak.cooperatie.naam in WACHTEND
            else ToetsingStatus.VASTGESTELD
        )
        assert sorted(jaren) == [
            (today.year - 1, vorig),
            (today.year, ToetsingStatus.OPEN),
        ]
    assert {t.indicator for t in toezeggingen} == set(Indicator.values)
    assert {a.eindjaar is None for a in afspraken} == {True, False}
    assert any(t.richting == Richting.MAXIMAAL for t in toezeggingen)
    assert any(not t.zwaarwegend for t in toezeggingen)
    assert any(t.thema for t in toezeggingen)
    assert any(t.alleen_open_voor_buurt for t in toezeggingen)
    maximum = next(t for t in toezeggingen if t.richting == Richting.MAXIMAAL)
    assert maximum.indicator == Indicator.BESTEDING
    assert maximum.norm >= Decimal(1000)


def check_activiteiten(cooperaties: list[Cooperatie], today: datetime.date) -> None:
    assert not Activiteit.objects.filter(datum__gt=today).exists()
    assert set(Activiteit.objects.values_list("thema", flat=True)) == set(Thema.values)
    for cooperatie in cooperaties:
        for jaar in (today.year - 1, today.year):
            activiteiten = list(
                cooperatie.activiteiten.filter(datum__year=jaar).prefetch_related(
                    "vrijwilligers"
                )
            )
            assert activiteiten, (cooperatie, jaar)
            assert any(a.open_voor_buurt for a in activiteiten) or jaar == today.year
            for activiteit in activiteiten:
                vrijwilligers = list(activiteit.vrijwilligers.all())
                assert all(v.cooperatie_id == cooperatie.pk for v in vrijwilligers)
                assert all(v.is_lid_op(activiteit.datum) for v in vrijwilligers)
                assert (activiteit.vrijwilligersuren > 0) == bool(vrijwilligers)
                if not activiteit.open_voor_buurt:
                    assert activiteit.deelnemers_buurt == 0
        # A full year: a realistic programme, and a real share of active members.
        vorig = today.year - 1
        peildatum = datetime.date(vorig, 12, 31)
        vol = cooperatie.activiteiten.filter(datum__year=vorig)
        assert 20 <= vol.count() <= 80
        leden = [lid for lid in cooperatie.leden.all() if lid.is_lid_op(peildatum)]
        actief = (
            Lid.objects.filter(activiteiten_als_vrijwilliger__in=vol).distinct().count()
        )
        assert 0.1 * len(leden) <= actief <= 0.7 * len(leden)


# The coöperaties whose previous year waits, submitted, for the beheerder.
WACHTEND = {spec.naam for spec in WERELD.cooperaties if spec.vorig_jaar_wacht}


def toetsing_actions(toetsing: Toetsing) -> list[str]:
    """The journal's transitions of one toetsing, and its assessments, in order."""
    beoordelingen = [
        str(pk) for pk in toetsing.beoordelingen.values_list("pk", flat=True)
    ]
    return list(
        AuditEntry.objects.filter(
            Q(object_type="afspraken.toetsing", object_id=str(toetsing.pk))
            | Q(object_type="afspraken.beoordeling", object_id__in=beoordelingen)
        )
        .order_by("keten", "seq")
        .values_list("action", flat=True)
    )


def check_jaarcyclus(today: datetime.date) -> None:
    vorig = today.year - 1
    wachtend = {spec.naam for spec in WERELD.cooperaties if spec.vorig_jaar_wacht}
    assert len(wachtend) == 1
    for afspraak in Afspraak.objects.prefetch_related("toezeggingen"):
        toetsing = afspraak.toetsingen.get(jaar=vorig)
        if afspraak.cooperatie.naam in wachtend:
            # Submitted and waiting: frozen, nothing sealed yet.
            assert toetsing.status == ToetsingStatus.INGEDIEND
            assert toetsing.snapshot is not None
            assert not toetsing.rapporten.exists()
            continue
        assert toetsing.status == ToetsingStatus.VASTGESTELD
        assert toetsing.vastgesteld_door.rollen.filter(
            soort=RolSoort.BEHEERDER, corporatie=afspraak.corporatie
        ).exists()
        assert toetsing.ingediend_door.rollen.filter(
            soort=RolSoort.BESTUUR, cooperatie=afspraak.cooperatie
        ).exists()
        assert toetsing.verdict in {
            Verdict.NAGEKOMEN,
            Verdict.DEELS,
            Verdict.NIET_NAGEKOMEN,
        }
        assert toetsing.snapshot["verdict"] == toetsing.verdict
        # Exactly one sealed report: the file exists and its bytes are the seal.
        [rapport] = toetsing.rapporten.all()
        assert rapport.pdf.storage.exists(rapport.pdf.name)
        with rapport.pdf.open("rb") as fh:
            pdf = fh.read()
        assert pdf.startswith(b"%PDF")
        assert hashlib.sha256(pdf).hexdigest() == rapport.sha256
        assert rapporten.verify(pdf=pdf) == rapport
        vastgesteld = AuditEntry.objects.get(
            action="toetsing_vaststellen", object_id=str(toetsing.pk)
        )
        assert vastgesteld.after["rapport_sha256"] == rapport.sha256
        # Every kwalitatieve toezegging is assessed, with a real explanation.
        for toezegging in afspraak.toezeggingen.all():
            if toezegging.indicator == Indicator.KWALITATIEF:
                beoordeling = toetsing.beoordelingen.get(toezegging=toezegging)
                assert len(beoordeling.toelichting) > 60
        # The running year is open and has nothing frozen or sealed.
        huidig = afspraak.toetsingen.get(jaar=today.year)
        assert huidig.status == ToetsingStatus.OPEN
        assert huidig.snapshot is None
        assert not huidig.rapporten.exists()
    assert Rapport.objects.count() == Afspraak.objects.count() - len(wachtend)
    # Years before the previous one that nobody opened are late.
    te_laat = jaren.afspraak_jaren(
        afspraken=Afspraak.objects.all(), tot_jaar=vorig, vandaag=today
    )
    assert any(r.te_laat and r.jaar < vorig for r in te_laat)
    oordelen = set(Beoordeling.objects.values_list("oordeel", flat=True))
    assert Verdict.DEELS in oordelen
    assert len(oordelen) >= 2

    # One afspraak was returned once for missing receipts, which the bestuur then
    # booked (dated in that year) before submitting again.
    [terug] = AuditEntry.objects.filter(action="toetsing_terugsturen")
    toetsing = Toetsing.objects.get(pk=terug.object_id)
    assert toetsing.jaar == vorig
    assert terug.after["reden"] == toetsing.teruggestuurd_reden
    assert "bonnen" in toetsing.teruggestuurd_reden
    assert toetsing_actions(toetsing) == [
        "toetsing_open",
        "toetsing_indienen",
        "toetsing_terugsturen",
        "toetsing_indienen",
        "toetsing_beoordelen",
        "toetsing_vaststellen",
    ]
    opnieuw = AuditEntry.objects.filter(
        action="toetsing_indienen", object_id=str(toetsing.pk)
    ).latest("pk")
    aangevuld = AuditEntry.objects.filter(
        pk__gt=terug.pk, pk__lt=opnieuw.pk, action="boeking_create"
    )
    assert aangevuld.exists()
    assert {e.cooperatie_id for e in aangevuld} == {toetsing.afspraak.cooperatie_id}
    for entry in aangevuld:
        boeking = Boeking.objects.get(pk=entry.object_id)
        assert boeking.datum.year == vorig
        assert boeking.soort == BoekingSoort.UITGAVE
    for other in Toetsing.objects.filter(jaar=vorig).exclude(pk=toetsing.pk):
        actions = [a for a in toetsing_actions(other) if a != "toetsing_beoordelen"]
        if other.afspraak.cooperatie.naam in WACHTEND:
            assert actions == ["toetsing_open", "toetsing_indienen"]
            continue
        assert actions == [
            "toetsing_open",
            "toetsing_indienen",
            "toetsing_vaststellen",
        ]


def assert_reports_printed(output: str) -> None:
    assert "Verzegelde nalevingsrapporten: 3" in output
    assert "Ingediend, wacht op de beheerder:" in output
    for toetsing in Toetsing.objects.filter(
        status=ToetsingStatus.VASTGESTELD
    ).select_related("afspraak__cooperatie"):
        naam = re.escape(toetsing.afspraak.cooperatie.naam)
        label = re.escape(str(Verdict(toetsing.verdict).label))
        assert re.search(rf"^\s+{naam}\s+{toetsing.jaar}\s+{label}\s", output, re.M)


def check_boekingen(cooperaties: list[Cooperatie], today: datetime.date) -> None:
    boekingen = list(Boeking.objects.order_by("pk"))
    assert not any(b.datum > today for b in boekingen)
    assert all(b.bedrag.as_tuple().exponent == -2 for b in boekingen)
    for cooperatie in cooperaties:
        for jaar in (today.year - 1, today.year):
            soorten = {
                b.soort
                for b in boekingen
                if b.cooperatie_id == cooperatie.pk and b.datum.year == jaar
            }
            assert BoekingSoort.BUDGET in soorten, (cooperatie, jaar)
        assert any(
            b.activiteit_id and b.soort == BoekingSoort.UITGAVE
            for b in boekingen
            if b.cooperatie_id == cooperatie.pk
        )
    storno = [b for b in boekingen if b.corrigeert_id]
    assert len(storno) >= 3
    for s in storno:
        assert s.corrigeert.cooperatie_id == s.cooperatie_id
        assert (s.soort, s.bedrag) == (s.corrigeert.soort, s.corrigeert.bedrag)
    # At least one mistake is booked anew right after its storno.
    herboekt = 0
    for s in storno:
        volgende = next((b for b in boekingen if b.pk > s.pk), None)
        if (
            volgende is not None
            and not volgende.corrigeert_id
            and volgende.cooperatie_id == s.cooperatie_id
            and volgende.soort == s.soort
            and volgende.datum == s.datum
        ):
            herboekt += 1
    assert herboekt >= 2


def check_users() -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    assert users["admin"].is_staff
    for soort in RolSoort.values:
        assert Rol.objects.filter(soort=soort).exists(), soort
    assert set(
        Rol.objects.filter(soort=RolSoort.BESTUUR).values_list("cooperatie", flat=True)
    ) == set(Cooperatie.objects.values_list("pk", flat=True))
    assert set(
        Rol.objects.filter(soort=RolSoort.BEHEERDER).values_list(
            "corporatie", flat=True
        )
    ) == set(Corporatie.objects.values_list("pk", flat=True))
    # The gemeente account: both corporaties have an afspraak in its gemeente.
    (rol,) = users["gemeente"].rollen.filter(soort=RolSoort.GEMEENTE)
    in_gemeente = Afspraak.objects.in_gemeente(rol.gemeentecode)
    assert len({a.corporatie_id for a in in_gemeente}) == 2
    beheerder = users["beheerder"]
    assert beheerder.check_password(DEMO_PASSWORD)
    password_validation.validate_password(DEMO_PASSWORD, beheerder)
    # The bestuur account of a cooperatie is its voorzitter.
    bestuur = users["bestuur"]
    rol = bestuur.rollen.get()
    voorzitter = rol.cooperatie.leden.get(bestuursfunctie=Bestuursfunctie.VOORZITTER)
    assert voorzitter.naam == f"{bestuur.first_name} {bestuur.last_name}"


def check_journal() -> None:
    result = verify_chain()
    assert result.ok, result.message
    # The untouched demo passes the whole verification: every chain, every sealed
    # report against its chain and PDF, and a checkpoint exported just now.
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    assert "Journaal in orde" in out.getvalue()
    assert (
        AuditCheckpoint.objects.filter(
            aanleiding__startswith="afspraken.rapport:"
        ).count()
        == Rapport.objects.count()
    )
    # Every domain row came through a service: one entry per write.
    writes = (
        Corporatie.objects.count()
        + Gebouw.objects.count()
        + Cooperatie.objects.count()
        + Overeenkomst.objects.count()
        + Rol.objects.count()
        + Lid.objects.count()
        + Lid.objects.filter(lid_tot__isnull=False).count()  # lid_end
        + Afspraak.objects.count()
        + apps.get_model("afspraken", "Toezegging").objects.count()
        + apps.get_model("afspraken", "Prestatieafspraak").objects.count()
        + apps.get_model("afspraken", "Prestatiedoel").objects.count()
        + Toetsing.objects.count()
        + Activiteit.objects.count()
        + Bijlage.objects.count()
        + Boeking.objects.count()
        + Beoordeling.objects.count()
        # indienen and vaststellen; terugsturen and indienen again
        + 2 * Toetsing.objects.filter(status=ToetsingStatus.VASTGESTELD).count()
        + 2 * Toetsing.objects.filter(teruggestuurd_op__isnull=False).count()
        + Toetsing.objects.filter(status=ToetsingStatus.INGEDIEND).count()
        + Uitnodiging.objects.count()
        # the two buurtcijfers samples, one entry per import
        + 2
    )
    assert result.count == AuditEntry.objects.count() == writes
    # Each write is done by its natural actor.
    actors: dict[str, set[str]] = {}
    for action, name in AuditEntry.objects.values_list("action", "actor_name"):
        actors.setdefault(action, set()).add(name)
    beheerders = {"beheerder", "beheerder2"}
    besturen = {"bestuur", "bestuur2", "bestuur3", "bestuur4"}
    assert actors["corporatie_create"] == actors["rol_create"] == {"admin"}
    assert actors["buurtcijfers_import"] == {"admin"}
    for action in ("gebouw_create", "overeenkomst_create", "afspraak_create"):
        assert actors[action] == beheerders, action
    for action in ("toezegging_create", "toetsing_open"):
        assert actors[action] == beheerders, action
    for action in ("lid_create", "lid_end", "activiteit_create", "boeking_create"):
        assert actors[action] == besturen, action
    assert actors["boeking_storno"] <= besturen
    assert actors["toetsing_indienen"] == besturen
    assert actors["toetsing_vaststellen"] == beheerders
    assert actors["toetsing_beoordelen"] <= beheerders
    assert len(actors["toetsing_terugsturen"]) == 1
    assert actors["toetsing_terugsturen"] <= beheerders


def check_uitnodigingen(output: str, outbox) -> None:
    """The demo's open invitation: stored as open, mailed with its link, printed."""
    (spec,) = WERELD.uitnodigingen
    (uitnodiging,) = Uitnodiging.objects.all()
    assert uitnodigingen.status_of(uitnodiging) == uitnodigingen.OPEN
    assert (uitnodiging.email, uitnodiging.soort) == (spec.email, RolSoort.BESTUUR)
    assert uitnodiging.cooperatie.naam == spec.cooperatie
    (mail,) = [m for m in outbox if m.to == [spec.email]]
    (token,) = re.findall(r"/uitnodiging/([A-Za-z0-9_-]+)/", mail.body)
    assert uitnodigingen.open_uitnodiging(token) == uitnodiging
    assert re.search(
        rf"^\s+{re.escape(spec.email)}\s+bestuur {spec.cooperatie}\s+tot ",
        output,
        re.M,
    )


@pytest.mark.django_db
def test_seed_demo_builds_a_complete_world(
    django_capture_on_commit_callbacks, mailoutbox
):
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        output = seed_demo()

    assert "Demowereld aangemaakt" in output
    assert re.search(r"leden\s+1[3-7][0-9]", output)
    assert_logins_printed(output)
    assert Corporatie.objects.count() >= 2
    assert all(
        re.fullmatch(r"[0-9]{8}", c.kvk_nummer) for c in Corporatie.objects.all()
    )
    check_gebouwen()
    cooperaties = check_cooperaties()
    check_leden(cooperaties, today)
    check_afspraken(today)
    check_activiteiten(cooperaties, today)
    check_boekingen(cooperaties, today)
    check_users()
    check_jaarcyclus(today)
    check_journal()
    assert_reports_printed(output)
    check_uitnodigingen(output, mailoutbox)
    bijlage = Bijlage.objects.first()
    content = bijlage.bestand.read()
    assert sniff_content_type(content[:16]) == bijlage.content_type == "image/png"
    assert hashlib.sha256(content).hexdigest() == bijlage.sha256


@pytest.mark.django_db
def test_seed_demo_second_run_adds_nothing_and_prints_logins():
    seed_demo()
    before = all_counts()
    heads = list(journal.heads())
    files = media_files()

    output = seed_demo()

    assert all_counts() == before
    assert before["cooperatie.Lid"] >= 130
    assert before["afspraken.Rapport"] == 3
    assert list(journal.heads()) == heads
    assert media_files() == files
    assert len(files) == before["afspraken.Rapport"] + before["ledger.Bijlage"]
    assert "bestaat al" in output
    assert "Demowereld aangemaakt" not in output
    assert_logins_printed(output)
    assert_reports_printed(output)


@pytest.mark.django_db
def test_seed_demo_refuses_when_a_demo_username_is_taken_and_writes_nothing():
    get_user_model().objects.create_user("beheerder", password=None)
    before = all_counts()

    with pytest.raises(CommandError, match="beheerder"):
        seed_demo()

    assert all_counts() == before
    assert not Corporatie.objects.exists()


@pytest.mark.django_db
def test_seed_demo_that_fails_late_writes_no_rows_and_leaves_no_files(monkeypatch):
    jaarcyclus = wereld._Builder._jaarcyclus
    stored = []

    def seal_one_then_fail(self, spec):
        jaarcyclus(self, spec)
        stored.extend(media_files())
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr(wereld._Builder, "_jaarcyclus", seal_one_then_fail)
    before = all_counts()

    with pytest.raises(RuntimeError, match="stroomstoring"):
        seed_demo()

    assert all_counts() == before
    # The photos and the first sealed report were stored, and are gone again.
    assert [p.suffix for p in stored].count(".pdf") == 1
    assert [p.suffix for p in stored].count(".png") == 2
    assert media_files() == []
