"""Every error of the API as problem details (RFC 9457), `application/problem+json`.

A body has `type`, `title`, `status`, `detail` and `instance` (the request's
path), in the request's language. Refused input also names each refused field or
parameter in `invalid-params`: a list of `{"name", "reason", "code"}`, where a
nested field is named by its path with dots (`toezeggingen.0.norm`) and an
error of a whole object by DRF's `non_field_errors` in that place.

`type` is `about:blank` where the status says it all (the title is then the
status's phrase), else one of `PROBLEM_TYPES`, served as a short description
at `/api/v1/problemen/<naam>/` (`problem_type_view`). An error answers in this
format whatever the client's Accept header asked for (a PDF download that is
refused is not a PDF).

- Writes go through the services; a service's `PermissionDenied` is a 403, its
  `ValidationError` a 400 with the errors per field (per row and field for the
  rows of a composite write, `kern.writes.RowValidationError`), and so is a
  unique or check constraint the database refuses after validation passed (two
  concurrent creates of the same key).
- A refusal for who is asking (401, 403, or 404 for an object outside the
  scope) is logged (`kern.security_log`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from kern import writes
from kern.security_log import (
    FORBIDDEN,
    OUT_OF_SCOPE,
    exists_outside_scope,
    log_denied,
)

from .renderers import JSONRenderer

PROBLEM_JSON = "application/problem+json"

# Problem types ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem beyond what its status says: its name (the last part
    of its URI), title and what a client does about it."""

    name: str
    title: Promise
    description: Promise


VALIDATION = ProblemType(
    "ongeldige-invoer",
    gettext_lazy("Ongeldige invoer"),
    gettext_lazy(
        "Een of meer velden of parameters zijn ongeldig; invalid-params noemt "
        "elk met de reden. Pas de invoer aan en probeer het opnieuw."
    ),
)
PRECONDITION = ProblemType(
    "gewijzigd",
    gettext_lazy("Het object is intussen gewijzigd"),
    gettext_lazy(
        "De ETag in If-Match hoort bij een eerdere versie van het object. Haal "
        "het opnieuw op en stuur de wijziging met de nieuwe ETag."
    ),
)
SEAL = ProblemType(
    "zegel-klopt-niet",
    gettext_lazy("Het bestand klopt niet met zijn zegel"),
    gettext_lazy(
        "Een opgeslagen rapport heeft niet meer de SHA-256 waarmee het is "
        "verzegeld; het wordt niet uitgeleverd. Meld dit aan de beheerder van "
        "het platform."
    ),
)
PROBLEM_TYPES = {problem.name: problem for problem in (VALIDATION, PRECONDITION, SEAL)}

# The titles of the problems of type about:blank: the status's phrase.
STATUS_TITLES = {
    400: gettext_lazy("Ongeldig verzoek"),
    401: gettext_lazy("Niet aangemeld"),
    403: gettext_lazy("Geen toestemming"),
    404: gettext_lazy("Niet gevonden"),
    405: gettext_lazy("Methode niet toegestaan"),
    406: gettext_lazy("Antwoordformaat niet beschikbaar"),
    409: gettext_lazy("Conflict"),
    412: gettext_lazy("Voorwaarde niet vervuld"),
    413: gettext_lazy("Verzoek te groot"),
    415: gettext_lazy("Inhoudstype niet ondersteund"),
    429: gettext_lazy("Te veel verzoeken"),
    500: gettext_lazy("Interne fout"),
}


def type_uri(request, problem: ProblemType | None) -> str:
    if problem is None:
        return "about:blank"
    path = reverse("api-probleem", kwargs={"naam": problem.name})
    return request.build_absolute_uri(path) if request is not None else path


def problem_type_view(request, naam: str):
    """What a problem type means (the document its `type` URI names)."""
    problem = PROBLEM_TYPES.get(naam)
    if problem is None:
        return api_page_not_found(request, None)
    return JsonResponse(
        {
            "type": type_uri(request, problem),
            "title": str(problem.title),
            "description": str(problem.description),
        },
        json_dumps_params={"ensure_ascii": False},
    )


# Responses -------------------------------------------------------------------------


class ConflictError(exceptions.APIException):
    """409: the request cannot be answered in the state the data is in."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Conflict met de opgeslagen gegevens.")
    default_code = "conflict"
    problem_type: ProblemType | None = None


class SealError(ConflictError):
    default_code = "zegel"
    problem_type = SEAL


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "Het object is intussen gewijzigd; haal het opnieuw op."
    )
    default_code = "precondition_failed"
    problem_type = PRECONDITION


_RENDERER = JSONRenderer()


def problem_response(
    request,
    status_code: int,
    detail: str,
    *,
    problem: ProblemType | None = None,
    invalid_params: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """An `application/problem+json` answer."""
    if problem is None:
        title = STATUS_TITLES.get(status_code) or HTTPStatus(status_code).phrase
    else:
        title = problem.title
    body: dict[str, Any] = {
        "type": type_uri(request, problem),
        "title": str(title),
        "status": status_code,
        "detail": detail,
        "instance": request.path if request is not None else "",
    }
    if invalid_params is not None:
        body["invalid-params"] = invalid_params
    response = HttpResponse(
        _RENDERER.render(body), status=status_code, content_type=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def invalid_params(detail, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list, each error named by its path."""
    if isinstance(detail, dict):
        return [
            param
            for key, value in detail.items()
            for param in invalid_params(value, _joined(prefix, key))
        ]
    if isinstance(detail, list):
        params = []
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                params.extend(invalid_params(item, _joined(prefix, index)))
            else:
                params.extend(invalid_params(item, prefix))
        return params
    return [
        {
            "name": prefix or api_settings.NON_FIELD_ERRORS_KEY,
            "reason": str(detail),
            "code": str(getattr(detail, "code", "invalid")),
        }
    ]


def _joined(prefix: str, key) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _summary(params: list[dict[str, str]]) -> str:
    """The `detail` of refused input: the one error, or which names are refused."""
    if len(params) == 1:
        (param,) = params
        if param["name"] == api_settings.NON_FIELD_ERRORS_KEY:
            return param["reason"]
        return f"{param['name']}: {param['reason']}"
    names = list(dict.fromkeys(param["name"] for param in params))
    shown = ", ".join(names[:10]) + (", …" if len(names) > 10 else "")
    return _("%(aantal)s fouten in de invoer: %(namen)s.") % {
        "aantal": len(params),
        "namen": shown,
    }


# The handler -------------------------------------------------------------------------

# Django's get_object_or_404 says "No Gebouw matches the given query.", in English.
_DJANGO_NOT_FOUND = re.compile(r"^No .* matches the given query\.$")


def exception_handler(exc, context):
    """Every error of a DRF view as problem details: DRF's own, Django's
    Http404 and PermissionDenied, the services' ValidationError (400 with field
    errors) and PermissionDenied (403), and a refused database constraint."""
    if isinstance(exc, IntegrityError):
        refusal = constraint_refusal(exc)
        if refusal is None:
            return None  # not a rule of the data: a server error
        exc = refusal
    if isinstance(exc, writes.RowValidationError):
        exc = exceptions.ValidationError(detail=_rows_detail(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, Http404):
        message = str(exc)
        if not message or _DJANGO_NOT_FOUND.match(message):
            message = _("Niet gevonden.")
        exc = exceptions.NotFound(message)
    if not isinstance(exc, exceptions.APIException):
        return None
    request = context.get("request")
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    problem = getattr(exc, "problem_type", None)
    if isinstance(exc.detail, dict | list):
        params = invalid_params(exc.detail)
        response = problem_response(
            request,
            exc.status_code,
            _summary(params),
            problem=problem or VALIDATION,
            invalid_params=params,
            headers=headers,
        )
    else:
        response = problem_response(
            request, exc.status_code, str(exc.detail), problem=problem, headers=headers
        )
    _log_refusal(exc, context, response.status_code)
    return response


def api_page_not_found(request, exception=None):
    """404 for a path under the API that no route answers."""
    return problem_response(
        request, 404, _("Er is geen API-route op dit adres."), headers=None
    )


def api_server_error(request):
    """500 under the API: no details of the failure (those are in the log)."""
    return problem_response(
        request, 500, _("Er ging iets mis aan onze kant; probeer het later opnieuw.")
    )


def _rows_detail(exc: writes.RowValidationError) -> dict:
    """A composite write's refused rows in the shape DRF gives a nested list's
    own errors: the field errors of each refused row, by its index."""
    rows = {index: as_serializer_error(error) for index, error in exc.rows.items()}
    if api_settings.LIST_SERIALIZER_ERRORS_AS_DICT:
        return {exc.field: rows}
    return {exc.field: [rows.get(index, {}) for index in range(exc.count)]}


def _log_refusal(exc, context, status_code: int) -> None:
    request = context.get("request")
    if request is None:
        return
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        log_denied(request, status_code, "not_authenticated")
    elif isinstance(exc, exceptions.PermissionDenied):
        log_denied(request, FORBIDDEN, "forbidden")
    elif status_code == status.HTTP_404_NOT_FOUND and _out_of_scope(context):
        log_denied(request, OUT_OF_SCOPE, "object_out_of_scope")


def _out_of_scope(context) -> bool:
    """Whether the object a detail route names exists, so its 404 came from the
    scope (a wrong id is not a failed authorization)."""
    view = context.get("view")
    model = getattr(view, "model", None)
    if model is None:
        return False
    lookup_field = getattr(view, "lookup_field", "pk")
    url_kwarg = getattr(view, "lookup_url_kwarg", None) or lookup_field
    value = context.get("kwargs", {}).get(url_kwarg)
    if value is None:
        return False
    return exists_outside_scope(model.objects, **{lookup_field: value})


# Constraints the database refused ----------------------------------------------------

_SQLITE_COLUMNS = re.compile(
    r"^UNIQUE constraint failed: (?P<columns>[\w.]+(?:, [\w.]+)*)$"
)
_SQLITE_NAMED = re.compile(
    r"^(?:UNIQUE constraint failed: index|CHECK constraint failed:) '?(?P<name>\w+)'?$"
)
_PG_KEY = re.compile(r"^Key \((?P<columns>[^)]*)\)=")


def _violation(exc: IntegrityError) -> tuple[str | None, str | None, list[str]]:
    """(table, constraint name, columns) of a unique or check violation as
    PostgreSQL or SQLite reports it; (None, None, []) for anything else."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # PostgreSQL (psycopg)
        if getattr(cause, "sqlstate", None) not in ("23505", "23514"):
            return None, None, []
        match = _PG_KEY.match(diag.message_detail or "")
        columns = [c.strip() for c in match["columns"].split(",")] if match else []
        return diag.table_name, diag.constraint_name, columns
    message = str(exc)
    if match := _SQLITE_COLUMNS.match(message):
        qualified = [c.split(".") for c in match["columns"].split(", ")]
        return qualified[0][0], None, [column for _table, column in qualified]
    if match := _SQLITE_NAMED.match(message):
        return None, match["name"], []
    return None, None, []


def _find_constraint(table, name, columns):
    """The model and its constraint (or its unique field) the violation names."""
    for model in apps.get_models():
        if table and model._meta.db_table != table:
            continue
        for constraint in model._meta.constraints:
            if name and constraint.name == name:
                return model, constraint, None
            fields = getattr(constraint, "fields", ())
            if columns and fields:
                attnames = [model._meta.get_field(f).column for f in fields]
                if attnames == columns:
                    return model, constraint, None
        if table and columns:
            by_column = {f.column: f for f in model._meta.concrete_fields}
            if len(columns) == 1 and columns[0] in by_column:
                field = by_column[columns[0]]
                if field.unique:
                    return model, None, field
    return None


def constraint_refusal(exc: IntegrityError) -> DjangoValidationError | None:
    """A unique or check constraint the database refused, as the field error
    validation would have given; None for any other integrity error.

    Validation checks every constraint before a write, so this happens only when
    another request wrote the same key between that check and the insert."""
    table, name, columns = _violation(exc)
    if not (name or columns):
        return None
    found = _find_constraint(table, name, columns)
    if found is None:
        return None
    model, constraint, field = found
    if field is not None:
        message = model().unique_error_message(model, [field.name])
        return DjangoValidationError({field.name: [message]})
    if (
        isinstance(constraint, models.UniqueConstraint)
        and (
            constraint.violation_error_message
            == constraint.default_violation_error_message
        )
        and constraint.fields
    ):
        message = model().unique_error_message(model, list(constraint.fields))
    else:
        message = constraint.get_violation_error_message()
    name = writes.constraint_field(model, constraint)
    return DjangoValidationError({name or NON_FIELD_ERRORS: [message]})
