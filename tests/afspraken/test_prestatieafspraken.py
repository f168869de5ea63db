"""Prestatieafspraken as objects: what the model and the services refuse (each
on its field), the targets (doelen) written all or nothing and bounded, the
signed PDF checked by content and size, the rule that ties an afspraak to one,
who reads them, and the migration that keeps the old free text."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from afspraken import services
from afspraken.models import MAX_DOELEN, Afspraak, Prestatieafspraak, Prestatiedoel
from afspraken.services.prestatieafspraken import check_prestatieafspraak
from afspraken.snapshot import build
from tests.afspraken.factories import AfspraakFactory, PrestatieafspraakFactory
from tests.cooperatie.factories import GebouwFactory, UserFactory
from tests.helpers import entries_since, fresh, journal_mark, table_state

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
DOEL = {
    "thema": "ontmoeting",
    "omschrijving": "Buurtkamers open voor de buurt",
    "streefwaarde": "4",
    "eenheid": "buurtkamers",
}


def _create(world, **overrides) -> Prestatieafspraak:
    data = {
        "corporatie": world.a.corporatie,
        "gemeentecode": world.a.gebouw.gemeentecode,
        "titel": "Prestatieafspraken 2025–2028",
        "ingangsjaar": 2025,
        "eindjaar": 2028,
        "huurdersorganisatie": "Huurdersvereniging De Kern",
        **overrides,
    }
    return services.prestatieafspraak_create(actor=fresh(world.a.beheerder), **data)


def _refused_on(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


# The model's own rules, each on its field ---------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"gemeentecode": "0344"}, "gemeentecode"),
        ({"gemeentecode": "GM03444"}, "gemeentecode"),
        ({"gemeentecode": "gm0344"}, "gemeentecode"),
        ({"eindjaar": 2024}, "eindjaar"),
        ({"ingangsjaar": 1999}, "ingangsjaar"),
        ({"titel": ""}, "titel"),
        ({"titel": "x" * 201}, "titel"),
        ({"titel": "Twee\nregels"}, "titel"),
        ({"huurdersorganisatie": "Huurders\fvereniging"}, "huurdersorganisatie"),
    ],
)
def test_prestatieafspraak_refusals_name_their_field(world, overrides, field):
    before = table_state(Prestatieafspraak)
    with pytest.raises(ValidationError) as exc_info:
        _create(world, **overrides)
    assert field in _refused_on(exc_info)
    assert table_state(Prestatieafspraak) == before


def test_a_prestatieafspraak_is_created_with_its_targets_and_journalled(world):
    mark = journal_mark()
    made = _create(
        world, doelen=[DOEL, {"thema": "groen", "omschrijving": "Geveltuinen"}]
    )
    doelen = list(made.doelen.order_by("volgorde"))
    assert [(d.thema, d.streefwaarde, d.eenheid, d.volgorde) for d in doelen] == [
        ("ontmoeting", Decimal("4.00"), "buurtkamers", 1),
        ("groen", None, "", 2),
    ]
    entries = entries_since(mark)
    assert [e.action for e in entries] == [
        "prestatieafspraak_create",
        "prestatiedoel_create",
        "prestatiedoel_create",
    ]
    # The corporatie's chain: what the corporatie agreed.
    assert {e.corporatie_id for e in entries} == {world.a.corporatie.pk}
    assert entries[0].after["gemeentecode"] == world.a.gebouw.gemeentecode


@pytest.mark.parametrize(
    ("doel", "field"),
    [
        ({**DOEL, "thema": "feesten"}, "thema"),
        ({**DOEL, "streefwaarde": "-1"}, "streefwaarde"),
        ({**DOEL, "streefwaarde": "veel"}, "streefwaarde"),
        ({**DOEL, "eenheid": ""}, "eenheid"),
        ({**DOEL, "omschrijving": ""}, "omschrijving"),
        ({**DOEL, "kleur": "rood"}, "kleur"),
    ],
)
def test_a_refused_target_refuses_the_whole_prestatieafspraak(world, doel, field):
    before = table_state(Prestatieafspraak), table_state(Prestatiedoel)
    with pytest.raises(ValidationError) as exc_info:
        _create(world, doelen=[DOEL, doel])
    messages = exc_info.value.message_dict["doelen"]
    assert any(m.startswith(f"rij 2: {field}:") for m in messages), messages
    assert (table_state(Prestatieafspraak), table_state(Prestatiedoel)) == before


def test_more_than_the_bound_of_targets_is_refused(world):
    with pytest.raises(ValidationError) as exc_info:
        _create(world, doelen=[DOEL] * (MAX_DOELEN + 1))
    assert _refused_on(exc_info) == {"doelen"}
    made = _create(world, doelen=[DOEL] * MAX_DOELEN)
    with pytest.raises(ValidationError):
        services.prestatiedoel_create(
            prestatieafspraak=made, actor=fresh(world.a.beheerder), **DOEL
        )
    assert made.doelen.count() == MAX_DOELEN


def test_updating_the_targets_replaces_them_by_position(world):
    made = _create(world, doelen=[DOEL, {"thema": "groen", "omschrijving": "Tuinen"}])
    eerste = made.doelen.get(volgorde=1)
    mark = journal_mark()
    services.prestatieafspraak_update(
        prestatieafspraak=made,
        actor=fresh(world.a.beheerder),
        doelen=[{**DOEL, "streefwaarde": "6"}],
    )
    assert [e.action for e in entries_since(mark)] == [
        "prestatiedoel_delete",
        "prestatiedoel_update",
    ]
    eerste.refresh_from_db()
    assert eerste.streefwaarde == Decimal("6.00")
    assert made.doelen.count() == 1


# The signed document ---------------------------------------------------------------


def test_the_document_must_be_a_pdf_by_content(world):
    with pytest.raises(ValidationError) as exc_info:
        _create(world, document=SimpleUploadedFile("getekend.pdf", b"GIF89a nep"))
    assert _refused_on(exc_info) == {"document"}
    made = _create(world, document=SimpleUploadedFile("getekend.pdf", PDF))
    assert made.document.name.startswith("prestatieafspraken/")
    made.document.delete(save=False)


def test_a_document_over_the_bound_is_refused(world, settings):
    settings.BIJLAGE_MAX_BYTES = 1024
    big = SimpleUploadedFile("getekend.pdf", PDF + b"0" * 2048)
    with pytest.raises(ValidationError) as exc_info:
        _create(world, document=big)
    assert _refused_on(exc_info) == {"document"}


# Who writes -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["auditor", "bestuur"])
def test_only_the_beheerder_of_the_corporatie_writes(world, role):
    with pytest.raises(PermissionDenied):
        services.prestatieafspraak_create(
            corporatie=world.a.corporatie,
            gemeentecode="GM0344",
            titel="X",
            ingangsjaar=2025,
            actor=fresh(getattr(world.a, role)),
        )
    with pytest.raises(PermissionDenied):
        services.prestatieafspraak_update(
            prestatieafspraak=world.a.prestatieafspraak,
            titel="X",
            actor=fresh(world.b.beheerder),
        )


def test_a_prestatieafspraak_an_afspraak_refers_to_is_kept(world):
    with pytest.raises(ValidationError) as exc_info:
        services.prestatieafspraak_delete(
            prestatieafspraak=world.a.prestatieafspraak, actor=fresh(world.a.beheerder)
        )
    assert _refused_on(exc_info) == {"prestatieafspraak"}
    assert Prestatieafspraak.objects.filter(pk=world.a.prestatieafspraak.pk).exists()


def test_deleting_removes_the_targets_and_journals_each(world):
    made = _create(world, doelen=[DOEL])
    mark = journal_mark()
    services.prestatieafspraak_delete(
        prestatieafspraak=made, actor=fresh(world.a.beheerder)
    )
    assert [e.action for e in entries_since(mark)] == [
        "prestatiedoel_delete",
        "prestatieafspraak_delete",
    ]
    assert not Prestatiedoel.objects.filter(prestatieafspraak_id=made.pk).exists()


# An afspraak's reference: errors and warnings ----------------------------------------


def test_an_afspraak_may_not_refer_to_another_corporaties_prestatieafspraak(world):
    with pytest.raises(ValidationError) as exc_info:
        services.afspraak_update(
            afspraak=world.a.afspraak,
            prestatieafspraak=world.b.prestatieafspraak,
            actor=fresh(world.a.beheerder),
        )
    assert _refused_on(exc_info) == {"prestatieafspraak"}


def test_the_gemeente_must_be_that_of_one_of_the_gebouwen(world):
    elders = _create(world, gemeentecode="GM0599", ingangsjaar=2023)
    with pytest.raises(ValidationError) as exc_info:
        services.afspraak_update(
            afspraak=world.a.afspraak,
            prestatieafspraak=elders,
            actor=fresh(world.a.beheerder),
        )
    assert "GM0599" in exc_info.value.message_dict["prestatieafspraak"][0]
    # With a gebouw in that gemeente among its gebouwen, it fits.
    rotterdam = GebouwFactory(corporatie=world.a.corporatie, gemeentecode="GM0599")
    services.afspraak_update(
        afspraak=world.a.afspraak,
        prestatieafspraak=elders,
        gebouwen=[world.a.gebouw, rotterdam],
        actor=fresh(world.a.beheerder),
    )
    assert Afspraak.objects.get(pk=world.a.afspraak.pk).prestatieafspraak == elders


def test_the_years_must_share_at_least_one_year(world):
    later = _create(world, ingangsjaar=2028, eindjaar=2030)
    with pytest.raises(ValidationError) as exc_info:
        services.afspraak_update(  # the afspraak runs 2023–2027
            afspraak=world.a.afspraak,
            prestatieafspraak=later,
            actor=fresh(world.a.beheerder),
        )
    assert _refused_on(exc_info) == {"prestatieafspraak"}


def test_a_prestatieafspraak_cannot_move_away_from_the_afspraken_referring_to_it(
    world,
):
    with pytest.raises(ValidationError) as exc_info:
        services.prestatieafspraak_update(
            prestatieafspraak=world.a.prestatieafspraak,
            gemeentecode="GM0599",
            actor=fresh(world.a.beheerder),
        )
    assert _refused_on(exc_info) == {"gemeentecode"}
    assert world.a.afspraak.titel in exc_info.value.messages[0]


def test_partial_overlap_and_no_gebouwen_are_warnings_not_errors(world):
    from afspraken.selectors import prestatieafspraak_waarschuwingen

    kort = _create(world, ingangsjaar=2024, eindjaar=2025)
    afspraak = services.afspraak_create(
        corporatie=world.a.corporatie,
        cooperatie=world.a.cooperatie,
        titel="Zonder gebouwen",
        ingangsjaar=2024,
        eindjaar=2027,
        prestatieafspraak=kort,
        actor=fresh(world.a.beheerder),
    )
    waarschuwingen = prestatieafspraak_waarschuwingen(afspraak)
    assert len(waarschuwingen) == 2
    assert any("2026, 2027" in w for w in waarschuwingen)
    # The world's prestatieafspraak runs 2023–2026, its afspraak to 2027.
    [waarschuwing] = prestatieafspraak_waarschuwingen(world.a.afspraak)
    assert "2027" in waarschuwing


def test_check_without_a_prestatieafspraak_holds():
    check_prestatieafspraak(
        prestatieafspraak=None,
        corporatie_id=1,
        ingangsjaar=2024,
        eindjaar=None,
        gebouwen=[],
    )


# Who reads ------------------------------------------------------------------------


def test_bestuur_reads_only_the_prestatieafspraak_its_afspraken_refer_to(world):
    los = PrestatieafspraakFactory(corporatie=world.a.corporatie)
    zichtbaar = Prestatieafspraak.objects.visible_to(fresh(world.a.bestuur))
    assert set(zichtbaar) == {world.a.prestatieafspraak}
    auditor = Prestatieafspraak.objects.visible_to(fresh(world.a.auditor))
    assert set(auditor) == {world.a.prestatieafspraak, los}
    assert not Prestatieafspraak.objects.visible_to(UserFactory()).exists()


def test_in_gemeente_is_the_hook_of_a_gemeentes_reach(world):
    elders = PrestatieafspraakFactory(
        corporatie=world.b.corporatie, gemeentecode="GM0599"
    )
    assert set(Prestatieafspraak.objects.in_gemeente("GM0599")) == {elders}
    assert set(Prestatieafspraak.objects.lopend_in(2026)) >= {elders}
    assert not Prestatieafspraak.objects.lopend_in(2040).exists()


# The snapshot and the report ------------------------------------------------------


def test_the_snapshot_holds_the_prestatieafspraak_and_the_kenmerk(world):
    Afspraak.objects.filter(pk=world.a.afspraak.pk).update(
        prestatieafspraak_kenmerk="Artikel 4.2"
    )
    toetsing = world.a.toetsing
    toetsing.refresh_from_db()
    afspraak = build(toetsing)["afspraak"]
    p = world.a.prestatieafspraak
    assert afspraak["prestatieafspraak"] == {
        "id": p.pk,
        "titel": p.titel,
        "gemeentecode": p.gemeentecode,
        "ingangsjaar": 2023,
        "eindjaar": 2026,
        "huurdersorganisatie": p.huurdersorganisatie,
    }
    assert afspraak["prestatieafspraak_kenmerk"] == "Artikel 4.2"


def test_the_report_prints_the_object_and_an_old_snapshot_its_text():
    from afspraken.nalevingsrapport import prestatieafspraak_afdruk

    nieuw = {
        "prestatieafspraak": {
            "id": 1,
            "titel": "Prestatieafspraken Utrecht",
            "gemeentecode": "GM0344",
            "ingangsjaar": 2024,
            "eindjaar": 2027,
            "huurdersorganisatie": "Huurdersvereniging Noordwest",
        },
        "prestatieafspraak_kenmerk": "art. 4",
    }
    assert prestatieafspraak_afdruk(nieuw) == (
        "Prestatieafspraken Utrecht (GM0344, 2024–2027); met Huurdersvereniging "
        "Noordwest; art. 4"
    )
    # A snapshot sealed before (version 1) prints its text as it was.
    assert prestatieafspraak_afdruk({"prestatieafspraak": "PA Utrecht 2024"}) == (
        "PA Utrecht 2024"
    )
    assert prestatieafspraak_afdruk({"prestatieafspraak": None}) == ""


# The migration keeps the free text ----------------------------------------------------

OLD = [("afspraken", "0015_jaarparameter_leefbaarheid")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_free_text_as_the_kenmerk():
    call_command("migrate", "afspraken", OLD[0][1], verbosity=0)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(OLD).apps
        Corporatie = old_apps.get_model("cooperatie", "Corporatie")
        Cooperatie = old_apps.get_model("cooperatie", "Cooperatie")
        oude_afspraak = old_apps.get_model("afspraken", "Afspraak")
        corporatie = Corporatie.objects.create(
            naam="Woonstichting Oud", kvk_nummer="11112222", plaats="Utrecht"
        )
        cooperatie = Cooperatie.objects.create(
            naam="De Oude Tuin", soort="woon", kvk_nummer="33334444"
        )
        met = oude_afspraak.objects.create(
            corporatie=corporatie,
            cooperatie=cooperatie,
            titel="Met verwijzing",
            ingangsjaar=2022,
            prestatieafspraak="Prestatieafspraken Utrecht 2022, art. 4",
        )
        zonder = oude_afspraak.objects.create(
            corporatie=corporatie,
            cooperatie=cooperatie,
            titel="Zonder",
            ingangsjaar=2022,
        )

        call_command("migrate", "afspraken", verbosity=0)

        rows = dict(
            Afspraak.objects.filter(pk__in=[met.pk, zonder.pk]).values_list(
                "pk", "prestatieafspraak_kenmerk"
            )
        )
        assert rows == {
            met.pk: "Prestatieafspraken Utrecht 2022, art. 4",
            zonder.pk: "",
        }
        assert not Afspraak.objects.filter(
            pk__in=[met.pk, zonder.pk], prestatieafspraak__isnull=False
        ).exists()
    finally:
        call_command("migrate", verbosity=0)


def test_the_factory_afspraak_without_a_prestatieafspraak_still_works(world):
    afspraak = AfspraakFactory(corporatie=world.a.corporatie)
    assert afspraak.prestatieafspraak is None
