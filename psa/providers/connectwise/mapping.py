"""Pure functions: ConnectWise JSON -> our normalized dataclasses.

Tolerant of missing optional keys (ConnectWise omits nulls, and `fields=` projections drop
whatever was not asked for, including `_info`); strict about the one thing we cannot do without,
a record's `id`, and about the record being an object at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal

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
    PSARelatedTicket,
    PSAResource,
    PSAResponseError,
    PSAScheduleType,
    PSAStatus,
    PSATicket,
)

# The ticket fields a list row needs (`fields=`); `_info` carries dateEntered / lastUpdated.
TICKET_ROW_FIELDS = (
    "id,summary,company,board,status,priority,resources,_info,slaStatus,closedFlag,"
    "parentTicketId,contact,owner,hasChildTicket,type,severity,impact"
)
RELATED_FIELDS = "id,summary,status,closedFlag"
# A ConnectWise Member has no `name`: the display name is built from first and last name.
MEMBER_FIELDS = "id,identifier,firstName,lastName,officeEmail,primaryEmail,inactiveFlag"

Json = Mapping[str, Any]


# --- primitives -------------------------------------------------------------------------------------


def _obj(data: Any, kind: str) -> Json:
    if not isinstance(data, Mapping):
        raise PSAResponseError(
            f"ConnectWise sent a {kind} that is not an object.", detail=repr(data)[:300]
        )
    if not isinstance(data.get("id"), int) or isinstance(data.get("id"), bool):
        raise PSAResponseError(f"ConnectWise sent a {kind} without an id.", detail=repr(data)[:300])
    return data


def _ref(data: Json, key: str) -> Json:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _ref_id(data: Json, key: str) -> int | None:
    value = _ref(data, key).get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def parse_datetime(value: Any) -> datetime | None:
    """ConnectWise timestamps (`2026-07-03T19:31:47Z`) -> aware datetimes (UTC if unzoned)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def assignees_from_resources(
    resources: Any, names: Mapping[str, str] | None = None
) -> tuple[PSAAssignee, ...]:
    """The ticket's read-only `resources` string (`"jsmith, mlee"`) -> assignees, in order."""
    if not isinstance(resources, str):
        return ()
    seen: list[str] = []
    for part in resources.split(","):
        ident = part.strip()
        if ident and ident not in seen:
            seen.append(ident)
    names = names or {}
    return tuple(PSAAssignee(identifier=i, name=names.get(i, "")) for i in seen)


# --- tickets ----------------------------------------------------------------------------------------


def ticket_from_cw(data: Any, *, member_names: Mapping[str, str] | None = None) -> PSATicket:
    t = _obj(data, "ticket")
    company, board, status, priority = (
        _ref(t, "company"),
        _ref(t, "board"),
        _ref(t, "status"),
        _ref(t, "priority"),
    )
    info = _ref(t, "_info")
    return PSATicket(
        id=t["id"],
        summary=_str(t.get("summary")),
        company_id=_ref_id(t, "company"),
        company_name=_str(company.get("name")),
        board_id=_ref_id(t, "board"),
        board_name=_str(board.get("name")),
        status_id=_ref_id(t, "status"),
        status_name=_str(status.get("name")),
        priority_id=_ref_id(t, "priority"),
        priority_name=_str(priority.get("name")),
        priority_sort=_int(priority.get("sort")),
        assignees=assignees_from_resources(t.get("resources"), member_names),
        date_entered=parse_datetime(info.get("dateEntered") or t.get("dateEntered")),
        last_updated=parse_datetime(info.get("lastUpdated") or t.get("lastUpdated")),
        sla_status=_str(t.get("slaStatus")),
        closed=bool(t.get("closedFlag")),
        contact_id=_ref_id(t, "contact"),
        contact_name=_str(_ref(t, "contact").get("name") or t.get("contactName")),
        owner_identifier=_str(_ref(t, "owner").get("identifier")),
        parent_ticket_id=_int(t.get("parentTicketId")),
        has_child_ticket=bool(t.get("hasChildTicket")),
        type_name=_str(_ref(t, "type").get("name")),
        severity=_str(t.get("severity")),
        impact=_str(t.get("impact")),
        entered_by=_str(info.get("enteredBy")),
    )


def related_from_cw(
    data: Any, relation: Literal["parent", "child", "merged_parent"]
) -> PSARelatedTicket:
    t = _obj(data, "ticket")
    return PSARelatedTicket(
        id=t["id"],
        summary=_str(t.get("summary")),
        status_name=_str(_ref(t, "status").get("name")),
        relation=relation,
        closed=bool(t.get("closedFlag")),
    )


def note_type_from_cw(note: Json) -> NoteType:
    if note.get("internalAnalysisFlag"):
        return "internal"
    if note.get("resolutionFlag"):
        return "resolution"
    return "discussion"


def note_flags(note_type: NoteType) -> dict[str, bool]:
    """The ConnectWise flags for a note of `note_type` (exactly one of them true)."""
    return {
        "detailDescriptionFlag": note_type == "discussion",
        "internalAnalysisFlag": note_type == "internal",
        "resolutionFlag": note_type == "resolution",
    }


def note_from_cw(data: Any, *, ticket_id: int | None = None) -> PSANote:
    n = _obj(data, "note")
    member, contact = _ref(n, "member"), _ref(n, "contact")
    created_by = _str(n.get("createdBy"))
    if member:
        author = _str(member.get("name")) or _str(member.get("identifier"))
        author_identifier = _str(member.get("identifier"))
    elif contact:
        author = _str(contact.get("name"))
        author_identifier = ""
    else:
        author = created_by
        author_identifier = created_by
    info = _ref(n, "_info")
    return PSANote(
        id=n["id"],
        ticket_id=_int(n.get("ticketId")) or ticket_id or 0,
        text=_str(n.get("text")),
        type=note_type_from_cw(n),
        author_name=author or created_by,
        author_identifier=author_identifier,
        created_at=parse_datetime(n.get("dateCreated") or info.get("dateEntered")),
    )


def _is_time_entry(note: Json, info: Json) -> bool:
    """Whether an `allNotes` record is a time entry's notes rather than a ticket note.

    The OpenAPI's TicketNote model has no field for it, so this reads the markers a record may
    carry, at the top level or in the free-form `_info`: a `noteType` naming a time entry, or
    the `timeStart` of the time worked.
    """
    for where in (note, info):
        marker = _str(where.get("noteType")).replace("_", "").lower()
        if marker.startswith("timeentry") or where.get("timeStart"):
            return True
    return False


def all_note_from_cw(data: Any, *, ticket_id: int | None = None) -> PSANote:
    """A record of `/service/tickets/{id}/allNotes`: a ticket note or a time entry's notes."""
    note = note_from_cw(data, ticket_id=ticket_id)
    raw = _obj(data, "note")
    info = _ref(raw, "_info")
    if not _is_time_entry(raw, info):
        return note
    start = parse_datetime(raw.get("timeStart") or info.get("timeStart"))
    end = parse_datetime(raw.get("timeEnd") or info.get("timeEnd"))
    return replace(
        note,
        kind="time_entry",
        time_start=start,
        time_end=end,
        created_at=note.created_at or start,
    )


def configuration_from_cw(data: Any) -> PSAConfiguration:
    c = _obj(data, "configuration")
    return PSAConfiguration(
        id=c["id"],
        name=_str(c.get("name") or c.get("deviceIdentifier")),
        type_name=_str(_ref(c, "type").get("name")),
        serial_number=_str(c.get("serialNumber")),
        model=_str(c.get("modelNumber")),
        ip_address=_str(c.get("ipAddress")),
        os=_str(c.get("osType")),
        company_id=_ref_id(c, "company"),
        device_identifier=_str(c.get("deviceIdentifier")),
        active=c.get("activeFlag") is not False,
    )


def resource_from_entry(data: Any) -> PSAResource:
    """A schedule entry of type `S` -> the member it assigns."""
    e = _obj(data, "schedule entry")
    member = _ref(e, "member")
    member_id = _int(member.get("id"))
    if member_id is None:
        raise PSAResponseError(
            "ConnectWise sent a schedule entry without a member.", detail=repr(data)[:300]
        )
    return PSAResource(
        member_id=member_id,
        member_name=_str(member.get("name")) or _str(member.get("identifier")),
        member_identifier=_str(member.get("identifier")),
    )


# --- reference data ---------------------------------------------------------------------------------


def board_from_cw(data: Any) -> PSABoard:
    b = _obj(data, "board")
    return PSABoard(id=b["id"], name=_str(b.get("name")), inactive=bool(b.get("inactiveFlag")))


def status_from_cw(data: Any, *, board_id: int | None = None) -> PSAStatus:
    s = _obj(data, "status")
    return PSAStatus(
        id=s["id"],
        name=_str(s.get("name")),
        board_id=_ref_id(s, "board") or board_id or 0,
        closed=bool(s.get("closedStatus")),
        default=bool(s.get("defaultFlag")),
        sort_order=_int(s.get("sortOrder")) or 0,
        inactive=bool(s.get("inactive") or s.get("inactiveFlag")),
    )


def priority_from_cw(data: Any) -> PSAPriority:
    p = _obj(data, "priority")
    sort = _int(p.get("sortOrder"))
    if sort is None:
        sort = _int(p.get("sort")) or 0
    return PSAPriority(
        id=p["id"],
        name=_str(p.get("name")),
        sort=sort,
        color=_str(p.get("color")),
        default=bool(p.get("defaultFlag")),
    )


def member_from_cw(data: Any) -> PSAMember:
    m = _obj(data, "member")
    first, last = _str(m.get("firstName")), _str(m.get("lastName"))
    name = " ".join(p for p in (first, last) if p)
    return PSAMember(
        id=m["id"],
        identifier=_str(m.get("identifier")),
        name=name or _str(m.get("identifier")),
        first_name=first,
        last_name=last,
        email=_str(m.get("officeEmail") or m.get("primaryEmail")),
        inactive=bool(m.get("inactiveFlag")),
    )


def schedule_type_from_cw(data: Any) -> PSAScheduleType:
    t = _obj(data, "schedule type")
    return PSAScheduleType(
        id=t["id"], identifier=_str(t.get("identifier")), name=_str(t.get("name"))
    )


def company_from_cw(data: Any) -> PSACompany:
    c = _obj(data, "company")
    return PSACompany(
        id=c["id"],
        identifier=_str(c.get("identifier")),
        name=_str(c.get("name")),
        website=_str(c.get("website")),
    )


def _communication(items: Any, kind: str) -> str:
    if not isinstance(items, list):
        return ""
    matches = [
        i
        for i in items
        if isinstance(i, Mapping)
        and (
            _str(i.get("communicationType")).lower() == kind
            or _str(_ref(i, "type").get("name")).lower() == kind
        )
        and i.get("value")
    ]
    matches.sort(key=lambda i: not i.get("defaultFlag"))
    return _str(matches[0]["value"]) if matches else ""


def contact_from_cw(data: Any) -> PSAContact:
    c = _obj(data, "contact")
    first, last = _str(c.get("firstName")), _str(c.get("lastName"))
    return PSAContact(
        id=c["id"],
        name=" ".join(p for p in (first, last) if p) or _str(c.get("name")),
        company_id=_ref_id(c, "company"),
        email=_communication(c.get("communicationItems"), "email"),
        phone=_communication(c.get("communicationItems"), "phone"),
        title=_str(c.get("title")),
        first_name=first,
        last_name=last,
        company_name=_str(_ref(c, "company").get("name")),
    )
