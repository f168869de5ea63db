"""The schema describes every operation, resource, field and parameter for the
user of that resource, in the request's language, and no developer's docstring
of a class the code inherits from stands in for such a text.

The walk covers the whole schema, so an endpoint added later is held to the
same rule without being named here.
"""

from __future__ import annotations

import inspect
import re

from django.utils import translation

import django_filters
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers, views

METHODS = {"get", "post", "put", "patch", "delete"}
# Described by the paginator (kern.api.pagination), the same on every list.
PAGINATOR_PARAMETERS = {"page", "page_size"}
# A choice parameter's description ends with the choices drf-spectacular lists;
# those alone describe nothing.
CHOICE_LIST = re.compile(r"(?:^|\n\n)\* `.*\Z", re.DOTALL)
SCHEMAS = "#/components/schemas/"
# Words no English description has.
DUTCH_WORDS = re.compile(r"\b(de|het|een|van|wordt|niet|alleen|zijn)\b")


@pytest.fixture(scope="module")
def schemas(django_db_setup, django_db_blocker):
    """The schema in Dutch and in English, built as the schema view does."""
    built = {}
    with django_db_blocker.unblock():
        for language in ("nl", "en"):
            with translation.override(language):
                built[language] = SchemaGenerator().get_schema(public=True)
    return built


def _normal(text: str) -> str:
    return " ".join(str(text).split())


def _subclasses(root: type) -> set[type]:
    found, todo = set(), [root]
    while todo:
        for klass in todo.pop().__subclasses__():
            if klass not in found:
                found.add(klass)
                todo.append(klass)
    return found


@pytest.fixture(scope="module")
def docs() -> dict[str, str]:
    """The docstring of every class that a view, serializer, filterset or
    filter inherits from (its own docstring aside), by its normalised text."""
    roots = (
        views.APIView,
        serializers.BaseSerializer,
        django_filters.FilterSet,
        django_filters.Filter,
    )
    docs = {}
    for root in roots:
        for klass in _subclasses(root):
            for base in klass.__mro__[1:]:
                doc = vars(base).get("__doc__")
                if base is not object and isinstance(doc, str) and doc.strip():
                    docs[_normal(inspect.cleandoc(doc))] = (
                        f"{base.__module__}.{base.__qualname__}"
                    )
    return docs


def _inherited(text, docs: dict[str, str]) -> str | None:
    """The class whose docstring `text` is (or opens with, or quotes the first
    paragraph of), or None."""
    normal = _normal(text)
    for doc, owner in docs.items():
        first = doc.split(". ")[0]
        if normal == doc or (len(first) >= 20 and first in normal):
            return owner
    return None


def _described(text) -> bool:
    return bool(CHOICE_LIST.sub("", str(text or "")).strip())


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def _refs(node) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        # Schemas only (a response header refers to components/headers).
        found = {ref.rsplit("/", 1)[-1]} if ref.startswith(SCHEMAS) else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*map(_refs, node)) if node else set()
    return set()


def resources(schema) -> set[str]:
    """The components a request body or a successful answer is made of (the
    errors are the error handling's)."""
    todo = set()
    for _name, operation in operations(schema):
        todo |= _refs(operation.get("requestBody", {}))
        for code, response in operation["responses"].items():
            if code.startswith("2"):
                todo |= _refs(response)
    components = schema["components"]["schemas"]
    found = set()
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo |= _refs(components[name]) - found
    return found


def properties(name: str, schema: dict):
    """(where, property schema) of every property, nested objects included."""
    for prop, value in schema.get("properties", {}).items():
        yield f"{name}.{prop}", value
        for inner in (value, value.get("items", {})):
            if "properties" in inner:
                yield from properties(f"{name}.{prop}", inner)


def test_every_operation_has_a_summary_and_a_description_of_its_own(schemas, docs):
    offenders = []
    for name, operation in operations(schemas["nl"]):
        for key in ("summary", "description"):
            text = operation.get(key)
            owner = text and _inherited(text, docs)
            if not text:
                offenders.append(f"{name}: no {key}")
            elif owner:
                offenders.append(f"{name}: {key} is the docstring of {owner}")
    assert offenders == []


def test_every_path_and_query_parameter_is_described(schemas, docs):
    offenders = []
    for name, operation in operations(schemas["nl"]):
        for parameter in operation.get("parameters", []):
            if parameter["in"] not in ("path", "query"):
                continue
            where = f"{name} {parameter['in']} {parameter['name']}"
            text = parameter.get("description")
            owner = text and _inherited(text, docs)
            if owner:
                offenders.append(f"{where}: the docstring of {owner}")
            elif parameter["name"] not in PAGINATOR_PARAMETERS and not _described(text):
                offenders.append(f"{where}: no description")
    assert offenders == []


def test_every_resource_and_every_field_is_described(schemas, docs):
    components = schemas["nl"]["components"]["schemas"]
    offenders = []
    for name in sorted(resources(schemas["nl"])):
        schema = components[name]
        if schema.get("type") == "object" and not _described(schema.get("description")):
            offenders.append(f"{name}: no description")
    for name, schema in sorted(components.items()):
        owner = _inherited(schema.get("description") or "", docs)
        if owner:
            offenders.append(f"{name}: the docstring of {owner}")
        for where, prop in properties(name, schema):
            text = prop.get("description")
            owner = text and _inherited(text, docs)
            if owner:
                offenders.append(f"{where}: the docstring of {owner}")
            elif not _described(text):
                offenders.append(f"{where}: no description")
    assert offenders == []


def _sample(schema) -> dict[str, str]:
    """A few texts of each kind, from one resource."""
    path = next(p for p in schema["paths"] if p.rstrip("/").endswith("/gebouwen"))
    detail = next(p for p in schema["paths"] if re.search(r"/gebouwen/\{\w+\}/$", p))
    listing = schema["paths"][path]["get"]
    by_name = {p["name"]: p for p in listing["parameters"]}
    gebouw = schema["components"]["schemas"]["Gebouw"]
    return {
        "summary": listing["summary"],
        "description": listing["description"],
        "component": gebouw["description"],
        "property": gebouw["properties"]["postcode"]["description"],
        "id": gebouw["properties"]["id"]["description"],
        "filter": by_name["gemeentecode"]["description"],
        "path": next(
            p["description"]
            for p in schema["paths"][detail]["get"]["parameters"]
            if p["in"] == "path"
        ),
    }


def test_the_english_schema_is_in_english(schemas):
    dutch, english = _sample(schemas["nl"]), _sample(schemas["en"])
    still_dutch = {
        kind: text
        for kind, text in english.items()
        if text == dutch[kind] or DUTCH_WORDS.search(text)
    }
    assert still_dutch == {}
