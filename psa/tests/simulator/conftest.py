"""A clock the simulators' fault and limit tests move by hand (no test waits in real time)."""

from __future__ import annotations

import pytest


class FakeClock:
    """Stands in for ``time.monotonic`` (call it) and ``time.sleep`` (``.sleep`` records)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
