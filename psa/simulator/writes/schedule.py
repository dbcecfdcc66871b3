"""Schedule entries, and the ``resources`` they give the tickets they are for."""

from __future__ import annotations

from typing import Any

from psa.simulator.errors import Validator, bad_request, not_found
from psa.simulator.store import TenantStore, utc_now
from psa.simulator.writes.audit import mark_updated
from psa.simulator.writes.references import member_display_name, member_ref
from psa.simulator.writes.validation import (
    check_datetimes,
    find_active_member,
    operation_value,
    parse_datetime,
    patch_operations,
)

# Only a "Service" entry's objectId must be a ticket, and only those count as a ticket's
# resources ("C", Activity, points at an activity instead).
_SERVICE = "S"

# PATCH paths (lowercased) and the field and type each one sets.
_ENTRY_FIELDS: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "doneflag": ("doneFlag", bool),
    "acknowledgedflag": ("acknowledgedFlag", bool),
    "datestart": ("dateStart", str),
    "dateend": ("dateEnd", str),
    "name": ("name", str),
    "member": ("member", dict),
    "hours": ("hours", (int, float)),
}


def recompute_resources(store: TenantStore, ticket_id: object) -> None:
    """A ticket's read-only ``resources``: members of its open service entries, in entry order."""
    ticket = store.get("tickets", ticket_id)
    if ticket is None:
        return
    identifiers: list[str] = []
    for entry in store.records("scheduleEntries"):
        if entry.get("objectId") != ticket_id or entry.get("doneFlag"):
            continue
        if (entry.get("type") or {}).get("identifier") != _SERVICE:
            continue
        identifier = (entry.get("member") or {}).get("identifier")
        if identifier and identifier not in identifiers:
            identifiers.append(identifier)
    ticket["resources"] = ", ".join(identifiers)


def _type_ref_agrees(ref: dict[str, Any], schedule_type: dict[str, Any]) -> bool:
    """A reference naming both an id and an identifier must name the same schedule type.

    We know of no documented rule for which of the two wins when they disagree; rather than
    guess (our rule: when unsure, be stricter than ConnectWise), the simulator refuses it.
    """
    identifier = ref.get("identifier")
    if ref.get("id") is None or identifier is None:
        return True
    return str(identifier).lower() == str(schedule_type["identifier"]).lower()


def _ticket_changed(store: TenantStore, entry: dict[str, Any], now: str) -> None:
    """What a changed or removed entry does to its ticket: new resources, a new update stamp."""
    recompute_resources(store, entry.get("objectId"))
    ticket = store.get("tickets", entry.get("objectId"))
    if ticket is not None:
        mark_updated(store, "tickets", ticket, now)


def schedule_entry_create(store: TenantStore, body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a schedule entry object.")
    validator = Validator("scheduleEntry")
    schedule_type = store.find_schedule_type(body.get("type"))
    if body.get("type") is None:
        validator.required("type")
    elif schedule_type is None:
        validator.invalid("type", "The schedule type was not found.")
    elif not _type_ref_agrees(body["type"], schedule_type):
        validator.invalid(
            "type",
            f"The schedule type id {body['type'].get('id')} is not the schedule type "
            f"{body['type'].get('identifier')!r}.",
        )
    ticket = None
    if body.get("objectId") is None:
        validator.required("objectId")
    else:
        ticket = store.get("tickets", body.get("objectId"))
        if ticket is None and schedule_type is not None and schedule_type["identifier"] == _SERVICE:
            validator.invalid("objectId", f"Service ticket {body.get('objectId')} was not found.")
    member = None
    if body.get("member") is None:
        validator.required("member")
    else:
        member = find_active_member(store, validator, "member", body["member"])
    check_datetimes(validator, body, "dateStart", "dateEnd")
    validator.raise_if_any()
    assert member is not None and schedule_type is not None

    now = utc_now()
    start, end = body.get("dateStart"), body.get("dateEnd")
    hours = 0.0
    if start and end:
        delta = parse_datetime(end) - parse_datetime(start)
        hours = round(delta.total_seconds() / 3600, 2)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        name = (
            f"{ticket['company']['name']} / {ticket['summary']}"
            if ticket
            else member_display_name(member)
        )
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
        mark_updated(store, "tickets", ticket, now)
    return entry


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
        value = operation_value(op)
        if len(parts) == 2:
            # "member/identifier" sets the member by one key of its reference.
            value = {parts[1].lower(): value}
        if value is not None and not isinstance(value, expected):
            validator.invalid(name, f"The field {name} has an invalid value.")
        changes[name] = value
    member = None
    if "member" in changes:
        member = find_active_member(store, validator, "member", changes["member"])
    check_datetimes(validator, changes, "dateStart", "dateEnd")
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
    mark_updated(store, "scheduleEntries", entry, now)
    _ticket_changed(store, entry, now)
    return entry


def schedule_entry_delete(store: TenantStore, entry_id: int) -> None:
    entry = store.delete("scheduleEntries", entry_id)
    if entry is None:
        raise not_found(f"Schedule entry with id {entry_id} was not found.")
    _ticket_changed(store, entry, utc_now())
