"""Ticket notes: the ones a POST adds and the ones a new ticket's initial texts become."""

from __future__ import annotations

from typing import Any

from psa.simulator.errors import Validator, bad_request
from psa.simulator.store import TenantStore, utc_now
from psa.simulator.writes.audit import mark_updated
from psa.simulator.writes.references import contact_ref, member_ref
from psa.simulator.writes.validation import has_text

_NOTE_FLAGS = ("detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag")


def insert_note(
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
    # A note the contact wrote names them instead of a member.
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
    if not has_text(text):
        validator.required("text")
    flags = {}
    for name in _NOTE_FLAGS:
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
    note = insert_note(
        store,
        ticket,
        str(text),
        member,
        now,
        detail=flags["detailDescriptionFlag"],
        internal=flags["internalAnalysisFlag"],
        resolution=flags["resolutionFlag"],
    )
    mark_updated(store, "tickets", ticket, now)
    return note
