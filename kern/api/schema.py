"""OpenAPI descriptions that drf-spectacular cannot infer by itself."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import follow_model_field_lookup, get_view_model
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from .beschrijvingen import BeschrevenSchema


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


class FoutSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Wat er mis is.")


# A 400 names the fields: {"veld": ["melding", …], "non_field_errors": […]}; a
# request the parser cannot read answers {"detail": "…"}.
VELDFOUTEN = {
    "type": "object",
    "additionalProperties": {},
    "description": "Fouten per veld (of `detail` als het verzoek onleesbaar is).",
}

# Query text may hold anything but a NUL character (see ApiFilterBackend).
NO_NUL = "^[^\\u0000]*$"

ERRORS = {
    "400": "Ongeldige invoer: de fouten per veld.",
    "401": "Niet ingelogd, of een ongeldige of ingetrokken token.",
    "403": "Geen toestemming voor deze wijziging.",
    "404": "Bestaat niet, of valt buiten uw bereik (of een pagina die er niet is).",
    "412": "If-Match komt niet overeen: het object is intussen gewijzigd.",
    "415": "Dit inhoudstype wordt niet aanvaard.",
}


class AutoSchema(BeschrevenSchema, SpectacularAutoSchema):
    """drf-spectacular's schema, plus what the API does beyond its inference:

    - the error answers an operation can give next to its success answer, so
      clients (and the schema tests) know every status they may get;
    - request bodies are JSON (endpoints that take files name their media types);
      the form parsers stay for the browsable API, but form encoding cannot say
      null, so they are not part of the contract;
    - a text field that may be blank accepts "" besides its format (e-mail, URL);
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

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        has_query = any(p["in"] == "query" for p in parameters)
        has_path = any(p["in"] == "path" for p in parameters)
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        codes = ["401"]
        if has_body or has_query or writes:
            codes.append("400")
        if writes:
            codes.append("403")
        if has_path or has_query:
            codes.append("404")
        if self.method in ("PUT", "PATCH"):
            codes.append("412")
        if has_body:
            codes.append("415")
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if (
                parameter["in"] == "query"
                and schema.get("type") == "string"
                and not {"enum", "format", "pattern"} & set(schema)
            ):
                schema["pattern"] = NO_NUL
        responses = operation["responses"]
        for code in sorted(codes):
            if code in responses:
                continue
            body = VELDFOUTEN if code == "400" else FoutSerializer
            responses[code] = self._get_response_for_code(
                OpenApiResponse(response=body, description=ERRORS[code]), code
            )
        return operation
