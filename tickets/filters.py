"""The Tickets page's filter bar, described as data.

FILTER_CONFIG drives both the template (which control to draw) and the query parsing, so adding
or removing a filter is one entry here, not an edit in three places.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from django import forms
from django.urls import reverse

from psa.providers.base import ReferenceData, TicketFilters

from .services import MAX_ID

PAGE_SIZE = 25
ASSIGNED_WORDS = frozenset({"me", "unassigned", "all"})


def parse_assigned(value: str) -> str | int | None:
    """`me` / `unassigned` / `all` (blank means all) or a member id; None when it is neither.

    Plain ASCII digits in ConnectWise's 32-bit id range only: str.isdigit() also accepts "²",
    which int() refuses, and int() refuses more than 4,300 digits.
    """
    value = value.strip().lower() or "all"
    if value in ASSIGNED_WORDS:
        return value
    if re.fullmatch(r"[0-9]{1,10}", value) and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    highlight: bool = False


@dataclass(frozen=True)
class OptionContext:
    reference: ReferenceData
    query: TicketQuery
    mapped_member_ids: frozenset[int]
    has_mapping: bool


@dataclass(frozen=True)
class FilterSpec:
    key: str
    label: str
    type: Literal["text", "select", "toggle", "company"]
    options: Callable[[OptionContext], list[Option]] | None = None
    placeholder: str = ""
    empty_label: str = "Any"
    disabled_hint: Callable[[OptionContext], str] | None = None


def _boards(ctx: OptionContext) -> list[Option]:
    return [Option(str(b.id), b.name) for b in ctx.reference.boards if not b.inactive]


def _statuses(ctx: OptionContext) -> list[Option]:
    if ctx.query.board is None:
        return []
    statuses = sorted(ctx.reference.statuses_for(ctx.query.board), key=lambda s: s.sort_order)
    return [Option(str(s.id), s.name + (" (closed)" if s.closed else "")) for s in statuses]


def _status_hint(ctx: OptionContext) -> str:
    return "Pick a board" if ctx.query.board is None else ""


def _priorities(ctx: OptionContext) -> list[Option]:
    return [
        Option(str(p.id), p.name) for p in sorted(ctx.reference.priorities, key=lambda p: p.sort)
    ]


def _assigned(ctx: OptionContext) -> list[Option]:
    options = [Option("", "Anyone")]  # the default stays out of the URL
    if ctx.has_mapping:
        options.append(Option("me", "Me"))
    options.append(Option("unassigned", "Unassigned"))
    members = sorted(
        (m for m in ctx.reference.members if not m.inactive),
        key=lambda m: (m.id not in ctx.mapped_member_ids, m.name.casefold()),
    )
    options += [Option(str(m.id), m.name, highlight=m.id in ctx.mapped_member_ids) for m in members]
    return options


FILTER_CONFIG: tuple[FilterSpec, ...] = (
    FilterSpec("search", "Search", "text", placeholder="Summary or ticket #"),
    FilterSpec("board", "Board", "select", options=_boards, empty_label="All boards"),
    FilterSpec(
        "status",
        "Status",
        "select",
        options=_statuses,
        empty_label="Any status",
        disabled_hint=_status_hint,
    ),
    FilterSpec("priority", "Priority", "select", options=_priorities, empty_label="Any priority"),
    FilterSpec("company", "Company", "company", placeholder="Any company"),
    FilterSpec("assigned", "Assigned", "select", options=_assigned, empty_label=""),
    FilterSpec("closed", "Include closed", "toggle"),
)


class TicketQueryForm(forms.Form):
    """Parses the URL. Anything malformed falls back to its default instead of failing the page."""

    search = forms.CharField(required=False, strip=True)  # its limits: `search_problem`
    board = forms.IntegerField(required=False, min_value=1)
    status = forms.IntegerField(required=False, min_value=1)
    priority = forms.IntegerField(required=False, min_value=1)
    company = forms.IntegerField(required=False, min_value=1)
    company_q = forms.CharField(required=False, max_length=200, strip=True)
    assigned = forms.CharField(required=False, max_length=20)
    closed = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1)
    ticket = forms.IntegerField(required=False, min_value=1)


SEARCH_MAX = 200  # the provider's cap (psa ... connectwise.provider.MAX_SEARCH_LENGTH)
# Characters a ConnectWise condition cannot hold as themselves (a quote ends the literal and has
# no documented escape; a backslash is taken as an escape): text made only of them finds nothing
# particular, so the provider would match every ticket.
_UNSEARCHABLE = set('"\\')


def search_problem(text: str) -> str:
    """Why `text` cannot be searched as typed ("" when it can): said instead of listing everything."""
    if len(text) > SEARCH_MAX:
        return (
            f"Search text is limited to {SEARCH_MAX} characters; this has {len(text)}. "
            "Shorten it to a few words from the summary or a ticket number."
        )
    if text and all(ch in _UNSEARCHABLE or ch.isspace() for ch in text):
        return (
            "Quotes and backslashes alone cannot be searched in ConnectWise. "
            "Add a word from the summary or a ticket number."
        )
    return ""


def closed_status_hint(*, reference: ReferenceData, query: TicketQuery) -> str:
    """What to say when the status asked for is a closed one while closed tickets are hidden
    (ConnectWise then has nothing to list): "" otherwise."""
    if query.status is None or query.board is None or query.closed:
        return ""
    status = next((s for s in reference.statuses_for(query.board) if s.id == query.status), None)
    if status is None or not status.closed:
        return ""
    return (
        f"Closed tickets are hidden, and “{status.name}” is a closed status: "
        "tick Include closed to see its tickets."
    )


@dataclass(frozen=True)
class TicketQuery:
    search: str = ""
    board: int | None = None
    status: int | None = None
    priority: int | None = None
    company: int | None = None
    assigned: str = "all"
    closed: bool = False
    page: int = 1
    ticket: int | None = None
    company_label: str = ""
    search_problem: str = ""  # the search cannot run as typed: say this instead of searching
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Any) -> TicketQuery:
        form = TicketQueryForm(params)
        form.is_valid()
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
        parsed = parse_assigned(data.get("assigned") or "")
        assigned = "all" if parsed is None else str(parsed)
        search = data.get("search") or ""
        return cls(
            search=search,
            search_problem=search_problem(search),
            board=data.get("board"),
            status=data.get("status"),
            priority=data.get("priority"),
            company=data.get("company"),
            assigned=assigned,
            closed=bool(data.get("closed")),
            page=data.get("page") or 1,
            ticket=data.get("ticket"),
            company_label=data.get("company_q") or "",
        )

    def filters(self) -> TicketFilters:
        assigned: Any = parse_assigned(self.assigned)
        return TicketFilters(
            search=self.search,
            board_id=self.board,
            status_id=self.status,
            priority_id=self.priority,
            company_id=self.company,
            assigned=assigned,
            include_closed=self.closed,
        )

    def params(self, **overrides: Any) -> dict[str, str]:
        """The URL parameters for this view, leaving defaults out so URLs stay short."""
        values = {
            "search": self.search,
            "board": self.board,
            "status": self.status,
            "priority": self.priority,
            "company": self.company,
            "assigned": "" if self.assigned == "all" else self.assigned,
            "closed": "true" if self.closed else "",
            "page": "" if self.page == 1 else self.page,
            "ticket": self.ticket,
        }
        values.update(overrides)
        return {k: str(v) for k, v in values.items() if v not in (None, "", 0)}

    def url(self, **overrides: Any) -> str:
        query = urlencode(self.params(**overrides))
        return f"{reverse('tickets:list')}{'?' + query if query else ''}"

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.search
            or self.board
            or self.status
            or self.priority
            or self.company
            or self.assigned != "all"
            or self.closed
        )
