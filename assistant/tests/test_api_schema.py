"""ResolutionAssist's part of the OpenAPI schema: every path with exactly its methods, its bodies,
its real status codes in the API's error shape, and nothing undocumented beside the PSA API."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

A = "/api/assistant"
PSA = "/api/integrations/psa"
OPERATIONS: dict[str, set[str]] = {
    f"{A}/sessions": {"get", "post"},
    f"{A}/sessions/{{session_id}}": {"get", "patch"},
    f"{A}/sessions/{{session_id}}/messages": {"get", "post"},
    f"{A}/messages/{{message_id}}": {"get"},
    f"{A}/actions/{{action_id}}/complete": {"post"},
}
SUCCESS = {
    ("post", f"{A}/sessions"): ("201", "AssistantSession"),
    ("get", f"{A}/sessions"): ("200", "AssistantSessionListResponse"),
    ("get", f"{A}/sessions/{{session_id}}"): ("200", "AssistantSession"),
    ("patch", f"{A}/sessions/{{session_id}}"): ("200", "AssistantSession"),
    ("get", f"{A}/sessions/{{session_id}}/messages"): ("200", "AssistantMessage"),  # an array
    ("post", f"{A}/sessions/{{session_id}}/messages"): ("202", "AssistantMessageSent"),
    ("get", f"{A}/messages/{{message_id}}"): ("200", "AssistantMessage"),
    ("post", f"{A}/actions/{{action_id}}/complete"): ("200", "AssistantAction"),
}
BODIES = {
    ("post", f"{A}/sessions"): "AssistantSessionCreatePayloadRequest",
    ("patch", f"{A}/sessions/{{session_id}}"): "AssistantSessionUpdatePayloadRequest",
    ("post", f"{A}/sessions/{{session_id}}/messages"): "AssistantMessagePayloadRequest",
    ("post", f"{A}/actions/{{action_id}}/complete"): "AssistantActionCompletePayloadRequest",
}
ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _assistant_operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        if path.startswith(A)
        for method, operation in item.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]


def _ref(content: dict[str, Any]) -> str:
    schema = content["application/json"]["schema"]
    ref = schema.get("$ref") or schema["items"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def test_every_path_is_there_with_exactly_its_methods(spec) -> None:
    documented: dict[str, set[str]] = {}
    for path, method, _ in _assistant_operations(spec):
        documented.setdefault(path, set()).add(method)
    assert documented == OPERATIONS
    assert all(path.startswith((A, PSA)) for path in spec["paths"]), "undocumented extras"


def test_success_responses_and_request_bodies_are_documented(spec) -> None:
    for path, method, operation in _assistant_operations(spec):
        code, component = SUCCESS[(method, path)]
        assert [c for c in operation["responses"] if c < "300"] == [code], (method, path)
        assert _ref(operation["responses"][code]["content"]) == component, (method, path)
        body = BODIES.get((method, path))
        if body is None:
            assert "requestBody" not in operation, (method, path)
        else:
            assert _ref(operation["requestBody"]["content"]) == body, (method, path)
            assert list(operation["requestBody"]["content"]) == ["application/json"]
            assert operation["requestBody"]["required"] is True
    messages = spec["paths"][f"{A}/sessions/{{session_id}}/messages"]["get"]["responses"]["200"]
    assert messages["content"]["application/json"]["schema"]["type"] == "array"
    schemas = spec["components"]["schemas"]
    assert schemas["AssistantMessagePayloadRequest"]["required"] == ["content"]
    assert schemas["AssistantMessagePayloadRequest"]["properties"]["content"]["maxLength"] == 8000
    assert schemas["AssistantActionCompletePayloadRequest"]["required"] == ["ticket_id"]
    assert "required" not in schemas["AssistantSessionUpdatePayloadRequest"]
    update = schemas["AssistantSessionUpdatePayloadRequest"]["properties"]
    assert update["ticket_id"]["nullable"] is True and update["closed"]["type"] == "boolean"
    statuses = schemas["AssistantMessageStatusEnum"]["enum"]
    assert statuses == ["pending", "done", "failed"]


def test_errors_are_the_apis_error_shape_and_the_ones_each_call_can_return(spec) -> None:
    for path, method, operation in _assistant_operations(spec):
        assert {"tokenAuth": []} in operation["security"], (method, path)
        responses = operation["responses"]
        errors = {code for code in responses if code >= "400"}
        assert {"401", "403", "429"} <= errors, (method, path)
        assert ("404" in errors) == ("{" in path), (method, path)
        for code in errors:
            assert responses[code]["content"]["application/json"]["schema"] == ERROR
        # Only linking a ticket asks ConnectWise, so only that can fail because of it.
        links = (method, path) in {
            ("post", f"{A}/sessions"),
            ("patch", f"{A}/sessions/{{session_id}}"),
        }
        assert ({"502", "503"} <= errors) == links, (method, path)
    post = spec["paths"][f"{A}/sessions/{{session_id}}/messages"]["post"]["responses"]
    assert "session_closed" in post["409"]["description"]
    assert "Retry-After" in post["429"]["description"]


def test_path_ids_are_bounded_like_our_own_row_ids(spec) -> None:
    checked = set()
    for path, method, operation in _assistant_operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                checked.add(parameter["name"])
                assert parameter["schema"] == {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 2**63 - 1,
                }, (method, path, parameter["name"])
    assert checked == {"session_id", "message_id", "action_id"}
