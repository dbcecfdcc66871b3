"""Reads of PSA tickets and reference data, always through the account's own provider.

"Me" is always `psa.selectors.member_for_user` (or `member_of_mapping` over mappings already
read): a mapping that needs confirming is no one until an admin confirms it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from psa.providers.base import (
    PaginatedTicketResult,
    PSABoard,
    PSACapabilities,
    PSACompany,
    PSAMember,
    PSAPriority,
    PSAProvider,
    PSAResource,
    PSARole,
    PSAStatus,
    PSATicket,
    PSATicketContext,
    PSAValidationError,
    ReferenceData,
    TicketFilters,
)
from psa.selectors import (
    cache_generation_get,
    capabilities_for_account,
    mapped_member_ids,
    member_for_user,
    provider_for_account,
    reference_data_get,
)
from resolutionflow.models import Account

from .ai.parse import parse_ticket_prompt
from .ai.types import ParseResult
from .filters import TicketQuery, companies_matching
from .row_cache import ticket_row_cached, ticket_rows_remember

MAX_PAGE_SIZE = 100


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
    me = member_for_user(account=account, user=user) if filters.assigned == "me" else None
    result = _search(
        provider=provider_for_account(account=account),
        filters=filters,
        me=me,
        page=page,
        page_size=page_size,
    )
    return replace(result, items=tuple(_with_assignee_names(account, result.items)))


def ticket_page_search(
    *,
    provider: PSAProvider,
    reference: ReferenceData,
    query: TicketQuery,
    me: PSAMember | None,
    page_size: int,
) -> PaginatedTicketResult:
    """The Tickets page's search: the provider and reference data it has already read."""
    filters = TicketFilters(
        search=query.search,
        board_id=query.board,
        status_id=query.status,
        priority_id=query.priority,
        company_id=query.company,
        assigned=query.assigned,
        include_closed=query.closed,
    )
    result = _search(
        provider=provider, filters=filters, me=me, page=query.page, page_size=page_size
    )
    return replace(result, items=tuple(_named(result.items, reference)))


def not_mapped_message(caps: PSACapabilities) -> str:
    """Why an engineer with no member mapping has no queue, in the connected PSA's words."""
    return (
        f"You are not mapped to a{_an(caps.name)} {caps.name} {caps.member_label}, so there is "
        "no queue of yours to show. Ask an owner or admin to map you under Account → Integrations."
    )


def _an(word: str) -> str:
    return "n" if word[:1].casefold() in "aeiou" else ""


def _not_mapped(caps: PSACapabilities) -> PSAValidationError:
    return PSAValidationError(
        not_mapped_message(caps),
        fields={"assigned": [f"You have no {caps.name} {caps.member_label} mapping."]},
    )


def _search(
    *,
    provider: PSAProvider,
    filters: TicketFilters,
    me: PSAMember | None,
    page: int,
    page_size: int,
) -> PaginatedTicketResult:
    if filters.assigned == "me":
        if me is None:
            raise _not_mapped(provider.capabilities)
        filters = replace(filters, me_identifier=me.identifier)
    return provider.search_tickets(
        filters=filters, page=max(1, page), page_size=min(max(1, page_size), MAX_PAGE_SIZE)
    )


def ticket_row_get(*, account: Account, ticket_id: int) -> PSATicket:
    """The ticket as last listed (no PSA call), else read from the PSA and kept."""
    ticket = ticket_row_cached(account=account, ticket_id=ticket_id)
    if ticket is None:
        ticket = ticket_get(account=account, ticket_id=ticket_id)
        ticket_rows_remember(account=account, tickets=[ticket])
    return ticket


def ticket_get(*, account: Account, ticket_id: int) -> PSATicket:
    ticket = provider_for_account(account=account).get_ticket(ticket_id=ticket_id)
    return _with_assignee_names(account, [ticket])[0]


def ticket_context_get(
    *, account: Account, ticket_id: int, known: PSATicket | None = None
) -> PSATicketContext:
    """`known`: the ticket as just listed, so its contact and parent load in the same wave."""
    context = provider_for_account(account=account).get_ticket_context(
        ticket_id=ticket_id, known=known
    )
    return replace(context, ticket=_with_assignee_names(account, [context.ticket])[0])


def _with_assignee_names(account: Account, tickets: Sequence[PSATicket]) -> list[PSATicket]:
    return _named(tickets, reference_data_get(account=account))


def _named(tickets: Sequence[PSATicket], reference: ReferenceData) -> list[PSATicket]:
    """A PSA may list assignees by identifier only; names come from the cached member list."""
    names = {m.identifier.casefold(): m.name for m in reference.members}

    def named(ticket: PSATicket) -> PSATicket:
        # dataclasses.replace is slow; most tickets have no assignee left to name.
        if all(a.name for a in ticket.assignees):
            return ticket
        assignees = tuple(
            a if a.name else replace(a, name=names.get(a.identifier.casefold(), ""))
            for a in ticket.assignees
        )
        return replace(ticket, assignees=assignees)

    return [named(t) for t in tickets]


def ticket_resources_list(*, account: Account, ticket_id: int) -> list[PSAResource]:
    resources = provider_for_account(account=account).list_resources(ticket_id=ticket_id)
    return resources_flag_rf_users(account=account, resources=resources)


def assignee_roles_list(*, account: Account, member_id: int) -> list[PSARole]:
    """The roles the member can be assigned in, default first (none where the PSA has no roles)."""
    provider = provider_for_account(account=account)
    if not provider.capabilities.assignee_needs_role:
        return []
    return provider.assignee_roles(member_id=member_id)


def resources_flag_rf_users(*, account: Account, resources: list[PSAResource]) -> list[PSAResource]:
    mapped = mapped_member_ids(account=account)
    return [replace(r, is_rf_user=r.member_id in mapped) for r in resources]


def boards_list(*, account: Account) -> list[PSABoard]:
    return [b for b in reference_data_get(account=account).boards if not b.inactive]


def statuses_list(*, account: Account, board_id: int) -> list[PSAStatus]:
    reference = reference_data_get(account=account)
    if not any(b.id == board_id for b in reference.boards):
        caps = capabilities_for_account(account=account)
        raise PSAValidationError(
            f"{caps.board_label} {board_id} does not exist in {caps.name}.",
            fields={"board_id": [f"Unknown {caps.board_label.casefold()} {board_id}."]},
        )
    statuses = [s for s in reference.statuses_for(board_id) if not s.inactive]
    return sorted(statuses, key=lambda s: (s.sort_order, s.name))


def priorities_list(*, account: Account) -> list[PSAPriority]:
    return sorted(reference_data_get(account=account).priorities, key=lambda p: p.sort)


def members_list(*, account: Account, include_inactive: bool = False) -> list[MemberOption]:
    """All the PSA's members; ResolutionFlow-mapped ones first, then by name."""
    mapped = mapped_member_ids(account=account)
    members = [
        MemberOption(member=m, is_rf_user=m.id in mapped)
        for m in reference_data_get(account=account).members
        if include_inactive or not m.inactive
    ]
    return sorted(members, key=lambda o: (not o.is_rf_user, o.member.name.casefold()))


def companies_search(*, account: Account, query: str = "", limit: int = 25) -> list[PSACompany]:
    """Companies whose name or identifier contains the query (all of them for an empty query)."""
    return companies_matching(reference_data_get(account=account).companies, query, limit=limit)


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


def ticket_prompt_parse(
    *, account: Account, user: Any, prompt: str, context_company_id: int | None = None
) -> ParseResult:
    """AI Quick Create: one sentence -> pre-fill values. Nothing is created.

    The people and devices the prompt names are looked up in the tenant in one parallel wave;
    `context_company_id` (a linked ticket's company) is the default when the prompt names none."""
    provider = provider_for_account(account=account)
    return parse_ticket_prompt(
        prompt=prompt,
        reference=reference_data_get(account=account, provider=provider),
        me=member_for_user(account=account, user=user),
        open_tickets=lambda company_id: provider.find_open_tickets(company_id=company_id),
        lookup=lambda contacts, devices: provider.tenant_search(
            contact_names=contacts, configuration_names=devices
        ),
        context_company_id=context_company_id,
        psa=provider.capabilities,
    )


# --- the dashboard's widgets: each one answer from the PSA -----------------------------------------

# "Recently updated" looks this far back.
RECENT_WINDOW = timedelta(hours=24)
# How long the boards of an engineer's open tickets are trusted; assignments move slowly, and a
# widget that asked for them again every load would cost a second PSA round trip.
MY_BOARDS_TTL = 300
# The largest page the PSA answers: the one query that finds the engineer's boards reads the
# engineer's open tickets and the unassigned ones together, on one page.
BOARDS_PROBE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class UnassignedOnBoards:
    """Open, unassigned tickets on the engineer's boards, most urgent first.

    `board_ids`: the boards of the engineer's open tickets; empty means every board (they have
    none, or more open tickets than one answer holds). `total_at_least`: that answer was cut at
    a page, so `total` is a lower bound."""

    items: tuple[PSATicket, ...]
    total: int
    board_ids: tuple[int, ...]
    total_at_least: bool = False


def _me_or_refuse(account: Account, user: Any) -> PSAMember:
    me = member_for_user(account=account, user=user)
    if me is None:
        raise _not_mapped(capabilities_for_account(account=account))
    return me


def _my_boards_key(account: Account, me: PSAMember) -> str:
    generation = cache_generation_get(account=account)
    return f"tickets:myboards:{account.pk}:{generation}:{me.identifier.casefold()}"


def unassigned_on_my_boards(*, account: Account, user: Any, limit: int = 5) -> UnassignedOnBoards:
    """The dashboard's "Unassigned on your boards", in one PSA round trip.

    With the engineer's boards known (cached from an earlier answer), one search of unassigned
    open tickets on them. Otherwise one query for the engineer's open tickets and all
    unassigned open ones together: the boards come from the former, the list from the latter."""
    me = _me_or_refuse(account, user)
    provider = provider_for_account(account=account)
    key = _my_boards_key(account, me)
    boards = cache.get(key)
    if isinstance(boards, tuple):
        result = provider.search_tickets(
            filters=TicketFilters(assigned="unassigned", board_ids=boards),
            page=1,
            page_size=limit,
        )
        items = tuple(_with_assignee_names(account, result.items))
        return UnassignedOnBoards(items=items, total=result.total, board_ids=boards)

    both = provider.search_tickets(
        filters=TicketFilters(assigned="me_or_unassigned", me_identifier=me.identifier),
        page=1,
        page_size=BOARDS_PROBE_SIZE,
    )
    mine = me.identifier.casefold()
    cut = both.total > len(both.items)
    boards = ()
    if not cut:
        boards = tuple(
            sorted(
                {
                    t.board_id
                    for t in both.items
                    if t.board_id is not None
                    and any(a.identifier.casefold() == mine for a in t.assignees)
                }
            )
        )
    # A cut answer may lack the engineer's less urgent tickets, so their boards are unknown:
    # every board is shown (and said), rather than some of theirs passed off as all of them.
    unassigned = [t for t in both.items if not t.assignees and (not boards or t.board_id in boards)]
    cache.set(key, boards, timeout=MY_BOARDS_TTL)
    return UnassignedOnBoards(
        items=tuple(_with_assignee_names(account, unassigned[:limit])),
        total=len(unassigned),
        board_ids=boards,
        total_at_least=cut,
    )


def recently_updated_mine(
    *, account: Account, user: Any, limit: int = 5, now: datetime | None = None
) -> PaginatedTicketResult:
    """The engineer's tickets (closed ones too) updated in the last 24 hours, newest first, so a
    client's reply shows up; one PSA round trip."""
    me = _me_or_refuse(account, user)
    since = (now or timezone.now()) - RECENT_WINDOW
    result = provider_for_account(account=account).search_tickets(
        filters=TicketFilters(
            assigned="me", me_identifier=me.identifier, include_closed=True, updated_since=since
        ),
        page=1,
        page_size=limit,
        order="updated",
    )
    return replace(result, items=tuple(_with_assignee_names(account, result.items)))
