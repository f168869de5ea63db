"""Each model's editable fields are declared once (`EDITABLE_FIELDS`), and the
services, the pages' forms, the API, the admin and the member import take
exactly those: no reader can drift from the others."""

import datetime

from django.contrib import admin
from django.core.exceptions import ValidationError

import pytest

from cooperatie import gebouwimport, importeren, services
from cooperatie.api import serializers as s
from cooperatie.forms import LidForm
from cooperatie.models import Cooperatie, Corporatie, Gebouw, Lid, Overeenkomst
from portalen.beheer.forms.cooperaties import (
    CooperatieForm,
    GebouwForm,
    OvereenkomstEditForm,
)
from tests.helpers import field_errors


@pytest.mark.parametrize(
    ("model", "serializer"),
    [
        (Corporatie, s.CorporatieSerializer),
        (Gebouw, s.GebouwUpdateSerializer),
        (Cooperatie, s.CooperatieUpdateSerializer),
        (Overeenkomst, s.OvereenkomstUpdateSerializer),
        (Lid, s.LidUpdateSerializer),
    ],
)
def test_the_api_changes_the_declared_fields(model, serializer):
    writable = [
        name for name, field in serializer().fields.items() if not field.read_only
    ]
    converted = getattr(model, "CONVERTED_FIELDS", ())
    assert writable == [*model.EDITABLE_FIELDS, *converted]


@pytest.mark.parametrize(
    ("model", "form"),
    [
        (Gebouw, GebouwForm()),
        (Cooperatie, CooperatieForm()),
        (Overeenkomst, OvereenkomstEditForm()),
        (Lid, LidForm(with_lid_tot=True)),
    ],
)
def test_the_pages_forms_show_the_declared_fields_in_order(model, form):
    converted = getattr(model, "CONVERTED_FIELDS", ())
    assert list(form.fields) == [*model.EDITABLE_FIELDS, *converted]


def test_the_member_admin_and_import_take_the_declared_fields():
    lid_admin = admin.site._registry[Lid]
    assert lid_admin.fields == ("cooperatie", *Lid.EDITABLE_FIELDS, "geanonimiseerd_op")
    inline = admin.site._registry[Cooperatie].inlines[0]
    assert inline.fields == Lid.EDITABLE_FIELDS
    assert [column.field for column in importeren.COLUMNS] == list(Lid.EDITABLE_FIELDS)


def test_the_gebouw_import_takes_the_declared_fields():
    assert (*Gebouw.EDITABLE_FIELDS, *Gebouw.CONVERTED_FIELDS) == gebouwimport.COLUMNS


def test_a_service_refuses_a_field_that_is_not_declared(world):
    with pytest.raises(ValidationError) as exc:
        services.lid_create(
            cooperatie=world.a.cooperatie,
            actor=world.a.bestuur,
            naam="Jan",
            lid_sinds=datetime.date(2024, 2, 1),
            journaal_salt="gekozen",
        )
    assert field_errors(exc.value) == {"journaal_salt": ["Onbekend veld."]}
