"""Autotask JSON <-> our normalized dataclasses. No HTTP here.

A ticket carries ids only; its labels (queue, status, priority, type) come from the Tickets
picklists and its names (company, contact, resources) from records read alongside it, so every
mapper takes a `Labels` holding what was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from psa.providers.base import (
    NoteType,
    PSAAssignee,
    PSABoard,
    PSACompany,
    PSAConfiguration,
    PSAContact,
    PSAMember,
    PSANote,
    PSAPriority,
    PSAStatus,
    PSATicket,
)

# Status 5, Complete, is the system status that closes a ticket (README [C]); Autotask's status
# picklist has no "closed" flag, so this is the one closed status.
COMPLETE_STATUS = 5
# TicketNotes.publish: 1 all Autotask users (and the client portal), 2 internal users only [C].
PUBLISH_ALL = 1
PUBLISH_INTERNAL = 2


@dataclass(frozen=True, slots=True)
class PicklistValue:
    value: int
    label: str
    sort_order: int
    active: bool
    default: bool
    system: bool


@dataclass(frozen=True, slots=True)
class Picklists:
    """The Tickets (and TicketNotes) picklists a tenant defines, read once per connection."""

    queues: tuple[PicklistValue, ...] = ()
    statuses: tuple[PicklistValue, ...] = ()
    priorities: tuple[PicklistValue, ...] = ()
    ticket_types: tuple[PicklistValue, ...] = ()
    note_types: tuple[PicklistValue, ...] = ()

    @staticmethod
    def label(values: tuple[PicklistValue, ...], value: Any) -> str:
        return next((v.label for v in values if v.value == value), "")

    def priority_sort(self, value: Any) -> int | None:
        return next((v.sort_order for v in self.priorities if v.value == value), None)


@dataclass(frozen=True, slots=True)
class Labels:
    picklists: Picklists
    resources: Mapping[int, PSAMember] = field(default_factory=dict)
    companies: Mapping[int, str] = field(default_factory=dict)
    contacts: Mapping[int, str] = field(default_factory=dict)
    # ticket id -> secondary resource ids (TicketSecondaryResources), when read
    secondaries: Mapping[int, tuple[int, ...]] = field(default_factory=dict)


def picklist_values(fields: Any, name: str) -> tuple[PicklistValue, ...]:
    """One field's picklist from an `entityInformation/fields` answer ("" values skipped)."""
    rows = fields.get("fields") if isinstance(fields, dict) else None
    for row in rows if isinstance(rows, list) else ():
        if isinstance(row, dict) and row.get("name") == name:
            out = []
            for option in row.get("picklistValues") or ():
                raw = str(option.get("value", "")).strip()
                if not raw.lstrip("-").isdigit():
                    continue
                out.append(
                    PicklistValue(
                        value=int(raw),
                        label=str(option.get("label") or ""),
                        sort_order=int(option.get("sortOrder") or 0),
                        active=bool(option.get("isActive", True)),
                        default=bool(option.get("isDefaultValue")),
                        system=bool(option.get("isSystem")),
                    )
                )
            return tuple(sorted(out, key=lambda v: (v.sort_order, v.value)))
    return ()


def board_from(value: PicklistValue) -> PSABoard:
    return PSABoard(id=value.value, name=value.label, inactive=not value.active)


def status_from(value: PicklistValue, *, board_id: int) -> PSAStatus:
    """Statuses are global in Autotask; `board_id` is the queue the caller asked about."""
    return PSAStatus(
        id=value.value,
        name=value.label,
        board_id=board_id,
        closed=value.value == COMPLETE_STATUS,
        default=value.default,
        sort_order=value.sort_order,
        inactive=not value.active,
    )


def priority_from(value: PicklistValue) -> PSAPriority:
    return PSAPriority(
        id=value.value, name=value.label, sort=value.sort_order, default=value.default
    )


def member_from(raw: Mapping[str, Any]) -> PSAMember:
    first, last = str(raw.get("firstName") or ""), str(raw.get("lastName") or "")
    return PSAMember(
        id=int(raw["id"]),
        identifier=str(raw.get("userName") or ""),
        name=" ".join(p for p in (first, last) if p) or str(raw.get("userName") or ""),
        first_name=first,
        last_name=last,
        email=str(raw.get("email") or ""),
        inactive=not _truthy(raw.get("isActive", True)),
    )


def company_from(raw: Mapping[str, Any]) -> PSACompany:
    return PSACompany(
        id=int(raw["id"]),
        # Autotask's human-facing company key is its number ("C1000"); names are not unique.
        identifier=str(raw.get("companyNumber") or raw["id"]),
        name=str(raw.get("companyName") or ""),
        website=str(raw.get("webAddress") or ""),
    )


def contact_from(raw: Mapping[str, Any], *, company_name: str = "") -> PSAContact:
    first, last = str(raw.get("firstName") or ""), str(raw.get("lastName") or "")
    company = raw.get("companyID")
    return PSAContact(
        id=int(raw["id"]),
        name=" ".join(p for p in (first, last) if p),
        company_id=int(company) if company is not None else None,
        email=str(raw.get("emailAddress") or ""),
        phone=str(raw.get("phone") or raw.get("mobilePhone") or ""),
        title=str(raw.get("title") or ""),
        first_name=first,
        last_name=last,
        company_name=company_name,
    )


def configuration_from(raw: Mapping[str, Any], *, type_name: str = "") -> PSAConfiguration:
    company = raw.get("companyID")
    return PSAConfiguration(
        id=int(raw["id"]),
        name=str(raw.get("referenceTitle") or raw.get("referenceNumber") or raw["id"]),
        type_name=type_name,
        serial_number=str(raw.get("serialNumber") or ""),
        company_id=int(company) if company is not None else None,
        device_identifier=str(raw.get("referenceNumber") or ""),
        active=_truthy(raw.get("isActive", True)),
    )


def ticket_from(raw: Mapping[str, Any], *, labels: Labels) -> PSATicket:
    lists = labels.picklists
    status, priority, queue = raw.get("status"), raw.get("priority"), raw.get("queueID")
    company, contact = raw.get("companyID"), raw.get("contactID")
    ticket_id = int(raw["id"])
    assignees: list[PSAAssignee] = []
    primary = raw.get("assignedResourceID")
    for resource_id in (primary, *labels.secondaries.get(ticket_id, ())):
        member = labels.resources.get(resource_id) if resource_id is not None else None
        if member is not None:
            assignees.append(PSAAssignee(identifier=member.identifier, name=member.name))
        elif resource_id is not None:
            assignees.append(PSAAssignee(identifier=str(resource_id)))
    creator = labels.resources.get(raw.get("creatorResourceID"))  # type: ignore[arg-type]
    owner = labels.resources.get(primary) if primary is not None else None
    problem = raw.get("problemTicketId")
    return PSATicket(
        id=ticket_id,
        summary=str(raw.get("title") or ""),
        company_id=int(company) if company is not None else None,
        company_name=labels.companies.get(company, "") if company is not None else "",
        board_id=int(queue) if queue is not None else None,
        board_name=lists.label(lists.queues, queue),
        status_id=int(status) if status is not None else None,
        status_name=lists.label(lists.statuses, status),
        priority_id=int(priority) if priority is not None else None,
        priority_name=lists.label(lists.priorities, priority),
        priority_sort=lists.priority_sort(priority),
        assignees=tuple(assignees),
        date_entered=parse_date(raw.get("createDate")),
        last_updated=parse_date(raw.get("lastActivityDate")),
        closed=status == COMPLETE_STATUS,
        contact_id=int(contact) if contact is not None else None,
        contact_name=labels.contacts.get(contact, "") if contact is not None else "",
        owner_identifier=owner.identifier if owner else "",
        parent_ticket_id=int(problem) if problem is not None else None,
        type_name=lists.label(lists.ticket_types, raw.get("ticketType")),
        entered_by=creator.identifier if creator else "",
        sla_status="" if status == COMPLETE_STATUS else due_text(raw.get("dueDateTime")),
    )


def due_text(value: Any) -> str:
    """The ticket's due time (`dueDateTime`, set by its SLA where one applies) in the words the
    panel's SLA line reads (tickets.sla): "Due by Mon 12/07 01:48 PM UTC"; "" without one."""
    due = parse_date(value)
    if due is None:
        return ""
    due = due.astimezone(UTC) if due.tzinfo else due
    return f"Due by {due:%a %m/%d %I:%M %p} UTC"


# The titles our notes are posted with (Autotask requires one). The first two say nothing the
# note's visibility does not, so the feed leaves them out: the text reads back as written (the
# outbox recognises a note it already posted by its text). "Resolution" stays: it is what marks
# a resolution, which Autotask has no note kind for.
NOTE_TITLES: dict[NoteType, str] = {
    "discussion": "Note",
    "internal": "Internal note",
    "resolution": "Resolution",
}
_UNSHOWN_TITLES = {NOTE_TITLES["discussion"], NOTE_TITLES["internal"]}


def _shown(title: str) -> bool:
    return bool(title) and title not in _UNSHOWN_TITLES


def note_type_of(raw: Mapping[str, Any]) -> NoteType:
    """`publish` is the only visibility Autotask has: 1 all users (a discussion), 2 internal."""
    return "internal" if raw.get("publish") == PUBLISH_INTERNAL else "discussion"


def note_from(raw: Mapping[str, Any], *, resources: Mapping[int, PSAMember]) -> PSANote:
    author = resources.get(raw.get("creatorResourceID"))  # type: ignore[arg-type]
    title = str(raw.get("title") or "").strip()
    body = str(raw.get("description") or "")
    return PSANote(
        id=int(raw["id"]),
        ticket_id=int(raw["ticketID"]),
        # Autotask notes have a title and a body; our feed shows one text.
        text=f"{title}\n\n{body}" if _shown(title) and title not in body else body,
        type=note_type_of(raw),
        author_name=author.name if author else "",
        author_identifier=author.identifier if author else "",
        created_at=parse_date(raw.get("createDateTime")),
    )


# The id of the note that shows a ticket's description: no TicketNotes record has id 0.
DESCRIPTION_NOTE_ID = 0


def description_note(
    raw: Mapping[str, Any], *, resources: Mapping[int, PSAMember]
) -> PSANote | None:
    """The ticket's description as the first note of its feed, as ConnectWise shows its initial
    description: in Autotask it is a field of the ticket, not a TicketNotes record, so without
    this the panel would never show what the ticket is about."""
    text = str(raw.get("description") or "")
    if not text.strip():
        return None
    author = resources.get(raw.get("creatorResourceID"))  # type: ignore[arg-type]
    return PSANote(
        id=DESCRIPTION_NOTE_ID,
        ticket_id=int(raw["id"]),
        text=text,
        type="discussion",
        author_name=author.name if author else "",
        author_identifier=author.identifier if author else "",
        created_at=parse_date(raw.get("createDate")),
    )


def parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _truthy(value: Any) -> bool:
    # Contacts.isActive is an integer (1/0) where Resources.isActive is a boolean.
    return bool(value) and value not in ("0", "false", "False")
