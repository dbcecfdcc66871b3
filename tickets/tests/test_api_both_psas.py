"""The JSON API is provider-neutral: jordan (ConnectWise) and avery (Autotask) walk the same paths,
get answers in the same shapes, and every answer matches the OpenAPI schema /api/schema/ serves.

The walk discovers its ids through the API itself (a ticket from the search, a board from /boards,
a member from /members), so it holds for any tenant's data rather than for one simulator's.
"""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft7Validator
from rest_framework.test import APIClient

from tickets.tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

BASE = "/api/integrations/psa"
ENGINEERS = ["jordan", "avery"]


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(params=ENGINEERS)
def engineer(request: pytest.FixtureRequest, lakeside: Any) -> str:
    return str(request.param)


@pytest.fixture
def api(engineer: str) -> APIClient:
    from django.contrib.auth import get_user_model

    return api_client_for(get_user_model().objects.get(username=engineer))


def _json_schema(openapi_schema: dict[str, Any]) -> Any:
    """OpenAPI 3.0's `nullable` as JSON Schema's `null` type, so the validator reads it."""
    if isinstance(openapi_schema, list):
        return [_json_schema(item) for item in openapi_schema]
    if not isinstance(openapi_schema, dict):
        return openapi_schema
    converted = {key: _json_schema(value) for key, value in openapi_schema.items()}
    if converted.pop("nullable", False):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def _check(openapi: dict[str, Any], response: Any, *, path: str, method: str) -> Any:
    """The response's status is one the schema documents, and its body matches that schema."""
    operation = openapi["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], (path, method, status, response.content[:300])
    body = response.json() if response.content else None
    content = operation["responses"][status].get("content", {}).get("application/json")
    if content is not None:
        schema = _json_schema({**content["schema"], "components": openapi["components"]})
        errors = [e.message for e in Draft7Validator(schema).iter_errors(body)]
        assert not errors, (path, method, errors[:3])
    return body


def _shape(value: Any) -> Any:
    """The keys and JSON types of a body, with lists reduced to the shape of their items."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        shapes = {repr(_shape(item)) for item in value}
        return sorted(shapes)[:1]
    return type(value).__name__


def _walk(api: APIClient, openapi: dict[str, Any]) -> dict[str, Any]:
    """Every read operation of the spec, plus a note, an assignee round trip and a status change.
    Returns each operation's body shape (nullable scalars read as the type they usually carry)."""
    seen: dict[str, Any] = {}

    def call(method: str, path: str, url: str, **kwargs: Any) -> Any:
        response = getattr(api, method)(f"{BASE}{url}", format="json", **kwargs)
        body = _check(openapi, response, path=f"{BASE}{path}", method=method)
        seen[f"{method.upper()} {path}"] = response.status_code
        return body

    page = call("get", "/tickets/search", "/tickets/search", data={"page_size": 10})
    assert page["total"] >= len(page["items"]) > 0
    ticket = next(t for t in page["items"] if not t["closed"])
    tid = ticket["id"]
    assert isinstance(tid, int) and ticket["board_name"] and ticket["status_name"]

    detail = call("get", "/tickets/{ticket_id}", f"/tickets/{tid}")
    assert detail["id"] == tid and detail["board_id"]
    context = call("get", "/tickets/{ticket_id}/context", f"/tickets/{tid}/context")
    assert context["ticket"]["id"] == tid

    boards = call("get", "/boards", "/boards")
    assert detail["board_id"] in {b["id"] for b in boards}
    statuses = call("get", "/boards/{board_id}/statuses", f"/boards/{detail['board_id']}/statuses")
    assert statuses and all(s["name"] for s in statuses)
    same = call(
        "get", "/tickets/statuses", "/tickets/statuses", data={"board_id": detail["board_id"]}
    )
    assert same == statuses
    priorities = call("get", "/priorities", "/priorities")
    assert priorities and all(p["name"] for p in priorities)
    members = call("get", "/members", "/members")
    mapped = {m["member_identifier"] for m in call("get", "/member-mappings", "/member-mappings")}
    assert mapped and {m["identifier"] for m in members[: len(mapped)]} == mapped
    companies = call("get", "/companies", "/companies", data={"search": ticket["company_name"][:4]})
    assert ticket["company_name"] in {c["name"] for c in companies}

    note = call(
        "post",
        "/tickets/{ticket_id}/notes",
        f"/tickets/{tid}/notes",
        data={"text": "Checked the uplink.", "type": "internal"},
    )
    assert note["type"] == "internal" and note["text"] == "Checked the uplink."
    notes = call("get", "/tickets/{ticket_id}/notes", f"/tickets/{tid}/notes")
    assert not notes["notes_unavailable"] and not notes["pending"]
    assert "Checked the uplink." in [n["text"] for n in notes["notes"]]

    assigned = {
        r["member_id"]
        for r in call("get", "/tickets/{ticket_id}/resources", f"/tickets/{tid}/resources")
    }
    newcomer = next(m for m in members if m["id"] not in assigned)
    added = call(
        "post",
        "/tickets/{ticket_id}/resources",
        f"/tickets/{tid}/resources",
        data={"member_id": newcomer["id"]},
    )
    assert added["member_id"] == newcomer["id"]
    call(
        "delete",
        "/tickets/{ticket_id}/resources/{member_id}",
        f"/tickets/{tid}/resources/{newcomer['id']}",
    )
    after = call("get", "/tickets/{ticket_id}/resources", f"/tickets/{tid}/resources")
    assert newcomer["id"] not in {r["member_id"] for r in after}

    target = next(s for s in statuses if s["name"] != detail["status_name"] and not s.get("closed"))
    changed = call(
        "patch",
        "/tickets/{ticket_id}/status",
        f"/tickets/{tid}/status",
        data={"status_id": target["id"]},
    )
    assert changed.get("new_status") == target["name"], (changed, detail, statuses)
    return {
        "search": _shape(page),
        "detail": _shape(detail),
        "note": _shape(note),
        "notes": _shape(notes),
        "resource": _shape(added),
        "status": _shape(changed),
        "board": _shape(boards[0]),
        "priority": _shape(priorities[0]),
        "member": _shape(members[0]),
        "company": _shape(companies[0]),
        "calls": sorted(seen),
    }


def test_every_operation_answers_in_the_documented_shape(api, openapi) -> None:
    walked = _walk(api, openapi)
    assert len(walked["calls"]) == 16


def test_both_psas_answer_in_the_same_shapes(lakeside, openapi) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    jordan = _walk(api_client_for(users.get(username="jordan")), openapi)
    avery = _walk(api_client_for(users.get(username="avery")), openapi)
    for part in jordan:
        assert jordan[part] == avery[part], part
