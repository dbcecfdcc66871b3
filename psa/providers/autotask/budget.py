"""A tenant's hourly Autotask request budget, counted in the shared Django cache.

Autotask allows 10,000 requests per rolling hour per database, shared by every integration and
every node calling it (README "Limits"; `GET ThresholdInformation` reports the count). Each node
counting only its own calls would see a fraction of the truth, so every call the client makes is
counted once in the shared cache (Redis in production, the disk cache's SQLite shards otherwise:
`add`/`incr` are atomic across processes there), keyed by tenant and clock hour.

Autotask's window rolls; ours is two clock-hour buckets, the last hour's weighted by how much of
it is still inside the rolling hour (a sliding-window estimate: at 10:15 the count is 10:00's
bucket plus three quarters of 09:00's). It is a floor, not the truth: other integrations of the
database call too. Reading `ThresholdInformation`
(`call_budget(refresh=True)`, at most once per SYNC_SECONDS per tenant) replaces our count with
Autotask's own. Nothing here ever raises: a budget that cannot be counted must not stop a call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.core.cache import BaseCache, caches

from psa.providers.base import CallBudget

logger = logging.getLogger("psa.autotask")

DEFAULT_LIMIT = 10_000
WINDOW_MINUTES = 60
# How long Autotask's own count is trusted before the next read asks again (that read is itself
# one request of the budget).
SYNC_SECONDS = 30
_BUCKET_TTL = 2 * 3600  # an hour's counter outlives its hour, then goes


class HourlyBudget:
    """One tenant's counter. `key` names the tenant (the registry uses the connection's id)."""

    def __init__(
        self,
        key: str,
        *,
        cache: BaseCache | None = None,
        limit: int = DEFAULT_LIMIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        # Resolved once, as psa.cooldown does: the client's pool threads must not build a new
        # backend per call.
        self._cache = cache if cache is not None else caches["default"]
        self._default_limit = limit
        self._clock = clock

    def _bucket(self, hours_ago: int = 0) -> str:
        return f"{self.key}:h{int(self._clock() // 3600) - hours_ago}"

    def _earlier_and_limit(self) -> tuple[float, int]:
        """The last hour's calls still inside the rolling hour (estimated as spread evenly), and
        the threshold: one read."""
        earlier, limit = self._bucket(1), f"{self.key}:limit"
        known = self._cache.get_many([earlier, limit])
        weight = self.seconds_left_in_hour() / 3600
        return int(known.get(earlier) or 0) * weight, int(known.get(limit) or self._default_limit)

    def seconds_left_in_hour(self) -> float:
        return 3600 - self._clock() % 3600

    def take(self, *, force: bool = False) -> bool:
        """Count one request about to be sent; False (nothing counted) when the hour's budget is
        already spent by our count, unless `force` (a read of Autotask's own count, which may
        show ours is too high)."""
        key = self._bucket()
        try:
            try:
                used = self._cache.incr(key)  # one write for every call but an hour's first
            except ValueError:  # the hour's first call (or its key expired)
                used = 1 if self._cache.add(key, 1, timeout=_BUCKET_TTL) else self._cache.incr(key)
            earlier, limit = self._earlier_and_limit()
            if used + earlier > limit and not force:
                self._cache.decr(key)  # refused, so not sent: not counted
                return False
            return True
        except Exception:  # a counter must never stop a call
            logger.warning("at budget: could not count a request for %s", self.key, exc_info=True)
            return True

    def used(self) -> int:
        try:
            return int(int(self._cache.get(self._bucket()) or 0) + self._earlier_and_limit()[0])
        except Exception:
            return 0

    def limit(self) -> int:
        try:
            return int(self._cache.get(f"{self.key}:limit") or self._default_limit)
        except Exception:
            return self._default_limit

    def synced(self) -> bool:
        """Whether Autotask's own count was read in the last SYNC_SECONDS."""
        try:
            return self._cache.get(f"{self.key}:synced") is not None
        except Exception:
            return False

    def snapshot(self) -> CallBudget:
        """Our count now: no call to Autotask."""
        return CallBudget(
            used=self.used(),
            limit=self.limit(),
            window_minutes=WINDOW_MINUTES,
            synced=self.synced(),
        )

    def sync(self, info: Mapping[str, Any]) -> CallBudget | None:
        """Take Autotask's `ThresholdInformation` as the count (None if it is not one)."""
        budget = budget_of(info)
        if budget is None:
            return None
        try:
            self._cache.set(self._bucket(), budget.used, timeout=_BUCKET_TTL)
            self._cache.delete(self._bucket(1))  # Autotask's count already includes it
            self._cache.set(f"{self.key}:limit", budget.limit, timeout=None)
            self._cache.set(f"{self.key}:synced", True, timeout=SYNC_SECONDS)
        except Exception:
            logger.warning("at budget: could not store the synced count", exc_info=True)
        return budget


def budget_of(info: Any) -> CallBudget | None:
    """`{"currentTimeframeRequestCount", "externalRequestThreshold", "requestThresholdTimeframe"}`
    -> CallBudget, or None when Autotask answered something else."""
    if not isinstance(info, Mapping):
        return None
    used = info.get("currentTimeframeRequestCount")
    limit = info.get("externalRequestThreshold")
    window = info.get("requestThresholdTimeframe") or WINDOW_MINUTES
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (used, limit, window)):
        return None
    if limit <= 0:  # type: ignore[operator]
        return None
    return CallBudget(used=used, limit=limit, window_minutes=window, synced=True)  # type: ignore[arg-type]
