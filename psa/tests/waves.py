"""Counting the waves of calls a view makes: the round trips it waits for, however many calls
run side by side inside one."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest


class CallSpans:
    """Records (start, end) of every call through `owner.<method>` (a session's or a client's
    one request funnel), for as long as `monkeypatch` holds."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, method: str) -> None:
        self.spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()
        funnel = getattr(owner, method)

        def traced(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                return funnel(*args, **kwargs)
            finally:
                with self._lock:
                    self.spans.append((started, time.monotonic()))

        monkeypatch.setattr(owner, method, traced)

    @property
    def waves(self) -> int:
        return waves(self.spans)


def waves(spans: list[tuple[float, float]]) -> int:
    """A call that starts after every call before it has ended begins a new wave."""
    count, ended = 0, float("-inf")
    for started, finished in sorted(spans):
        if started >= ended:
            count += 1
        ended = max(ended, finished) if started < ended else finished
    return count
