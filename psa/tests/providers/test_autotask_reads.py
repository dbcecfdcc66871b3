"""Autotask reads against the simulator: reference data (queues as boards, the global status
list, priorities in urgency order, resources, companies), one ticket, its panel (contact, notes
feed, configuration items, related tickets) and the directory searches Quick Create relies on."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import PSANotFound
from psa.tests.providers.at_samples import lakeside_provider

COMPLETE = 5


@pytest.fixture
def provider(at_sim: Any) -> AutotaskProvider:
    return lakeside_provider(at_sim)


def _stats(sim: Any) -> dict[str, Any]:
    return requests.get(f"{sim.root_url}/_sim/stats", timeout=10).json()


def test_reference_data_is_read_in_four_calls_and_shaped_for_the_product(at_sim, provider):
    tenant = at_sim.app.tenant
    data = provider.reference_data()
    queues = tenant.picklist("Tickets", "queueID")
    assert [b.name for b in data.boards] == [q["label"] for q in queues]
    statuses = tenant.picklist("Tickets", "status")
    # Global statuses, offered on every queue (the current interface scopes them per board).
    for board in data.boards:
        assert [s.id for s in data.statuses_for(board.id)] == [int(s["value"]) for s in statuses]
    closed = [s for s in data.statuses_for(data.boards[0].id) if s.closed]
    assert [s.id for s in closed] == [COMPLETE]
    sorts = [p.sort for p in data.priorities]
    assert sorts == sorted(sorts) and data.priorities[0].name == "Critical"
    assert "abrooks" in {m.identifier for m in data.members}
    assert all(not m.inactive for m in data.members)
    active = [c for c in tenant.records("Companies") if c["isActive"]]
    assert {c.id for c in data.companies} == {c["id"] for c in active}
    routes = _stats(at_sim)["routes"]
    api = {k: v for k, v in routes.items() if "zoneInformation" not in k}
    assert sum(api.values()) == 4, api
    provider.reference_data()
    again = _stats(at_sim)["routes"]
    assert again["POST /Companies/query"] == 2  # companies are re-read (they change) ...
    assert again["GET /Tickets/entityInformation/fields"] == 1  # ... picklists are not
    assert again["POST /Resources/query"] == 1


def test_a_missing_ticket_is_not_found(provider):
    with pytest.raises(PSANotFound):
        provider.get_ticket_context(ticket_id=999999)


def test_the_panel_has_contact_notes_configurations_and_related(at_sim, provider):
    tenant = at_sim.app.tenant
    problem = 7156
    incidents = sorted(
        (t["id"] for t in tenant.records("Tickets") if t.get("problemTicketId") == problem),
        reverse=True,
    )
    context = provider.get_ticket_context(ticket_id=problem)
    assert [r.id for r in context.related if r.relation == "child"] == incidents
    raw = tenant.get("Tickets", problem)
    assert context.company is not None and context.company.id == raw["companyID"]
    if raw.get("contactID"):
        assert context.contact is not None and context.contact.id == raw["contactID"]
    notes = [n for n in tenant.records("TicketNotes") if n["ticketID"] == problem]
    assert [n.id for n in context.notes] == [
        n["id"] for n in sorted(notes, key=lambda n: (n["createDateTime"], n["id"]))
    ]
    incident = provider.get_ticket_context(ticket_id=incidents[0])
    assert [(r.id, r.relation) for r in incident.related][:1] == [(problem, "parent")]


def test_notes_carry_visibility_and_their_author(at_sim, provider):
    tenant = at_sim.app.tenant
    context = provider.get_ticket_context(ticket_id=7001)
    raw = {n["id"]: n for n in tenant.records("TicketNotes") if n["ticketID"] == 7001}
    for note in context.notes:
        source = raw[note.id]
        assert note.type == ("internal" if source["publish"] == 2 else "discussion")
        author = tenant.get("Resources", source["creatorResourceID"])
        assert note.author_identifier == author["userName"]
        assert source["description"] in note.text


def test_configurations_are_the_primary_then_the_additional_ones(at_sim, provider):
    tenant = at_sim.app.tenant
    link = tenant.records("TicketAdditionalConfigurationItems")[0]
    ticket = tenant.get("Tickets", link["ticketID"])
    expected = [ticket["configurationItemID"]] if ticket.get("configurationItemID") else []
    expected += [
        a["configurationItemID"]
        for a in tenant.records("TicketAdditionalConfigurationItems")
        if a["ticketID"] == ticket["id"]
    ]
    context = provider.get_ticket_context(ticket_id=ticket["id"])
    assert [c.id for c in context.configurations] == expected
    first = tenant.get("ConfigurationItems", expected[0])
    assert context.configurations[0].name == first["referenceTitle"]


def test_the_panel_costs_two_waves_of_calls(at_sim, provider):
    provider.reference_data()
    requests.post(f"{at_sim.root_url}/_sim/reset", json={}, timeout=10)
    provider.get_ticket_context(ticket_id=7156)
    total = _stats(at_sim)["total"]
    # wave 1: ticket, notes, additional CIs, incidents; wave 2: company, contact (+ its company
    # name), CIs, secondaries, the ticket's contact name.
    assert total <= 9, _stats(at_sim)["routes"]


def test_directory_searches_match_names_exactly_ignoring_case(at_sim, provider):
    tenant = at_sim.app.tenant
    contact = next(c for c in tenant.records("Contacts") if c["isActive"])
    full = f"{contact['firstName']} {contact['lastName']}".upper()
    found = provider.contacts_search(names=[full])
    assert contact["id"] in {c.id for c in found}
    assert all(c.name.upper() == full for c in found)
    item = tenant.records("ConfigurationItems")[0]
    configs = provider.configurations_search(names=[item["referenceTitle"].lower()])
    assert [c.id for c in configs] == [item["id"]]
    company = tenant.get("Companies", contact["companyID"])
    assert company["id"] in {
        c.id for c in provider.search_companies(query=company["companyName"][:5])
    }
    contacts = provider.list_contacts(company_id=company["id"])
    assert contact["id"] in {c.id for c in contacts}
    assert {c.company_name for c in contacts} == {company["companyName"]}


def test_open_and_recent_tickets_of_a_company_newest_first(at_sim, provider):
    tenant = at_sim.app.tenant
    open_rows = [t for t in tenant.records("Tickets") if t["companyID"] == 204 and t["status"] != 5]
    found = provider.find_open_tickets(company_id=204)
    assert [t.id for t in found] == sorted((t["id"] for t in open_rows), reverse=True)


def test_health_check_reports_the_hours_usage(provider):
    health = provider.health_check()
    assert health.ok and "/" in health.details["requests_this_hour"]
