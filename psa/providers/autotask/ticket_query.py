"""`TicketFilters` -> Autotask filter conditions.

Assignment: Autotask has a primary resource on the ticket (`assignedResourceID`) and the others
as `TicketSecondaryResources`. "Mine" means either, like ConnectWise's "my schedule entries".
A ticket query has no join, so the conditions cover the primary side
(`assignedResourceID eq me`, or also `notExist` for "mine or unassigned") and name the resource
whose secondary assignments the search reads beside them (`TicketQuery.secondary_of`).
"Unassigned" is no primary resource: Autotask needs a primary before it takes secondaries on a
service-desk ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from psa.providers.autotask import query
from psa.providers.autotask.mapping import COMPLETE_STATUS
from psa.providers.base import PSAValidationError, TicketFilters

Condition = query.Condition
ResourceLookup = Callable[[str], int | None]


@dataclass(frozen=True, slots=True)
class TicketQuery:
    common: list[Condition]  # every filter but the assignee
    assignee: Condition | None  # the primary-resource side of the assignee filter
    secondary_of: int | None  # also this resource's secondary assignments that pass `common`

    @property
    def conditions(self) -> list[Condition]:
        """What Autotask can answer in one query: `common` and the primary side."""
        out = [*self.common, *([self.assignee] if self.assignee is not None else [])]
        return out or [query.EVERYTHING]


def ticket_query(*, filters: TicketFilters, resource_id_of: ResourceLookup) -> TicketQuery:
    out: list[Condition] = []
    if not filters.include_closed:
        out.append(query.cond(op="noteq", field="status", value=COMPLETE_STATUS))
    if filters.board_id is not None:
        out.append(query.eq(field="queueID", value=int(filters.board_id)))
    if filters.board_ids:
        out.append(query.in_(field="queueID", values=filters.board_ids))
    if filters.status_id is not None:
        out.append(query.eq(field="status", value=int(filters.status_id)))
    if filters.priority_id is not None:
        out.append(query.eq(field="priority", value=int(filters.priority_id)))
    if filters.company_id is not None:
        out.append(query.eq(field="companyID", value=int(filters.company_id)))
    if filters.updated_since is not None:
        out.append(
            query.cond(op="gte", field="lastActivityDate", value=query.utc(filters.updated_since))
        )
    text = " ".join(filters.search.split())
    if text:
        out.append(_search(text))
    assignee, secondary_of = _assigned(filters, resource_id_of)
    return TicketQuery(common=out, assignee=assignee, secondary_of=secondary_of)


def _search(text: str) -> Condition:
    """Title contains the text, or the ticket number is it ("T20260209.0001"), or the id is.

    A `"` separates words: people quote phrases (`"printer jam"`) and paste text with stray
    quotes, and the search box behaves alike on every PSA (on ConnectWise a quote stands for one
    character). The title must then contain each quoted-apart piece.
    """
    pieces = [p.strip() for p in text.split('"') if p.strip()]
    if not pieces:
        title = query.cond(op="contains", field="title", value=text)
    elif len(pieces) == 1:
        title = query.cond(op="contains", field="title", value=pieces[0])
    else:
        title = query.all_of(*(query.cond(op="contains", field="title", value=p) for p in pieces))
    options = [title, query.eq(field="ticketNumber", value=text)]
    digits = text.lstrip("#")
    if digits.isdigit() and len(digits) < 10:
        options.append(query.eq(field="id", value=int(digits)))
    return query.any_of(*options)


def _assigned(
    filters: TicketFilters, resource_id_of: ResourceLookup
) -> tuple[Condition | None, int | None]:
    """(the primary-resource condition, the resource whose secondary assignments count too)."""
    assigned = filters.assigned
    if assigned == "all":
        return None, None
    nobody = query.cond(op="notExist", field="assignedResourceID")
    if assigned == "unassigned":
        return nobody, None
    if isinstance(assigned, int) and not isinstance(assigned, bool):
        who = assigned
    else:
        identifier = (filters.me_identifier or "").strip()
        if not identifier:
            raise PSAValidationError(
                "Showing my tickets needs my Autotask resource: map this engineer first.",
                fields={"assigned": ["No Autotask resource is mapped to you."]},
            )
        found = resource_id_of(identifier)
        if found is None:
            raise PSAValidationError(
                f"No Autotask resource has the user name {identifier!r}.",
                fields={"assigned": [f"Unknown resource {identifier}."]},
            )
        who = found
    primary = query.eq(field="assignedResourceID", value=who)
    if assigned == "me_or_unassigned":
        return query.any_of(primary, nobody), who
    return primary, who
