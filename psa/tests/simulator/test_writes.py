"""Writes behave like ConnectWise: validation bodies, defaults, closing, notes, resources."""

from __future__ import annotations

import pytest

from psa.simulator.testing import SimClient


@pytest.fixture
def sim():
    return SimClient()  # a fresh app: every test may write


def new_ticket(sim, **extra):
    body = {"summary": "Scanner will not send to email", "company": {"id": 250}, **extra}
    resp = sim.post("/service/tickets", body)
    assert resp.status == 201, resp.json
    return resp.json


# --- POST /service/tickets -----------------------------------------------------------------------


def test_missing_summary_and_company_give_connectwise_validation_errors(sim):
    resp = sim.post("/service/tickets", {"initialDescription": "no summary"})
    assert resp.status == 400
    body = resp.json
    assert body["code"] == "InvalidObject"
    assert body["message"] == "ticket object is invalid"
    by_field = {e["field"]: e for e in body["errors"]}
    assert by_field["summary"] == {
        "code": "MissingRequiredField",
        "message": "The summary field is required.",
        "resource": "ticket",
        "field": "summary",
    }
    assert by_field["company"]["code"] == "MissingRequiredField"


def test_summary_over_100_characters_is_rejected(sim):
    resp = sim.post("/service/tickets", {"summary": "x" * 101, "company": {"id": 250}})
    assert resp.status == 400
    (error,) = resp.json["errors"]
    assert error["field"] == "summary" and "100" in error["message"]
    assert (
        sim.post("/service/tickets", {"summary": "x" * 100, "company": {"id": 250}}).status == 201
    )


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"company": {"id": 9999}}, "company"),
        ({"company": {"identifier": "NoSuchCo"}}, "company"),
        ({"board": {"id": 99}}, "board"),
        ({"priority": {"id": 99}}, "priority"),
        ({"status": {"id": 9999}}, "status"),
        ({"type": {"id": 9999}}, "type"),
        ({"contact": {"id": 99999}}, "contact"),
        ({"owner": {"id": 99999}}, "owner"),
        ({"owner": {"identifier": "pwalsh"}}, "owner"),  # inactive member
        ({"contact": {"id": 1020}}, "contact"),  # a contact of another company
    ],
)
def test_references_must_exist(sim, extra, field):
    resp = sim.post("/service/tickets", {"summary": "Broken", "company": {"id": 250}, **extra})
    assert resp.status == 400
    assert [e["field"] for e in resp.json["errors"]] == [field]
    assert resp.json["errors"][0]["resource"] == "ticket"


def test_a_status_must_belong_to_the_tickets_board(sim):
    resp = sim.post(
        "/service/tickets",
        {"summary": "Broken", "company": {"id": 250}, "board": {"id": 1}, "status": {"id": 108}},
    )
    assert resp.status == 400
    (error,) = resp.json["errors"]
    assert error["field"] == "status" and "does not belong to board" in error["message"]
    ok = sim.post(
        "/service/tickets",
        {"summary": "Broken", "company": {"id": 250}, "board": {"id": 2}, "status": {"id": 108}},
    )
    assert ok.status == 201 and ok.json["status"]["id"] == 108


def test_post_applies_connectwise_defaults(sim):
    ticket = new_ticket(sim, company={"identifier": "acmecorp"})
    assert ticket["id"] == 2200
    assert ticket["company"] == {"id": 250, "identifier": "AcmeCorp", "name": "Acme Corp"}
    assert ticket["board"] == {"id": 1, "name": "Service Desk"}  # the API member's default board
    assert ticket["status"] == {"id": 100, "name": "New", "Sort": 0}  # the board's default status
    assert ticket["priority"]["id"] == 4 and ticket["priority"]["sort"] == 6  # the default priority
    assert ticket["recordType"] == "ServiceTicket"
    assert ticket["resources"] == ""
    assert ticket["closedFlag"] is False
    assert ticket["slaStatus"].startswith("Respond by")
    assert ticket["_info"]["enteredBy"] == "rfapi"
    assert ticket["_info"]["dateEntered"] == ticket["_info"]["lastUpdated"]
    assert sim.get(f"/service/tickets/{ticket['id']}").json == ticket
    assert sim.get("/service/tickets/count").json == {"count": 1201}


def test_initial_description_and_analysis_become_notes(sim):
    ticket = new_ticket(
        sim,
        contact={"id": 1001},
        initialDescription="It says PC LOAD LETTER",
        initialInternalAnalysis="Toner?",
    )
    assert ticket["contact"] == {"id": 1001, "name": "Ivy Dubois"}
    assert ticket["contactEmailAddress"] == "ivy.dubois@acme.example"
    notes = sim.get(f"/service/tickets/{ticket['id']}/notes", params={"orderBy": "id asc"}).json
    assert [(n["text"], n["detailDescriptionFlag"], n["internalAnalysisFlag"]) for n in notes] == [
        ("It says PC LOAD LETTER", True, False),
        ("Toner?", False, True),
    ]
    assert notes[0]["contact"]["id"] == 1001
    assert notes[1]["member"]["identifier"] == "rfapi" and notes[1]["internalFlag"] is True


def test_utf8_text_round_trips_intact(sim):
    summary = "Ünterberg: naïve café — 北岸 ✓ \U0001f5a8"
    ticket = new_ticket(sim, company={"id": 257}, initialDescription="Zoë says «ça marche pas» 🙂")
    patched = sim.patch(
        f"/service/tickets/{ticket['id']}", [{"op": "replace", "path": "summary", "value": summary}]
    )
    assert patched.json["summary"] == summary
    assert sim.get(f"/service/tickets/{ticket['id']}").json["summary"] == summary
    assert (
        sim.get(f"/service/tickets/{ticket['id']}/notes").json[0]["text"]
        == "Zoë says «ça marche pas» 🙂"
    )
    assert ticket["company"]["name"] == "Ünterberg Logistik GmbH"
    found = sim.get("/service/tickets", params={"conditions": 'summary contains "北岸"'}).json
    assert [t["id"] for t in found] == [ticket["id"]]


def test_bad_json_is_400(sim):
    resp = sim.post("/service/tickets", data=b"{not json")
    assert resp.status == 400 and resp.json["code"] == "BadRequest"
    assert sim.post("/service/tickets", data=b"").status == 400


# --- PATCH /service/tickets/{id} -----------------------------------------------------------------


def test_patch_status_with_or_without_a_leading_slash(sim):
    ticket = new_ticket(sim)
    resp = sim.patch(
        f"/service/tickets/{ticket['id']}",
        [{"op": "replace", "path": "status", "value": {"id": 102}}],
    )
    assert resp.status == 200 and resp.json["status"]["name"] == "In Progress"
    resp = sim.patch(
        f"/service/tickets/{ticket['id']}",
        [{"op": "replace", "path": "/status", "value": {"id": 101}}],
    )
    assert resp.json["status"]["name"] == "Assigned"


def test_patch_to_a_status_of_another_board_is_400_and_changes_nothing(sim):
    ticket = new_ticket(sim)
    resp = sim.patch(
        f"/service/tickets/{ticket['id']}",
        [{"op": "replace", "path": "status", "value": {"id": 115}}],
    )
    assert resp.status == 400
    assert resp.json["code"] == "InvalidObject"
    assert resp.json["errors"][0]["field"] == "status"
    assert sim.get(f"/service/tickets/{ticket['id']}").json["status"]["id"] == 100


def test_closing_sets_and_reopening_clears_the_closed_fields(sim):
    ticket = new_ticket(sim)
    closed = sim.patch(
        f"/service/tickets/{ticket['id']}",
        [{"op": "replace", "path": "status", "value": {"id": 107}}],
    ).json
    assert closed["closedFlag"] is True
    assert closed["closedBy"] == "rfapi"
    assert closed["closedDate"] >= ticket["_info"]["dateEntered"]
    assert closed["_info"]["lastUpdated"] >= ticket["_info"]["lastUpdated"]
    assert sim.get(
        "/service/tickets/count",
        params={"conditions": f"id = {ticket['id']} AND closedFlag = true"},
    ).json == {"count": 1}
    reopened = sim.patch(
        f"/service/tickets/{ticket['id']}",
        [{"op": "replace", "path": "status", "value": {"id": 102}}],
    ).json
    assert reopened["closedFlag"] is False
    assert "closedDate" not in reopened and "closedBy" not in reopened


def test_patch_board_moves_to_the_new_boards_default_status(sim):
    ticket = new_ticket(sim)
    moved = sim.patch(
        f"/service/tickets/{ticket['id']}", [{"op": "replace", "path": "board", "value": {"id": 2}}]
    ).json
    assert moved["board"]["id"] == 2 and moved["status"]["id"] == 108


def test_patch_validation(sim):
    ticket = new_ticket(sim)
    path = f"/service/tickets/{ticket['id']}"
    assert sim.patch(path, {"op": "replace"}).status == 400  # not an array
    assert sim.patch(path, [{"op": "move", "path": "summary", "value": "x"}]).status == 400
    unknown = sim.patch(path, [{"op": "replace", "path": "nosuchfield", "value": 1}])
    assert unknown.status == 400 and unknown.json["errors"][0]["field"] == "nosuchfield"
    read_only = sim.patch(path, [{"op": "replace", "path": "resources", "value": "jsmith"}])
    assert read_only.status == 400 and read_only.json["errors"][0]["field"] == "resources"
    too_long = sim.patch(path, [{"op": "replace", "path": "summary", "value": "y" * 101}])
    assert too_long.status == 400
    assert (
        sim.patch(
            "/service/tickets/999999", [{"op": "replace", "path": "summary", "value": "x"}]
        ).status
        == 404
    )


def test_patch_owner_and_priority(sim):
    ticket = new_ticket(sim)
    path = f"/service/tickets/{ticket['id']}"
    resp = sim.patch(
        path,
        [
            {"op": "replace", "path": "owner", "value": {"identifier": "mlee"}},
            {"op": "replace", "path": "priority", "value": {"id": 8}},
        ],
    )
    assert resp.json["owner"] == {"id": 18, "identifier": "mlee", "name": "Morgan Lee"}
    assert resp.json["priority"]["sort"] == 1
    cleared = sim.patch(path, [{"op": "remove", "path": "owner"}]).json
    assert "owner" not in cleared


def test_delete_ticket(sim):
    ticket = new_ticket(sim, initialDescription="gone soon")
    assert sim.delete(f"/service/tickets/{ticket['id']}").status == 204
    assert sim.get(f"/service/tickets/{ticket['id']}").status == 404
    assert sim.delete(f"/service/tickets/{ticket['id']}").status == 404


# --- notes ---------------------------------------------------------------------------------------


def test_note_with_a_member_is_attributed_to_that_member(sim):
    resp = sim.post(
        "/service/tickets/1000/notes",
        {"text": "Replaced the toner.", "resolutionFlag": True, "member": {"id": 17}},
    )
    assert resp.status == 201
    note = resp.json
    assert note["member"] == {"id": 17, "identifier": "jsmith", "name": "Jordan Smith"}
    assert note["createdBy"] == "jsmith"
    assert note["resolutionFlag"] is True and note["detailDescriptionFlag"] is False
    assert note["ticketId"] == 1000 and note["dateCreated"]
    assert sim.get(f"/service/tickets/1000/notes/{note['id']}").json == note


def test_note_without_a_member_is_the_api_member(sim):
    note = sim.post(
        "/service/tickets/1000/notes", {"text": "Internal: check DNS", "internalAnalysisFlag": True}
    ).json
    assert note["member"]["identifier"] == "rfapi"
    assert note["internalFlag"] is True


def test_note_validation(sim):
    resp = sim.post("/service/tickets/1000/notes", {"text": "", "detailDescriptionFlag": True})
    assert resp.status == 400
    assert resp.json["errors"][0] == {
        "code": "MissingRequiredField",
        "message": "The text field is required.",
        "resource": "serviceNote",
        "field": "text",
    }
    no_flag = sim.post("/service/tickets/1000/notes", {"text": "hello"})
    assert no_flag.status == 400
    bad_member = sim.post(
        "/service/tickets/1000/notes",
        {"text": "hi", "detailDescriptionFlag": True, "member": {"id": 99999}},
    )
    assert bad_member.status == 400 and bad_member.json["errors"][0]["field"] == "member"
    assert (
        sim.post(
            "/service/tickets/999999/notes", {"text": "x", "detailDescriptionFlag": True}
        ).status
        == 404
    )


# --- ticket configurations -----------------------------------------------------------------------


def test_attach_and_detach_a_configuration(sim):
    resp = sim.post("/service/tickets/1000/configurations", {"id": 5001})
    assert resp.status == 201 and resp.json["id"] == 5001
    assert 5001 in [c["id"] for c in sim.get("/service/tickets/1000/configurations").json]
    assert sim.delete("/service/tickets/1000/configurations/5001").status == 204
    assert 5001 not in [c["id"] for c in sim.get("/service/tickets/1000/configurations").json]
    assert sim.delete("/service/tickets/1000/configurations/5001").status == 404


def test_attaching_without_an_id_is_the_documented_connectwise_error(sim):
    resp = sim.post("/service/tickets/1000/configurations", {})
    assert resp.status == 400
    assert resp.json == {
        "code": "InvalidObject",
        "message": "configuration object is invalid",
        "errors": [
            {
                "code": "MissingRequiredField",
                "message": "id or deviceIdentifier is required.",
                "resource": "configuration",
                "field": "id",
            }
        ],
    }


# --- schedule entries -> resources ---------------------------------------------------------------


def add_resource(sim, ticket_id, member):
    return sim.post(
        "/schedule/entries", {"objectId": ticket_id, "type": {"identifier": "S"}, "member": member}
    )


def test_service_entries_decide_the_resources_string(sim):
    ticket = new_ticket(sim)
    first = add_resource(sim, ticket["id"], {"id": 17})
    assert first.status == 201
    assert (
        first.json["member"]["identifier"] == "jsmith" and first.json["type"]["identifier"] == "S"
    )
    second = add_resource(sim, ticket["id"], {"id": 30}).json  # jsmithson: jsmith is its prefix
    assert sim.get(f"/service/tickets/{ticket['id']}").json["resources"] == "jsmith, jsmithson"

    listed = sim.get(
        "/schedule/entries",
        params={
            "conditions": f'type/identifier="S" AND objectId={ticket["id"]} AND doneFlag=false'
        },
    ).json
    assert [e["member"]["identifier"] for e in listed] == ["jsmith", "jsmithson"]

    done = sim.patch(
        f"/schedule/entries/{first.json['id']}",
        [{"op": "replace", "path": "doneFlag", "value": True}],
    )
    assert done.status == 200 and done.json["doneFlag"] is True
    assert sim.get(f"/service/tickets/{ticket['id']}").json["resources"] == "jsmithson"

    assert sim.delete(f"/schedule/entries/{second['id']}").status == 204
    assert sim.get(f"/service/tickets/{ticket['id']}").json["resources"] == ""
    assert sim.get(
        "/schedule/entries/count", params={"conditions": f"objectId={ticket['id']}"}
    ).json == {"count": 1}


def test_schedule_entry_validation(sim):
    missing = sim.post("/schedule/entries", {})
    assert missing.status == 400
    assert {e["field"] for e in missing.json["errors"]} == {"objectId", "member", "type"}
    assert missing.json["message"] == "scheduleEntry object is invalid"
    assert add_resource(sim, 999999, {"id": 17}).json["errors"][0]["field"] == "objectId"
    assert add_resource(sim, 1000, {"id": 99999}).json["errors"][0]["field"] == "member"
    inactive = add_resource(sim, 1000, {"identifier": "pwalsh"})
    assert inactive.status == 400 and "inactive" in inactive.json["errors"][0]["message"]
    assert sim.delete("/schedule/entries/99999999").status == 404


def test_writes_in_one_tenant_do_not_touch_the_other(sim):
    new_ticket(sim)
    northshore = sim.as_tenant("northshore")
    assert northshore.get("/service/tickets/count").json == {"count": 150}
    assert northshore.get("/service/tickets/2200").status == 404


def test_patch_accepts_a_reference_sub_path(sim):
    ticket = new_ticket(sim)
    resp = sim.patch(
        f"/service/tickets/{ticket['id']}", [{"op": "replace", "path": "status/id", "value": 106}]
    )
    assert resp.status == 200
    assert resp.json["status"]["name"] == "Resolved" and resp.json["closedFlag"] is True


def test_patch_closed_flag_moves_to_a_closed_status_of_the_board(sim):
    ticket = new_ticket(sim)
    closed = sim.patch(
        f"/service/tickets/{ticket['id']}", [{"op": "replace", "path": "closedFlag", "value": True}]
    ).json
    assert closed["status"]["name"] == "Closed" and closed["closedFlag"] is True


def test_a_site_that_is_not_an_object_is_a_validation_error_not_a_crash(sim):
    resp = sim.post(
        "/service/tickets",
        {"summary": "Site check", "company": {"id": 250}, "board": {"id": 1}, "site": "x"},
    )
    assert resp.status == 400
    assert [e["field"] for e in resp.json["errors"]] == ["site"]


def test_schedule_dates_with_and_without_an_offset_can_be_mixed(sim):
    resp = sim.post(
        "/schedule/entries",
        {
            "objectId": 1000,
            "type": {"identifier": "S"},
            "member": {"id": 17},
            "dateStart": "2026-01-02",
            "dateEnd": "2026-01-02T09:15:00+00:00",
        },
    )
    assert resp.status == 201
    assert resp.json["hours"] == pytest.approx(9.25)
