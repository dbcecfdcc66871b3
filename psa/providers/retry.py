"""What every PSA client shares about being told to wait: a 429's `Retry-After`, and the tenant's
cooldown that carries it to every web node (`psa.cooldown.CacheCooldown` implements it)."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from typing import Protocol


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
