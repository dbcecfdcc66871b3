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
``ceil(matches / 500)`` scan calls (1 for ≤ 500 matching tickets) + 3 or 4 page calls; a cold
connection adds the picklists (2) and the resources (1) once. A typical page: 5 calls in 2 waves.
A resource's tickets ("mine", My Queue) are 2 waves as well, with one more call in each: the
resource's secondary assignments beside the keys scan, and their tickets beside the page
(`_assigned_search`).

Past the first page (more than 500 matches) one `query/count` says how many there are. Up to
`MAX_SCAN_PAGES` pages (2,000), the scan goes on. Beyond it, Autotask's ascending order would hand us the
OLDEST matches, so the scan is narrowed to the newest instead: `createDate` windows, each
costing one count, are widened or halved (at most `MAX_WINDOW_PROBES`) until one holds between a
quarter of the bound and the bound, and only that window is scanned and sorted. The
result says so (`ordered`: "sorted among the newest 1,640 of 3,412"), the total stays Autotask's
full count, and pages past `ordered` are empty. A narrower filter (a queue, open tickets only,
the default) keeps real tenants under the bound: ≤ 500 matches cost no count at all.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from psa.providers.autotask import mapping, query
from psa.providers.autotask.connection import AutotaskConnection
from psa.providers.autotask.paging import Scan, count, page_of, scan
from psa.providers.autotask.ticket_query import TicketQuery, ticket_query
from psa.providers.base import PaginatedTicketResult, PSATicket, TicketFilters, TicketOrder
from psa.providers.parallel import run_parallel

logger = logging.getLogger(__name__)

MAX_SCAN_PAGES = 4  # of PAGE_SIZE keys: up to 2,000 matches are sorted
PAGE_SIZE = 500  # Autotask's most records per query page
MAX_WINDOW_PROBES = 5
FIRST_WINDOW_DAYS = 90
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
        wanted = ticket_query(filters=filters, resource_id_of=self._resource_id_of)
        if wanted.secondary_of is not None:
            return self._assigned_search(
                wanted,
                resource=wanted.secondary_of,
                page=page,
                page_size=page_size,
                order=order,
                lists=lists,
            )
        keys, total = self._keys(wanted.conditions)
        ordered = sort_keys(keys, order=order, lists=lists)
        start = (page - 1) * page_size
        rows = ordered[start : start + page_size]
        items = self.tickets_by_id(rows) if rows else ()
        return PaginatedTicketResult(
            items=items,
            total=total,
            page=page,
            page_size=page_size,
            ordered=len(keys) if len(keys) < total else None,
        )

    def _assigned_search(
        self,
        wanted: TicketQuery,
        *,
        resource: int,
        page: int,
        page_size: int,
        order: TicketOrder,
        lists: mapping.Picklists,
    ) -> PaginatedTicketResult:
        """A resource's tickets, primary or secondary, in two waves.

        1. The primary side's keys scan, beside the resource's secondary assignments.
        2. Full records, in one query per 400 ids, of the secondary-only tickets that pass the
           other filters (their sort keys come with them) and of the primary tickets that can
           land on the page: the page's own ranks, moved up by at most one place per
           secondary-only ticket. Beside them, names and secondary resources.
        """
        (keys, primary_total), linked = run_parallel(
            lambda: self._keys(wanted.conditions),
            lambda: self._secondary_tickets_of(resource),
        )
        primary = sort_keys(keys, order=order, lists=lists)
        on_primary = {int(k["id"]) for k in keys}
        extra = [i for i in linked if i not in on_primary]
        start = (page - 1) * page_size
        candidates = primary[max(0, start - len(extra)) : start + page_size]
        ids = [int(k["id"]) for k in candidates] + extra
        batches = query.chunks(ids, size=MAX_SECONDARY_TICKETS)
        *found, companies, contacts, secondaries, resources = run_parallel(
            *(
                lambda batch=batch: self.rows(
                    entity="Tickets",
                    filters=[*wanted.common, query.in_(field="id", values=batch)],
                    what="the tickets",
                )
                for batch in batches
            ),
            lambda: self.company_names(k.get("companyID") for k in candidates),
            lambda: self.contact_names(k.get("contactID") for k in candidates),
            lambda: self.secondaries_of(ids),
            self.resources,
        )
        by_id = {int(r["id"]): r for rows in found for r in rows}
        secondary_only = [by_id[i] for i in extra if i in by_id]
        # Every primary ticket the page can hold is among `candidates`: it sorts after at most
        # len(extra) secondary-only ones.
        merged = sort_keys(primary + secondary_only, order=order, lists=lists)
        page_ids = [int(k["id"]) for k in merged[start : start + page_size]]
        rows = [by_id[i] for i in page_ids if i in by_id]
        # Secondary-only tickets name companies and contacts the keys scan did not show;
        # only those not read before cost a call.
        companies |= self.company_names(r.get("companyID") for r in rows)
        contacts |= self.contact_names(r.get("contactID") for r in rows)
        labels = mapping.Labels(
            picklists=lists,
            resources=resources,
            companies=companies,
            contacts=contacts,
            secondaries=secondaries,
        )
        return PaginatedTicketResult(
            items=tuple(mapping.ticket_from(r, labels=labels) for r in rows),
            total=primary_total + len(secondary_only),
            page=page,
            page_size=page_size,
            ordered=len(keys) + len(secondary_only) if len(keys) < primary_total else None,
        )

    def _keys(self, conditions: list[Any]) -> tuple[list[dict[str, Any]], int]:
        """The sort keys to order (all matches, or the newest window of them) and the total."""
        first, nxt = page_of(
            self.client.query(
                "Tickets", query.search(filters=conditions, include_fields=KEY_FIELDS)
            ),
            what="the tickets",
        )
        if nxt is None:
            return first, len(first)
        total = count(self.client, entity="Tickets", filters=conditions)
        bound = MAX_SCAN_PAGES * PAGE_SIZE
        if total <= bound:
            rest = self._scan(conditions, start=nxt)
            return first + rest.items, max(total, len(first) + len(rest.items))
        window = self._newest_window(conditions, bound=bound)
        keys = scan(
            self.client,
            entity="Tickets",
            search=query.search(filters=conditions + window, include_fields=KEY_FIELDS),
            what="the tickets",
            max_pages=MAX_SCAN_PAGES,
        )
        logger.info("at ticket search: %d matches, sorted the newest %d", total, len(keys.items))
        return keys.items, total

    def _scan(self, conditions: list[Any], *, start: str) -> Scan:
        """The pages after the first, from its cursor."""
        items: list[dict[str, Any]] = []
        nxt: str | None = start
        calls = 0
        while nxt and calls < MAX_SCAN_PAGES - 1:
            batch, nxt = page_of(self.client.get_url(nxt), what="the tickets")
            items.extend(batch)
            calls += 1
        return Scan(items=items, complete=nxt is None, calls=calls)

    def _newest_window(self, conditions: list[Any], *, bound: int) -> list[Any]:
        """A `createDate` lower bound holding the newest matches: at most `bound` of them and,
        where a few probes find it, at least a quarter as many. Widens by 4 until a window
        overflows, then bisects; if even one day overflows, that day (its oldest `bound`)."""
        now = datetime.now(UTC)

        def window(days: int) -> list[Any]:
            since = query.utc(now - timedelta(days=days))
            return [query.cond(op="gte", field="createDate", value=since)]

        fits: int | None = None  # the widest window known to hold at most `bound`
        overflows: int | None = None  # the narrowest window known to hold more
        days = FIRST_WINDOW_DAYS
        for _ in range(MAX_WINDOW_PROBES):
            matches = count(self.client, entity="Tickets", filters=conditions + window(days))
            if matches > bound:
                overflows = days
            else:
                fits = days
                if matches >= bound // 4:
                    break
            if overflows is None:
                days *= 4
            elif fits is None:
                days = max(days // 4, 1)
            else:
                days = (fits + overflows) // 2
            if days in (fits, overflows):
                break
        return window(fits if fits is not None else overflows or 1)

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
            # Usually one page; hundreds of tickets with a few secondaries each can need more.
            links = scan(
                self.client,
                entity="TicketSecondaryResources",
                search=query.search(
                    filters=[query.in_(field="ticketID", values=chunk)],
                    include_fields=("ticketID", "resourceID", "roleID"),
                ),
                what="the secondary resources",
            )
            for row in links.items:
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
