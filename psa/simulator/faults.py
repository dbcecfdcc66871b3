"""Fault injection and request counters for the simulator.

* latency: every API request waits ``latency_ms`` ± ``jitter_ms`` (uniform) before answering;
* ``fail_rate``: the share of requests answered with a 500;
* ``rate_limit``: requests per minute (sliding 60-second window, 0 = off); past it the answer is
  429 with ``Retry-After`` = whole seconds until the oldest request in the window leaves it;
* ``hang_rate``: the share of requests that first stall for ``hang_seconds`` (client timeouts);
* ``bad_json_rate``: the share answered 200 with a body cut off mid-JSON (a proxy or gateway
  truncating the answer);
* ``auth_fail_rate``: the share answered 401 as if the API keys had been revoked.

Counters record every API request (also the rejected ones) per route pattern and per status.
Settings change at run time through :meth:`Faults.update` (the ``/_sim/config`` endpoint).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class FaultConfig:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    fail_rate: float = 0.0
    rate_limit: int = 0
    hang_rate: float = 0.0
    hang_seconds: float = 30.0
    bad_json_rate: float = 0.0
    auth_fail_rate: float = 0.0

    def validate(self) -> None:
        for name in ("latency_ms", "jitter_ms", "hang_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be zero or more")
        for name in ("fail_rate", "hang_rate", "bad_json_rate", "auth_fail_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.rate_limit < 0:
            raise ValueError("rate_limit must be zero (off) or more")


WINDOW_SECONDS = 60.0
# What a request answered with `bad_json_rate` gets: JSON that stops half-way.
TRUNCATED_JSON = b'[{"id": 1, "summary": "Printer offline", "board": {"id": 1, "na'


def _coerce(name: str, value: object) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{name} must be a number")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{name} must be a finite number")
    if name == "rate_limit":
        if number != int(number):
            raise ValueError("rate_limit must be a whole number")
        return int(number)
    return number


class Faults:
    """Thread-safe fault settings, rate-limit window and counters of one simulator."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        **options: Any,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._config = FaultConfig()
        self._window: deque[float] = deque()
        self._routes: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()
        self._total = 0
        if options:
            self.update(options)

    # ------------------------------------------------------------- settings
    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply any of the FaultConfig fields; raise ValueError (and change nothing) if invalid."""
        known = {f.name for f in fields(FaultConfig)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(
                f"Unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        with self._lock:
            candidate = FaultConfig(**asdict(self._config))
            for name, value in changes.items():
                if value is None:
                    continue
                setattr(candidate, name, _coerce(name, value))
            candidate.validate()
            self._config = candidate
            return asdict(candidate)

    def config(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self._config)

    # ------------------------------------------------------------- per request
    def admit(self) -> int | None:
        """Take one slot of the per-minute budget; None if admitted, else Retry-After seconds."""
        with self._lock:
            limit = self._config.rate_limit
            now = self._clock()
            while self._window and self._window[0] <= now - WINDOW_SECONDS:
                self._window.popleft()
            if limit and len(self._window) >= limit:
                return max(1, math.ceil(self._window[0] + WINDOW_SECONDS - now))
            self._window.append(now)
            return None

    def delay_seconds(self) -> float:
        with self._lock:
            base, jitter = self._config.latency_ms, self._config.jitter_ms
            offset = self._rng.uniform(-jitter, jitter) if jitter else 0.0
        return max(0.0, base + offset) / 1000.0

    def wait(self) -> None:
        """Sleep for the injected latency and, now and then, a hang. Never call with a lock held."""
        delay = self.delay_seconds()
        if delay:
            self._sleep(delay)
        with self._lock:
            hang = self._config.hang_rate and self._rng.random() < self._config.hang_rate
            hang_seconds = self._config.hang_seconds
        if hang:
            self._sleep(hang_seconds)

    def should_fail(self) -> bool:
        with self._lock:
            rate = self._config.fail_rate
            return bool(rate) and self._rng.random() < rate

    def injected(self) -> str | None:
        """The fault this request gets: "fail" (500), "unauthorized" (401), "bad_json" (200 with
        a truncated body) or None. Checked in that order, each at its own rate."""
        if self.should_fail():
            return "fail"
        with self._lock:
            for kind, rate in (
                ("unauthorized", self._config.auth_fail_rate),
                ("bad_json", self._config.bad_json_rate),
            ):
                if rate and self._rng.random() < rate:
                    return kind
        return None

    # ------------------------------------------------------------- counters
    def record(self, route: str) -> None:
        with self._lock:
            self._total += 1
            self._routes[route] += 1

    def record_status(self, status: int) -> None:
        with self._lock:
            self._statuses[str(status)] += 1

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": self._total,
                "routes": dict(sorted(self._routes.items())),
                "statuses": dict(sorted(self._statuses.items())),
            }

    def reset_counters(self) -> None:
        with self._lock:
            self._total = 0
            self._routes.clear()
            self._statuses.clear()
            self._window.clear()
