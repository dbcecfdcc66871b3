"""Display helpers for ticket rows: priority level, status badge, compact age, initials, and the
list row itself.

The row is the hot path of the Tickets page (25 per list load, and every status change swaps
one out of band), so it is built here in Python, not as a template partial: the partial cost
~35 template variable lookups and filter calls per row, most of a list request's CPU. The
markup is the same semantic list item; `ticket_rows` renders a page of them in one call.
"""

from __future__ import annotations

import contextlib
import math
import re
import uuid
from datetime import datetime
from functools import lru_cache
from html import escape
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

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
    return _age(value, timezone.now())


def _age(value: datetime | None, now: datetime) -> str:
    if value is None:
        return ""
    seconds = max(0, (now - value).total_seconds())
    for unit, size in (("y", 31536000), ("mo", 2592000), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"


def _initials_of(source: str) -> str:
    parts = [p for p in re.split(r"[\s._-]+", source) if p]
    if len(parts) >= 2:
        return (parts[0][0] + parts[-1][0]).upper()
    return source[:2].upper()


@register.filter
def initials(assignee: PSAAssignee, labels: dict[str, str] | None = None) -> str:
    source = assignee.name or assignee.identifier
    return (labels or {}).get(source) or _initials_of(source)


def distinct_initials(names: Any) -> dict[str, str]:
    """Each name's avatar letters, told apart where two people would share them: Jordan Smith
    and Jamie Smithson are "JoS" and "JaS", not both "JS"."""
    groups: dict[str, set[str]] = {}
    for name in names:
        if name:
            groups.setdefault(_initials_of(name), set()).add(name)
    labels: dict[str, str] = {}
    for short, group in groups.items():
        for name in group:
            parts = [p for p in re.split(r"[\s._-]+", name) if p]
            if len(group) == 1 or len(parts) < 2:
                labels[name] = short
            else:
                labels[name] = parts[0][:2].capitalize() + parts[-1][0].upper()
    return labels


def _labels(context: Any, tickets: Any) -> dict[str, str]:
    """Avatar letters for everyone the account's member list and these rows name."""
    names = {a.name or a.identifier for t in tickets for a in t.assignees}
    request = context.get("request")
    if request is not None:
        from psa.providers.base import PSAError
        from psa.selectors import reference_data_get
        from resolutionflow.tenancy import account_of

        # Without the member list, the rows' own names still tell each other apart.
        with contextlib.suppress(PSAError, AttributeError, LookupError):
            names |= {m.name for m in reference_data_get(account=account_of(request)).members}
    return distinct_initials(names)


@register.filter
def page_url(query: Any, step: int) -> str:
    return query.url(page=max(1, query.page + int(step)), ticket=None)


@register.filter
def ticket_url(query: Any, ticket_id: int) -> str:
    return query.url(ticket=ticket_id)


@register.filter
def pages(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


@lru_cache(maxsize=16)
def _url_parts(name: str, script_prefix: str) -> tuple[str, str]:
    """A ticket URL around its id (e.g. `/tickets/<id>/panel/`), reversed once per URL name and
    script prefix instead of once per row."""
    before, _, after = reverse(name, kwargs={"ticket_id": 7}).rpartition("7")
    return before, after


def _ticket_url(name: str, ticket_id: int) -> str:
    before, after = _url_parts(name, get_script_prefix())
    return f"{before}{ticket_id}{after}"


def _row(
    ticket: PSATicket,
    list_url: str,
    *,
    oob: bool = False,
    now: datetime,
    labels: dict[str, str] | None = None,
) -> str:
    tid = ticket.id
    sep = "&" if "?" in list_url else "?"
    href = escape(f"{list_url}{sep}ticket={tid}")
    priority = escape(ticket.priority_name)
    if ticket.assignees:
        people = "".join(
            f'<span class="avatar" title="{escape(a.name or a.identifier)}">'
            f"{escape(initials(a, labels))}</span>"
            for a in ticket.assignees
        )
    else:
        people = '<span class="muted">—</span>'
    entered = ticket.date_entered
    when = ""
    if entered is not None:
        local = timezone.localtime(entered) if timezone.is_aware(entered) else entered
        when = local.strftime("%Y-%m-%d %H:%M")
    closed = " is-closed" if ticket.closed else ""
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<li id="ticket-row-{tid}" class="ticket-row{closed}"{swap}>'
        f'<a class="ticket-link" href="{href}" hx-get="{_ticket_url("tickets:panel", tid)}" '
        f'hx-push-url="{href}" data-ticket-id="{tid}" '
        # What app.js prefetches when the row keeps focus: the panel's two slow sections.
        f'data-context-url="{_ticket_url("tickets:context", tid)}" '
        f'data-resources-url="{_ticket_url("tickets:resources", tid)}">'
        f'<span class="prio-dot prio-{prio_level(ticket)}" title="{priority}">'
        f'<span class="sr-only">{priority}</span></span>'
        f'<span class="t-id">#{tid}</span>'
        f'<span class="t-summary">{escape(ticket.summary)}</span>'
        f'<span class="t-company">{escape(ticket.company_name)}</span>'
        f'<span class="t-board">{escape(ticket.board_name)}</span>'
        f'<span class="t-status"><span class="badge {status_badge(ticket)}">'
        f"{escape(ticket.status_name)}</span></span>"
        f'<span class="t-assignees">{people}</span>'
        f'<span class="t-age muted" title="{when}">{_age(entered, now)}</span>'
        "</a></li>"
    )


def ticket_rows(tickets: Any, query: Any, labels: dict[str, str] | None = None) -> SafeString:
    """The list's rows. Each links to the list URL + `ticket=<id>` (the panel open over these
    filters) and loads the panel with htmx; the `<ul>` around them sets hx-target/hx-swap."""
    list_url = query.url(ticket=None)
    now = timezone.now()
    return mark_safe(  # noqa: S308
        "\n".join(_row(t, list_url, now=now, labels=labels) for t in tickets)
    )


def ticket_row(
    ticket: PSATicket, query: Any, oob: bool = False, labels: dict[str, str] | None = None
) -> SafeString:
    """One row, e.g. swapped out of band after a status change."""
    return mark_safe(  # noqa: S308
        _row(ticket, query.url(ticket=None), oob=oob, now=timezone.now(), labels=labels)
    )


# The template tags: the same, with avatar letters told apart across the account's members.
@register.simple_tag(takes_context=True, name="ticket_rows")
def ticket_rows_tag(
    context: Any, tickets: Any, query: Any, members: frozenset[str] | None = None
) -> SafeString:
    """`members`: the account's member names when the caller has them (the list page does)."""
    tickets = list(tickets)
    if members is None:
        labels = _labels(context, tickets)
    else:
        labels = distinct_initials(
            members | {a.name or a.identifier for t in tickets for a in t.assignees}
        )
    return ticket_rows(tickets, query, labels=labels)


@register.simple_tag(takes_context=True, name="ticket_row")
def ticket_row_tag(context: Any, ticket: PSATicket, query: Any, oob: bool = False) -> SafeString:
    return ticket_row(ticket, query, oob, labels=_labels(context, [ticket]))


@register.simple_tag
def new_client_key() -> str:
    """A fresh key for a note composer: a resent request with it never posts the note twice."""
    return uuid.uuid4().hex
