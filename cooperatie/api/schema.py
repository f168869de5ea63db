"""OpenAPI descriptions that drf-spectacular cannot infer by itself."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
