"""Autotask writes against the simulator: a note signed by the engineer through impersonation, a
status change from the global list, ticket create with configuration items, and assignees with
the role Autotask requires; refusals arrive as validation errors, never as outages."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import PSANotFound, PSAValidationError, TicketCreatePayload
from psa.tests.providers.at_samples import lakeside_provider

ABROOKS = 29682900
API_USER = 29682885
UNASSIGNED_OPEN = 7036


@pytest.fixture
def provider(at_sim: Any) -> AutotaskProvider:
    return lakeside_provider(at_sim)


def test_a_note_is_signed_by_the_engineer_through_impersonation(at_sim, provider):
    note = provider.add_note(
        ticket_id=7002, text="Rebooted the switch.", note_type="internal", member_id=ABROOKS
    )
    stored = at_sim.app.tenant.get("TicketNotes", note.id)
    assert stored["creatorResourceID"] == ABROOKS
    assert stored["impersonatorCreatorResourceID"] == API_USER
    assert stored["publish"] == 2 and stored["description"] == "Rebooted the switch."
    assert (note.type, note.author_identifier, note.ticket_id) == ("internal", "abrooks", 7002)
    assert note.id in [n.id for n in provider.list_ticket_notes(ticket_id=7002)]


def test_a_note_without_an_engineer_is_the_api_users(at_sim, provider):
    note = provider.add_note(ticket_id=7002, text="Customer called.", note_type="discussion")
    stored = at_sim.app.tenant.get("TicketNotes", note.id)
    assert stored["creatorResourceID"] == API_USER and stored["publish"] == 1


def test_a_note_on_a_missing_ticket_is_not_found_and_nothing_is_written(at_sim, provider):
    before = len(at_sim.app.tenant.records("TicketNotes"))
    with pytest.raises(PSANotFound):
        provider.add_note(ticket_id=999999, text="x", note_type="discussion")
    assert len(at_sim.app.tenant.records("TicketNotes")) == before


def test_status_change_and_a_refused_status(at_sim, provider):
    ticket = provider.update_status(ticket_id=7002, status_id=8)
    assert (ticket.status_id, ticket.status_name) == (8, "In Progress")
    assert at_sim.app.tenant.get("Tickets", 7002)["status"] == 8
    with pytest.raises(PSAValidationError, match="status"):
        provider.update_status(ticket_id=7002, status_id=13)  # inactive ("retired") status
    assert at_sim.app.tenant.get("Tickets", 7002)["status"] == 8


def test_create_with_contact_and_configuration_items(at_sim, provider):
    ticket = provider.create_ticket(
        payload=TicketCreatePayload(
            summary="Printer offline",
            company_id=204,
            board_id=29682969,
            contact_id=30125,
            description="Second floor printer.",
            configuration_ids=(40143, 40144),
            assigned_member_id=ABROOKS,
        )
    )
    stored = at_sim.app.tenant.get("Tickets", ticket.id)
    assert (stored["title"], stored["queueID"], stored["configurationItemID"]) == (
        "Printer offline",
        29682969,
        40143,
    )
    assert stored["assignedResourceRoleID"] == 29683400  # abrooks's default service-desk role
    context = provider.get_ticket_context(ticket_id=ticket.id)
    assert [c.id for c in context.configurations] == [40143, 40144]
    assert ticket.board_name == "Level I Support" and ticket.assignees[0].identifier == "abrooks"


def test_create_refused_by_autotask_is_a_validation_error(at_sim, provider):
    before = len(at_sim.app.tenant.records("Tickets"))
    with pytest.raises(PSAValidationError, match="contact"):
        provider.create_ticket(
            payload=TicketCreatePayload(
                summary="x", company_id=204, board_id=29682969, contact_id=30129
            )
        )
    assert len(at_sim.app.tenant.records("Tickets")) == before


def test_assignees_primary_then_secondary_with_a_role_and_removed(at_sim, provider):
    tenant = at_sim.app.tenant
    first = provider.add_resource(ticket_id=UNASSIGNED_OPEN, member_id=ABROOKS)
    assert first.member_identifier == "abrooks"
    assert tenant.get("Tickets", UNASSIGNED_OPEN)["assignedResourceID"] == ABROOKS
    second = provider.add_resource(ticket_id=UNASSIGNED_OPEN, member_id=29682901)
    assert second.member_id == 29682901
    secondaries = [
        s for s in tenant.records("TicketSecondaryResources") if s["ticketID"] == UNASSIGNED_OPEN
    ]
    assert [(s["resourceID"], s["roleID"]) for s in secondaries] == [(29682901, 29683401)]
    assert [r.member_id for r in provider.list_resources(ticket_id=UNASSIGNED_OPEN)] == [
        ABROOKS,
        29682901,
    ]
    provider.remove_resource(ticket_id=UNASSIGNED_OPEN, member_id=29682901)
    provider.remove_resource(ticket_id=UNASSIGNED_OPEN, member_id=ABROOKS)
    assert provider.list_resources(ticket_id=UNASSIGNED_OPEN) == []


def test_an_assignee_takes_the_role_the_engineer_chose_and_shows_it(at_sim, provider):
    roles = provider.assignee_roles(member_id=ABROOKS)
    assert [(r.name, r.default) for r in roles][:2] == [
        ("Tier 1 Technician", True),
        ("Tier 2 Engineer", False),
    ]
    provider.add_resource(ticket_id=UNASSIGNED_OPEN, member_id=29682901)
    tier_two = next(r for r in roles if r.name == "Tier 2 Engineer")
    provider.add_resource(ticket_id=UNASSIGNED_OPEN, member_id=ABROOKS, role_id=tier_two.id)
    secondary = next(
        s
        for s in at_sim.app.tenant.records("TicketSecondaryResources")
        if s["ticketID"] == UNASSIGNED_OPEN and s["resourceID"] == ABROOKS
    )
    assert secondary["roleID"] == tier_two.id
    shown = {
        r.member_identifier: (r.primary, r.role)
        for r in provider.list_resources(ticket_id=UNASSIGNED_OPEN)
    }
    assert shown["abrooks"] == (False, "Tier 2 Engineer")
    assert shown[next(iter(set(shown) - {"abrooks"}))][0] is True


def test_a_role_the_resource_does_not_hold_is_refused_naming_the_ones_it_does(at_sim, provider):
    foreign = {r.id for r in provider.assignee_roles(member_id=29682901)} - {
        r.id for r in provider.assignee_roles(member_id=ABROOKS)
    }
    with pytest.raises(PSAValidationError, match="Tier 1 Technician") as refused:
        provider.add_resource(
            ticket_id=UNASSIGNED_OPEN, member_id=ABROOKS, role_id=min(foreign or {1})
        )
    assert "role_id" in refused.value.fields
    assert at_sim.app.tenant.get("Tickets", UNASSIGNED_OPEN)["assignedResourceID"] is None


def test_a_resource_without_a_service_desk_role_cannot_be_assigned(at_sim, provider):
    with pytest.raises(PSAValidationError, match="service-desk role"):
        provider.add_resource(ticket_id=UNASSIGNED_OPEN, member_id=API_USER)
    assert at_sim.app.tenant.get("Tickets", UNASSIGNED_OPEN)["assignedResourceID"] is None


def test_a_note_costs_three_calls_once_picklists_are_known(at_sim, provider):
    provider.reference_data()
    requests.post(f"{at_sim.root_url}/_sim/reset", json={}, timeout=10)
    provider.add_note(ticket_id=7002, text="x", note_type="discussion", member_id=ABROOKS)
    routes = requests.get(f"{at_sim.root_url}/_sim/stats", timeout=10).json()["routes"]
    # the ticket exists, the note, the note read back
    assert routes == {
        "GET /Tickets/{id}": 1,
        "POST /Tickets/{parentId}/Notes": 1,
        "GET /TicketNotes/{id}": 1,
    }
