"""The API schema's settings (drf-spectacular): title, version, where the API
answers and whom to ask about it, from the environment (docs/api.md):

- `API_SERVER_URL`: the schema's server URL, by default the relative `/api/v1`;
- `API_CONTACT_NAME`, `API_CONTACT_EMAIL`, `API_CONTACT_URL`: its contact, by
  default "Beheer Coöperatiesturing", the site's sender address (when it has a
  domain with a dot) and the site's address.
"""

from __future__ import annotations

import environ


def spectacular_settings(
    env: environ.Env, *, version: str, sender: str, site_url: str
) -> dict:
    return {
        "TITLE": "Coöperatiesturing API",
        "DESCRIPTION": (
            "Afspraken over de sociale inbreng van woon- en beheercoöperaties: "
            "gebouwen, coöperaties, overeenkomsten, leden, afspraken, toezeggingen, "
            "activiteiten, boekingen, toetsingen en verzegelde nalevingsrapporten."
        ),
        "VERSION": version,
        # Where the API answers: relative to the site by default; a deployment that
        # publishes its API elsewhere names the full URL (docs/api.md).
        "SERVERS": [
            {
                "url": env.str("API_SERVER_URL", default="/api/v1"),
                "description": "Coöperatiesturing API v1",
            }
        ],
        # Who answers questions about the API (docs/api.md): by default the site's
        # sender address (when it is a deliverable one) and the site itself.
        "CONTACT": {
            "name": env.str("API_CONTACT_NAME", default="Beheer Coöperatiesturing"),
            "email": env.str(
                "API_CONTACT_EMAIL",
                default=(
                    sender
                    if "." in sender.rpartition("@")[2]
                    else "beheer@coopsturing.example"
                ),
            ),
            "url": env.str("API_CONTACT_URL", default=site_url),
        },
        "SERVE_INCLUDE_SCHEMA": False,
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "COMPONENT_SPLIT_REQUEST": True,
        # Paths relative to the server URL (/api/v1).
        "SCHEMA_PATH_PREFIX": "/api/v1",
        "SCHEMA_PATH_PREFIX_TRIM": True,
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "kern.api.schema.postprocess",
        ],
        # The OAuth2 security scheme of machine clients (kern.api.oauth).
        "OAUTH2_FLOWS": ["clientCredentials"],
        "OAUTH2_TOKEN_URL": "/api/v1/oauth/token/",
        "ENUM_NAME_OVERRIDES": {
            "CooperatieSoortEnum": "cooperatie.choices.CooperatieSoort",
            "OvereenkomstSoortEnum": "cooperatie.choices.OvereenkomstSoort",
            "BoekingSoortEnum": "ledger.choices.BoekingSoort",
            "RolSoortEnum": "cooperatie.choices.RolSoort",
            "UitnodigingStatusEnum": "cooperatie.choices.UitnodigingStatus",
        },
        # The schema's texts are written for the API's users where each operation,
        # resource, field and filter is declared (kern/api/beschrijvingen.py);
        # docstrings are developers' notes and stay out of it.
        "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    }
