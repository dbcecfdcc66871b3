"""The Tickets list: "most urgent, then newest" in numbered pages with a total, on a PSA that
has neither a sort nor a total.

Autotask's query answers in ascending `id` order, 500 at most per page, with a cursor to the next
page and no count (README "The query language"). So a search is two waves:

1. **Keys scan**: the filter, asking only `IncludeFields: [id, priority, createDate,
   lastActivityDate, companyID, contactID]`, following `nextPageUrl`, at most `MAX_SCAN_PAGES` pages (2,000
   tickets). The sort happens here, on our side: priority picklist `sortOrder` ascending (lower is
   more urgent; a priority missing from the picklist sorts last), then `createDate` descending
   (newest), then `id` descending;
   or, for `order="updated"`, `lastActivityDate` descending then `id` descending. The total is the
   number of keys.
2. **The page**, in parallel: `Tickets` by `id in [page ids]` (full records), the page's unknown
   company and contact names (`Companies`/`Contacts` by `id in`), and its secondary resources
   (`TicketSecondaryResources` by `ticketID in`). Four endpoints, one call each: within
   Autotask's 3-per-endpoint thread limit by construction.

Call budget per list page (measured in psa/tests/providers/test_autotask_search.py against the simulator):
``ceil(matches / 500)`` scan calls (1 for ≤ 500 matching tickets) + 3 or 4 page calls; "my
tickets" adds one `TicketSecondaryResources` call before the scan; a cold connection adds the
picklists (2) and the resources (1) once. A typical page: 5 calls in 2 waves.

Past the bound (more than 2,000 matches) the scan stops: the list shows the first 2,000 matches
Autotask returns (the OLDEST ids), sorted, and `total` is Autotask's full `query/count` (one
more call), so "Showing 1-25 of 3,412" stays true while pages beyond row 2,000 come back empty.
A narrower filter (a queue, open tickets only, the default) keeps real tenants under the bound;
the interface has no way yet to say "approximate" (see the report on issue 22).
"""

from __future__ import annotations

import logging
from typing import Any

from psa.providers.autotask import mapping, query
from psa.providers.autotask.connection import AutotaskConnection
from psa.providers.autotask.paging import count, scan
from psa.providers.autotask.ticket_query import ticket_conditions
from psa.providers.base import PaginatedTicketResult, PSATicket, TicketFilters, TicketOrder
from psa.providers.parallel import run_parallel

logger = logging.getLogger(__name__)

MAX_SCAN_PAGES = 4
# An `in` counts each value as a condition (≤ 500 per query): leave room for the rest.
MAX_SECONDARY_TICKETS = 400
# The dashboard probes 1,000 rows at once (tickets.selectors.BOARDS_PROBE_SIZE); past 500 the
# page's `id in` is split (one query per 500 ids).
MAX_PAGE_SIZE = 1000
KEY_FIELDS = ("priority", "createDate", "lastActivityDate", "companyID", "contactID")
_LAST = 1 << 30  # sorts after every picklist sortOrder


class TicketSearch(AutotaskConnection):
    def search_tickets(
        self,
        *,
        filters: TicketFilters,
        page: int = 1,
        page_size: int = 25,
        order: TicketOrder = "urgency",
    ) -> PaginatedTicketResult:
        page, page_size = max(1, page), max(1, min(page_size, MAX_PAGE_SIZE))
        lists = self.picklists()
        conditions = ticket_conditions(
            filters=filters,
            resource_id_of=self._resource_id_of,
            secondary_tickets_of=self._secondary_tickets_of,
        )
        keys = scan(
            self.client,
            entity="Tickets",
            search=query.search(filters=conditions, include_fields=KEY_FIELDS),
            what="the tickets",
            max_pages=MAX_SCAN_PAGES,
        )
        total = len(keys.items)
        if not keys.complete:
            total = count(self.client, entity="Tickets", filters=conditions)
            logger.warning(
                "at ticket search: %d matches, sorted the first %d", total, len(keys.items)
            )
        ordered = sort_keys(keys.items, order=order, lists=lists)
        start = (page - 1) * page_size
        rows = ordered[start : start + page_size]
        items = self.tickets_by_id(rows) if rows else ()
        return PaginatedTicketResult(items=items, total=total, page=page, page_size=page_size)

    def tickets_by_id(self, keys: list[dict[str, Any]]) -> tuple[PSATicket, ...]:
        """Full tickets for these key rows, in their order, with every label in one wave."""
        ids = [int(k["id"]) for k in keys]
        raw, companies, contacts, secondaries, resources = run_parallel(
            lambda: [
                row
                for chunk in query.chunks(ids)
                for row in self.rows(
                    entity="Tickets",
                    filters=[query.in_(field="id", values=chunk)],
                    what="the tickets",
                )
            ],
            lambda: self.company_names(k.get("companyID") for k in keys),
            lambda: self.contact_names(k.get("contactID") for k in keys),
            lambda: self.secondaries_of(ids),
            self.resources,
        )
        labels = mapping.Labels(
            picklists=self.picklists(),
            resources=resources,
            companies=companies,
            contacts=contacts,
            secondaries=secondaries,
        )
        by_id = {int(r["id"]): r for r in raw}
        # A ticket that vanished between the waves (merged, or now out of the API user's
        # reach) is left out rather than shown stale.
        return tuple(mapping.ticket_from(by_id[i], labels=labels) for i in ids if i in by_id)

    def secondaries_of(self, ticket_ids: list[int]) -> dict[int, tuple[int, ...]]:
        found: dict[int, list[int]] = {}
        for chunk in query.chunks(ticket_ids):
            for row in self.rows(
                entity="TicketSecondaryResources",
                filters=[query.in_(field="ticketID", values=chunk)],
                what="the secondary resources",
                include_fields=("ticketID", "resourceID", "roleID"),
            ):
                found.setdefault(int(row["ticketID"]), []).append(int(row["resourceID"]))
        return {ticket: tuple(sorted(ids)) for ticket, ids in found.items()}

    def _resource_id_of(self, identifier: str) -> int | None:
        wanted = identifier.lower()
        return next(
            (m.id for m in self.resources().values() if m.identifier.lower() == wanted), None
        )

    def _secondary_tickets_of(self, resource_id: int) -> list[int]:
        """The tickets this resource is a secondary on: the newest 400 (an `in` has room for no
        more beside the other conditions). Closed tickets cannot be told apart here (no status
        on the link), and open ones are the recent ones, so the newest are kept."""
        rows = scan(
            self.client,
            entity="TicketSecondaryResources",
            search=query.search(
                filters=[query.eq(field="resourceID", value=resource_id)],
                include_fields=("ticketID",),
            ),
            what="the secondary resources",
            max_pages=MAX_SCAN_PAGES,
        ).items
        return sorted({int(r["ticketID"]) for r in rows})[-MAX_SECONDARY_TICKETS:]


def sort_keys(
    rows: list[dict[str, Any]], *, order: TicketOrder, lists: mapping.Picklists
) -> list[dict[str, Any]]:
    if order == "updated":
        # ISO-8601 UTC strings sort as the moments they name; a missing date sorts last.
        return sorted(
            rows, key=lambda r: (str(r.get("lastActivityDate") or ""), r["id"]), reverse=True
        )

    def urgency(row: dict[str, Any]) -> tuple[int, float, int]:
        sort = lists.priority_sort(row.get("priority"))
        return (sort if sort is not None else _LAST, -entered(row), -int(row["id"]))

    return sorted(rows, key=urgency)


def entered(row: dict[str, Any]) -> float:
    """When the ticket was entered, as a number that sorts (a missing date sorts as the oldest).

    Newest means `createDate`, not the highest id: a ticket imported or created by a workflow
    can carry an entry date older than tickets with lower ids."""
    moment = mapping.parse_date(row.get("createDate"))
    return moment.timestamp() if moment else float("-inf")
