"""Reads of ConnectWise tickets and reference data, always through the account's own provider."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache

from psa.providers.base import (
    PaginatedTicketResult,
    PSABoard,
    PSACompany,
    PSAMember,
    PSAPriority,
    PSAResource,
    PSAStatus,
    PSATicket,
    PSATicketContext,
    PSAValidationError,
    TicketFilters,
)
from psa.selectors import (
    cache_generation_get,
    mapped_member_ids,
    member_for_user,
    provider_for_account,
    reference_data_get,
)
from resolutionflow.models import Account

from .ai.parse import parse_ticket_prompt
from .ai.types import ParseResult

MAX_PAGE_SIZE = 100
# How long a listed ticket's row is kept: the panel opens from it with no ConnectWise call.
ROW_CACHE_TTL = 600


@dataclass(frozen=True, slots=True)
class MemberOption:
    member: PSAMember
    is_rf_user: bool


def ticket_search(
    *,
    account: Account,
    user: Any,
    filters: TicketFilters,
    page: int = 1,
    page_size: int = 25,
) -> PaginatedTicketResult:
    """One page of tickets, most urgent first, then newest, with the total count."""
    if filters.assigned == "me":
        me = member_for_user(account=account, user=user)
        if me is None:
            raise PSAValidationError(
                "You are not mapped to a ConnectWise member, so there is no queue of yours to "
                "show. Ask an owner or admin to map you under Account → Integrations.",
                fields={"assigned": ["You have no ConnectWise member mapping."]},
            )
        filters = replace(filters, me_identifier=me.identifier)
    provider = provider_for_account(account=account)
    result = provider.search_tickets(
        filters=filters, page=max(1, page), page_size=min(max(1, page_size), MAX_PAGE_SIZE)
    )
    return replace(result, items=tuple(_with_assignee_names(account, result.items)))


def ticket_get(*, account: Account, ticket_id: int) -> PSATicket:
    ticket = provider_for_account(account=account).get_ticket(ticket_id=ticket_id)
    return _with_assignee_names(account, [ticket])[0]


# --- the row cache: tickets as last listed --------------------------------------------------------


def _row_key(account: Account, ticket_id: int, generation: int) -> str:
    return f"tickets:row:{account.pk}:{generation}:{ticket_id}"


def ticket_rows_remember(*, account: Account, tickets: Sequence[PSATicket]) -> None:
    """Keep tickets as just listed or read, so the panel and its sections can start from them."""
    generation = cache_generation_get(account=account)
    cache.set_many({_row_key(account, t.id, generation): t for t in tickets}, timeout=ROW_CACHE_TTL)


def ticket_row_cached(*, account: Account, ticket_id: int) -> PSATicket | None:
    """The ticket as last listed, or None; never calls ConnectWise."""
    generation = cache_generation_get(account=account)
    ticket = cache.get(_row_key(account, ticket_id, generation))
    return ticket if isinstance(ticket, PSATicket) else None


def ticket_row_get(*, account: Account, ticket_id: int) -> PSATicket:
    """The ticket as last listed, or read from ConnectWise (and remembered) when not cached."""
    ticket = ticket_row_cached(account=account, ticket_id=ticket_id)
    if ticket is None:
        ticket = ticket_get(account=account, ticket_id=ticket_id)
        ticket_rows_remember(account=account, tickets=[ticket])
    return ticket


def ticket_context_get(
    *, account: Account, ticket_id: int, known: PSATicket | None = None
) -> PSATicketContext:
    """`known`: the ticket as just listed, so its contact and parent load in the same wave."""
    context = provider_for_account(account=account).get_ticket_context(
        ticket_id=ticket_id, known=known
    )
    return replace(context, ticket=_with_assignee_names(account, [context.ticket])[0])


def _with_assignee_names(account: Account, tickets: Sequence[PSATicket]) -> list[PSATicket]:
    """ConnectWise lists assignees by identifier only; names come from the cached member list."""
    names = {m.identifier.casefold(): m.name for m in reference_data_get(account=account).members}
    return [
        replace(
            t,
            assignees=tuple(
                replace(a, name=a.name or names.get(a.identifier.casefold(), ""))
                for a in t.assignees
            ),
        )
        for t in tickets
    ]


def ticket_resources_list(*, account: Account, ticket_id: int) -> list[PSAResource]:
    resources = provider_for_account(account=account).list_resources(ticket_id=ticket_id)
    return resources_flag_rf_users(account=account, resources=resources)


def resources_flag_rf_users(*, account: Account, resources: list[PSAResource]) -> list[PSAResource]:
    mapped = mapped_member_ids(account=account)
    return [replace(r, is_rf_user=r.member_id in mapped) for r in resources]


def boards_list(*, account: Account) -> list[PSABoard]:
    return [b for b in reference_data_get(account=account).boards if not b.inactive]


def statuses_list(*, account: Account, board_id: int) -> list[PSAStatus]:
    reference = reference_data_get(account=account)
    if not any(b.id == board_id for b in reference.boards):
        raise PSAValidationError(
            f"Board {board_id} does not exist in ConnectWise.",
            fields={"board_id": [f"Unknown board {board_id}."]},
        )
    statuses = [s for s in reference.statuses_for(board_id) if not s.inactive]
    return sorted(statuses, key=lambda s: (s.sort_order, s.name))


def priorities_list(*, account: Account) -> list[PSAPriority]:
    return sorted(reference_data_get(account=account).priorities, key=lambda p: p.sort)


def members_list(*, account: Account, include_inactive: bool = False) -> list[MemberOption]:
    """All ConnectWise members; ResolutionFlow-mapped ones first, then by name."""
    mapped = mapped_member_ids(account=account)
    members = [
        MemberOption(member=m, is_rf_user=m.id in mapped)
        for m in reference_data_get(account=account).members
        if include_inactive or not m.inactive
    ]
    return sorted(members, key=lambda o: (not o.is_rf_user, o.member.name.casefold()))


def companies_search(*, account: Account, query: str = "", limit: int = 25) -> list[PSACompany]:
    """Companies whose name or identifier contains the query (all of them for an empty query)."""
    companies = reference_data_get(account=account).companies
    needle = query.strip().casefold()
    if needle:
        companies = tuple(
            c for c in companies if needle in c.name.casefold() or needle in c.identifier.casefold()
        )
    return sorted(companies, key=lambda c: c.name.casefold())[:limit]


def my_queue(*, account: Account, user: Any, limit: int = 5) -> PaginatedTicketResult:
    """The engineer's open tickets, most urgent first (the dashboard's My Queue)."""
    return ticket_search(
        account=account,
        user=user,
        filters=TicketFilters(assigned="me", include_closed=False),
        page=1,
        page_size=limit,
    )


def resources_for_ticket(*, account: Account, ticket: PSATicket) -> list[PSAResource]:
    """The ticket's assignees as PSAResources, resolved through the cached member list."""
    members = {m.identifier.casefold(): m for m in reference_data_get(account=account).members}
    resources = [
        PSAResource(member_id=m.id, member_name=m.name, member_identifier=m.identifier)
        for a in ticket.assignees
        if (m := members.get(a.identifier.casefold())) is not None
    ]
    return resources_flag_rf_users(account=account, resources=resources)


def ticket_prompt_parse(*, account: Account, user: Any, prompt: str) -> ParseResult:
    """AI Quick Create: one sentence -> pre-fill values. Nothing is created."""
    provider = provider_for_account(account=account)
    return parse_ticket_prompt(
        prompt=prompt,
        reference=reference_data_get(account=account, provider=provider),
        me=member_for_user(account=account, user=user),
        open_tickets=lambda company_id: provider.find_open_tickets(company_id=company_id),
    )
