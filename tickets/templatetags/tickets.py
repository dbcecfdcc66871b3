"""Display helpers for ticket rows: priority level, status badge, compact age, initials."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from psa.providers.base import PSAAssignee, PSATicket

register = template.Library()

_PRIORITY_NUMBER = re.compile(r"\b(?:priority|p)\s*([1-4])\b", re.IGNORECASE)


@register.filter
def prio_level(ticket: PSATicket) -> int:
    """1 (most urgent) to 4, or 5 for priorities outside the usual scale (e.g. Do Not Respond)."""
    match = _PRIORITY_NUMBER.search(ticket.priority_name or "")
    if match:
        return int(match.group(1))
    sort = ticket.priority_sort
    if sort is None:
        return 5
    return 1 if sort <= 1 else 2 if sort <= 3 else 3 if sort <= 6 else 4 if sort <= 8 else 5


@register.filter
def status_badge(ticket: PSATicket) -> str:
    name = (ticket.status_name or "").lower()
    if ticket.closed:
        return "badge-muted"
    if "new" in name:
        return "badge-info"
    if "waiting" in name or "scheduled" in name:
        return "badge-warning"
    if "escalat" in name:
        return "badge-danger"
    if "progress" in name or "assigned" in name:
        return "badge-success"
    return ""


@register.filter
def age(value: datetime | None) -> str:
    if value is None:
        return ""
    seconds = max(0, (timezone.now() - value).total_seconds())
    for unit, size in (("y", 31536000), ("mo", 2592000), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"


@register.filter
def initials(assignee: PSAAssignee) -> str:
    source = assignee.name or assignee.identifier
    parts = [p for p in re.split(r"[\s._-]+", source) if p]
    if len(parts) >= 2:
        return (parts[0][0] + parts[-1][0]).upper()
    return source[:2].upper()


@register.filter
def page_url(query: Any, step: int) -> str:
    return query.url(page=max(1, query.page + int(step)), ticket=None)


@register.filter
def ticket_url(query: Any, ticket_id: int) -> str:
    return query.url(ticket=ticket_id)


@register.filter
def pages(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


@register.simple_tag
def new_client_key() -> str:
    """A fresh key for a note composer: a resent request with it never posts the note twice."""
    import uuid

    return uuid.uuid4().hex
