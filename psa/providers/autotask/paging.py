"""Following Autotask's cursor: `pageDetails.nextPageUrl` until null, bounded.

Autotask pages have no numbers and no total; each answer names the next page's URL (absolute,
same zone) [C]. Pages therefore come one after another, never in parallel: a caller that needs
numbered pages builds them from a bounded scan (see `ticket_search`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from psa.providers.autotask.client import AutotaskClient
from psa.providers.base import PSAResponseError

logger = logging.getLogger(__name__)

# 50 pages of 500 = 25,000 records: beyond any list we keep in memory; say so and stop.
MAX_PAGES = 50


@dataclass(frozen=True, slots=True)
class Scan:
    items: list[dict[str, Any]]
    complete: bool  # False when the bound stopped the scan with pages left
    calls: int


def page_of(data: Any, *, what: str) -> tuple[list[dict[str, Any]], str | None]:
    """(items, nextPageUrl) from a query answer, or a PSAResponseError naming `what`."""
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise PSAResponseError(
            f"Autotask sent {what} in a shape we could not read.", detail=repr(data)[:300]
        )
    details = data.get("pageDetails") or {}
    nxt = details.get("nextPageUrl") if isinstance(details, dict) else None
    return items, nxt if isinstance(nxt, str) and nxt else None


def first_page(
    client: AutotaskClient, *, entity: str, search: Mapping[str, Any], what: str
) -> list[dict[str, Any]]:
    """One page only (up to the search's MaxRecords): a search shows a few, not all."""
    items, _ = page_of(client.query(entity, search), what=what)
    return items


def scan(
    client: AutotaskClient,
    *,
    entity: str,
    search: Mapping[str, Any],
    what: str,
    max_pages: int = MAX_PAGES,
) -> Scan:
    """Every match, page after page, up to `max_pages` pages."""
    items, nxt = page_of(client.query(entity, search), what=what)
    calls = 1
    while nxt and calls < max_pages:
        batch, nxt = page_of(client.get_url(nxt), what=what)
        items.extend(batch)
        calls += 1
    if nxt:
        logger.warning("at %s: stopped after %d pages (%d records)", entity, calls, len(items))
    return Scan(items=items, complete=nxt is None, calls=calls)


def count(client: AutotaskClient, *, entity: str, filters: list[Any]) -> int:
    data = client.request(
        "POST", f"{entity}/query/count", json={"filter": filters}, idempotent=True
    ).data
    value = data.get("queryCount") if isinstance(data, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise PSAResponseError("Autotask sent a count we could not read.", detail=repr(data)[:300])
    return value
