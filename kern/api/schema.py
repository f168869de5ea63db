"""OpenAPI descriptions that drf-spectacular cannot infer by itself: problem
details for every error, the API-Version and ETag headers, If-Match and
If-None-Match, and the code patterns of `kern.validators`."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import follow_model_field_lookup, get_view_model
from rest_framework.settings import api_settings

from kern.validators import INPUT_REGEXES

from .beschrijvingen import BeschrevenSchema
from .problems import PROBLEM_JSON


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cooperatie.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Een API-token: `Token <sleutel>`. Maak er een via POST "
                "/api/v1/tokens/; intrekken met DELETE."
            ),
        }


PROBLEM = {"$ref": "#/components/schemas/Probleem"}
API_VERSION_HEADER = {"$ref": "#/components/headers/API-Version"}
ETAG_HEADER = {"$ref": "#/components/headers/ETag"}

# Query text may hold anything but a NUL character (see ApiFilterBackend).
NO_NUL = "^[^\\u0000]*$"

ERRORS = {
    "400": _(
        "Ongeldige invoer: invalid-params noemt elk ongeldig veld of elke "
        "ongeldige parameter."
    ),
    "401": _("Niet ingelogd, of een ongeldige of ingetrokken token."),
    "403": _("Geen toestemming voor deze wijziging."),
    "404": _("Bestaat niet, of valt buiten uw bereik (of een pagina die er niet is)."),
    "406": _("Geen van de gevraagde formaten (Accept) kan worden geleverd."),
    "412": _("If-Match komt niet overeen: het object is intussen gewijzigd."),
    "415": _("Dit inhoudstype wordt niet aanvaard."),
}
IF_MATCH = _(
    "De ETag van het object zoals u het las: is het intussen gewijzigd, dan "
    "volgt 412 en verandert er niets."
)
IF_NONE_MATCH = _(
    "De ETag van een eerder antwoord: is het niet veranderd, dan volgt 304 "
    "zonder inhoud."
)
NOT_MODIFIED = _("Niet veranderd sinds die ETag.")

# Which writes answer with the object's ETag: the generic ones of the write
# mixins, and the actions a viewset names in `etag_actions`.
ETAG_WRITES = {"create", "update", "partial_update"}


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _code_pattern(field, direction: str) -> str | None:
    """The pattern of a text field whose model field has a code validator
    (`kern.validators`): the stored form in answers, the accepted input (any
    case, spacing) in requests. (Where the field may be blank, drf-spectacular
    offers the empty text as the other choice of a oneOf.)"""
    serializer = getattr(field, "parent", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*" or "." in source:
        return None
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    for validator in getattr(model_field, "validators", ()):
        if type(validator) is RegexValidator and not validator.inverse_match:
            stored = validator.regex.pattern
            if direction == "request":
                stored = INPUT_REGEXES.get(stored, stored)
            if model_field.blank and not getattr(field, "allow_blank", True):
                # A blank model field shown by a field without drf-spectacular's
                # empty choice (a read-only one): the empty text is valid too.
                return f"^$|{stored}"
            return stored
    return None


def _text(**properties) -> dict:
    return {
        name: {"type": kind, "description": str(text)}
        for name, (kind, text) in properties.items()
    }


def postprocess(result, generator, request, public):
    """The parts every operation refers to: the problem details body and the
    response headers (in the request's language, as every text)."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["OngeldigeParameter"] = {
        "type": "object",
        "description": str(_("Eén ongeldig veld of één ongeldige parameter.")),
        "properties": _text(
            name=(
                "string",
                _(
                    "Het veld of de parameter; een genest veld met punten "
                    "(`toezeggingen.0.norm`), een fout van een heel object als "
                    "`non_field_errors` op die plaats."
                ),
            ),
            reason=("string", _("Wat er moet gelden.")),
            code=("string", _("De soort fout, een vast woord (`required`, …).")),
        ),
        "required": ["name", "reason", "code"],
    }
    properties = _text(
        type=(
            "string",
            _(
                "`about:blank` als de status alles zegt, anders de URI van de "
                "soort probleem (/api/v1/problemen/<naam>/)."
            ),
        ),
        title=("string", _("Korte titel van de soort probleem.")),
        status=("integer", _("De HTTP-status van het antwoord.")),
        detail=("string", _("Wat er mis is.")),
        instance=("string", _("Het pad van het verzoek.")),
    )
    properties["type"]["format"] = "uri-reference"
    properties["invalid-params"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/OngeldigeParameter"},
        "description": str(_("Bij ongeldige invoer: elk ongeldig veld.")),
    }
    schemas["Probleem"] = {
        "type": "object",
        "description": str(
            _(
                "Een fout als problem details (RFC 9457), in de taal van het "
                "verzoek (Accept-Language; standaard Nederlands)."
            )
        ),
        "properties": properties,
        "required": ["type", "title", "status", "detail", "instance"],
    }
    headers = components.setdefault("headers", {})
    headers["API-Version"] = {
        "description": str(_("De volledige versie van de API (semantic versioning).")),
        "required": True,
        "schema": {"type": "string", "example": settings.API_VERSION},
    }
    headers["ETag"] = {
        "description": str(
            _(
                "De versie van het object zoals deze gebruiker het ziet; geef "
                "hem mee in If-Match bij een wijziging, of in If-None-Match bij "
                "een volgende GET."
            )
        ),
        "required": True,
        "schema": {"type": "string"},
    }
    return result


class AutoSchema(BeschrevenSchema, SpectacularAutoSchema):
    """drf-spectacular's schema, plus what the API does beyond its inference:

    - the error answers an operation can give next to its success answer, so
      clients (and the schema tests) know every status they may get, each as
      problem details (`application/problem+json`, `kern.api.problems`);
    - the headers of every answer (API-Version; ETag where the API sets it),
      If-Match on updates and If-None-Match (304) on reads;
    - request bodies are JSON (endpoints that take files name their media types);
      the form parsers stay for the browsable API, but form encoding cannot say
      null, so they are not part of the contract;
    - a text field that may be blank accepts "" besides its format (e-mail, URL);
    - a code field (postcode, KvK-nummer, gemeentecode, buurtcode) has the
      pattern of its validator;
    - fields a serializer lists in `masked_fields` are null in a response to a
      reader who may not see them.
    """

    def _resolve_path_parameters(self, variables):
        # The router lets any segment reach the view (a JSON 404 for `abc`), but
        # the documented type of an id stays the model field's.
        parameters = super()._resolve_path_parameters(variables)
        model = get_view_model(self.view, emit_warnings=False)
        for parameter in parameters:
            if model is None or "pattern" not in parameter["schema"]:
                continue
            field = follow_model_field_lookup(model, self.view.lookup_field)
            schema = self._map_model_field(field, direction=None)
            schema.pop("readOnly", None)
            parameter["schema"] = schema
        return parameters

    def map_parsers(self):
        parsers = super().map_parsers()
        return ["application/json"] if "application/json" in parsers else parsers

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema and schema.get("type") == "string":
            pattern = _code_pattern(field, direction)
            if pattern:
                schema["pattern"] = pattern
        if schema and getattr(field, "allow_blank", False) and "format" in schema:
            schema["anyOf"] = [{"format": schema.pop("format")}, {"maxLength": 0}]
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response":
            properties = schema["properties"]
            for name in getattr(serializer, "masked_fields", ()):
                field = properties.get(name)
                if field is None or field.get("nullable"):
                    continue
                if "$ref" in field:
                    properties[name] = {"allOf": [field], "nullable": True}
                else:
                    properties[name] = {**field, "nullable": True}
        return schema

    def _sets_etag(self) -> bool:
        if self.method == "GET":
            return True
        action = getattr(self.view, "action", None)
        return action in getattr(self.view, "etag_actions", ()) or (
            action in ETAG_WRITES
            and hasattr(self.view, f"{action.removeprefix('partial_')}_object")
        )

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.setdefault("parameters", [])
        responses = operation["responses"]
        has_body = "requestBody" in operation
        has_query = any(p["in"] == "query" for p in parameters)
        has_path = any(p["in"] == "path" for p in parameters)
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        downloads = any(
            not _is_json(media_type)
            for code, response in responses.items()
            if code.startswith("2")
            for media_type in response.get("content", {})
        )
        codes = ["401"]
        # A detail route reads the list's query parameters too (a malformed
        # filter or ordering answers 400 there as well).
        if has_body or has_query or has_path or writes:
            codes.append("400")
        if writes:
            codes.append("403")
        if has_path or has_query:
            codes.append("404")
        if downloads:
            codes.append("406")
        if self.method in ("PUT", "PATCH"):
            codes.append("412")
            parameters.append(
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": False,
                    "description": str(IF_MATCH),
                    "schema": {"type": "string"},
                }
            )
        if has_body:
            codes.append("415")
        # A format in the query (?format=pdf) is DRF's stand-in for Accept,
        # which is the contract.
        parameters[:] = [
            p
            for p in parameters
            if not (
                p["in"] == "query" and p["name"] == api_settings.URL_FORMAT_OVERRIDE
            )
        ]
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if (
                parameter["in"] == "query"
                and schema.get("type") == "string"
                and not {"enum", "format", "pattern"} & set(schema)
            ):
                schema["pattern"] = NO_NUL
        for code in codes:
            responses.setdefault(code, {"description": str(ERRORS[code])})
        if self.method == "GET":
            parameters.append(
                {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "description": str(IF_NONE_MATCH),
                    "schema": {"type": "string"},
                }
            )
            responses["304"] = {"description": str(NOT_MODIFIED)}
        etag = self._sets_etag()
        for code, response in responses.items():
            headers = response.setdefault("headers", {})
            headers["API-Version"] = API_VERSION_HEADER
            if code.startswith(("4", "5")):
                response["content"] = {PROBLEM_JSON: {"schema": PROBLEM}}
            elif etag and code.startswith(("2", "3")):
                headers["ETag"] = ETAG_HEADER
        operation["responses"] = dict(sorted(responses.items()))
        return operation
