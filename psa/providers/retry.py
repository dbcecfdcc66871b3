"""What every PSA client shares about waiting: a 429's `Retry-After`, the tenant's cooldown that
carries it to every web node (`psa.cooldown.CacheCooldown` implements it), and the pacing of
attempts inside the request's deadline (`resolutionflow.deadline`)."""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from psa.providers.base import PSATimeout
from resolutionflow import deadline

# Less than this left of the request's budget and a call is not worth sending.
MIN_CALL_SECONDS = 0.05

Sleep = Callable[[float], None]


class Cooldown(Protocol):
    """Shared memory of a tenant's 429s, so every web node backs off, not just the one that hit it."""

    def remaining(self) -> float: ...

    def start(self, seconds: float) -> None: ...


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Pacing:
    """When a client's next attempt may go, and how long it may take, within the request's
    deadline: timeouts cut to what is left of it, and exponential backoff with jitter (x0.5-1.5,
    so retrying nodes do not call in step) only when another attempt still fits."""

    def __init__(
        self,
        *,
        psa_name: str,
        logger: logging.Logger,
        connect_timeout: float,
        read_timeout: float,
        retry_after_cap: float,
        sleep: Sleep,
        jitter: Callable[[], float],
        backoff_base: float,
    ) -> None:
        self.psa_name = psa_name
        self.logger = logger
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retry_after_cap = retry_after_cap
        self.sleep = sleep
        self.jitter = jitter
        self.backoff_base = backoff_base

    def timeout(self, method: str, route: str) -> tuple[float, float]:
        """(connect, read) timeouts, cut to what is left of the request's deadline; PSATimeout
        (nothing sent) when too little is left for a call."""
        connect, read = self.connect_timeout, self.read_timeout
        left = deadline.remaining()
        if left is None:
            return connect, read
        if left < MIN_CALL_SECONDS:
            self.logger.warning(
                "%s %s -> not sent: the request's time budget is spent", method, route
            )
            raise PSATimeout(
                f"{self.psa_name} is answering too slowly: this page stopped waiting for it. "
                "Try again in a moment.",
                detail="request deadline reached",
            )
        return min(connect, left), min(read, left)

    def cut_short(self, timeout: tuple[float, float]) -> bool:
        """Whether these timeouts are the deadline's remainder rather than the configured ones."""
        return timeout != (self.connect_timeout, self.read_timeout)

    def may_wait(self, seconds: float) -> bool:
        """Whether waiting `seconds` still leaves time for another attempt within the deadline."""
        left = deadline.remaining()
        return left is None or seconds + MIN_CALL_SECONDS < left

    def backoff(self, attempt: int) -> bool:
        """Sleep before attempt `attempt + 1`; False (and no sleep) when it would not fit."""
        delay = self.backoff_base * (2 ** (attempt - 1)) * (0.5 + self.jitter())
        delay = min(delay, self.retry_after_cap)
        if not self.may_wait(delay):
            return False
        self.sleep(delay)
        return True
