"""The OpenAPI 3 schema: it validates, generates without a single warning, documents every path of
the spec with the right methods, and is what /api/schema/ serves."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from tickets.tests.conftest import api_client_for

P = "/api/integrations/psa"

# The spec's JSON API (issue 4): every path, with exactly these methods.
SPEC_OPERATIONS: dict[str, set[str]] = {
    f"{P}/tickets/search": {"get"},
    f"{P}/tickets": {"post"},
    f"{P}/tickets/{{ticket_id}}": {"get"},
    f"{P}/tickets/{{ticket_id}}/context": {"get"},
    f"{P}/tickets/{{ticket_id}}/status": {"patch"},
    f"{P}/tickets/{{ticket_id}}/resources": {"get", "post"},
    f"{P}/tickets/{{ticket_id}}/resources/{{member_id}}": {"delete"},
    f"{P}/tickets/{{ticket_id}}/notes": {"get", "post"},
    f"{P}/tickets/ai-parse": {"post"},
    f"{P}/boards": {"get"},
    f"{P}/boards/{{board_id}}/statuses": {"get"},
    f"{P}/tickets/statuses": {"get"},
    f"{P}/priorities": {"get"},
    f"{P}/members": {"get"},
    f"{P}/companies": {"get"},
    f"{P}/member-mappings": {"get"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SUCCESS = {
    ("post", f"{P}/tickets"): "201",
    ("post", f"{P}/tickets/{{ticket_id}}/resources"): "201",
    ("post", f"{P}/tickets/{{ticket_id}}/notes"): "201",
    ("delete", f"{P}/tickets/{{ticket_id}}/resources/{{member_id}}"): "204",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(spec: dict[str, Any], under: str = "") -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation, or those under one prefix (ResolutionAssist's `/api/assistant` paths are
    checked in assistant/tests/test_api_schema.py)."""
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and path.startswith(under)
    ]


def test_schema_is_valid_openapi_3(spec) -> None:
    assert spec["openapi"].startswith("3.")
    validate_schema(spec)  # drf-spectacular's check against the OpenAPI 3 JSON Schema
    try:
        from openapi_spec_validator import validate
    except ImportError:  # not a dependency; used when present
        return
    validate(spec)


def test_schema_generates_without_warnings_or_errors(tmp_path) -> None:
    """The standard check: `manage.py spectacular --validate --fail-on-warn`."""
    GENERATOR_STATS.reset()
    out = tmp_path / "schema.yaml"
    stderr = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stderr=stderr)
    assert out.read_text().startswith("openapi: 3.")
    assert "Warning" not in stderr.getvalue() and "Error" not in stderr.getvalue()


def test_every_spec_path_is_there_with_exactly_its_methods(spec) -> None:
    documented: dict[str, set[str]] = {}
    for path, method, _ in _operations(spec, under=P):
        documented.setdefault(path, set()).add(method)
    assert {p: documented.get(p) for p in SPEC_OPERATIONS} == SPEC_OPERATIONS
    assert set(documented) == set(SPEC_OPERATIONS), "undocumented extras in the schema"


def test_operations_are_unique_token_authenticated_and_document_their_errors(spec) -> None:
    operation_ids = [operation["operationId"] for _, _, operation in _operations(spec)]
    assert len(operation_ids) == len(set(operation_ids))
    assert "tokenAuth" in spec["components"]["securitySchemes"]
    for path, method, operation in _operations(spec, under=P):
        assert {"tokenAuth": []} in operation["security"], (method, path)
        responses = operation["responses"]
        assert SUCCESS.get((method, path), "200") in responses, (method, path)
        for code in ("400", "401", "403", "409", "502", "503"):
            error = responses[code]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, (method, path, code)
        if "{" in path:
            assert "404" in responses, (method, path)


def test_request_bodies_have_their_own_components(spec) -> None:
    """Nested `InputSerializer`s once collided as one "InputRequest": each body is its own."""
    bodies = {
        (path, method): operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for path, method, operation in _operations(spec)
        if "requestBody" in operation
    }
    assert len(set(bodies.values())) == len(bodies)
    status_body = spec["components"]["schemas"]["TicketStatusUpdatePayloadRequest"]
    assert status_body["required"] == ["status_id"]  # a command, not a partial update
    create = spec["components"]["schemas"]["TicketCreatePayloadRequest"]
    assert set(create["required"]) == {"summary", "company_id", "board_id"}
    # The longest any PSA holds; the connected PSA's own limit is said and checked per account.
    summary = create["properties"]["summary"]
    assert summary["maxLength"] == 255 and "connected PSA" in summary["description"]


def test_path_ids_are_bounded_like_connectwise_ids(spec) -> None:
    for path, method, operation in _operations(spec, under=P):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"] == {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 2**31 - 1,
                }, (method, path, parameter["name"])


def test_schema_endpoint_serves_it_to_signed_in_users_only(demo, spec) -> None:
    assert APIClient().get("/api/schema/", {"format": "json"}).status_code == 401
    response = api_client_for(demo.jordan).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    served = response.json()
    assert set(served["paths"]) == set(spec["paths"])
    assert served["components"]["schemas"].keys() == spec["components"]["schemas"].keys()


def test_docs_page_renders(demo) -> None:
    client = APIClient()
    client.force_login(demo.jordan)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
