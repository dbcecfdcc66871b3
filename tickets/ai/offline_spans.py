"""Where a routing phrase sits in the offline engine's text (shared by its rule modules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # company | board | priority | status | assignee | lead | device
    removable: bool = True  # False: routing, but also part of the problem ("onboarding for ...")

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def overlaps_any(spans: Iterable[Span], start: int, end: int) -> bool:
    return any(s.overlaps(start, end) for s in spans)
