"""Writes as ConnectWise performs them: validation, defaults, derived fields.

Every function here expects the caller to hold ``store.lock``.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from psa.simulator.errors import (
    ApiError,
    FieldError,
    Validator,
    bad_request,
    invalid_object,
    not_found,
)
from psa.simulator.store import TenantStore, utc_now

SUMMARY_MAX = 100

# --------------------------------------------------------------------------- references


def member_ref(member: dict[str, Any]) -> dict[str, Any]:
    return {"id": member["id"], "identifier": member["identifier"], "name": member["name"]}


def company_ref(company: dict[str, Any]) -> dict[str, Any]:
    return {"id": company["id"], "identifier": company["identifier"], "name": company["name"]}


def status_ref(status: dict[str, Any]) -> dict[str, Any]:
    # ConnectWise spells the sort order of a ticket's status reference "Sort".
    return {"id": status["id"], "name": status["name"], "Sort": status.get("sortOrder", 0)}


def priority_ref(priority: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": priority["id"],
        "name": priority["name"],
        "sort": priority.get("sortOrder", 0),
        "level": priority.get("level", ""),
    }


def contact_ref(contact: dict[str, Any]) -> dict[str, Any]:
    return {"id": contact["id"], "name": f"{contact['firstName']} {contact['lastName']}".strip()}


def _ref_id(value: object) -> object:
    """The id inside a reference object like ``{"id": 5}`` (None when absent)."""
    if isinstance(value, dict):
        return value.get("id")
    return None


def _is_ref(value: object) -> bool:
    return isinstance(value, dict) and bool({"id", "identifier", "name"} & set(value))


def _statuses_of(store: TenantStore, board_id: int) -> list[dict[str, Any]]:
    return [s for s in store.records("boardStatuses") if s["board"]["id"] == board_id]


def _default_status(store: TenantStore, board_id: int) -> dict[str, Any] | None:
    statuses = [s for s in _statuses_of(store, board_id) if not s.get("inactive")]
    for status in statuses:
        if status.get("defaultFlag"):
            return status
    open_statuses = sorted(
        (s for s in statuses if not s.get("closedStatus")), key=lambda s: s.get("sortOrder", 0)
    )
    return open_statuses[0] if open_statuses else None


def _closed_status(store: TenantStore, board_id: int) -> dict[str, Any] | None:
    closed = [s for s in _statuses_of(store, board_id) if s.get("closedStatus")]
    closed.sort(key=lambda s: s.get("sortOrder", 0))
    return closed[-1] if closed else None


def _default_priority(store: TenantStore) -> dict[str, Any] | None:
    priorities = store.records("priorities")
    for priority in priorities:
        if priority.get("defaultFlag"):
            return priority
    return priorities[0] if priorities else None


def _find_priority(store: TenantStore, ref: object) -> dict[str, Any] | None:
    found = store.get("priorities", _ref_id(ref))
    if found is None and isinstance(ref, dict) and isinstance(ref.get("name"), str):
        for priority in store.records("priorities"):
            if priority["name"].lower() == ref["name"].lower():
                return priority
    return found


def _find_on_board(
    store: TenantStore, collection: str, ref: object, board_id: int
) -> dict[str, Any] | None:
    """A status or type by id, or by name on the given board."""
    found = store.get(collection, _ref_id(ref))
    if found is None and isinstance(ref, dict) and isinstance(ref.get("name"), str):
        for record in store.records(collection):
            if record["board"]["id"] == board_id and record["name"].lower() == ref["name"].lower():
                return record
    return found


def _contact_details(contact: dict[str, Any]) -> dict[str, str]:
    details = {"contactName": contact_ref(contact)["name"]}
    for item in contact.get("communicationItems", []):
        kind = item.get("communicationType")
        if kind == "Email" and "contactEmailAddress" not in details:
            details["contactEmailAddress"] = item.get("value", "")
        elif kind == "Phone" and "contactPhoneNumber" not in details:
            details["contactPhoneNumber"] = item.get("value", "")
    return details


def _sla_text(priority: dict[str, Any], entered: datetime) -> str:
    hours = {"Level1": 1, "Level2": 4, "Level3": 24, "Level4": 72}.get(priority.get("level"), 48)
    due = entered + timedelta(hours=hours)
    return f"Respond by {due.strftime('%a %m/%d %I:%M %p')} UTC"


# --------------------------------------------------------------------------- tickets


def _check_summary(validator: Validator, summary: object) -> None:
    if summary is None or (isinstance(summary, str) and not summary.strip()):
        validator.required("summary")
    elif not isinstance(summary, str):
        validator.invalid("summary", "The field summary must be a string.")
    elif len(summary) > SUMMARY_MAX:
        validator.invalid(
            "summary",
            f"The field summary must be a string with a maximum length of {SUMMARY_MAX}.",
        )


def _resolve_references(
    store: TenantStore, validator: Validator, ticket: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """Check the reference fields of ``body`` against the tenant; return the resolved records.

    ``ticket`` is the ticket as it stands (empty for a new one); body values win over it.
    """
    resolved: dict[str, Any] = {}

    company_value = body.get("company", ticket.get("company"))
    company = store.find_company(company_value) if company_value is not None else None
    if company_value is None:
        validator.required("company")
    elif company is None:
        validator.invalid("company", "The company was not found: use its id or identifier.")
    resolved["company"] = company

    board_value = body.get("board") if "board" in body else ticket.get("board")
    if board_value is None:
        default_board = store.api_member.get("serviceDefaultBoard")
        board_value = default_board or (store.records("boards")[:1] or [None])[0]
    board = store.get("boards", _ref_id(board_value))
    if board is None and isinstance(board_value, dict) and isinstance(board_value.get("name"), str):
        board = next(
            (
                b
                for b in store.records("boards")
                if b["name"].lower() == board_value["name"].lower()
            ),
            None,
        )
    if board is None:
        validator.invalid("board", "The board was not found.")
    resolved["board"] = board

    board_changed = board is not None and ticket.get("board", {}).get("id") != board["id"]
    if "status" in body and body["status"] is not None:
        status = _find_on_board(store, "boardStatuses", body["status"], board["id"] if board else 0)
        if status is None:
            validator.invalid("status", "The status was not found.")
        elif board is not None and status["board"]["id"] != board["id"]:
            validator.invalid(
                "status",
                f"Status '{status['name']}' (id {status['id']}) does not belong to board "
                f"'{board['name']}' (id {board['id']}).",
            )
            status = None
        resolved["status"] = status
    elif board is not None and (board_changed or not ticket):
        status = _default_status(store, board["id"])
        if status is None:
            validator.invalid("status", f"Board '{board['name']}' has no default status.")
        resolved["status"] = status

    if "priority" in body and body["priority"] is not None:
        priority = _find_priority(store, body["priority"])
        if priority is None:
            validator.invalid("priority", "The priority was not found.")
        resolved["priority"] = priority
    elif not ticket:
        resolved["priority"] = _default_priority(store)

    if "type" in body and body["type"] is not None:
        ticket_type = _find_on_board(store, "boardTypes", body["type"], board["id"] if board else 0)
        if ticket_type is None:
            validator.invalid("type", "The type was not found.")
        elif board is not None and ticket_type["board"]["id"] != board["id"]:
            validator.invalid(
                "type",
                f"Type '{ticket_type['name']}' (id {ticket_type['id']}) does not belong to board "
                f"'{board['name']}' (id {board['id']}).",
            )
            ticket_type = None
        resolved["type"] = ticket_type

    if "contact" in body and body["contact"] is not None:
        contact = store.get("contacts", _ref_id(body["contact"]))
        if contact is None:
            validator.invalid("contact", "The contact was not found.")
        elif company is not None and contact["company"]["id"] != company["id"]:
            validator.invalid(
                "contact",
                f"Contact {contact['id']} does not belong to company '{company['name']}'.",
            )
            contact = None
        resolved["contact"] = contact

    if "owner" in body and body["owner"] is not None:
        owner = store.find_member(body["owner"])
        if owner is None:
            validator.invalid("owner", "The owner was not found.")
        elif owner.get("inactiveFlag"):
            validator.invalid("owner", f"Member '{owner['identifier']}' is inactive.")
            owner = None
        resolved["owner"] = owner

    if "parentTicketId" in body and body["parentTicketId"] is not None:
        parent = store.get("tickets", body["parentTicketId"])
        if parent is None or parent.get("id") == ticket.get("id"):
            validator.invalid("parentTicketId", "The parent ticket was not found.")
        resolved["parentTicketId"] = parent
    return resolved


def _apply_status(
    store: TenantStore, ticket: dict[str, Any], status: dict[str, Any], now: str
) -> None:
    ticket["status"] = status_ref(status)
    if status.get("closedStatus"):
        if not ticket.get("closedFlag"):
            ticket["closedFlag"] = True
            ticket["closedDate"] = now
            ticket["closedBy"] = store.api_member["identifier"]
        ticket["slaStatus"] = ""
    else:
        ticket["closedFlag"] = False
        ticket.pop("closedDate", None)
        ticket.pop("closedBy", None)


_SCALAR_FIELDS = {
    "summary": str,
    "severity": str,
    "impact": str,
    "siteName": str,
    "addressLine1": str,
    "addressLine2": str,
    "city": str,
    "stateIdentifier": str,
    "zip": str,
    "contactName": str,
    "contactPhoneNumber": str,
    "contactEmailAddress": str,
    "customerUpdatedFlag": bool,
    "approved": bool,
    "budgetHours": (int, float),
    "billTime": str,
    "billExpenses": str,
    "billProducts": str,
    "poNumber": str,
}
_REFERENCE_FIELDS = {
    "company",
    "board",
    "status",
    "priority",
    "type",
    "contact",
    "owner",
    "parentTicketId",
}
_PASSTHROUGH_REFS = {
    "source",
    "site",
    "team",
    "serviceLocation",
    "subType",
    "item",
    "agreement",
    "location",
    "department",
}
_READ_ONLY = {
    "id",
    "_info",
    "resources",
    "recordType",
    "closedDate",
    "closedBy",
    "hasChildTicket",
    "hasMergedChildTicketFlag",
    "mergedParentTicket",
    "slaStatus",
    "isInSla",
    "dateResolved",
    "dateResplan",
    "dateResponded",
}


def ticket_create(store: TenantStore, body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a ticket object.")
    validator = Validator("ticket")
    _check_summary(validator, body.get("summary"))
    resolved = _resolve_references(store, validator, {}, body)
    for name, expected in _SCALAR_FIELDS.items():
        if name in body and body[name] is not None and not isinstance(body[name], expected):
            validator.invalid(name, f"The field {name} has an invalid value.")
    validator.raise_if_any()

    api = store.api_member
    now_dt = datetime.now(UTC).replace(microsecond=0)
    now = now_dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    company, board, priority = resolved["company"], resolved["board"], resolved["priority"]
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
        "board": {"id": board["id"], "name": board["name"]},
        "status": status_ref(resolved["status"]),
        "company": company_ref(company),
        "site": copy.deepcopy(body.get("site") or site),
        "siteName": (body.get("site") or site).get("name", "Main"),
        "addressLine1": company.get("addressLine1", ""),
        "city": company.get("city", ""),
        "stateIdentifier": company.get("state", ""),
        "zip": company.get("zip", ""),
    }
    contact = resolved.get("contact")
    if contact is not None:
        ticket["contact"] = contact_ref(contact)
        ticket.update(_contact_details(contact))
    if resolved.get("type") is not None:
        ticket["type"] = {"id": resolved["type"]["id"], "name": resolved["type"]["name"]}
    ticket["priority"] = priority_ref(priority) if priority else None
    for name in _PASSTHROUGH_REFS:
        if _is_ref(body.get(name)):
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
    for name in (
        "contactName",
        "contactPhoneNumber",
        "contactEmailAddress",
        "budgetHours",
        "poNumber",
    ):
        if body.get(name) is not None:
            ticket[name] = body[name]
    if resolved.get("owner") is not None:
        ticket["owner"] = member_ref(resolved["owner"])
    parent = resolved.get("parentTicketId")
    if parent is not None:
        ticket["parentTicketId"] = parent["id"]
        parent["hasChildTicket"] = True
    if resolved["status"].get("closedStatus"):
        _apply_status(store, ticket, resolved["status"], now)
    store.insert("tickets", ticket)

    description = body.get("initialDescription")
    if isinstance(description, str) and description.strip():
        _insert_note(store, ticket, description, api, now, detail=True, contact=contact)
    analysis = body.get("initialInternalAnalysis")
    if isinstance(analysis, str) and analysis.strip():
        _insert_note(store, ticket, analysis, api, now, internal=True)
    resolution = body.get("initialResolution")
    if isinstance(resolution, str) and resolution.strip():
        _insert_note(store, ticket, resolution, api, now, resolution=True)
    return ticket


def _patch_path(op: dict[str, Any]) -> tuple[str, str | None]:
    path = op.get("path")
    if not isinstance(path, str) or not path.strip("/"):
        raise bad_request(
            "Each patch operation needs a path.", field_name="path", resource="ticket"
        )
    parts = path.strip("/").split("/")
    if len(parts) > 2:
        raise bad_request(f"Unsupported patch path '{path}'.", field_name=path, resource="ticket")
    return parts[0], parts[1] if len(parts) == 2 else None


def _canonical_ticket_field(name: str) -> str | None:
    lowered = name.lower()
    for known in (
        *_SCALAR_FIELDS,
        *_REFERENCE_FIELDS,
        *_PASSTHROUGH_REFS,
        *_READ_ONLY,
        "closedFlag",
    ):
        if known.lower() == lowered:
            return known
    return None


def patch_operations(body: object, resource: str) -> list[dict[str, Any]]:
    if not isinstance(body, list) or not body:
        raise bad_request(
            'PATCH expects a JSON array of operations like [{"op": "replace", "path": "status", '
            '"value": {"id": 1}}].',
            resource=resource,
        )
    for op in body:
        if not isinstance(op, dict) or str(op.get("op", "")).lower() not in (
            "replace",
            "add",
            "remove",
        ):
            raise bad_request(
                "Each patch operation needs op 'replace', 'add' or 'remove'.",
                field_name="op",
                resource=resource,
            )
    return body


def ticket_patch(store: TenantStore, ticket: dict[str, Any], body: object) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for op in patch_operations(body, "ticket"):
        name, sub = _patch_path(op)
        field_name = _canonical_ticket_field(name)
        if field_name is None:
            raise invalid_object("ticket", [_unknown_field_error("ticket", name)])
        value = None if str(op["op"]).lower() == "remove" else op.get("value")
        if sub is not None:
            if field_name not in _REFERENCE_FIELDS | _PASSTHROUGH_REFS or sub.lower() not in (
                "id",
                "identifier",
                "name",
            ):
                raise bad_request(
                    f"Unsupported patch path '{op['path']}'.", field_name=name, resource="ticket"
                )
            value = {sub.lower(): value}
        changes[field_name] = value

    validator = Validator("ticket")
    for name in changes:
        if name in _READ_ONLY:
            validator.invalid(name, f"The field {name} is read-only.", code="ReadOnlyField")
    if "summary" in changes:
        _check_summary(validator, changes["summary"])
    if "company" in changes and changes["company"] is None:
        validator.required("company")
    for name, expected in _SCALAR_FIELDS.items():
        if (
            name in changes
            and changes[name] is not None
            and not isinstance(changes[name], expected)
        ):
            validator.invalid(name, f"The field {name} has an invalid value.")
    closed_flag = changes.pop("closedFlag", None)
    if closed_flag is not None and not isinstance(closed_flag, bool):
        validator.invalid("closedFlag", "The field closedFlag must be true or false.")
    references = {k: v for k, v in changes.items() if k in _REFERENCE_FIELDS}
    resolved = _resolve_references(store, validator, ticket, references)
    validator.raise_if_any()

    now = utc_now()
    for name, value in changes.items():
        if name in _SCALAR_FIELDS:
            if value is None:
                ticket.pop(name, None)
            else:
                ticket[name] = value
        elif name in _PASSTHROUGH_REFS:
            if value is None:
                ticket.pop(name, None)
            else:
                ticket[name] = copy.deepcopy(value)
    if "company" in changes and resolved.get("company") is not None:
        ticket["company"] = company_ref(resolved["company"])
    board = resolved.get("board")
    if board is not None and ticket["board"]["id"] != board["id"]:
        ticket["board"] = {"id": board["id"], "name": board["name"]}
        current_type = store.get("boardTypes", _ref_id(ticket.get("type")))
        if (
            current_type is not None
            and current_type["board"]["id"] != board["id"]
            and "type" not in changes
        ):
            ticket.pop("type", None)
    if resolved.get("status") is not None:
        _apply_status(store, ticket, resolved["status"], now)
    if closed_flag is not None and closed_flag != ticket.get("closedFlag"):
        target = (
            _closed_status(store, ticket["board"]["id"])
            if closed_flag
            else _default_status(store, ticket["board"]["id"])
        )
        if target is None:
            raise invalid_object(
                "ticket", [_field_error("ticket", "closedFlag", "The board has no such status.")]
            )
        _apply_status(store, ticket, target, now)
    if "priority" in changes and resolved.get("priority") is not None:
        ticket["priority"] = priority_ref(resolved["priority"])
    if "type" in changes:
        if resolved.get("type") is not None:
            ticket["type"] = {"id": resolved["type"]["id"], "name": resolved["type"]["name"]}
        else:
            ticket.pop("type", None)
    if "contact" in changes:
        if resolved.get("contact") is not None:
            ticket["contact"] = contact_ref(resolved["contact"])
            ticket.update(_contact_details(resolved["contact"]))
        else:
            for name in ("contact", "contactName", "contactPhoneNumber", "contactEmailAddress"):
                ticket.pop(name, None)
    if "owner" in changes:
        if resolved.get("owner") is not None:
            ticket["owner"] = member_ref(resolved["owner"])
        else:
            ticket.pop("owner", None)
    if "parentTicketId" in changes:
        if resolved.get("parentTicketId") is not None:
            ticket["parentTicketId"] = resolved["parentTicketId"]["id"]
            resolved["parentTicketId"]["hasChildTicket"] = True
        else:
            ticket.pop("parentTicketId", None)
    _touch(store, ticket, now)
    return ticket


def _field_error(resource: str, field_name: str, message: str) -> FieldError:
    return FieldError("InvalidField", message, resource, field_name)


def _unknown_field_error(resource: str, name: str) -> FieldError:
    return _field_error(resource, name, f"Unknown field '{name}' on {resource}.")


def _touch(store: TenantStore, ticket: dict[str, Any], now: str) -> None:
    info = ticket.setdefault("_info", {})
    info["lastUpdated"] = now
    info["updatedBy"] = store.api_member["identifier"]
    store.touched("tickets", ticket)


def ticket_delete(store: TenantStore, ticket_id: int) -> None:
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


# --------------------------------------------------------------------------- notes


def _insert_note(
    store: TenantStore,
    ticket: dict[str, Any],
    text: str,
    member: dict[str, Any],
    now: str,
    *,
    detail: bool = False,
    internal: bool = False,
    resolution: bool = False,
    contact: dict[str, Any] | None = None,
) -> dict[str, Any]:
    note: dict[str, Any] = {
        "id": store.next_id("ticketNotes"),
        "ticketId": ticket["id"],
        "text": text,
        "detailDescriptionFlag": detail,
        "internalAnalysisFlag": internal,
        "resolutionFlag": resolution,
    }
    if contact is not None:
        note["contact"] = contact_ref(contact)
    else:
        note["member"] = member_ref(member)
    note.update(
        {
            "dateCreated": now,
            "createdBy": member["identifier"],
            "internalFlag": internal,
            "externalFlag": False,
        }
    )
    return store.insert("ticketNotes", note)


def note_create(store: TenantStore, ticket: dict[str, Any], body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a note object.")
    validator = Validator("serviceNote")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        validator.required("text")
    flags = {}
    for name in ("detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag"):
        value = body.get(name, False)
        if not isinstance(value, bool):
            validator.invalid(name, f"The field {name} must be true or false.")
        flags[name] = value is True
    if not any(flags.values()):
        validator.invalid(
            "detailDescriptionFlag",
            "At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag "
            "must be true.",
            code="MissingRequiredField",
        )
    member = store.api_member
    if body.get("member") is not None:
        found = store.find_member(body["member"])
        if found is None:
            validator.invalid("member", "The member was not found.")
        else:
            member = found
    validator.raise_if_any()
    now = utc_now()
    note = _insert_note(
        store,
        ticket,
        str(text),
        member,
        now,
        detail=flags["detailDescriptionFlag"],
        internal=flags["internalAnalysisFlag"],
        resolution=flags["resolutionFlag"],
    )
    _touch(store, ticket, now)
    return note


# --------------------------------------------------------------------------- ticket configurations


def ticket_configurations(store: TenantStore, ticket_id: int) -> list[dict[str, Any]]:
    ids = [
        link["configurationId"]
        for link in store.ticket_configurations
        if link["ticketId"] == ticket_id
    ]
    found = (store.get("configurations", config_id) for config_id in sorted(set(ids)))
    return [c for c in found if c is not None]


def ticket_configuration_add(
    store: TenantStore, ticket: dict[str, Any], body: object
) -> dict[str, Any]:
    validator = Validator("configuration")
    configuration = None
    if not isinstance(body, dict) or (
        body.get("id") is None and body.get("deviceIdentifier") is None
    ):
        validator.invalid("id", "id or deviceIdentifier is required.", code="MissingRequiredField")
    elif body.get("id") is not None:
        configuration = store.get("configurations", body.get("id"))
    else:
        wanted = str(body.get("deviceIdentifier")).lower()
        configuration = next(
            (
                c
                for c in store.records("configurations")
                if str(c.get("deviceIdentifier", "")).lower() == wanted
            ),
            None,
        )
    if not validator.errors and configuration is None:
        validator.invalid("id", "The configuration was not found.")
    validator.raise_if_any()
    assert configuration is not None
    link = {"ticketId": ticket["id"], "configurationId": configuration["id"]}
    if link not in store.ticket_configurations:
        store.ticket_configurations.append(link)
        _touch(store, ticket, utc_now())
    return configuration


def ticket_configuration_remove(store: TenantStore, ticket: dict[str, Any], config_id: int) -> None:
    link = {"ticketId": ticket["id"], "configurationId": config_id}
    if link not in store.ticket_configurations:
        raise not_found(f"Configuration {config_id} is not attached to ticket {ticket['id']}.")
    store.ticket_configurations.remove(link)
    _touch(store, ticket, utc_now())


# --------------------------------------------------------------------------- schedule entries


def recompute_resources(store: TenantStore, ticket_id: object) -> None:
    """A ticket's read-only ``resources``: members of its open service entries, in entry order."""
    ticket = store.get("tickets", ticket_id)
    if ticket is None:
        return
    identifiers: list[str] = []
    for entry in store.records("scheduleEntries"):
        if entry.get("objectId") != ticket_id or entry.get("doneFlag"):
            continue
        if (entry.get("type") or {}).get("identifier") != "S":
            continue
        identifier = (entry.get("member") or {}).get("identifier")
        if identifier and identifier not in identifiers:
            identifiers.append(identifier)
    ticket["resources"] = ", ".join(identifiers)


def _schedule_type(store: TenantStore, ref: object) -> dict[str, Any] | None:
    if not isinstance(ref, dict):
        return None
    if ref.get("id") is not None:
        return store.get("scheduleTypes", ref.get("id"))
    wanted = ref.get("identifier")
    if isinstance(wanted, str):
        return next(
            (
                t
                for t in store.records("scheduleTypes")
                if t["identifier"].lower() == wanted.lower()
            ),
            None,
        )
    return None


def _check_datetime(validator: Validator, body: dict[str, Any], name: str) -> None:
    value = body.get(name)
    if value is None:
        return
    try:
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        validator.invalid(name, f"The field {name} must be a date like 2026-01-01T09:00:00Z.")


def schedule_entry_create(store: TenantStore, body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a schedule entry object.")
    validator = Validator("scheduleEntry")
    schedule_type = _schedule_type(store, body.get("type"))
    if body.get("type") is None:
        validator.required("type")
    elif schedule_type is None:
        validator.invalid("type", "The schedule type was not found.")
    ticket = None
    if body.get("objectId") is None:
        validator.required("objectId")
    else:
        ticket = store.get("tickets", body.get("objectId"))
        if ticket is None and schedule_type is not None and schedule_type["identifier"] == "S":
            validator.invalid("objectId", f"Service ticket {body.get('objectId')} was not found.")
    member = None
    if body.get("member") is None:
        validator.required("member")
    else:
        member = store.find_member(body["member"])
        if member is None:
            validator.invalid("member", "The member was not found.")
        elif member.get("inactiveFlag"):
            validator.invalid("member", f"Member '{member['identifier']}' is inactive.")
    for name in ("dateStart", "dateEnd"):
        _check_datetime(validator, body, name)
    validator.raise_if_any()
    assert member is not None and schedule_type is not None

    now = utc_now()
    start, end = body.get("dateStart"), body.get("dateEnd")
    hours = 0.0
    if start and end:
        delta = datetime.fromisoformat(str(end).replace("Z", "+00:00")) - datetime.fromisoformat(
            str(start).replace("Z", "+00:00")
        )
        hours = round(delta.total_seconds() / 3600, 2)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        name = f"{ticket['company']['name']} / {ticket['summary']}" if ticket else member["name"]
    entry: dict[str, Any] = {
        "id": store.next_id("scheduleEntries"),
        "objectId": body["objectId"],
        "name": name,
        "member": member_ref(member),
        "type": {"id": schedule_type["id"], "identifier": schedule_type["identifier"]},
        "status": {"id": 2, "name": "Firm"},
        "dateStart": start,
        "dateEnd": end,
        "hours": hours,
        "doneFlag": body.get("doneFlag") is True,
        "acknowledgedFlag": body.get("acknowledgedFlag") is True,
        "ownerFlag": bool(ticket and (ticket.get("owner") or {}).get("id") == member["id"]),
        "meetingFlag": False,
        "allowScheduleConflictsFlag": True,
        "_info": {"dateEntered": now, "enteredBy": store.api_member["identifier"]},
    }
    store.insert("scheduleEntries", entry)
    if ticket is not None:
        recompute_resources(store, ticket["id"])
        _touch(store, ticket, now)
    return entry


_ENTRY_FIELDS = {
    "doneflag": ("doneFlag", bool),
    "acknowledgedflag": ("acknowledgedFlag", bool),
    "datestart": ("dateStart", str),
    "dateend": ("dateEnd", str),
    "name": ("name", str),
    "member": ("member", dict),
    "hours": ("hours", (int, float)),
}


def schedule_entry_patch(store: TenantStore, entry: dict[str, Any], body: object) -> dict[str, Any]:
    validator = Validator("scheduleEntry")
    changes: dict[str, Any] = {}
    for op in patch_operations(body, "scheduleEntry"):
        path = str(op.get("path", "")).strip("/")
        parts = path.split("/")
        known = _ENTRY_FIELDS.get(parts[0].lower())
        if known is None or len(parts) > 2:
            validator.invalid(
                path or "path", f"The field {path} cannot be patched on a schedule entry."
            )
            continue
        name, expected = known
        value = None if str(op["op"]).lower() == "remove" else op.get("value")
        if len(parts) == 2:
            value = {parts[1].lower(): value}
        if value is not None and not isinstance(value, expected):
            validator.invalid(name, f"The field {name} has an invalid value.")
        changes[name] = value
    member = None
    if "member" in changes:
        member = store.find_member(changes["member"])
        if member is None:
            validator.invalid("member", "The member was not found.")
        elif member.get("inactiveFlag"):
            validator.invalid("member", f"Member '{member['identifier']}' is inactive.")
    for name in ("dateStart", "dateEnd"):
        _check_datetime(validator, changes, name)
    validator.raise_if_any()
    for name, value in changes.items():
        if name == "member":
            assert member is not None
            entry["member"] = member_ref(member)
        elif name in ("doneFlag", "acknowledgedFlag"):
            entry[name] = value is True
        else:
            entry[name] = value
    now = utc_now()
    entry.setdefault("_info", {}).update(
        {"lastUpdated": now, "updatedBy": store.api_member["identifier"]}
    )
    store.touched("scheduleEntries", entry)
    recompute_resources(store, entry.get("objectId"))
    ticket = store.get("tickets", entry.get("objectId"))
    if ticket is not None:
        _touch(store, ticket, now)
    return entry


def schedule_entry_delete(store: TenantStore, entry_id: int) -> None:
    entry = store.delete("scheduleEntries", entry_id)
    if entry is None:
        raise not_found(f"Schedule entry with id {entry_id} was not found.")
    recompute_resources(store, entry.get("objectId"))
    ticket = store.get("tickets", entry.get("objectId"))
    if ticket is not None:
        _touch(store, ticket, utc_now())


__all__ = [
    "ApiError",
    "note_create",
    "recompute_resources",
    "schedule_entry_create",
    "schedule_entry_delete",
    "schedule_entry_patch",
    "ticket_configuration_add",
    "ticket_configuration_remove",
    "ticket_configurations",
    "ticket_create",
    "ticket_delete",
    "ticket_patch",
]
