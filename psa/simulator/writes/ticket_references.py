"""A ticket write's references (company, board, status, ...) checked against the tenant."""

from __future__ import annotations

from typing import Any

from psa.simulator.errors import Validator
from psa.simulator.store import TenantStore
from psa.simulator.writes.references import find_by_id_or_name, ref_id
from psa.simulator.writes.validation import find_active_member


def _statuses_of(store: TenantStore, board_id: int) -> list[dict[str, Any]]:
    return [s for s in store.records("boardStatuses") if s["board"]["id"] == board_id]


def default_status(store: TenantStore, board_id: int) -> dict[str, Any] | None:
    statuses = [s for s in _statuses_of(store, board_id) if not s.get("inactive")]
    for status in statuses:
        if status.get("defaultFlag"):
            return status
    open_statuses = sorted(
        (s for s in statuses if not s.get("closedStatus")), key=lambda s: s.get("sortOrder", 0)
    )
    return open_statuses[0] if open_statuses else None


def closed_status(store: TenantStore, board_id: int) -> dict[str, Any] | None:
    closed = [s for s in _statuses_of(store, board_id) if s.get("closedStatus")]
    closed.sort(key=lambda s: s.get("sortOrder", 0))
    return closed[-1] if closed else None


def _default_priority(store: TenantStore) -> dict[str, Any] | None:
    priorities = store.records("priorities")
    for priority in priorities:
        if priority.get("defaultFlag"):
            return priority
    return priorities[0] if priorities else None


def _resolve_board(
    store: TenantStore, validator: Validator, value: object
) -> dict[str, Any] | None:
    if value is None:
        # ConnectWise files a ticket without a board on the API member's default board.
        default_board = store.api_member.get("serviceDefaultBoard")
        value = default_board or next(iter(store.records("boards")), None)
    board = find_by_id_or_name(store, "boards", value)
    if board is None:
        validator.invalid("board", "The board was not found.")
    return board


def _resolve_on_board(
    store: TenantStore,
    validator: Validator,
    collection: str,
    field_name: str,
    ref: object,
    board: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """A status or type, which must belong to the ticket's board."""
    # Board id 0 matches no record, so without a board only an id can name one.
    record = find_by_id_or_name(store, collection, ref, board_id=board["id"] if board else 0)
    if record is None:
        validator.invalid(field_name, f"The {field_name} was not found.")
    elif board is not None and record["board"]["id"] != board["id"]:
        validator.invalid(
            field_name,
            f"{field_name.capitalize()} '{record['name']}' (id {record['id']}) does not belong "
            f"to board '{board['name']}' (id {board['id']}).",
        )
        return None
    return record


def resolve_references(
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

    board = _resolve_board(
        store, validator, body["board"] if "board" in body else ticket.get("board")
    )
    resolved["board"] = board

    board_changed = board is not None and ticket.get("board", {}).get("id") != board["id"]
    if body.get("status") is not None:
        resolved["status"] = _resolve_on_board(
            store, validator, "boardStatuses", "status", body["status"], board
        )
    elif board is not None and (board_changed or not ticket):
        # A new ticket, or one moved to another board, starts in that board's default status.
        status = default_status(store, board["id"])
        if status is None:
            validator.invalid("status", f"Board '{board['name']}' has no default status.")
        resolved["status"] = status

    if body.get("priority") is not None:
        priority = find_by_id_or_name(store, "priorities", body["priority"])
        if priority is None:
            validator.invalid("priority", "The priority was not found.")
        resolved["priority"] = priority
    elif not ticket:
        resolved["priority"] = _default_priority(store)

    if body.get("type") is not None:
        resolved["type"] = _resolve_on_board(
            store, validator, "boardTypes", "type", body["type"], board
        )

    if body.get("contact") is not None:
        contact = store.get("contacts", ref_id(body["contact"]))
        if contact is None:
            validator.invalid("contact", "The contact was not found.")
        elif company is not None and contact["company"]["id"] != company["id"]:
            validator.invalid(
                "contact",
                f"Contact {contact['id']} does not belong to company '{company['name']}'.",
            )
            contact = None
        resolved["contact"] = contact

    if body.get("owner") is not None:
        resolved["owner"] = find_active_member(store, validator, "owner", body["owner"])

    if body.get("parentTicketId") is not None:
        parent = store.get("tickets", body["parentTicketId"])
        if parent is None or parent.get("id") == ticket.get("id"):
            validator.invalid("parentTicketId", "The parent ticket was not found.")
        resolved["parentTicketId"] = parent
    return resolved
