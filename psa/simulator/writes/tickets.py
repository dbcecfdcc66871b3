"""Creating and deleting tickets, and the derived fields every ticket write keeps in step."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from psa.simulator.errors import Validator, bad_request, not_found
from psa.simulator.store import TenantStore
from psa.simulator.writes.notes import insert_note
from psa.simulator.writes.references import (
    contact_ref,
    identified_ref,
    is_ref,
    member_ref,
    named_ref,
    priority_ref,
    status_ref,
)
from psa.simulator.writes.ticket_fields import PASSTHROUGH_REFS, SCALAR_FIELDS, check_summary
from psa.simulator.writes.ticket_references import resolve_references
from psa.simulator.writes.validation import check_field_types, has_text

CONTACT_FIELDS = ("contactName", "contactPhoneNumber", "contactEmailAddress")

# Hours to respond by priority level; anything else gets two days.
_RESPONSE_HOURS: dict[object, int] = {"Level1": 1, "Level2": 4, "Level3": 24, "Level4": 72}


def _sla_text(priority: dict[str, Any], entered: datetime) -> str:
    due = entered + timedelta(hours=_RESPONSE_HOURS.get(priority.get("level"), 48))
    return f"Respond by {due.strftime('%a %m/%d %I:%M %p')} UTC"


def apply_status(
    store: TenantStore, ticket: dict[str, Any], status: dict[str, Any], now: str
) -> None:
    """Set the status and the closed fields that follow from it."""
    ticket["status"] = status_ref(status)
    if status.get("closedStatus"):
        # Moving between closed statuses keeps the original close date and closer.
        if not ticket.get("closedFlag"):
            ticket["closedFlag"] = True
            ticket["closedDate"] = now
            ticket["closedBy"] = store.api_member["identifier"]
        ticket["slaStatus"] = ""
    else:
        ticket["closedFlag"] = False
        ticket.pop("closedDate", None)
        ticket.pop("closedBy", None)


def set_contact(ticket: dict[str, Any], contact: dict[str, Any]) -> None:
    """Reference the contact and copy their name, first email and first phone onto the ticket."""
    ticket["contact"] = contact_ref(contact)
    details = {"contactName": ticket["contact"]["name"]}
    for item in contact.get("communicationItems", []):
        kind = item.get("communicationType")
        if kind == "Email" and "contactEmailAddress" not in details:
            details["contactEmailAddress"] = item.get("value", "")
        elif kind == "Phone" and "contactPhoneNumber" not in details:
            details["contactPhoneNumber"] = item.get("value", "")
    ticket.update(details)


def set_type(ticket: dict[str, Any], ticket_type: dict[str, Any]) -> None:
    ticket["type"] = named_ref(ticket_type)


def set_owner(ticket: dict[str, Any], owner: dict[str, Any]) -> None:
    ticket["owner"] = member_ref(owner)


def set_parent(ticket: dict[str, Any], parent: dict[str, Any]) -> None:
    ticket["parentTicketId"] = parent["id"]
    parent["hasChildTicket"] = True


def ticket_create(store: TenantStore, body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a ticket object.")
    validator = Validator("ticket")
    check_summary(validator, body.get("summary"))
    resolved = resolve_references(store, validator, {}, body)
    check_field_types(validator, body, SCALAR_FIELDS)
    if body.get("site") is not None and not isinstance(body["site"], dict):
        validator.invalid("site", "The field site has an invalid value.")
    validator.raise_if_any()

    api = store.api_member
    now_dt = datetime.now(UTC).replace(microsecond=0)
    now = now_dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    company, board, priority = resolved["company"], resolved["board"], resolved["priority"]
    # Without a site in the body, a ticket takes the site of the company's first ticket with one.
    site = next(
        (
            t["site"]
            for t in store.records("tickets")
            if t["company"]["id"] == company["id"] and "site" in t
        ),
        {"id": 0, "name": "Main"},
    )
    ticket: dict[str, Any] = {
        "id": store.next_id("tickets"),
        "summary": body["summary"],
        "recordType": body.get("recordType")
        if body.get("recordType") in ("ServiceTicket", "ProjectTicket", "ProjectIssue")
        else "ServiceTicket",
        "board": named_ref(board),
        "status": status_ref(resolved["status"]),
        "company": identified_ref(company),
        "site": copy.deepcopy(body.get("site") or site),
        "siteName": (body.get("site") or site).get("name", "Main"),
        "addressLine1": company.get("addressLine1", ""),
        "city": company.get("city", ""),
        "stateIdentifier": company.get("state", ""),
        "zip": company.get("zip", ""),
    }
    contact = resolved.get("contact")
    if contact is not None:
        set_contact(ticket, contact)
    if resolved.get("type") is not None:
        set_type(ticket, resolved["type"])
    ticket["priority"] = priority_ref(priority) if priority else None
    for name in PASSTHROUGH_REFS:
        if is_ref(body.get(name)):
            ticket[name] = copy.deepcopy(body[name])
    ticket.update(
        {
            "severity": body.get("severity") or "Medium",
            "impact": body.get("impact") or "Medium",
            "closedFlag": False,
            "sla": copy.deepcopy(store.records("slas")[0]) if store.records("slas") else None,
            "slaStatus": _sla_text(priority or {}, now_dt),
            "isInSla": True,
            "resources": "",
            "hasChildTicket": False,
            "hasMergedChildTicketFlag": False,
            "billTime": body.get("billTime") or "NoDefault",
            "billExpenses": body.get("billExpenses") or "NoDefault",
            "billProducts": body.get("billProducts") or "Billable",
            "customerUpdatedFlag": False,
            "approved": True,
            "_info": {
                "dateEntered": now,
                "enteredBy": api["identifier"],
                "lastUpdated": now,
                "updatedBy": api["identifier"],
            },
        }
    )
    # Explicit contact details win over the ones copied from the contact record.
    for name in (*CONTACT_FIELDS, "budgetHours", "poNumber"):
        if body.get(name) is not None:
            ticket[name] = body[name]
    if resolved.get("owner") is not None:
        set_owner(ticket, resolved["owner"])
    if resolved.get("parentTicketId") is not None:
        set_parent(ticket, resolved["parentTicketId"])
    if resolved["status"].get("closedStatus"):
        apply_status(store, ticket, resolved["status"], now)
    store.insert("tickets", ticket)

    description = body.get("initialDescription")
    if has_text(description):
        insert_note(store, ticket, description, api, now, detail=True, contact=contact)
    analysis = body.get("initialInternalAnalysis")
    if has_text(analysis):
        insert_note(store, ticket, analysis, api, now, internal=True)
    resolution = body.get("initialResolution")
    if has_text(resolution):
        insert_note(store, ticket, resolution, api, now, resolution=True)
    return ticket


def ticket_delete(store: TenantStore, ticket_id: int) -> None:
    """Delete the ticket with what hangs off it: notes, schedule entries, configuration links."""
    ticket = store.delete("tickets", ticket_id)
    if ticket is None:
        raise not_found(f"Ticket with id {ticket_id} was not found.")
    for note in [n for n in store.records("ticketNotes") if n["ticketId"] == ticket_id]:
        store.delete("ticketNotes", note["id"])
    for entry in [e for e in store.records("scheduleEntries") if e.get("objectId") == ticket_id]:
        store.delete("scheduleEntries", entry["id"])
    store.ticket_configurations[:] = [
        link for link in store.ticket_configurations if link["ticketId"] != ticket_id
    ]
