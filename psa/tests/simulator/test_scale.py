"""`cwsim --tickets N`: a bigger tenant of the same shape, answered from indexes, never wrongly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from psa.simulator.conditions import compile_predicate, parse
from psa.simulator.data.scaled import BASE_FILE, scaled_tenant
from psa.simulator.testing import SimClient


def _paths(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}/{key}" if prefix else key
            yield path
            yield from _paths(child, path)
    elif isinstance(value, list):
        for item in value:
            yield from _paths(item, prefix)


@pytest.fixture(scope="module")
def tenant() -> dict[str, Any]:
    return scaled_tenant(tickets=3000, companies=120, members=60)


def test_sizes_grow_and_the_open_queue_does_not(tenant) -> None:
    base = json.loads(BASE_FILE.read_bytes())
    base_open = sum(1 for t in base["tickets"] if not t["closedFlag"])
    assert len(tenant["tickets"]) == 3000
    assert len(tenant["companies"]) == 120
    assert len(tenant["members"]) == 60
    assert sum(1 for t in tenant["tickets"] if not t["closedFlag"]) == base_open
    assert len(tenant["ticketNotes"]) > len(base["ticketNotes"])


def test_every_record_has_only_fields_the_shipped_tenant_has(tenant) -> None:
    base = json.loads(BASE_FILE.read_bytes())
    for collection in ("tickets", "companies", "contacts", "members", "configurations"):
        known = {p for record in base[collection] for p in _paths(record)}
        seen = {p for record in tenant[collection] for p in _paths(record)}
        assert seen <= known, (collection, seen - known)
    for collection in ("ticketNotes", "scheduleEntries"):
        known = {p for record in base[collection] for p in _paths(record)}
        assert {p for r in tenant[collection] for p in _paths(r)} <= known


def test_ids_are_unique_and_references_resolve(tenant) -> None:
    for collection in ("tickets", "companies", "contacts", "members", "ticketNotes"):
        ids = [r["id"] for r in tenant[collection]]
        assert len(ids) == len(set(ids)), collection
    tickets = {t["id"] for t in tenant["tickets"]}
    companies = {c["id"] for c in tenant["companies"]}
    contact_company = {c["id"]: c["company"]["id"] for c in tenant["contacts"]}
    for ticket in tenant["tickets"]:
        assert ticket["company"]["id"] in companies
        if "contact" in ticket:
            assert contact_company[ticket["contact"]["id"]] == ticket["company"]["id"]
    assert all(n["ticketId"] in tickets for n in tenant["ticketNotes"])
    assert all(e["objectId"] in tickets for e in tenant["scheduleEntries"])
    identifiers = [m["identifier"] for m in tenant["members"]]
    assert len(identifiers) == len(set(identifiers))
    assert {"jsmith", "mlee"} <= set(identifiers)  # the demo logins keep their mappings


def test_generation_is_deterministic() -> None:
    assert scaled_tenant(tickets=400, companies=40) == scaled_tenant(tickets=400, companies=40)


# --- indexes ---------------------------------------------------------------------------------


@pytest.fixture
def sim() -> SimClient:
    return SimClient()  # a fresh app: the tests write


CONDITIONS = [
    "closedFlag = false",
    "board/id = 1 AND closedFlag = false",
    'closedFlag = false AND board/id = 2 AND summary contains "printer"',
    "board/id = 1 OR closedFlag = false",
    "parentTicketId = 1003",
    "company/id = 250 AND closedFlag = true",
    "closedFlag = 0",
    "id in (1000, 1002, 99999)",
    "id = 1001 AND closedFlag = true",
    "id in (1003, 1004) OR board/id = 3",
]


@pytest.mark.parametrize("conditions", CONDITIONS)
def test_indexed_lists_answer_as_a_full_scan_does(sim, conditions) -> None:
    store = sim.app.registry.store("baysideit")
    keep = compile_predicate(parse(conditions))
    expected = [t["id"] for t in store.records("tickets") if keep(t)]

    resp = sim.get("/service/tickets", params={"conditions": conditions, "pageSize": 1000})
    count = sim.get("/service/tickets/count", params={"conditions": conditions})

    assert [t["id"] for t in resp.json] == expected
    assert count.json["count"] == len(expected)


def _open_ids(sim: SimClient, board: int) -> set[int]:
    resp = sim.get(
        "/service/tickets",
        params={"conditions": f"board/id = {board} AND closedFlag = false", "pageSize": 1000},
    )
    return {t["id"] for t in resp.json}


def test_indexes_follow_writes(sim) -> None:
    before = _open_ids(sim, 1)  # builds the indexes
    created = sim.post(
        "/service/tickets", {"summary": "Index me", "company": {"id": 250}, "board": {"id": 1}}
    ).json
    assert _open_ids(sim, 1) == before | {created["id"]}

    closing = sim.patch(
        f"/service/tickets/{created['id']}",
        [{"op": "replace", "path": "status", "value": {"id": 107}}],
    )
    assert closing.status == 200 and closing.json["closedFlag"] is True
    assert _open_ids(sim, 1) == before

    note = sim.post(
        f"/service/tickets/{created['id']}/notes",
        {"text": "Indexed note", "detailDescriptionFlag": True},
    )
    assert note.status == 201
    notes = sim.get(f"/service/tickets/{created['id']}/notes").json
    assert "Indexed note" in [n["text"] for n in notes]

    assert sim.delete(f"/service/tickets/{created['id']}").status == 204
    assert _open_ids(sim, 1) == before
    assert sim.get(f"/service/tickets/{created['id']}/notes").status == 404


def test_ticket_configurations_follow_attach_and_detach(sim) -> None:
    ticket = sim.post("/service/tickets", {"summary": "Devices", "company": {"id": 250}}).json
    path = f"/service/tickets/{ticket['id']}/configurations"
    assert sim.get(path).json == []  # builds the index

    assert sim.post(path, {"id": 5001}).status == 201
    assert [c["id"] for c in sim.get(path).json] == [5001]
    assert sim.delete(f"{path}/5001").status == 204
    assert sim.get(path).json == []


# --- the command -----------------------------------------------------------------------------


def test_cwsim_tickets_serves_the_grown_tenant_with_the_demo_keys(monkeypatch, capsys) -> None:
    from django.core.management import call_command

    from psa.simulator.server import ThreadingWSGIServer

    seen: dict[str, Any] = {}

    def fake_serve(self, poll_interval=0.5):
        store = self.get_app().registry.store("baysideit")
        seen["tickets"] = len(store.records("tickets"))
        seen["companies"] = len(store.records("companies"))
        seen["members"] = len(store.records("members"))
        seen["keys"] = (store.config.public_key, store.config.private_key)
        raise KeyboardInterrupt

    monkeypatch.setattr(ThreadingWSGIServer, "serve_forever", fake_serve)
    call_command(
        "cwsim", "--port", "0", "--tickets", "2500", "--companies", "60", "--members", "30"
    )

    assert seen == {
        "tickets": 2500,
        "companies": 60,
        "members": 30,
        "keys": ("rfdemo-public", "rfdemo-private"),
    }
    assert "Generated baysideit: 2500 tickets" in capsys.readouterr().out


def test_cwsim_refuses_a_size_below_one(capsys) -> None:
    from django.core.management import call_command

    with pytest.raises(SystemExit) as info:
        call_command("cwsim", "--port", "0", "--tickets", "0")
    assert info.value.code == 2
    assert "--tickets" in capsys.readouterr().err
