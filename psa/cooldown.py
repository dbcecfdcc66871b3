"""A tenant's rate-limit cooldown kept in the Django cache (Redis in production).

When ConnectWise answers 429 with Retry-After, every web node and worker stops calling that
tenant until the time is up, instead of each discovering the limit on its own.
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
