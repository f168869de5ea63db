"""The OpenAPI schema: valid, without warnings, a Dutch summary on every operation,
and the interactive docs served without a CDN."""

from django.core.management import call_command

import pytest
import yaml


def test_schema_validates_without_warnings_and_every_operation_has_a_summary(
    tmp_path, db
):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(path))
    schema = yaml.safe_load(path.read_text())
    operations = [
        (route, method, op)
        for route, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 60
    missing = [f"{m.upper()} {r}" for r, m, op in operations if not op.get("summary")]
    assert missing == []


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_schema_and_docs_are_served_to_a_signed_in_user(client, world, url):
    client.force_login(world.a.beheerder)
    response = client.get(url)
    assert response.status_code == 200
    if url.endswith("docs/"):
        page = response.content.decode()
        assert "cdn" not in page.lower()
        assert "/static/drf_spectacular_sidecar/" in page
