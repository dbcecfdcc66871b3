"""Autotask's usage limits (README "Limits"), on top of the shared fault controls.

* ``hourly_threshold`` (default 10,000): requests per rolling 60 minutes per database, shared by
  every integration of the tenant; past it every request is refused until the oldest leaves the
  window [C: Autotask's "API thresholds and limits" page]. The refusal's status and text are
  ours (429 with ``{"errors": [...]}``) [U].
* Latency as usage nears the threshold: from 50 % of it Autotask adds 0.5 to 1 s per call [C:
  its "REST API supportability, query thresholds, and latency" page, as integrators summarise it,
  e.g. kb.clouddepot.com "Understanding Autotask API Limits"]; the simulator adds 0.5 s from
  50 % and 1 s from 75 % [U: where between 0.5 and 1 s].
* ``concurrent_limit`` (default 3): requests in flight per endpoint (entity) per integration code
  (tracking identifier) [C: Autotask's "API thread limiting" page: "a thread limit of three per
  object endpoint and tracking identifier"; ZoneInformation is exempt, and zone discovery here
  never takes a slot]; one more is refused at once [U: status and text; 429 like the threshold].
* ``GET ThresholdInformation`` reports ``externalRequestThreshold``, ``requestThresholdTimeframe``
  (minutes) and ``currentTimeframeRequestCount`` [U field set, README; integrators log the three
  as "124-10000-60", so the timeframe is 60].
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

WINDOW_SECONDS = 3600.0
DEFAULTS = {"hourly_threshold": 10_000, "concurrent_limit": 3}


class LimitError(Exception):
    pass


class Limits:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._settings = dict(DEFAULTS)
        self._window: deque[float] = deque()
        self._in_flight: Counter[tuple[str, str]] = Counter()

    # ------------------------------------------------------------- settings
    def config(self) -> dict[str, int]:
        with self._lock:
            return dict(self._settings)

    def check(self, changes: dict[str, Any]) -> dict[str, int]:
        """The settings ``changes`` would give; ValueError (nothing changed) if one is invalid."""
        candidate = self.config()
        for name, value in changes.items():
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1")
            candidate[name] = value
        return candidate

    def apply(self, settings: dict[str, int]) -> None:
        with self._lock:
            self._settings = settings

    # ------------------------------------------------------------- per request
    def _expire(self) -> float:
        """Drop the requests that left the rolling hour (call under the lock); returns now."""
        now = self._clock()
        while self._window and self._window[0] <= now - WINDOW_SECONDS:
            self._window.popleft()
        return now

    def admit(self) -> float:
        """Count one request in the rolling hour; the latency to add, or LimitError past it."""
        with self._lock:
            now = self._expire()
            threshold = self._settings["hourly_threshold"]
            if len(self._window) >= threshold:
                raise LimitError(
                    f"The API request threshold of {threshold} requests per hour has been "
                    "exceeded for this database; requests are refused until usage drops."
                )
            self._window.append(now)
            used = len(self._window) / threshold
        return 1.0 if used >= 0.75 else 0.5 if used >= 0.5 else 0.0

    def enter(self, integration_code: str, endpoint: str) -> tuple[str, str]:
        key = (integration_code.upper(), endpoint.lower())
        with self._lock:
            limit = self._settings["concurrent_limit"]
            if self._in_flight[key] >= limit:
                raise LimitError(
                    f"More than {limit} concurrent requests to {endpoint} for this API "
                    "integration code; wait for one to finish."
                )
            self._in_flight[key] += 1
        return key

    def leave(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._in_flight[key] -= 1
            if self._in_flight[key] <= 0:
                del self._in_flight[key]

    def threshold_information(self) -> dict[str, int]:
        with self._lock:
            self._expire()
            return {
                "externalRequestThreshold": self._settings["hourly_threshold"],
                "requestThresholdTimeframe": int(WINDOW_SECONDS // 60),
                "currentTimeframeRequestCount": len(self._window),
            }

    def reset(self) -> None:
        with self._lock:
            self._window.clear()
