"""The simulator's allNotes (notes + time entries) and its schedule-type reference check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psa.simulator.all_notes import TIME_ENTRY_ID_BASE
from psa.simulator.testing import SimClient

SCHEMA = Path(__file__).resolve().parents[3].parent / "shared" / "connectwise" / "schema.json"


@pytest.fixture
def sim():
    return SimClient()


def _ticket_note_fields() -> set[str]:
    if not SCHEMA.exists():  # pragma: no cover - the shared folder sits next to the repository
        pytest.skip(f"{SCHEMA} is not there")
    fields = json.loads(SCHEMA.read_text())["entities"]["/service/tickets/{id}/allNotes"]
    return {path.split("/")[0] for path in fields["fields"]}


def test_all_notes_has_the_notes_and_the_time_entries_of_a_ticket(sim):
    notes = sim.get("/service/tickets/1000/notes").json
    everything = sim.get("/service/tickets/1000/allNotes").json
    assert {n["id"] for n in notes} < {n["id"] for n in everything}
    (entry,) = [n for n in everything if n["id"] >= TIME_ENTRY_ID_BASE]
    assert entry["_info"]["noteType"] == "TimeEntryNote"
    assert entry["_info"]["timeStart"] < entry["_info"]["timeEnd"]
    assert entry["member"]["identifier"] and entry["text"]


def test_all_notes_records_name_only_fields_of_the_ticket_note_model(sim):
    allowed = _ticket_note_fields()
    records = sim.get("/service/tickets/1000/allNotes").json
    assert records
    for record in records:
        assert set(record) <= allowed, set(record) - allowed


def test_time_entries_are_deterministic_and_only_on_some_tickets(sim):
    first = sim.get("/service/tickets/1000/allNotes").json
    again = SimClient().get("/service/tickets/1000/allNotes").json
    assert first == again
    without = sim.get("/service/tickets/1001/allNotes").json
    assert all(n["id"] < TIME_ENTRY_ID_BASE for n in without)


def test_a_posted_note_goes_to_notes_and_shows_in_all_notes(sim):
    posted = sim.post(
        "/service/tickets/1000/notes", {"text": "Rebooted", "detailDescriptionFlag": True}
    ).json
    ids = [n["id"] for n in sim.get("/service/tickets/1000/allNotes").json]
    assert posted["id"] in ids


def test_all_notes_of_a_missing_ticket_is_404(sim):
    assert sim.get("/service/tickets/99999999/allNotes").status == 404


def test_all_notes_pages_and_orders(sim):
    page = sim.get("/service/tickets/1000/allNotes", params={"orderBy": "id desc", "pageSize": "1"})
    assert page.status == 200 and len(page.json) == 1
    assert page.json[0]["id"] >= TIME_ENTRY_ID_BASE
    assert 'rel="next"' in (page.header("Link") or "")


# --- schedule entries: the type reference must agree with itself --------------------------------


def _entry(sim, type_ref):
    return sim.post("/schedule/entries", {"objectId": 1000, "type": type_ref, "member": {"id": 17}})


def test_a_type_id_and_identifier_that_name_different_types_are_refused(sim):
    types = {t["identifier"]: t["id"] for t in sim.get("/schedule/types").json}
    refused = _entry(sim, {"id": types["C"], "identifier": "S"})
    assert refused.status == 400
    assert [e["field"] for e in refused.json["errors"]] == ["type"]


@pytest.mark.parametrize("shape", ["both", "id", "identifier"])
def test_a_consistent_type_reference_is_accepted(sim, shape):
    service_id = next(t["id"] for t in sim.get("/schedule/types").json if t["identifier"] == "S")
    ref = {"both": {"id": service_id, "identifier": "S"}, "id": {"id": service_id}}.get(
        shape, {"identifier": "S"}
    )
    created = _entry(sim, ref)
    assert created.status == 201, created.json
    assert created.json["type"] == {"id": service_id, "identifier": "S"}
