"""The PSA's SLA line, read as a due time.

A ticket's `slaStatus` is text such as "Respond by Mon 11/16 06:54 AM UTC": the next SLA step and
when it is due, without a year. Past that time the panel says how long the ticket has been
overdue instead of showing a date that quietly went by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SLA_RE = re.compile(
    r"^\s*(?P<step>[A-Za-z][A-Za-z ]*?) by\s+"
    r"(?:(?P<weekday>Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*\s+)?"
    r"(?P<month>\d{1,2})/(?P<day>\d{1,2})\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>AM|PM)\s+(?:UTC|GMT)\s*$",
    re.IGNORECASE,
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class SlaState:
    text: str  # The PSA's own words
    due: datetime | None  # None when the text names no time we can read
    overdue: str  # "Overdue by 14 days"; "" when not (yet) overdue


def sla_state(
    *, text: str, entered: datetime | None, now: datetime, closed: bool = False
) -> SlaState:
    """The SLA line of a ticket entered at `entered`, as of `now`. A closed ticket is never
    overdue (the PSA clears the line when it closes; an old one is history, not a warning)."""
    due = _due(text, entered or now)
    overdue = "" if closed or due is None else overdue_text(now - due)
    return SlaState(text=text, due=due, overdue=overdue)


def overdue_text(late: timedelta) -> str:
    if late <= timedelta(0):
        return ""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(late.total_seconds() // size)
        if count >= 1:
            return f"Overdue by {count} {unit}{'' if count == 1 else 's'}"
    return "Overdue by 1 minute"


def _due(text: str, near: datetime) -> datetime | None:
    """The due time in `text`. The year is the one that puts it on the weekday named (when
    named) and closest after `near` (the ticket's entry: an SLA runs from there)."""
    match = SLA_RE.match(text or "")
    if not match:
        return None
    hour = int(match["hour"]) % 12 + (12 if match["ampm"].upper() == "PM" else 0)
    if near.tzinfo is None:
        near = near.replace(tzinfo=UTC)
    candidates = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            moment = datetime(
                year, int(match["month"]), int(match["day"]), hour, int(match["minute"]), tzinfo=UTC
            )
        except ValueError:  # 02/29 outside a leap year, 13/40
            continue
        weekday = match["weekday"]
        if weekday and WEEKDAYS[moment.weekday()] != weekday[:3].lower():
            continue
        candidates.append(moment)
    if not candidates:
        return None
    # An SLA falls due after the ticket was entered; a day's slack for clocks and time zones.
    after = [c for c in candidates if c >= near - timedelta(days=1)]
    return min(after) if after else max(candidates)
