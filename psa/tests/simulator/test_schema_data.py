"""The simulator's data and schema agree with each other and with the shared ConnectWise files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from psa.simulator.app import SimulatorApp
from psa.simulator.routes import ROUTES
from psa.simulator.schema import SCHEMA_FILE, RouteSchema, schema_for
from psa.simulator.store import TENANTS, TenantStore
from psa.simulator.testing import SimClient

# ../shared next to the repository (absent on machines that only have the repository).
SHARED = Path(settings.BASE_DIR).parent / "shared" / "connectwise"

# The route that serves each collection of a tenant file.
SERVED_BY = {
    "companies": "/company/companies",
    "contacts": "/company/contacts",
    "members": "/system/members",
    "boards": "/service/boards",
    "boardStatuses": "/service/boards/{id}/statuses",
    "boardTypes": "/service/boards/{id}/types",
    "priorities": "/service/priorities",
    "scheduleTypes": "/schedule/types",
    "configurations": "/company/configurations",
    "tickets": "/service/tickets",
    "ticketNotes": "/service/tickets/{id}/notes",
    "scheduleEntries": "/schedule/entries",
}


def _paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every field path of a record; ``_info`` and array items are not described by the schema."""
    if not isinstance(value, dict):
        return
    for key, child in value.items():
        path = f"{prefix}/{key}" if prefix else key
        yield path
        if key != "_info" and isinstance(child, dict):
            yield from _paths(child, path)


def unknown_paths(record: dict[str, Any], schema: RouteSchema) -> set[str]:
    """Paths the schema does not list in exactly this spelling."""
    return {p for p in _paths(record) if schema.resolve(p) != p}


def _schema(pattern: str) -> RouteSchema:
    schema = schema_for(pattern)
    assert schema is not None, pattern
    return schema


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/connectwise is not next to the repo")
def test_the_schema_copy_is_the_shared_schema():
    assert json.loads(SCHEMA_FILE.read_text()) == json.loads((SHARED / "schema.json").read_text())


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/connectwise is not next to the repo")
def test_the_baysideit_tenant_is_the_shared_tenant():
    ours = json.loads(TENANTS["baysideit"].data_file.read_text(encoding="utf-8"))
    shared = json.loads((SHARED / "tenant.json").read_text(encoding="utf-8"))
    assert ours == shared


def test_every_route_but_system_info_has_a_schema():
    # A new route needs its entity in the shared schema.json, or every field it names is refused.
    missing = {route.pattern for route in ROUTES if schema_for(route.pattern) is None}
    assert missing == {"/system/info"}


@pytest.mark.parametrize("tenant", sorted(TENANTS))
def test_every_stored_record_has_only_fields_connectwise_defines(tenant):
    store = TenantStore(TENANTS[tenant])
    unknown = {
        collection: sorted(set().union(*(unknown_paths(r, _schema(route)) for r in records)))
        for collection, route in SERVED_BY.items()
        if (records := store.records(collection))
    }
    assert {c: paths for c, paths in unknown.items() if paths} == {}


def test_records_the_writes_make_have_only_fields_connectwise_defines():
    sim = SimClient(SimulatorApp())
    tickets, entries = _schema("/service/tickets"), _schema("/schedule/entries")
    contact = sim.get("/company/contacts", params={"conditions": "company/id = 250"}).json[0]
    created = sim.post(
        "/service/tickets",
        json={
            "summary": "Printer jams",
            "company": {"id": 250},
            "board": {"id": 1},
            "contact": {"id": contact["id"]},
            "owner": {"identifier": "jsmith"},
            "initialDescription": "It jams.",
            "initialInternalAnalysis": "Rollers.",
        },
    )
    assert created.status == 201, created.json
    ticket_id = created.json["id"]
    assert unknown_paths(created.json, tickets) == set()
    note = sim.post(
        f"/service/tickets/{ticket_id}/notes",
        json={"text": "Ordered rollers", "internalAnalysisFlag": True, "member": {"id": 17}},
    )
    assert unknown_paths(note.json, _schema("/service/tickets/{id}/notes")) == set()
    for stored in sim.get(f"/service/tickets/{ticket_id}/notes").json:
        assert unknown_paths(stored, _schema("/service/tickets/{id}/notes")) == set()
    entry = sim.post(
        "/schedule/entries",
        json={"objectId": ticket_id, "type": {"identifier": "S"}, "member": {"id": 17}},
    )
    assert unknown_paths(entry.json, entries) == set()
    patched_entry = sim.patch(
        f"/schedule/entries/{entry.json['id']}",
        json=[{"op": "replace", "path": "doneFlag", "value": True}],
    )
    assert unknown_paths(patched_entry.json, entries) == set()
    patched = sim.patch(
        f"/service/tickets/{ticket_id}",
        json=[{"op": "replace", "path": "closedFlag", "value": True}],
    )
    assert unknown_paths(patched.json, tickets) == set()
    config = sim.post(f"/service/tickets/{ticket_id}/configurations", json={"id": 5001})
    refs = _schema("/service/tickets/{id}/configurations")
    assert unknown_paths(config.json, refs) == set()
