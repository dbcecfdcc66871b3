"""Whole lists in parallel pages: the first page tells how many there are, then all the rest.

``client.get_all`` follows ``Link`` headers one page after another, so a tenant with 5,000
companies costs five round trips in a row. A `Listing` knows its route and query; `fetch_lists`
reads several of them in two waves whatever their size: wave 1 asks every list for its first page,
wave 2 asks for all the remaining pages of all of them at once (through the provider's bounded
pool). The number of pages comes from the first page's ``Link: <...page=N>; rel="last"``, which
ConnectWise sends with every navigable page, so it costs no extra call; only when a full first
page arrives without that header do we ask ``/count`` (one more wave, for that list only).
Pages are ordered by a total order (the sort plus ``id``), so page boundaries are stable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from requests.utils import parse_header_links

from psa.providers.connectwise.client import MAX_PAGE_SIZE, ConnectWiseClient, Params
from psa.providers.connectwise.replies import rows_of
from psa.providers.parallel import run_parallel

logger = logging.getLogger(__name__)

# 50,000 records of one kind is beyond any reference list we keep in memory; say so, stop there.
MAX_PAGES = 50


def first_page(
    client: ConnectWiseClient, path: str, params: Params, *, limit: int, what: str
) -> list[dict[str, Any]]:
    """Up to `limit` records of a list endpoint in one call (a search shows a few, not all)."""
    data = client.get(path, {**params, "page": 1, "pageSize": max(1, min(limit, MAX_PAGE_SIZE))})
    return rows_of(data, what)


@dataclass(frozen=True)
class Listing:
    path: str
    params: Params

    def page(self, client: ConnectWiseClient, number: int) -> list[dict[str, Any]]:
        return self.page_and_last(client, number)[0]

    def page_and_last(
        self, client: ConnectWiseClient, number: int
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page, and the last page number its ``Link`` header names (None if it names none)."""
        response = client.request(
            "GET",
            self.path,
            params={**self.params, "page": number, "pageSize": MAX_PAGE_SIZE},
            idempotent=True,
        )
        return rows_of(response.data, self.path), _last_page(response.headers.get("Link"))

    def count(self, client: ConnectWiseClient) -> int:
        conditions = self.params.get("conditions")
        return client.count(f"{self.path}/count", str(conditions) if conditions else None)


def _last_page(link: str | None) -> int | None:
    if not link:
        return None
    for entry in parse_header_links(link):
        if entry.get("rel") == "last":
            query = {k.lower(): v for k, v in parse_qsl(urlsplit(entry.get("url", "")).query)}
            try:
                return int(query.get("page", ""))
            except ValueError:
                return None
    return None


def _capped(pages: int, path: str) -> int:
    if pages > MAX_PAGES:
        logger.warning("cw GET %s: %d pages, reading the first %d", path, pages, MAX_PAGES)
    return min(pages, MAX_PAGES)


def fetch_lists(
    client: ConnectWiseClient,
    listings: dict[str, Listing],
    *,
    also: dict[str, Callable[[dict[str, list[dict[str, Any]]]], list[Callable[[], Any]]]]
    | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[Any]]]:
    """Every record of every listing, in two waves; and the results of ``also``.

    ``also`` maps a name to a function that, given the first pages, returns more calls for wave 2
    (e.g. the statuses of each board just read), so dependent reads cost no extra wave. They are
    separate calls, not one call that fans out: a pool worker runs nested fan-outs one by one.
    """
    names = list(listings)
    wave1 = run_parallel(*(partial(listings[name].page_and_last, client, 1) for name in names))
    firsts = {name: rows for name, (rows, _) in zip(names, wave1, strict=True)}
    pages: dict[str, int] = {}
    unknown: list[str] = []
    for name, (rows, last) in zip(names, wave1, strict=True):
        if len(rows) < MAX_PAGE_SIZE:
            pages[name] = 1  # a short first page is the whole list
        elif last is not None:
            pages[name] = last
        else:
            unknown.append(name)
    if unknown:
        totals = run_parallel(*(partial(listings[name].count, client) for name in unknown))
        pages.update(
            {n: -(-total // MAX_PAGE_SIZE) for n, total in zip(unknown, totals, strict=True)}
        )

    rest: list[tuple[str, Callable[[], Any]]] = []
    for name in names:
        for number in range(2, _capped(pages[name], listings[name].path) + 1):
            rest.append((name, partial(listings[name].page, client, number)))
    extra_calls: list[tuple[str, Callable[[], Any]]] = [
        (name, call) for name, make in (also or {}).items() for call in make(firsts)
    ]
    calls = [call for _, call in (*rest, *extra_calls)]
    results = run_parallel(*calls) if calls else []

    rows = {name: list(firsts[name]) for name in names}
    for (name, _), batch in zip(rest, results[: len(rest)], strict=True):
        rows[name].extend(batch)
    extras: dict[str, list[Any]] = {name: [] for name in also or {}}
    for (name, _), result in zip(extra_calls, results[len(rest) :], strict=True):
        extras[name].append(result)
    return rows, extras


def fetch_all(client: ConnectWiseClient, listing: Listing) -> list[dict[str, Any]]:
    """One listing in two waves."""
    rows, _ = fetch_lists(client, {"all": listing})
    return rows["all"]
