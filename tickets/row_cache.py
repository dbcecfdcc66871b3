"""The row cache: the panel opens with the listed row's data and no PSA call, and a dashboard
widget paused to save the PSA's budget still shows what it last showed."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from psa.providers.base import PSATicket
from psa.selectors import cache_generation_get
from resolutionflow.models import Account

# How long a listed ticket's row is kept: the panel opens from it with no PSA call.
ROW_CACHE_TTL = 600
# How long a widget's last rows are kept to show while it is paused: the PSA's budget window.
WIDGET_SNAPSHOT_TTL = 3600

#
# Every list load used to pickle all 25 rows into the cache again. Now each process remembers
# which row value it last stored (and until when that store is surely alive) and writes only
# rows that changed, or that are past half their TTL. A per-process "alive" key tells when the
# cache lost what we stored (cleared, evicted, Redis restarted): then everything is written
# again. A row the cache lost anyway (culled) costs one PSA fetch when its panel opens.

_ROWS_ALIVE_KEY = f"tickets:rows:alive:{uuid.uuid4().hex}"
_ROWS_MEMO_MAX = 5000
_rows_memo: OrderedDict[str, tuple[PSATicket, float]] = OrderedDict()
_rows_lock = threading.Lock()


def _row_key(account: Account, ticket_id: int, generation: int) -> str:
    # The account's cache generation moves when its connection points at another tenant.
    return f"tickets:row:{account.pk}:{generation}:{ticket_id}"


def ticket_rows_remember(*, account: Account, tickets: Sequence[PSATicket]) -> int:
    """Cache the rows as listed, for the panel; returns how many were (re)written."""
    now = time.monotonic()
    if cache.get(_ROWS_ALIVE_KEY) is None:
        with _rows_lock:
            _rows_memo.clear()
        cache.set(_ROWS_ALIVE_KEY, 1, timeout=ROW_CACHE_TTL)
    generation = cache_generation_get(account=account)
    changed: dict[str, PSATicket] = {}
    with _rows_lock:
        for ticket in tickets:
            key = _row_key(account, ticket.id, generation)
            stored = _rows_memo.get(key)
            if stored is None or stored[1] < now or stored[0] != ticket:
                changed[key] = ticket
    if changed:
        cache.set_many(changed, timeout=ROW_CACHE_TTL)
        fresh_until = now + ROW_CACHE_TTL / 2
        with _rows_lock:
            for key, ticket in changed.items():
                _rows_memo[key] = (ticket, fresh_until)
                _rows_memo.move_to_end(key)
            while len(_rows_memo) > _ROWS_MEMO_MAX:
                _rows_memo.popitem(last=False)
    return len(changed)


def ticket_row_cached(*, account: Account, ticket_id: int) -> PSATicket | None:
    """The ticket as last listed, or None; never calls the PSA."""
    generation = cache_generation_get(account=account)
    ticket = cache.get(_row_key(account, ticket_id, generation))
    return ticket if isinstance(ticket, PSATicket) else None


@dataclass(frozen=True)
class WidgetSnapshot:
    """What a dashboard widget last showed one engineer, and when."""

    items: tuple[PSATicket, ...]
    links: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""
    taken_at: datetime = field(default_factory=timezone.now)


def _widget_key(account: Account, user_id: int, widget: str) -> str:
    generation = cache_generation_get(account=account)
    return f"tickets:widget:{account.pk}:{generation}:{user_id}:{widget}"


def widget_snapshot_remember(
    *, account: Account, user_id: int, widget: str, snapshot: WidgetSnapshot
) -> None:
    cache.set(_widget_key(account, user_id, widget), snapshot, timeout=WIDGET_SNAPSHOT_TTL)


def widget_snapshot_get(*, account: Account, user_id: int, widget: str) -> WidgetSnapshot | None:
    """The widget's rows as this engineer last saw them (this tenant only), or None."""
    snapshot = cache.get(_widget_key(account, user_id, widget))
    return snapshot if isinstance(snapshot, WidgetSnapshot) else None
