"""Reading the API's error answers: problem details (RFC 9457)."""

from __future__ import annotations

PROBLEM_JSON = "application/problem+json"
MEMBERS = {"type", "title", "status", "detail", "instance"}


def problem_of(response) -> dict:
    """The body of an error answer, checked to be problem details of its
    status and of the request's path."""
    assert response["Content-Type"] == PROBLEM_JSON, response["Content-Type"]
    body = response.json()
    assert set(body) - {"invalid-params"} == MEMBERS, body
    assert body["status"] == response.status_code
    assert body["instance"] == response.wsgi_request.path
    return body


def invalid_params(response) -> dict[str, list[str]]:
    """The reasons per refused field or parameter of an error answer, by name
    (nested names with dots: `toezeggingen.0.norm`)."""
    reasons: dict[str, list[str]] = {}
    for param in problem_of(response).get("invalid-params", []):
        reasons.setdefault(param["name"], []).append(param["reason"])
    return reasons
