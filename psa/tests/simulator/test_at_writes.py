"""Autotask simulator: creates and updates answer ``{"itemId"}``, and the documented business rules
refuse with ``{"errors": [...]}`` and HTTP 500."""

from __future__ import annotations

import pytest

from psa.simulator.autotask.testing import AtClient


@pytest.fixture
def sim():
    return AtClient()


def _pairs(sim):
    return {
        (p["resourceID"], p["roleID"]) for p in sim.app.tenant.records("ResourceServiceDeskRoles")
    }


def _refused(resp):
    assert resp.status == 500, resp.json
    assert resp.json["errors"]
    return resp.json["errors"]


def _ticket_body(sim, **changes):
    company = sim.app.tenant.records("Companies")[3]
    body = {"companyID": company["id"], "title": "Scanner offline", "status": 1, "priority": 2,
            "queueID": 29682969}  # fmt: skip
    return {**body, **changes}


def test_create_answers_the_item_id_and_the_ticket_reads_back(sim):
    resp = sim.post("Tickets", _ticket_body(sim))
    assert resp.status == 200 and set(resp.json) == {"itemId"}
    ticket = sim.get(f"Tickets/{resp.json['itemId']}").json["item"]
    assert ticket["title"] == "Scanner offline" and ticket["ticketNumber"].startswith("T")
    assert ticket["id"] > max(t["id"] for t in sim.app.tenant.records("Tickets")[:-1])


@pytest.mark.parametrize("missing", ["companyID", "title", "status", "priority", "queueID"])
def test_required_fields_are_required(sim, missing):
    body = _ticket_body(sim)
    del body[missing]
    assert any(missing in e for e in _refused(sim.post("Tickets", body)))


@pytest.mark.parametrize(
    "changes",
    [
        {"status": 13},  # inactive picklist value
        {"status": 99},
        {"priority": "2"},
        {"queueID": 1},
        {"companyID": 1},
        {"contactID": 30000},  # a contact of another company
        {"configurationItemID": 40000},  # another company's device
        {"issueType": 5, "subIssueType": 601},  # a sub-issue of Software, not Hardware
        {"subIssueType": 501},
        {"ticketNumber": "T1"},
        {"id": 5},
        {"bogus": 1},
        {"assignedResourceID": 29682900},  # without its role
        {"assignedResourceID": 29682900, "assignedResourceRoleID": 29683405},  # not its role
        {"assignedResourceID": 29682910, "assignedResourceRoleID": 29683402},  # inactive resource
        {"dueDateTime": "2026-12-01T17:00:00+02:00"},  # Autotask's dates are UTC
        {"dueDateTime": "1 December 2026"},
    ],
)
def test_invalid_tickets_are_refused(sim, changes):
    _refused(sim.post("Tickets", _ticket_body(sim, **changes)))


@pytest.mark.parametrize(
    "due", ["2026-12-01T15:00:00Z", "2026-12-01T15:00:00.000Z", "2026-12-01T15:00:00+00:00"]
)
def test_a_utc_date_is_accepted_in_its_iso_forms(sim, due):
    resp = sim.post("Tickets", _ticket_body(sim, dueDateTime=due))
    assert resp.status == 200, resp.json
    assert sim.get(f"Tickets/{resp.json['itemId']}").json["item"]["dueDateTime"] == due


def test_a_valid_primary_resource_and_role_pair_is_accepted(sim):
    resource, role = sorted(_pairs(sim))[0]
    resp = sim.post(
        "Tickets", _ticket_body(sim, assignedResourceID=resource, assignedResourceRoleID=role)
    )
    assert resp.status == 200, resp.json


def test_patch_is_sparse_and_completing_stamps_the_completed_date(sim):
    ticket = next(t for t in sim.app.tenant.records("Tickets") if t["status"] == 8)
    resp = sim.patch("Tickets", {"id": ticket["id"], "status": 5})
    assert resp.json == {"itemId": ticket["id"]}
    after = sim.get(f"Tickets/{ticket['id']}").json["item"]
    assert after["status"] == 5 and after["completedDate"] and after["title"] == ticket["title"]
    sim.patch("Tickets", {"id": ticket["id"], "status": 8})
    assert sim.get(f"Tickets/{ticket['id']}").json["item"]["completedDate"] is None


def test_patch_needs_an_existing_id(sim):
    _refused(sim.patch("Tickets", {"status": 5}))
    _refused(sim.patch("Tickets", {"id": 1, "status": 5}))


def test_a_note_is_created_through_the_tickets_child_url(sim):
    body = {
        "ticketID": 7003,
        "title": "Call",
        "description": "Rebooted",
        "noteType": 2,
        "publish": 2,
    }
    resp = sim.post("Tickets/7003/Notes", body)
    note = sim.get(f"Tickets/7003/Notes/{resp.json['itemId']}").json["item"]
    assert note["description"] == "Rebooted" and note["publish"] == 2 and note["createDateTime"]


@pytest.mark.parametrize(
    "changes",
    [
        {"ticketID": 7004},  # not the ticket of the URL
        {"noteType": 99},
        {"publish": 3},
        {"title": None},
        {"description": ""},
        {"createDateTime": "2026-01-01T00:00:00Z"},
    ],
)
def test_invalid_notes_are_refused(sim, changes):
    body = {"ticketID": 7003, "title": "t", "description": "d", "noteType": 1, "publish": 1}
    _refused(sim.post("Tickets/7003/Notes", {**body, **changes}))


def _reported_length(sim, entity, name):
    fields = sim.get(f"{entity}/entityInformation/fields").json["fields"]
    return next(f["length"] for f in fields if f["name"] == name)


@pytest.mark.parametrize(
    ("entity", "url", "name", "length"),
    [
        ("Tickets", "Tickets", "title", 255),
        ("Tickets", "Tickets", "description", 8000),
        ("TicketNotes", "Tickets/7003/Notes", "title", 250),
        ("TicketNotes", "Tickets/7003/Notes", "description", 32000),
    ],
)
def test_text_takes_at_most_the_length_entity_information_reports(sim, entity, url, name, length):
    note = {"ticketID": 7003, "title": "t", "description": "d", "noteType": 1, "publish": 1}
    body = _ticket_body(sim) if entity == "Tickets" else note
    assert _reported_length(sim, entity, name) == length
    assert sim.post(url, {**body, name: "x" * length}).status == 200
    errors = _refused(sim.post(url, {**body, name: "x" * (length + 1)}))
    assert errors == [f"The field {name} takes at most {length} characters."]


def test_a_note_on_a_missing_ticket_is_refused(sim):
    body = {"ticketID": 1, "title": "t", "description": "d", "noteType": 1, "publish": 1}
    _refused(sim.post("Tickets/1/Notes", body))


def _assigned(sim):
    return next(t for t in sim.app.tenant.records("Tickets") if t["assignedResourceID"] and t["status"] != 5
                and not any(s["ticketID"] == t["id"] for s in sim.app.tenant.records("TicketSecondaryResources")))  # fmt: skip


def test_a_secondary_resource_needs_a_valid_resource_role_pair(sim):
    ticket = _assigned(sim)
    resource, role = next(p for p in sorted(_pairs(sim)) if p[0] != ticket["assignedResourceID"])
    url = f"Tickets/{ticket['id']}/SecondaryResources"
    _refused(sim.post(url, {"ticketID": ticket["id"], "resourceID": resource, "roleID": 29683405}))
    _refused(sim.post(url, {"ticketID": ticket["id"], "resourceID": resource}))
    resp = sim.post(url, {"ticketID": ticket["id"], "resourceID": resource, "roleID": role})
    assert resp.status == 200, resp.json
    listed = sim.get(url).json["items"]
    assert [(s["resourceID"], s["roleID"]) for s in listed] == [(resource, role)]


def test_a_resource_cannot_be_primary_and_secondary(sim):
    ticket = _assigned(sim)
    primary = ticket["assignedResourceID"]
    role = ticket["assignedResourceRoleID"]
    url = f"Tickets/{ticket['id']}/SecondaryResources"
    _refused(sim.post(url, {"ticketID": ticket["id"], "resourceID": primary, "roleID": role}))
    other, other_role = next(p for p in sorted(_pairs(sim)) if p[0] != primary)
    assert (
        sim.post(url, {"ticketID": ticket["id"], "resourceID": other, "roleID": other_role}).status
        == 200
    )
    # ... nor can a secondary become the primary while it is secondary.
    patch = {"id": ticket["id"], "assignedResourceID": other, "assignedResourceRoleID": other_role}
    _refused(sim.patch("Tickets", patch))


def test_removing_a_secondary_resource_and_a_missing_one(sim):
    link = sim.app.tenant.records("TicketSecondaryResources")[0]
    url = f"Tickets/{link['ticketID']}/SecondaryResources/{link['id']}"
    assert sim.delete(url).json == {"itemId": link["id"]}
    assert sim.get(url).json == {"item": None}
    assert _refused(sim.delete(url)) == ["No matching records found."]


def test_additional_configuration_items_belong_to_the_tickets_company(sim):
    tenant = sim.app.tenant
    ticket = tenant.get("Tickets", 7010)
    own = [i["id"] for i in tenant.records("ConfigurationItems") if i["companyID"] == ticket["companyID"]
           and i["id"] != ticket.get("configurationItemID")
           and not any(a["ticketID"] == 7010 and a["configurationItemID"] == i["id"]
                       for a in tenant.records("TicketAdditionalConfigurationItems"))]  # fmt: skip
    foreign = next(
        i["id"]
        for i in tenant.records("ConfigurationItems")
        if i["companyID"] != ticket["companyID"]
    )
    url = "Tickets/7010/AdditionalConfigurationItems"
    _refused(sim.post(url, {"ticketID": 7010, "configurationItemID": foreign}))
    added = sim.post(url, {"ticketID": 7010, "configurationItemID": own[0]})
    assert added.status == 200
    _refused(sim.post(url, {"ticketID": 7010, "configurationItemID": own[0]}))  # twice
    assert sim.delete(f"{url}/{added.json['itemId']}").status == 200


def test_routes_the_schema_has_but_the_simulator_does_not_implement_say_so(sim):
    resp = sim.post("Companies", {"companyName": "X"})
    assert resp.status == 501 and resp.json["errors"]
    tickets = len(sim.app.tenant.records("Tickets"))
    charge = sim.post("Tickets/7001/Charges", {"ticketID": 7001, "name": "Cable"})
    assert charge.status == 501
    assert len(sim.app.tenant.records("Tickets")) == tickets
    assert sim.get("Tickets/7001/ChecklistItems").status == 501


def test_put_replaces_and_needs_every_required_field(sim):
    ticket = sim.app.tenant.get("Tickets", 7005)
    _refused(sim.request("PUT", "Tickets", json={"id": 7005, "title": "Only a title"}))
    body = {key: ticket[key] for key in ("companyID", "status", "priority", "queueID")}
    resp = sim.request("PUT", "Tickets", json={"id": 7005, "title": "Replaced", **body})
    assert resp.json == {"itemId": 7005}
    after = sim.get("Tickets/7005").json["item"]
    assert after["title"] == "Replaced" and after["companyID"] == ticket["companyID"]
    assert after["description"] is None  # left out of a PUT: cleared
    assert after["ticketNumber"] == ticket["ticketNumber"]  # read-only: kept


def test_other_writes_the_schema_allows_are_not_pretended(sim):
    note = sim.app.tenant.records("TicketNotes")[0]
    resp = sim.patch(f"Tickets/{note['ticketID']}/Notes", {"id": note["id"], "title": "x"})
    assert resp.status == 501
    assert sim.app.tenant.get("TicketNotes", note["id"])["title"] != "x"


def test_companies_and_resources_list_their_children(sim):
    tenant = sim.app.tenant
    locations = sim.get("Companies/174/Locations").json["items"]
    assert [loc["id"] for loc in locations] == [
        loc["id"] for loc in tenant.records("CompanyLocations") if loc["companyID"] == 174
    ]
    roles = sim.get("Resources/29682900/ServiceDeskRoles").json["items"]
    assert {r["roleID"] for r in roles} == {
        p["roleID"]
        for p in tenant.records("ResourceServiceDeskRoles")
        if p["resourceID"] == 29682900
    }
    queues = sim.get("Resources/29682900/RoleQueues").json["items"]
    assert queues and all(q["resourceID"] == 29682900 for q in queues)


def test_an_update_moves_the_modification_date_an_incremental_sync_filters_on(sim):
    ticket = sim.app.tenant.get("Tickets", 7002)
    since = ticket["lastTrackedModificationDateTime"]
    changed = {"filter": [{"op": "gt", "field": "lastTrackedModificationDateTime", "value": since}]}
    before = [t["id"] for t in sim.query("Tickets", changed).json["items"]]
    assert 7002 not in before
    sim.patch("Tickets", {"id": 7002, "priority": 4})
    assert 7002 in [t["id"] for t in sim.query("Tickets", changed).json["items"]]


def test_user_defined_fields_are_checked_and_an_update_keeps_the_ones_it_does_not_name(sim):
    sim.app.tenant.data["udfs"]["Tickets"].append({"name": "Billable", "type": "string"})
    ticket = sim.app.tenant.get("Tickets", 7003)
    ticket["userDefinedFields"] = [{"name": "Site Visit Required", "value": "No"}]
    for udfs in (
        [{"name": "Nope", "value": "x"}],
        [{"name": "Billable"}],
        [{"name": "Billable", "value": 1}],
    ):
        _refused(sim.patch("Tickets", {"id": 7003, "userDefinedFields": udfs}))
    sim.patch("Tickets", {"id": 7003, "userDefinedFields": [{"name": "Billable", "value": "Yes"}]})
    after = {
        u["name"]: u["value"] for u in sim.get("Tickets/7003").json["item"]["userDefinedFields"]
    }
    assert after == {"Site Visit Required": "No", "Billable": "Yes"}
