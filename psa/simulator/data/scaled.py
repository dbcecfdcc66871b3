"""A tenant of any size with the shape of a shipped one (``cwsim --tickets N``), deterministically.

Every generated record is a copy of a record of the base tenant file (``baysideit.json`` by
default) with new ids and names, so it carries exactly the fields the base file carries and
nothing the ConnectWise schema does not define. Boards, statuses, types, priorities, SLAs and
schedule types are the base tenant's own.

What grows with ``tickets`` is the history: closed tickets, their notes and schedule entries.
The open queue stays at ``open_tickets`` (by default as many as the base tenant has open), the
way a service desk's open work follows the size of the team, not the age of the database.
Companies (with contacts and configurations) and members grow with ``companies`` / ``members``.
No randomness: record ``k`` is always built from the same template, so runs are identical.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent
BASE_FILE = DATA_DIR / "baysideit.json"

# Ticket fields that point at other tickets of the base file; a copy would point at strangers.
_TICKET_LINKS = ("parentTicketId", "mergedParentTicket")


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _clone(record: dict[str, Any]) -> dict[str, Any]:
    """A copy that shares nothing mutable with the template (writes change records in place).

    JSON data holds only dicts, lists and scalars; this is several times faster than deepcopy.
    """
    return {key: _copy(item) for key, item in record.items()}


def _ref(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: record[key] for key in ("id", *keys) if key in record}


def _grow_companies(data: dict[str, Any], total: int) -> None:
    companies = data["companies"]
    templates = list(companies)
    contacts_of: dict[int, list[dict[str, Any]]] = {}
    for contact in data["contacts"]:
        contacts_of.setdefault(contact["company"]["id"], []).append(contact)
    configs_of: dict[int, list[dict[str, Any]]] = {}
    for config in data["configurations"]:
        configs_of.setdefault(config["company"]["id"], []).append(config)
    next_company = max(c["id"] for c in companies) + 1
    next_contact = max(c["id"] for c in data["contacts"]) + 1
    next_config = max(c["id"] for c in data["configurations"]) + 1
    for k in range(len(companies), total):
        template = templates[k % len(templates)]
        company = _clone(template)
        company["id"] = next_company
        company["identifier"] = f"{template['identifier']}{k}"
        company["name"] = f"{template['name']} {k}"
        next_company += 1
        companies.append(company)
        ref = _ref(company, "identifier", "name")
        # Two contacts and two devices per company keep the panel's shape without the bulk.
        for contact_template in contacts_of.get(template["id"], [])[:2]:
            contact = _clone(contact_template)
            contact["id"] = next_contact
            contact["company"] = dict(ref)
            next_contact += 1
            data["contacts"].append(contact)
        for config_template in configs_of.get(template["id"], [])[:2]:
            config = _clone(config_template)
            config["id"] = next_config
            for key in ("name", "deviceIdentifier"):
                if key in config:
                    config[key] = f"{config_template[key]}-{k}"
            config["company"] = dict(ref)
            next_config += 1
            data["configurations"].append(config)


def _grow_members(data: dict[str, Any], total: int) -> None:
    members = data["members"]
    api_member = data.get("apiMember")
    templates = [m for m in members if m["identifier"] != api_member and not m.get("inactiveFlag")]
    next_id = max(m["id"] for m in members) + 1
    for k in range(len(members), total):
        template = templates[k % len(templates)]
        member = _clone(template)
        member["id"] = next_id
        member["identifier"] = f"{template['identifier']}{k}"
        member["lastName"] = f"{template['lastName']} {k}"
        if "name" in member:
            member["name"] = f"{template['firstName']} {member['lastName']}"
        for key in ("officeEmail", "primaryEmail"):
            if key in member:
                member[key] = f"{member['identifier']}@{template[key].partition('@')[2]}"
        next_id += 1
        members.append(member)


def _company_parts(data: dict[str, Any]) -> list[tuple[dict[str, Any], dict | None, list[int]]]:
    """Each company's reference, default contact and configuration ids."""
    contact_of: dict[int, dict[str, Any]] = {}
    for contact in data["contacts"]:
        contact_of.setdefault(contact["company"]["id"], contact)
    configs_of: dict[int, list[int]] = {}
    for config in data["configurations"]:
        configs_of.setdefault(config["company"]["id"], []).append(config["id"])
    return [
        (_ref(c, "identifier", "name"), contact_of.get(c["id"]), configs_of.get(c["id"], []))
        for c in data["companies"]
    ]


def _contact_fields(ticket: dict[str, Any], contact: dict[str, Any] | None) -> None:
    if contact is None:
        for key in ("contact", "contactName", "contactEmailAddress", "contactPhoneNumber"):
            ticket.pop(key, None)
        return
    name = f"{contact['firstName']} {contact['lastName']}".strip()
    ticket["contact"] = {"id": contact["id"], "name": name}
    if "contactName" in ticket:
        ticket["contactName"] = name
    for item in contact.get("communicationItems", []):
        kind = item.get("communicationType")
        if kind == "Email" and "contactEmailAddress" in ticket:
            ticket["contactEmailAddress"] = item["value"]
        if kind == "Phone" and "contactPhoneNumber" in ticket:
            ticket["contactPhoneNumber"] = item["value"]


def _grow_tickets(data: dict[str, Any], total: int, open_tickets: int) -> None:
    base_tickets = data["tickets"]
    open_pool = [t for t in base_tickets if not t.get("closedFlag")]
    closed_pool = [t for t in base_tickets if t.get("closedFlag")]
    notes_of: dict[int, list[dict[str, Any]]] = {}
    for note in data["ticketNotes"]:
        notes_of.setdefault(note["ticketId"], []).append(note)
    entries_of: dict[int, list[dict[str, Any]]] = {}
    for entry in data["scheduleEntries"]:
        entries_of.setdefault(entry["objectId"], []).append(entry)
    linked: dict[int, int] = {}
    for link in data.get("ticketConfigurations", []):
        linked[link["ticketId"]] = linked.get(link["ticketId"], 0) + 1
    companies = _company_parts(data)

    first_id = min(t["id"] for t in base_tickets)
    note_id = max(n["id"] for n in data["ticketNotes"]) + 1
    entry_id = max(e["id"] for e in data["scheduleEntries"]) + 1
    tickets: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    links: list[dict[str, int]] = []
    open_count = min(total, open_tickets)
    for k in range(total):
        # The newest tickets are the open ones, as in a real board.
        is_open = k >= total - open_count
        pool = open_pool if is_open else closed_pool
        template = pool[k % len(pool)]
        ticket = _clone(template)
        ticket["id"] = first_id + k
        for key in _TICKET_LINKS:
            ticket.pop(key, None)
        if "hasChildTicket" in ticket:
            ticket["hasChildTicket"] = False
        company, contact, config_ids = companies[k % len(companies)]
        ticket["company"] = dict(company)
        _contact_fields(ticket, contact)
        tickets.append(ticket)
        for note_template in notes_of.get(template["id"], []):
            note = _clone(note_template)
            note["id"] = note_id
            note["ticketId"] = ticket["id"]
            if "contact" in note and contact is not None:
                note["contact"] = dict(ticket["contact"])
            note_id += 1
            notes.append(note)
        for entry_template in entries_of.get(template["id"], []):
            entry = _clone(entry_template)
            entry["id"] = entry_id
            entry["objectId"] = ticket["id"]
            if "name" in entry:
                entry["name"] = f"{company.get('name', '')} / {ticket.get('summary', '')}"[:100]
            entry_id += 1
            entries.append(entry)
        for config_id in config_ids[: linked.get(template["id"], 0)]:
            links.append({"ticketId": ticket["id"], "configurationId": config_id})
    data["tickets"] = tickets
    data["ticketNotes"] = notes
    data["scheduleEntries"] = entries
    data["ticketConfigurations"] = links


def scaled_tenant(
    *,
    tickets: int,
    companies: int | None = None,
    members: int | None = None,
    open_tickets: int | None = None,
    base_file: Path = BASE_FILE,
) -> dict[str, Any]:
    """The base tenant grown to ``tickets`` tickets (and ``companies`` / ``members`` if larger)."""
    if tickets < 1:
        raise ValueError("tickets must be 1 or more")
    data: dict[str, Any] = json.loads(base_file.read_bytes())
    base_open = sum(1 for t in data["tickets"] if not t.get("closedFlag"))
    if companies is not None and companies > len(data["companies"]):
        _grow_companies(data, companies)
    if members is not None and members > len(data["members"]):
        _grow_members(data, members)
    _grow_tickets(data, tickets, base_open if open_tickets is None else max(0, open_tickets))
    data["_about"] = (
        f"{data.get('_about', '')} Scaled by psa/simulator/data/scaled.py to {tickets} tickets, "
        f"{len(data['companies'])} companies, {len(data['members'])} members."
    ).strip()
    return data
