"""Ticket search as ConnectWise `conditions`: pure functions, no HTTP.

The caller resolves member ids to identifiers first; everything here is testable on its own
(the property tests run these conditions through the simulator's evaluator).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from psa.providers.base import PSAValidationError, TicketFilters
from psa.providers.connectwise.conditions import (
    Condition,
    and_,
    contains,
    eq,
    ge,
    in_,
    is_null,
    list_member,
    or_,
)

# Most urgent first (lower priority sort = more urgent), then newest.
TICKET_ORDER = "priority/sort asc, id desc"
# Most recently updated first; `id` breaks ties so paging is stable.
TICKET_ORDER_UPDATED = "_info/lastUpdated desc, id desc"
TICKET_ORDERS: dict[str, str] = {"urgency": TICKET_ORDER, "updated": TICKET_ORDER_UPDATED}
# A summary holds at most 100 characters, so longer search text can never match; the cap only
# keeps URLs short and does not change any result.
MAX_SEARCH_LENGTH = 200
RESOURCES_SEPARATOR = ", "  # how ConnectWise joins member identifiers in a ticket's `resources`
MAX_SEARCH_NAMES = 20  # names per lookup: a prompt naming more people than this is not a ticket
_TICKET_NUMBER = re.compile(r"#?\s*([0-9]{1,10})")
_MAX_CW_ID = 2**31 - 1


def search_text(text: str) -> str:
    """The free-text search, trimmed and capped; the builders escape it (`conditions.escape`)."""
    return text.strip()[:MAX_SEARCH_LENGTH].strip()


def search_names(names: Sequence[str]) -> list[str]:
    """Distinct, whitespace-normalized names (capped); `conditions` escapes each one."""
    cleaned = (" ".join(str(n).split())[:MAX_SEARCH_LENGTH] for n in names)
    return list(dict.fromkeys(n for n in cleaned if n))[:MAX_SEARCH_NAMES]


def ticket_number(text: str) -> int | None:
    """`"1042"` or `"#1042"` -> 1042; anything else (or out of ConnectWise's id range) -> None."""
    match = _TICKET_NUMBER.fullmatch(text.strip())
    if not match:
        return None
    number = int(match.group(1))
    return number if 0 < number <= _MAX_CW_ID else None


def ticket_conditions(
    filters: TicketFilters, *, assigned_identifier: str | None = None
) -> Condition:
    """The `conditions` for a ticket search. Pure: the caller resolves member ids to identifiers.

    `assigned="me"` matches `filters.me_identifier`; `assigned=<member id>` matches
    `assigned_identifier`, the caller's lookup of that member's identifier.
    """
    parts: list[Condition | None] = []
    text = search_text(filters.search)
    if text:
        number = ticket_number(filters.search)
        parts.append(or_(contains("summary", text), eq("id", number) if number else None))
    if filters.board_id is not None:
        parts.append(eq("board/id", filters.board_id))
    if filters.board_ids:
        parts.append(in_("board/id", sorted(set(filters.board_ids))))
    if filters.status_id is not None:
        parts.append(eq("status/id", filters.status_id))
    if filters.priority_id is not None:
        parts.append(eq("priority/id", filters.priority_id))
    if filters.company_id is not None:
        parts.append(eq("company/id", filters.company_id))
    unassigned = or_(is_null("resources"), eq("resources", ""))
    if filters.assigned == "unassigned":
        parts.append(unassigned)
    elif filters.assigned != "all":
        if filters.assigned in ("me", "me_or_unassigned"):
            assigned_identifier = filters.me_identifier
        if not assigned_identifier:
            raise PSAValidationError(
                "Choose whose tickets to show: no ConnectWise member is mapped for 'me'.",
                fields={"assigned": ["No ConnectWise member identifier to filter by."]},
            )
        try:
            assigned = list_member("resources", assigned_identifier, separator=RESOURCES_SEPARATOR)
        except ValueError as exc:
            raise PSAValidationError(
                f"Cannot filter by member identifier {assigned_identifier!r}.",
                fields={"assigned": [str(exc)]},
            ) from exc
        parts.append(
            or_(assigned, unassigned) if filters.assigned == "me_or_unassigned" else assigned
        )
    if filters.updated_since is not None:
        if filters.updated_since.tzinfo is None:
            raise PSAValidationError(
                "A 'last updated since' moment needs a time zone.",
                fields={"updated_since": ["Give a timezone-aware moment."]},
            )
        parts.append(ge("_info/lastUpdated", filters.updated_since))
    if not filters.include_closed:
        parts.append(eq("closedFlag", False))
    return and_(*parts)
