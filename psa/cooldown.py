"""A tenant's rate-limit cooldown kept in the Django cache (Redis in production).

When the PSA answers 429 with Retry-After, every web node and worker stops calling that
tenant until the time is up, instead of each discovering the limit on its own.

It is read before every PSA call, so it must never raise: with Redis unreachable the
cache backend (`resolutionflow.cache.RedisWithLocalFallback`) keeps it in this process's memory,
which still protects the tenant from this node while the nodes cannot share it.
"""

from __future__ import annotations

import time

from django.core.cache import BaseCache, caches


class CacheCooldown:
    def __init__(self, key: str, *, cache: BaseCache | None = None) -> None:
        self.key = key
        # Resolved once, where the provider is built. The calls that read it run on the
        # providers' pool threads, each in a fresh copy of the request's context, where Django's
        # `cache` proxy builds a new backend every time (for the disk cache: its SQLite shards
        # reopened, ~5 ms of CPU a call). Both shared backends are safe to use across threads.
        self._cache = cache if cache is not None else caches["default"]

    def remaining(self) -> float:
        until = self._cache.get(self.key)
        return max(0.0, until - time.time()) if until else 0.0

    def start(self, seconds: float) -> None:
        self._cache.set(self.key, time.time() + seconds, timeout=max(1, int(seconds) + 1))
