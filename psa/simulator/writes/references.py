"""How records point at each other: the reference shapes ConnectWise writes, and their lookup."""

from __future__ import annotations

from typing import Any

from psa.simulator.store import TenantStore


def identified_ref(record: dict[str, Any]) -> dict[str, Any]:
    """A company reference: it carries the identifier people type."""
    return {"id": record["id"], "identifier": record["identifier"], "name": record["name"]}


def member_display_name(member: dict[str, Any]) -> str:
    """A member record has no ``name`` (ConnectWise's Member model: firstName/lastName); the
    ``name`` of a member *reference* is the two joined."""
    return " ".join(p for p in (member.get("firstName"), member.get("lastName")) if p)


def member_ref(member: dict[str, Any]) -> dict[str, Any]:
    """A member reference (``member``/``owner`` on notes, entries and tickets)."""
    return {
        "id": member["id"],
        "identifier": member["identifier"],
        "name": member_display_name(member) or member["identifier"],
    }


def named_ref(record: dict[str, Any]) -> dict[str, Any]:
    """A board or ticket-type reference."""
    return {"id": record["id"], "name": record["name"]}


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


def ref_id(value: object) -> object:
    """The id inside a reference object like ``{"id": 5}`` (None when absent)."""
    if isinstance(value, dict):
        return value.get("id")
    return None


def is_ref(value: object) -> bool:
    return isinstance(value, dict) and bool({"id", "identifier", "name"} & set(value))


def find_by_id_or_name(
    store: TenantStore, collection: str, ref: object, *, board_id: int | None = None
) -> dict[str, Any] | None:
    """The record ``ref`` names by id or, failing that, by case-insensitive name.

    Statuses and types share names across boards, so for those ``board_id`` limits the name
    match to one board.
    """
    found = store.get(collection, ref_id(ref))
    if found is None and isinstance(ref, dict) and isinstance(ref.get("name"), str):
        wanted = ref["name"].lower()
        for record in store.records(collection):
            on_board = board_id is None or record["board"]["id"] == board_id
            if on_board and record["name"].lower() == wanted:
                return record
    return found
