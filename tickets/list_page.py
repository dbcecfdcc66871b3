"""The Tickets page: everything one list request shows, in one call.

The request's walk (docs/architecture.md): the view hands the URL's parameters here; this reads
the account's provider (and its capabilities), reference data and member mappings
(`psa.selectors`), parses the query
once (`tickets.filters`), builds the filter bar (`tickets.filter_bar`), asks the PSA for the
page (`tickets.selectors.ticket_page_search`), remembers the rows for the panel
(`tickets.row_cache`) and returns; the view renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from psa.providers.base import PaginatedTicketResult, PSACapabilities, PSAError, PSANotConfigured
from psa.selectors import (
    member_mappings_list,
    member_of_mapping,
    provider_for_account,
    reference_data_get,
)
from resolutionflow.models import Account

from .filter_bar import FilterBar, filter_bar_build
from .filters import TicketQuery
from .row_cache import ticket_rows_remember
from .selectors import not_mapped_message, ticket_page_search


@dataclass(frozen=True)
class TicketListPage:
    """The Tickets page's data. `error`: the search failed (the filter bar still renders and the
    results say why, with a retry); `result` is then None. `moved`: the page asked for is past
    the last one, so `query` is the last page (the address must say so)."""

    query: TicketQuery
    filter_bar: FilterBar
    result: PaginatedTicketResult | None = None
    error: PSAError | None = None
    notice: str = ""  # the search could not run as asked (nothing was asked of the PSA)
    # What the account's PSA calls things and how its statuses are scoped (None: no provider).
    capabilities: PSACapabilities | None = None
    moved: bool = False
    # The account's member names, so the rows' avatar initials tell everyone apart without the
    # row renderer reading the reference data again.
    member_names: frozenset[str] = frozenset()

    @property
    def first(self) -> int:
        r = self.result
        return (r.page - 1) * r.page_size + 1 if r and r.total else 0

    @property
    def last(self) -> int:
        r = self.result
        return min(r.page * r.page_size, r.reachable) if r else 0

    @property
    def has_next(self) -> bool:
        r = self.result
        return bool(r) and r.page * r.page_size < r.reachable  # type: ignore[union-attr]

    @property
    def has_prev(self) -> bool:
        return bool(self.result) and self.result.page > 1  # type: ignore[union-attr]

    @property
    def include_closed_url(self) -> str:
        return self.query.url(closed="true", page="", ticket=None)


def ticket_list_page_get(
    *, account: Account, user: Any, params: Mapping[str, Any], page_size: int
) -> TicketListPage:
    """The filter bar, the matching page of tickets and what the filters say, for one request.

    Everything comes from one read of the reference cache and one query for the account's
    member mappings (which also says whether this user is mapped, as `member_of_mapping` does
    everywhere: a mapping that needs confirming is no one yet); the PSA is asked once, for
    the page and its count in parallel. The listed rows are remembered for the panel.
    Raises PSANotConfigured (no connection); a failed search or reference read is returned as
    `error` so the page keeps its filters.
    """
    try:
        provider = provider_for_account(account=account)
        reference = reference_data_get(account=account, provider=provider)
    except PSANotConfigured:
        raise
    except PSAError as exc:  # the reference data (filter bar) could not be loaded
        return TicketListPage(query=TicketQuery.parse(params), filter_bar=FilterBar(), error=exc)
    caps = provider.capabilities
    mappings = member_mappings_list(account=account)
    me = member_of_mapping(next((m for m in mappings if m.user_id == user.pk), None))
    query = TicketQuery.parse(params, reference=reference, status_scope=caps.status_scope)
    bar = filter_bar_build(
        reference=reference,
        query=query,
        mapped_member_ids=frozenset(m.member_id for m in mappings),
        has_mapping=me is not None,
        capabilities=caps,
    )
    if query.search_problem:
        return TicketListPage(
            query=query, filter_bar=bar, notice=query.search_problem, capabilities=caps
        )
    if query.assigned == "me" and me is None:
        # Our own refusal, not the PSA's: said as such, with nothing to retry.
        return TicketListPage(
            query=query, filter_bar=bar, notice=not_mapped_message(caps), capabilities=caps
        )
    asked_page = query.page
    try:
        result = ticket_page_search(
            provider=provider, reference=reference, query=query, me=me, page_size=page_size
        )
        last_page = max(1, -(-result.reachable // page_size))
        if query.page > last_page:  # past the end (an old link, a shrunk list): the last page
            query = replace(query, page=last_page)
            result = ticket_page_search(
                provider=provider, reference=reference, query=query, me=me, page_size=page_size
            )
    except PSANotConfigured:
        raise
    except PSAError as exc:
        return TicketListPage(query=query, filter_bar=bar, error=exc, capabilities=caps)
    ticket_rows_remember(account=account, tickets=result.items)
    return TicketListPage(
        query=query,
        filter_bar=bar,
        result=result,
        moved=query.page != asked_page,
        member_names=frozenset(m.name for m in reference.members),
        capabilities=caps,
    )
