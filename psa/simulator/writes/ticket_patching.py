"""PATCH of a ticket: JSON Patch operations turned into checked field changes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from psa.simulator.errors import Validator, bad_request, invalid_object
from psa.simulator.store import TenantStore, utc_now
from psa.simulator.writes.audit import mark_updated
from psa.simulator.writes.references import (
    identified_ref,
    named_ref,
    priority_ref,
    ref_id,
)
from psa.simulator.writes.ticket_fields import (
    PASSTHROUGH_REFS,
    READ_ONLY,
    REFERENCE_FIELDS,
    SCALAR_FIELDS,
    canonical_ticket_field,
    check_summary,
)
from psa.simulator.writes.ticket_references import (
    closed_status,
    default_status,
    resolve_references,
)
from psa.simulator.writes.tickets import (
    CONTACT_FIELDS,
    apply_status,
    set_contact,
    set_owner,
    set_parent,
    set_type,
)
from psa.simulator.writes.validation import (
    check_field_types,
    field_error,
    operation_value,
    patch_operations,
    unknown_field_error,
)


def _patch_path(op: dict[str, Any]) -> tuple[str, str | None]:
    """The field and, for ``company/id`` style paths, the reference key the operation sets."""
    path = op.get("path")
    if not isinstance(path, str) or not path.strip("/"):
        raise bad_request(
            "Each patch operation needs a path.", field_name="path", resource="ticket"
        )
    parts = path.strip("/").split("/")
    if len(parts) > 2:
        raise bad_request(f"Unsupported patch path '{path}'.", field_name=path, resource="ticket")
    return parts[0], parts[1] if len(parts) == 2 else None


def _changes(body: object) -> dict[str, Any]:
    """The new value of each field the operations name (None clears it); later ones win."""
    changes: dict[str, Any] = {}
    for op in patch_operations(body, "ticket"):
        name, sub = _patch_path(op)
        field_name = canonical_ticket_field(name)
        if field_name is None:
            raise invalid_object("ticket", [unknown_field_error("ticket", name)])
        value = operation_value(op)
        if sub is not None:
            if field_name not in REFERENCE_FIELDS | PASSTHROUGH_REFS or sub.lower() not in (
                "id",
                "identifier",
                "name",
            ):
                raise bad_request(
                    f"Unsupported patch path '{op['path']}'.", field_name=name, resource="ticket"
                )
            value = {sub.lower(): value}
        changes[field_name] = value
    return changes


_Setter = Callable[[dict[str, Any], dict[str, Any]], None]

# References a PATCH may clear: how each is written, and the fields clearing it removes. Applied
# in this order, which is the order new keys take in the ticket's JSON.
_CLEARABLE_REFS: dict[str, tuple[_Setter, tuple[str, ...]]] = {
    "type": (set_type, ("type",)),
    "contact": (set_contact, ("contact", *CONTACT_FIELDS)),
    "owner": (set_owner, ("owner",)),
    "parentTicketId": (set_parent, ("parentTicketId",)),
}


def ticket_patch(store: TenantStore, ticket: dict[str, Any], body: object) -> dict[str, Any]:
    changes = _changes(body)

    validator = Validator("ticket")
    for name in changes:
        if name in READ_ONLY:
            validator.invalid(name, f"The field {name} is read-only.", code="ReadOnlyField")
    if "summary" in changes:
        check_summary(validator, changes["summary"])
    if "company" in changes and changes["company"] is None:
        validator.required("company")
    check_field_types(validator, changes, SCALAR_FIELDS)
    # closedFlag is no stored field: it picks the board's closed or default status below.
    closed_flag = changes.pop("closedFlag", None)
    if closed_flag is not None and not isinstance(closed_flag, bool):
        validator.invalid("closedFlag", "The field closedFlag must be true or false.")
    references = {k: v for k, v in changes.items() if k in REFERENCE_FIELDS}
    resolved = resolve_references(store, validator, ticket, references)
    validator.raise_if_any()

    now = utc_now()
    for name, value in changes.items():
        if name in SCALAR_FIELDS or name in PASSTHROUGH_REFS:
            if value is None:
                ticket.pop(name, None)
            else:
                ticket[name] = copy.deepcopy(value)
    if "company" in changes and resolved.get("company") is not None:
        ticket["company"] = identified_ref(resolved["company"])
    board = resolved.get("board")
    if board is not None and ticket["board"]["id"] != board["id"]:
        ticket["board"] = named_ref(board)
        # A type belongs to one board, so a move drops it unless the same PATCH sets one.
        current_type = store.get("boardTypes", ref_id(ticket.get("type")))
        if (
            current_type is not None
            and current_type["board"]["id"] != board["id"]
            and "type" not in changes
        ):
            ticket.pop("type", None)
    if resolved.get("status") is not None:
        apply_status(store, ticket, resolved["status"], now)
    if closed_flag is not None and closed_flag != ticket.get("closedFlag"):
        target = (
            closed_status(store, ticket["board"]["id"])
            if closed_flag
            else default_status(store, ticket["board"]["id"])
        )
        if target is None:
            raise invalid_object(
                "ticket", [field_error("ticket", "closedFlag", "The board has no such status.")]
            )
        apply_status(store, ticket, target, now)
    if "priority" in changes and resolved.get("priority") is not None:
        ticket["priority"] = priority_ref(resolved["priority"])
    for name, (set_ref, cleared) in _CLEARABLE_REFS.items():
        if name not in changes:
            continue
        if resolved.get(name) is not None:
            set_ref(ticket, resolved[name])
        else:
            for field_name in cleared:
                ticket.pop(field_name, None)
    mark_updated(store, "tickets", ticket, now)
    return ticket
