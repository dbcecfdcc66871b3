"""The simulator refuses every field name ConnectWise's models lack (one test per rule).

The rules and their sources are listed in ``psa/simulator/schema.py``.
"""

from __future__ import annotations

import pytest

from psa.simulator.app import SimulatorApp
from psa.simulator.testing import SimClient


@pytest.fixture
def sim():
    return SimClient(SimulatorApp())


def refused(resp, parameter: str) -> dict:
    """The ConnectWise-shaped 400 body of a refused request, naming ``parameter``."""
    assert resp.status == 400, resp.json
    body = resp.json
    assert set(body) == {"code", "message", "errors"}
    assert body["errors"][0]["field"] == parameter
    assert set(body["errors"][0]) == {"code", "message", "resource", "field"}
    return body


# --- fields= -------------------------------------------------------------------------------------


def test_an_unknown_name_in_fields_is_refused_on_lists_and_single_records(sim):
    for path in ("/service/tickets", "/service/tickets/1000"):
        body = refused(sim.get(path, params={"fields": "id,summary,nosuchfield"}), "fields")
        assert "nosuchfield" in body["message"]
    assert sim.get("/service/tickets", params={"fields": "id,summary,board/name"}).status == 200


def test_a_member_name_in_fields_is_refused(sim):
    body = refused(sim.get("/system/members", params={"fields": "id,identifier,name"}), "fields")
    assert body["errors"][0]["resource"] == "member"
    rows = sim.get("/system/members", params={"fields": "id,identifier,firstName,lastName"})
    assert rows.status == 200 and rows.json[0].keys() == {
        "id",
        "identifier",
        "firstName",
        "lastName",
    }


def test_members_have_no_name_in_either_tenant(sim):
    for tenant in ("baysideit", "northshore"):
        members = sim.as_tenant(tenant).get("/system/members", params={"pageSize": 1000}).json
        assert members and all("name" not in m and m["firstName"] for m in members)


def test_a_star_in_fields_is_refused(sim):
    refused(sim.get("/service/boards", params={"fields": "*"}), "fields")


def test_any_info_sub_path_is_known_because_info_is_free_form(sim):
    resp = sim.get("/service/tickets/1000", params={"fields": "id,_info/dateEntered"})
    assert resp.status == 200 and resp.json["_info"].keys() == {"dateEntered"}


# --- conditions / childConditions / customFieldConditions -----------------------------------------


def test_an_unknown_name_in_conditions_is_refused_on_lists_and_counts(sim):
    for path in ("/system/members", "/system/members/count"):
        body = refused(sim.get(path, params={"conditions": 'name = "Jordan Smith"'}), "conditions")
        assert "'name'" in body["message"]


def test_a_condition_on_a_whole_reference_is_refused(sim):
    refused(sim.get("/service/tickets", params={"conditions": "board = 1"}), "conditions")
    assert sim.get("/service/tickets", params={"conditions": "board/id = 1"}).status == 200


def test_an_unknown_name_in_child_conditions_is_refused(sim):
    params = {"childConditions": 'communicationItems/nosuch = "x"'}
    refused(sim.get("/company/contacts", params=params), "childConditions")


def test_child_conditions_on_a_plain_field_are_refused(sim):
    params = {"childConditions": 'firstName = "Ana"'}
    refused(sim.get("/company/contacts", params=params), "childConditions")


def test_custom_field_conditions_are_refused_rather_than_ignored(sim):
    params = {"customFieldConditions": 'caption = "Site" AND value = "x"'}
    refused(sim.get("/service/tickets", params=params), "customFieldConditions")


# --- orderBy -------------------------------------------------------------------------------------


def test_an_unknown_name_in_order_by_is_refused(sim):
    for path in ("/system/members", "/system/members/count"):
        refused(sim.get(path, params={"orderBy": "name asc"}), "orderBy")
    assert sim.get("/system/members", params={"orderBy": "lastName asc, id"}).status == 200


def test_order_by_a_whole_reference_is_refused(sim):
    refused(sim.get("/service/tickets", params={"orderBy": "priority asc"}), "orderBy")
    assert sim.get("/service/tickets", params={"orderBy": "priority/sort asc"}).status == 200


# --- POST and PATCH bodies -----------------------------------------------------------------------


def _count(sim, path):
    return sim.get(f"{path}/count").json["count"]


def test_a_post_naming_an_unknown_field_is_refused_and_creates_nothing(sim):
    before = _count(sim, "/service/tickets")
    body = {"summary": "x", "company": {"id": 250}, "board": {"id": 1}, "colour": "red"}
    resp = refused(sim.post("/service/tickets", json=body), "colour")
    assert resp["code"] == "InvalidObject"
    assert _count(sim, "/service/tickets") == before


def test_a_post_naming_an_unknown_field_of_a_reference_is_refused(sim):
    body = {"summary": "x", "company": {"id": 250}, "board": {"id": 1, "colour": "red"}}
    refused(sim.post("/service/tickets", json=body), "board/colour")


def test_note_and_schedule_entry_posts_naming_unknown_fields_are_refused(sim):
    note = {"text": "hi", "detailDescriptionFlag": True, "author": "me"}
    refused(sim.post("/service/tickets/1000/notes", json=note), "author")
    entry = {"objectId": 1000, "type": {"identifier": "S"}, "member": {"id": 17}, "urgent": True}
    refused(sim.post("/schedule/entries", json=entry), "urgent")


def test_a_patch_with_an_unknown_path_is_refused(sim):
    before = sim.get("/service/tickets/1000").json
    ops = [{"op": "replace", "path": "summary", "value": "changed"}]
    ops.append({"op": "replace", "path": "colour", "value": "red"})
    refused(sim.patch("/service/tickets/1000", json=ops), "colour")
    assert sim.get("/service/tickets/1000").json == before  # nothing of it applied
    ops = [{"op": "replace", "path": "status/colour", "value": "red"}]
    refused(sim.patch("/service/tickets/1000", json=ops), "status/colour")
    entry = sim.get("/schedule/entries", params={"pageSize": 1}).json[0]
    ops = [{"op": "replace", "path": "colour", "value": 1}]
    refused(sim.patch(f"/schedule/entries/{entry['id']}", json=ops), "colour")


# --- ticket configurations are references --------------------------------------------------------


def _ticket_with_configurations(sim) -> int:
    for ticket in sim.get("/service/tickets", params={"pageSize": 50, "fields": "id"}).json:
        if sim.get(f"/service/tickets/{ticket['id']}/configurations").json:
            return ticket["id"]
    raise AssertionError("no ticket with configurations in the first 50")


def test_ticket_configurations_are_references_not_whole_configurations(sim):
    ticket_id = _ticket_with_configurations(sim)
    refs = sim.get(f"/service/tickets/{ticket_id}/configurations").json
    assert all(ref.keys() == {"id", "deviceIdentifier"} for ref in refs)
    one = sim.get(f"/service/tickets/{ticket_id}/configurations/{refs[0]['id']}").json
    assert one == refs[0]
    resp = sim.get(f"/service/tickets/{ticket_id}/configurations", params={"fields": "id,name"})
    refused(resp, "fields")
    # The details live in /company/configurations, found by the references' ids.
    ids = ", ".join(str(ref["id"]) for ref in refs)
    details = sim.get("/company/configurations", params={"conditions": f"id in ({ids})"}).json
    assert [d["id"] for d in details] == [ref["id"] for ref in refs]
    assert all("serialNumber" in d and "type" in d for d in details)


def test_attaching_a_configuration_answers_a_reference(sim):
    config = sim.get("/company/configurations", params={"pageSize": 1}).json[0]
    resp = sim.post("/service/tickets/1000/configurations", json={"id": config["id"]})
    assert resp.status == 201
    assert resp.json == {"id": config["id"], "deviceIdentifier": config["deviceIdentifier"]}
