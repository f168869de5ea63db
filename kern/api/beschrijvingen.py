"""What the schema tells the API's users: a description, in their language, of
every operation, resource, field and parameter.

The texts are written for the user of a resource (what a field means, its unit
and format, who may see or change it, what a filter matches) and declared where
that resource is declared, as lazy translations, so that the schema is in the
request's language:

- an operation's summary and description with `extend_schema` on its viewset
  (each app's `api/teksten.py`);
- a resource (a schema component) as its serializer's `beschrijving`;
- a field in its serializer's `beschrijvingen` (by field name, merged along the
  class hierarchy, so the read, create, update and patch shapes of one resource
  share one declaration), or else as its `help_text` (a model field's help text
  is written for a form; the API's text, where it needs another, wins);
- a query parameter in its filterset's `beschrijvingen` (merged likewise), or
  else as its filter's `help_text`; a choice filter's choices follow it.

Docstrings are developers' notes (English, about the implementation) and never
reach the schema (`DISABLE_DOCSTRING_DESCRIPTIONS`); a filter's label is a word
for a form, not a description. `tests/api/test_schema_beschrijvingen.py` walks
the whole schema for anything left without a text.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

# The texts every resource shares: its id, in a body and in a path, and what a
# read of one object and a partial update do.
ID_VELD = _("Het vaste id van het object; het staat ook in zijn adres.")
ID_PARAMETER = _("Het id van het object (het veld `id` in de lijst).")
OPVRAGEN = _(
    "Eén object met zijn ETag (voor If-Match bij een wijziging). Een id buiten "
    "uw bereik antwoordt 404, net als een id dat niet bestaat."
)
DEELS_WIJZIGEN = _(
    "Als PUT, maar alleen de meegestuurde velden veranderen; de andere blijven "
    "zoals ze zijn."
)


def operaties(**teksten: tuple) -> dict:
    """`extend_schema` per action of a viewset, from its (summary,
    description), for `extend_schema_view(**…)`."""
    return {
        actie: extend_schema(summary=summary, description=description)
        for actie, (summary, description) in teksten.items()
    }


def beschrijving(klass: type, name: str):
    """The description `klass` (or the nearest class it inherits from) gives
    under `name` in its `beschrijvingen`, or None."""
    for cls in klass.__mro__:
        declared: Mapping = vars(cls).get("beschrijvingen", {})
        if declared.get(name):
            return declared[name]
    return None


def _field_description(field, current: str | None):
    """The API's description of a serializer field: its serializer's, else its
    own (`current`), else for a model's id the shared text."""
    parent = getattr(field, "parent", None)
    if not isinstance(parent, serializers.BaseSerializer) or not field.field_name:
        return current
    text = beschrijving(type(parent), field.field_name) or current
    if not text and field.field_name == "id" and field.source == "id":
        return ID_VELD
    return text


class BeschrevenSchema:
    """The part of the API's AutoSchema that gives a resource and its fields
    their serializer's descriptions, and a path's id its text."""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        text = getattr(serializer, "beschrijving", None)
        if text:
            schema["description"] = str(text)
        return schema

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        text = _field_description(field, meta.get("description"))
        if text:
            meta["description"] = str(text)
        return meta

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        lookup = getattr(self.view, "lookup_url_kwarg", None) or getattr(
            self.view, "lookup_field", None
        )
        # drf-spectacular names a `pk` in a path `id` (SCHEMA_COERCE_PATH_PK).
        names = {lookup, "id"} if lookup == "pk" else {lookup}
        for parameter in parameters:
            if not parameter.get("description") and parameter["name"] in names:
                parameter["description"] = str(ID_PARAMETER)
        return parameters


def _choice_list(description: str) -> str:
    """The list of choices drf-spectacular writes into a choice filter's
    description ("* `waarde` - label" per line), or ""."""
    if description.startswith("* `"):
        return description
    _text, separator, choices = description.partition("\n\n* `")
    return f"* `{choices}" if separator else ""


class ApiFilterExtension(DjangoFilterExtension):
    """The query parameters of the API's filters, described by their filterset
    (`beschrijvingen`) or their own `help_text`, then their choices."""

    target_class = "kern.api.filtering.ApiFilterBackend"
    priority = 1

    def resolve_filter_field(
        self, auto_schema, model, filterset_class, field_name, filter_field
    ):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        text = beschrijving(filterset_class, field_name) or filter_field.extra.get(
            "help_text"
        )
        for parameter in parameters:
            choices = _choice_list(parameter.get("description") or "")
            parts = [str(part) for part in (text, choices) if part]
            if parts:
                parameter["description"] = "\n\n".join(parts)
            else:
                parameter.pop("description", None)
        return parameters
