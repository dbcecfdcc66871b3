"""The Lakeside Managed IT tenant: generated (never hand-edited), at the issue's sizes, consistent
with Autotask's rules and the schema; the schema copy equals the shared one."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from psa.simulator.autotask.schema import SCHEMA_FILE, SERVED, fields_of, text_length
from psa.simulator.data import generate_lakeside
from psa.simulator.data.generate_lakeside import build

SHARED = Path(settings.BASE_DIR).parent / "shared" / "autotask"


@pytest.fixture(scope="module")
def data():
    return json.loads(generate_lakeside.OUT.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/autotask is not next to the repo")
def test_the_schema_copy_is_the_shared_schema():
    assert json.loads(SCHEMA_FILE.read_text()) == json.loads((SHARED / "schema.json").read_text())


def test_the_shipped_file_is_exactly_what_the_generator_writes(data):
    assert data == json.loads(json.dumps(build()))


def test_the_tenant_has_the_sizes_the_issue_asks_for(data):
    sizes = {name: len(records) for name, records in data["entities"].items()}
    assert len(data["picklists"]["Tickets"]["queueID"]) >= 6
    assert sizes["Resources"] >= 13 and sizes["Companies"] >= 40  # 12+ engineers + the API user
    assert sizes["Contacts"] >= 150 and sizes["ConfigurationItems"] >= 200
    assert sizes["Tickets"] >= 600
    assert sizes["CompanyLocations"] >= sizes["Companies"]


def test_every_record_uses_only_the_schemas_fields_within_their_lengths(data):
    for entity in SERVED:
        known = set(fields_of(entity))
        for record in data["entities"][entity]:
            assert set(record) <= known, (entity, set(record) - known)
            too_long = [
                name
                for name, value in record.items()
                if isinstance(value, str) and len(value) > text_length(entity, name)
            ]
            assert not too_long, (entity, record["id"], too_long)


def test_tickets_are_realistic(data):
    tickets = data["entities"]["Tickets"]
    statuses = Counter(t["status"] for t in tickets)
    assert statuses[5] > 200 and sum(statuses.values()) - statuses[5] > 150  # open and complete
    open_priorities = Counter(t["priority"] for t in tickets if t["status"] != 5)
    assert 0 < open_priorities[4] < open_priorities[1] < open_priorities[2]  # few critical
    recent = [t for t in tickets if t["createDate"] >= "2026-11-01"]
    older = [t for t in tickets if "2026-01-01" <= t["createDate"] < "2026-02-01"]
    assert len(recent) > 2 * len(older) > 0  # newest denser
    per_ticket = Counter(s["ticketID"] for s in data["entities"]["TicketSecondaryResources"])
    assert sum(1 for n in per_ticket.values() if n >= 2) >= 10  # several secondary resources
    assert len(data["entities"]["TicketAdditionalConfigurationItems"]) >= 50
    problems = {t["id"] for t in tickets if t["ticketType"] == 3}
    linked = [t for t in tickets if t["problemTicketId"]]
    assert len(linked) >= 10 and all(t["problemTicketId"] in problems for t in linked)
    notes = data["entities"]["TicketNotes"]
    assert {n["noteType"] for n in notes} >= {1, 2, 3, 13} and {n["publish"] for n in notes} == {
        1,
        2,
    }


def test_references_and_pairs_hold(data):
    entities = data["entities"]
    by_id = {name: {r["id"]: r for r in records} for name, records in entities.items()}
    pairs = {(p["resourceID"], p["roleID"]) for p in entities["ResourceServiceDeskRoles"]}
    for ticket in entities["Tickets"]:
        company = ticket["companyID"]
        assert company in by_id["Companies"]
        if ticket["contactID"]:
            assert by_id["Contacts"][ticket["contactID"]]["companyID"] == company
        if ticket["configurationItemID"]:
            assert (
                by_id["ConfigurationItems"][ticket["configurationItemID"]]["companyID"] == company
            )
        if ticket["assignedResourceID"]:
            assert (ticket["assignedResourceID"], ticket["assignedResourceRoleID"]) in pairs
    for link in entities["TicketSecondaryResources"]:
        assert (link["resourceID"], link["roleID"]) in pairs
        assert link["resourceID"] != by_id["Tickets"][link["ticketID"]]["assignedResourceID"]
    for link in entities["TicketAdditionalConfigurationItems"]:
        ticket = by_id["Tickets"][link["ticketID"]]
        assert (
            by_id["ConfigurationItems"][link["configurationItemID"]]["companyID"]
            == ticket["companyID"]
        )


def test_the_demo_engineer_may_be_impersonated(data):
    avery = next(r for r in data["entities"]["Resources"] if r["userName"] == "abrooks")
    assert (avery["firstName"], avery["lastName"]) == ("Avery", "Brooks")
    assert avery["id"] in data["impersonatable"] and avery["isActive"]
    api = next(r for r in data["entities"]["Resources"] if r["id"] == data["apiResourceID"])
    assert (
        api["userName"] == "rfdemo@lakesideit.example" and api["id"] not in data["impersonatable"]
    )


def test_the_generator_scales_and_keeps_the_same_first_records():
    small, big = build(), build(tickets=1500, companies=90, resources=30)
    assert len(big["entities"]["Tickets"]) == 1500 and len(big["entities"]["Companies"]) == 90
    assert len(big["entities"]["Resources"]) == 31
    assert big["picklists"] == small["picklists"]
    assert big["entities"]["Resources"][:5] == small["entities"]["Resources"][:5]
    numbers = [t["ticketNumber"] for t in big["entities"]["Tickets"]]
    assert len(set(numbers)) == len(numbers)
