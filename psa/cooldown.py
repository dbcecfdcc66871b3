"""A tenant's rate-limit cooldown kept in the Django cache (Redis in production).

When ConnectWise answers 429 with Retry-After, every web node and worker stops calling that
tenant until the time is up, instead of each discovering the limit on its own.

It is read before every ConnectWise call, so it must never raise: with Redis unreachable the
cache backend (`resolutionflow.cache.RedisWithLocalFallback`) keeps it in this process's memory,
which still protects the tenant from this node while the nodes cannot share it.
"""

from __future__ import annotations

import time

from django.core.cache import cache


class CacheCooldown:
    def __init__(self, key: str) -> None:
        self.key = key

    def remaining(self) -> float:
        until = cache.get(self.key)
        return max(0.0, until - time.time()) if until else 0.0

    def start(self, seconds: float) -> None:
        cache.set(self.key, time.time() + seconds, timeout=max(1, int(seconds) + 1))
