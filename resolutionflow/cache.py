"""The shared cache with a way down: Redis when it answers, this process's memory when it does not.

Everything the cache holds can be rebuilt (reference data, list rows, a tenant's 429 cooldown),
so Redis being unreachable must cost speed and sharing, never a 500. Each operation that fails on
Redis is served by a per-process local-memory cache instead, with a warning in the log; after a
failure Redis is left alone for `RETRY_SECONDS` so a page does not wait on a dead socket per call.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger("resolutionflow.cache")

REDIS_DOWN = (RedisError, ConnectionInterrupted, OSError)
RETRY_SECONDS = 5.0


class RedisWithLocalFallback(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._ignore_exceptions = False  # we handle them: by falling back, not by forgetting
        self.local = LocMemCache(
            f"rf-fallback-{id(self)}",
            {"KEY_PREFIX": params.get("KEY_PREFIX", ""), "TIMEOUT": params.get("TIMEOUT", 300)},
        )
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def redis_down(self) -> bool:
        """True while we are serving from local memory because Redis failed recently."""
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.redis_down:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_DOWN as exc:
                with self._lock:
                    first = not self.redis_down
                    self._down_until = time.monotonic() + RETRY_SECONDS
                if first:
                    logger.warning(
                        "Redis cache unreachable (%s): using this process's memory for %.0f s; "
                        "rate-limit cooldowns and cached PSA data are not shared meanwhile",
                        exc,
                        RETRY_SECONDS,
                    )
        return getattr(self.local, name)(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def decr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("decr", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def get_or_set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_or_set", *args, **kwargs)

    def clear(self) -> Any:
        self.local.clear()
        return self._call("clear")

    def ping(self) -> bool:
        """Ask Redis itself (for /healthz), without the fallback."""
        try:
            return bool(self.client.get_client().ping())
        except REDIS_DOWN:
            return False
