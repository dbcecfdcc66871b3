"""Counting a provider's requests in flight, for tests that prove calls run in parallel."""

from __future__ import annotations

import threading
from typing import Any


class InFlight:
    """Wraps a session's `request` to record the most requests ever in flight at once.

    The first `gather` requests are held until that many are in flight together (or 10 s have
    passed): calls the provider makes in parallel then always overlap, however late a loaded
    machine starts their threads, while calls it makes one after another never reach the count
    and are let go by the timeout. Later requests pass straight through."""

    def __init__(self, provider: Any, *, gather: int) -> None:
        self.current = self.peak = 0
        self.gather = gather
        self._gathered = False
        self._cond = threading.Condition()
        self._real = provider.client.session.request
        provider.client.session.request = self  # type: ignore[method-assign]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._cond:
            self.current += 1
            self.peak = max(self.peak, self.current)
            if self.current >= self.gather:
                self._gathered = True
                self._cond.notify_all()
            self._cond.wait_for(lambda: self._gathered, timeout=10)
            self._gathered = True  # a timed-out wait lets everything after it through too
        try:
            return self._real(*args, **kwargs)
        finally:
            with self._cond:
                self.current -= 1
