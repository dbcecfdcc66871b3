"""Autotask simulator: cursor paging in ascending id order, and picklists via entityInformation."""

from __future__ import annotations

import pytest

from psa.simulator.autotask.testing import EVERYTHING, AtClient


@pytest.fixture(scope="module")
def sim():
    return AtClient()


def test_following_next_page_urls_reads_every_match_once_in_ascending_id_order(sim):
    search = {"filter": [{"op": "noteq", "field": "status", "value": 5}], "MaxRecords": 40}
    seen, resp, pages = [], sim.query("Tickets", search), 0
    while True:
        assert resp.status == 200
        details = resp.json["pageDetails"]
        assert details["count"] == len(resp.json["items"]) and details["requestCount"] == 40
        seen += [item["id"] for item in resp.json["items"]]
        pages += 1
        if details["nextPageUrl"] is None:
            break
        resp = sim.get(details["nextPageUrl"])
    total = sim.post("Tickets/query/count", search).json["queryCount"]
    assert seen == sorted(set(seen)) and len(seen) == total
    assert pages == -(-total // 40)


def test_a_page_has_no_total_and_no_page_numbers(sim):
    resp = sim.query("Tickets", {"filter": EVERYTHING, "MaxRecords": 5})
    assert set(resp.json) == {"items", "pageDetails"}
    assert set(resp.json["pageDetails"]) == {"count", "requestCount", "prevPageUrl", "nextPageUrl"}
    assert resp.json["pageDetails"]["prevPageUrl"] is None


def test_the_default_page_is_500_records(sim):
    resp = sim.query("Tickets", {"filter": EVERYTHING})
    assert len(resp.json["items"]) == 500 and resp.json["pageDetails"]["nextPageUrl"]


def test_prev_page_url_goes_back_one_page(sim):
    first = sim.query("Tickets", {"filter": EVERYTHING, "MaxRecords": 7})
    second = sim.get(first.json["pageDetails"]["nextPageUrl"])
    back = sim.get(second.json["pageDetails"]["prevPageUrl"])
    assert back.json["items"] == first.json["items"]


def test_the_next_page_url_is_absolute_on_the_same_host_and_needs_credentials(sim):
    url = sim.query("Tickets", {"filter": EVERYTHING, "MaxRecords": 5}).json["pageDetails"][
        "nextPageUrl"
    ]
    assert url.startswith("http://atsim.test/ATServicesRest/V1.0/Tickets/query/next?")
    assert sim.get(url, headers={"Secret": "nope"}).status == 401


def test_the_last_page_has_no_next_page_url(sim):
    resp = sim.query("Tickets", {"filter": [{"op": "gte", "field": "id", "value": 7638}]})
    assert [i["id"] for i in resp.json["items"]] == [7638, 7639, 7640]
    assert resp.json["pageDetails"]["nextPageUrl"] is None


def test_a_tampered_cursor_is_refused(sim):
    resp = sim.get("Tickets/query/next", params={"paging": '{"lastIdRetrieved": "x"}',
                                                 "search": '{"filter": [{"op": "gte", "field": "id", "value": 0}]}'})  # fmt: skip
    assert resp.status == 500 and resp.json["errors"]


def test_a_child_collection_lists_that_parents_children(sim):
    resp = sim.get("Tickets/7001/Notes")
    notes = [n for n in sim.app.tenant.records("TicketNotes") if n["ticketID"] == 7001]
    assert [n["id"] for n in resp.json["items"]] == [n["id"] for n in notes]
    other = sim.app.tenant.records("TicketNotes")[-1]
    assert sim.get(f"Tickets/7001/Notes/{other['id']}").json == {"item": None}


# --------------------------------------------------------------------------- picklists


def _fields(sim, entity):
    resp = sim.get(f"{entity}/entityInformation/fields")
    assert resp.status == 200
    return {f["name"]: f for f in resp.json["fields"]}


def _labels(field):
    return {int(o["value"]): o["label"] for o in field["picklistValues"]}


def test_status_is_one_global_picklist_with_the_system_statuses(sim):
    status = _fields(sim, "Tickets")["status"]
    assert status["isPickList"] and status["picklistParentValueField"] == ""
    system = {int(o["value"]): o["label"] for o in status["picklistValues"] if o["isSystem"]}
    assert system == {1: "New", 5: "Complete", 7: "Waiting Customer"}
    assert {o["value"] for o in status["picklistValues"]} >= {"1", "5", "7", "8"}


def test_priority_queue_source_issue_type_picklists(sim):
    fields = _fields(sim, "Tickets")
    assert _labels(fields["priority"])[4] == "Critical"
    assert (
        sorted(fields["priority"]["picklistValues"], key=lambda o: o["sortOrder"])[0]["label"]
        == "Critical"
    )
    assert len(fields["queueID"]["picklistValues"]) >= 6
    assert fields["source"]["isPickList"] and fields["issueType"]["isPickList"]
    assert fields["subIssueType"]["picklistParentValueField"] == "issueType"
    assert all(o["parentValue"] for o in fields["subIssueType"]["picklistValues"])


def test_note_type_and_publish_picklists(sim):
    fields = _fields(sim, "TicketNotes")
    assert _labels(fields["noteType"])[13] == "Workflow Rule Note"
    assert set(_labels(fields["publish"])) == {1, 2}
    assert fields["title"]["isRequired"] and fields["description"]["isRequired"]


def test_field_metadata_says_what_is_required_queryable_and_a_reference(sim):
    fields = _fields(sim, "Tickets")
    assert set(fields) == set(sim.app.tenant.records("Tickets")[0]) | set(fields)
    assert fields["companyID"]["isRequired"] and fields["companyID"]["isReference"]
    assert fields["companyID"]["referenceEntityType"] == "Company"
    assert not fields["description"]["isQueryable"] and fields["title"]["isQueryable"]
    assert fields["ticketNumber"]["isReadOnly"]


def test_child_urls_answer_the_childs_field_metadata(sim):
    assert _fields(sim, "Tickets/7001/Notes") == _fields(sim, "TicketNotes")


def test_entity_information_and_user_defined_fields(sim):
    info = sim.get("Tickets/entityInformation").json["info"]
    assert info["name"] == "Ticket" and info["canQuery"] and not info["canDelete"]
    udfs = sim.get("Tickets/entityInformation/userDefinedFields").json["fields"]
    assert [u["name"] for u in udfs] == ["Site Visit Required"]


def test_user_defined_fields_are_left_out_when_no_returned_record_has_a_value(sim):
    tickets = sim.app.tenant.records("Tickets")
    blank = next(t["id"] for t in tickets if t["userDefinedFields"][0]["value"] is None)
    filled = next(t["id"] for t in tickets if t["userDefinedFields"][0]["value"] is not None)
    assert "userDefinedFields" not in sim.get(f"Tickets/{blank}").json["item"]
    assert sim.get(f"Tickets/{filled}").json["item"]["userDefinedFields"][0]["value"]
    both = sim.query("Tickets", {"filter": [{"op": "in", "field": "id", "value": [blank, filled]}]})
    assert all("userDefinedFields" in item for item in both.json["items"])
    note = sim.query("TicketNotes", {"filter": EVERYTHING, "MaxRecords": 3}).json["items"][0]
    assert "userDefinedFields" not in note
