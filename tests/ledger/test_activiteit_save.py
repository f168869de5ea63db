"""`ledger.services.activiteit_save`: an activiteit with its new evidence, all
or nothing, and no file left in storage by a save that was refused; and evidence
removed (`bijlage_delete`) leaves storage only once the removal is committed."""

from __future__ import annotations

import datetime
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

import pytest

from ledger import services
from ledger.models import Activiteit, Bijlage
from tests.helpers import (
    entries_since,
    field_errors,
    journal_mark,
    table_state,
)
from tests.ledger.factories import PNG_1PX

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
NO_PHOTO = b"Dit is geen foto maar gewone tekst.\n"


def _files(root) -> set:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _upload(name: str, content: bytes) -> dict:
    return {"bestand": SimpleUploadedFile(name, content)}


def _data(world, **data) -> dict:
    return {
        "cooperatie": world.a.cooperatie,
        "datum": datetime.date(2025, 3, 1),
        "titel": "Buurtborrel",
        "thema": "ontmoeting",
        **data,
    }


def _state():
    return table_state(Activiteit), table_state(Bijlage)


def test_create_with_files_stores_them_and_journals_each(world, settings):
    seq = journal_mark()

    saved = services.activiteit_save(
        data=_data(world),
        bijlagen=[_upload("foto.png", PNG_1PX), _upload("bon.pdf", PDF)],
        actor=world.a.bestuur,
    )

    activiteit = Activiteit.objects.get(pk=saved.activiteit.pk)
    assert activiteit.titel == "Buurtborrel"
    assert sorted(b.content_type for b in activiteit.bijlagen.all()) == [
        "application/pdf",
        "image/png",
    ]
    assert [b.pk for b in saved.bijlagen] == sorted(
        activiteit.bijlagen.values_list("pk", flat=True)
    )
    for bijlage in saved.bijlagen:
        assert os.path.exists(bijlage.bestand.path)
    assert [e.action for e in entries_since(seq)] == [
        "activiteit_create",
        "bijlage_add",
        "bijlage_add",
    ]


def test_a_refused_file_leaves_no_activiteit_no_row_and_no_file(world, settings):
    seq, before, files = journal_mark(), _state(), _files(settings.MEDIA_ROOT)

    with pytest.raises(ValidationError) as excinfo:
        services.activiteit_save(
            data=_data(world),
            bijlagen=[
                _upload("foto.png", PNG_1PX),
                _upload("bon.pdf", PDF),
                _upload("kattebelletje.jpg", NO_PHOTO),
            ],
            actor=world.a.bestuur,
        )

    # The refusal names the file, on the form's upload field.
    (message,) = field_errors(excinfo.value)["bijlagen"]
    assert message.startswith("kattebelletje.jpg: Alleen foto's")
    assert _state() == before
    assert entries_since(seq) == []
    # The two files stored before the refusal are gone again.
    assert _files(settings.MEDIA_ROOT) == files


def test_a_failure_after_storing_removes_the_stored_files(world, settings, monkeypatch):
    """Not only a refusal: anything that aborts the save (here the second file's
    write failing) leaves storage as it was."""
    real = services.bijlage_add
    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("opslag weg")
        return real(**kwargs)

    monkeypatch.setattr(services, "bijlage_add", failing_second)
    seq, before, files = journal_mark(), _state(), _files(settings.MEDIA_ROOT)

    with pytest.raises(RuntimeError):
        services.activiteit_save(
            data=_data(world),
            bijlagen=[_upload("foto.png", PNG_1PX), _upload("bon.pdf", PDF)],
            actor=world.a.bestuur,
        )

    assert len(calls) == 2
    assert _state() == before
    assert entries_since(seq) == []
    assert _files(settings.MEDIA_ROOT) == files


def test_update_with_a_refused_file_keeps_the_activiteit(world, settings):
    activiteit = world.a.activiteit
    titel = activiteit.titel
    seq, before, files = journal_mark(), _state(), _files(settings.MEDIA_ROOT)

    with pytest.raises(ValidationError):
        services.activiteit_save(
            activiteit=activiteit,
            data={"titel": "Mag niet blijven staan"},
            bijlagen=[_upload("foto.png", PNG_1PX), _upload("x.gif", NO_PHOTO)],
            actor=world.a.bestuur,
        )

    assert _state() == before
    assert entries_since(seq) == []
    assert _files(settings.MEDIA_ROOT) == files
    # The caller's object keeps the values it was loaded with.
    assert activiteit.titel == titel


def test_update_journals_only_what_is_asked(world):
    seq = journal_mark()

    saved = services.activiteit_save(
        activiteit=world.a.activiteit,
        data=None,
        bijlagen=[_upload("foto.png", PNG_1PX)],
        actor=world.a.bestuur,
    )

    assert len(saved.bijlagen) == 1
    assert [e.action for e in entries_since(seq)] == ["bijlage_add"]

    seq = journal_mark()
    services.activiteit_save(
        activiteit=world.a.activiteit, data=None, actor=world.a.bestuur
    )
    assert entries_since(seq) == []


@pytest.mark.parametrize("actor", ["a", "b"])
def test_only_the_bestuur_saves_even_without_own_fields(world, settings, actor):
    user = world.a.beheerder if actor == "a" else world.b.bestuur
    seq, before, files = journal_mark(), _state(), _files(settings.MEDIA_ROOT)

    with pytest.raises(PermissionDenied):
        services.activiteit_save(
            activiteit=world.a.activiteit,
            data=None,
            bijlagen=[_upload("foto.png", PNG_1PX)],
            actor=user,
        )

    assert _state() == before
    assert entries_since(seq) == []
    assert _files(settings.MEDIA_ROOT) == files


# Removing evidence: the file goes after the commit -----------------------------


def _stored(world) -> Bijlage:
    return services.bijlage_add(
        activiteit=world.a.activiteit,
        bestand=SimpleUploadedFile("foto.png", PNG_1PX),
        actor=world.a.bestuur,
    )


def test_bijlage_delete_keeps_the_file_until_the_commit(
    world, django_capture_on_commit_callbacks
):
    bijlage = _stored(world)
    path = bijlage.bestand.path

    with django_capture_on_commit_callbacks() as callbacks:
        services.bijlage_delete(bijlage=bijlage, actor=world.a.bestuur)
        # Removed from the database, but the file waits for the commit.
        assert not Bijlage.objects.filter(pk=bijlage.pk).exists()
        assert os.path.exists(path)

    assert os.path.exists(path)
    assert len(callbacks) == 1
    callbacks[0]()
    assert not os.path.exists(path)


def test_bijlage_delete_rolled_back_keeps_row_and_file(
    world, django_capture_on_commit_callbacks
):
    bijlage = _stored(world)
    pk, path = bijlage.pk, bijlage.bestand.path

    def delete_then_fail():
        with transaction.atomic():
            services.bijlage_delete(bijlage=bijlage, actor=world.a.bestuur)
            raise RuntimeError("de aanroeper rolt terug")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        delete_then_fail()

    assert callbacks == []
    assert Bijlage.objects.filter(pk=pk).exists()
    assert os.path.exists(path)


def test_a_file_that_cannot_be_removed_after_commit_is_logged(
    world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    bijlage = _stored(world)
    storage = bijlage.bestand.storage

    def broken(name):
        raise OSError("schijf weg")

    monkeypatch.setattr(storage, "delete", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.bijlage_delete(bijlage=bijlage, actor=world.a.bestuur)

    # The committed removal stands; the stray file is reported.
    assert not Bijlage.objects.filter(pk=bijlage.pk).exists()
    assert "schijf weg" in caplog.text
