"""``GET /service/tickets/{id}/allNotes``: a ticket's notes and its time entries' notes.

ConnectWise's ticket view shows both; ``/notes`` has only the notes. Records are shaped as the
OpenAPI's ``TicketNote`` (``psa/simulator/data/schema.json``, route ``allNotes``), which
has no ``dateCreated``/``createdBy`` (those are ``ServiceNote`` fields): the simulator moves them
into ``_info`` (``dateEntered``/``enteredBy``), the free-form metadata object. That model has no
field for "this is a time entry" or for the time worked either, so a time entry carries
``noteType: "TimeEntryNote"`` and ``timeStart``/``timeEnd`` in ``_info`` as well.

Time entries are seeded deterministically from the tenant data (one for every fifth ticket,
worked by the member of its first schedule entry after its first note) the first time a
tenant's ``allNotes`` is read; a data reset drops them with the rest. Posting a note still goes
to ``/notes``, and new notes appear here too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from psa.simulator.store import TenantStore

# Time entries live in ConnectWise's time table, whose ids are not note ids; a separate range
# keeps them apart here.
TIME_ENTRY_ID_BASE = 5_000_000
_EVERY_NTH_TICKET = 5
_KEY = "_simTimeEntries"
_WORK = (
    "Remote session: reviewed the logs and applied the fix; user confirmed it works.",
    "Called the user, walked through the steps, tested afterwards.",
    "Investigated on site, replaced the cable, monitored for 20 minutes.",
)
# TicketNote fields a ServiceNote shares (schema.json); everything else is left out.
_TICKET_NOTE_FIELDS = (
    "id",
    "ticketId",
    "text",
    "detailDescriptionFlag",
    "internalAnalysisFlag",
    "resolutionFlag",
    "issueFlag",
    "member",
    "contact",
    "customerUpdatedFlag",
    "processNotifications",
    "internalFlag",
    "externalFlag",
)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _seed(store: TenantStore) -> list[dict[str, Any]]:
    first_note: dict[int, dict[str, Any]] = {}
    for note in store.records("ticketNotes"):
        first_note.setdefault(note["ticketId"], note)
    first_member: dict[int, dict[str, Any]] = {}
    for entry in store.records("scheduleEntries"):
        object_id = entry.get("objectId")
        if isinstance(entry.get("member"), dict) and isinstance(object_id, int):
            first_member.setdefault(object_id, entry["member"])
    entries: list[dict[str, Any]] = []
    for ticket in store.records("tickets"):
        ticket_id = ticket["id"]
        first = first_note.get(ticket_id)
        if ticket_id % _EVERY_NTH_TICKET or first is None or not first.get("dateCreated"):
            continue
        member = first_member.get(ticket_id, store.api_member)
        start = _parse(first["dateCreated"]) + timedelta(minutes=30)
        end = start + timedelta(minutes=45 + 15 * (ticket_id % 4))
        entries.append(
            {
                "id": TIME_ENTRY_ID_BASE + ticket_id,
                "ticketId": ticket_id,
                "text": _WORK[ticket_id % len(_WORK)],
                "detailDescriptionFlag": True,
                "internalAnalysisFlag": False,
                "resolutionFlag": False,
                "issueFlag": False,
                "member": {k: member[k] for k in ("id", "identifier", "name") if k in member},
                "customerUpdatedFlag": False,
                "processNotifications": False,
                "internalFlag": False,
                "externalFlag": False,
                "_info": {
                    "dateEntered": _stamp(end),
                    "enteredBy": member.get("identifier", ""),
                    "noteType": "TimeEntryNote",
                    "timeStart": _stamp(start),
                    "timeEnd": _stamp(end),
                },
            }
        )
    return entries


def time_entries(store: TenantStore, ticket_id: int) -> list[dict[str, Any]]:
    """The ticket's time entries, as ``allNotes`` records (caller holds ``store.lock``)."""
    seeded = store.data.get(_KEY)
    if seeded is None:
        seeded = store.data[_KEY] = _seed(store)
    return [e for e in seeded if e["ticketId"] == ticket_id]


def as_ticket_note(note: dict[str, Any]) -> dict[str, Any]:
    """A ``/notes`` record in ``allNotes``' TicketNote shape."""
    record = {k: note[k] for k in _TICKET_NOTE_FIELDS if k in note}
    info = dict(note.get("_info") or {})
    if note.get("dateCreated"):
        info.setdefault("dateEntered", note["dateCreated"])
    if note.get("createdBy"):
        info.setdefault("enteredBy", note["createdBy"])
    record["_info"] = info
    return record


def all_notes(store: TenantStore, ticket_id: int) -> list[dict[str, Any]]:
    notes = [as_ticket_note(n) for n in store.records("ticketNotes") if n["ticketId"] == ticket_id]
    return sorted(notes + time_entries(store, ticket_id), key=lambda r: r["id"])
