"""The Tickets page's filter bar, described as data.

FILTER_CONFIG says which control each filter is, its label and where its options come from; it
drives the template. The values shown are the parsed `TicketQuery` (`tickets.filters`), so
adding or removing a filter is one entry here plus its field on the query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from psa.providers.base import PSACapabilities, ReferenceData, StatusScope

from .filters import TicketQuery, statuses_in_scope


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
    board_label: str = "Board"  # what the PSA calls a board ("Queue")
    status_scope: StatusScope = "board"


@dataclass(frozen=True)
class FilterSpec:
    key: str
    label: str
    type: Literal["text", "select", "toggle", "company"]
    options: Callable[[OptionContext], list[Option]] | None = None
    placeholder: str = ""
    empty_label: str = "Any"
    disabled_hint: Callable[[OptionContext], str] | None = None
    # The PSA's own word for it, from its capabilities ("Board" -> "Queue"), when it has one.
    label_for: Callable[[OptionContext], str] | None = None
    empty_label_for: Callable[[OptionContext], str] | None = None


def _boards(ctx: OptionContext) -> list[Option]:
    return [Option(str(b.id), b.name) for b in ctx.reference.boards if not b.inactive]


def _statuses(ctx: OptionContext) -> list[Option]:
    statuses = statuses_in_scope(
        ctx.reference, board=ctx.query.board, status_scope=ctx.status_scope
    )
    return [Option(str(s.id), s.name + (" (closed)" if s.closed else "")) for s in statuses]


def _status_hint(ctx: OptionContext) -> str:
    if ctx.status_scope == "board" and ctx.query.board is None:
        return f"Pick a {ctx.board_label.lower()}"
    return ""


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
    FilterSpec(
        "board",
        "Board",
        "select",
        options=_boards,
        empty_label="All boards",
        label_for=lambda ctx: ctx.board_label,
        empty_label_for=lambda ctx: f"All {ctx.board_label.lower()}s",
    ),
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


@dataclass(frozen=True)
class FilterItem:
    spec: FilterSpec
    value: Any
    options: list[Option]
    hint: str
    label: str = ""  # the spec's label in the PSA's words
    empty_label: str = ""


@dataclass(frozen=True)
class FilterBar:
    """The controls as drawn for one query, and what they say about an empty result."""

    items: tuple[FilterItem, ...] = ()
    active: tuple[str, ...] = ()  # the filters in words: "Nothing for board Onboarding, ..."
    closed_hint: str = ""  # shown with an empty result: see `closed_status_hint`

    @property
    def status(self) -> FilterItem | None:
        """The status control, re-rendered out of band with every list swap (it follows the board)."""
        return next((item for item in self.items if item.spec.key == "status"), None)


def filter_bar_build(
    *,
    reference: ReferenceData,
    query: TicketQuery,
    mapped_member_ids: frozenset[int],
    has_mapping: bool,
    capabilities: PSACapabilities,
) -> FilterBar:
    ctx = OptionContext(
        reference=reference,
        query=query,
        mapped_member_ids=mapped_member_ids,
        has_mapping=has_mapping,
        board_label=capabilities.board_label,
        status_scope=capabilities.status_scope,
    )
    items = tuple(
        FilterItem(
            spec=spec,
            value=getattr(query, spec.key),
            options=spec.options(ctx) if spec.options else [],
            hint=spec.disabled_hint(ctx) if spec.disabled_hint else "",
            label=spec.label_for(ctx) if spec.label_for else spec.label,
            empty_label=spec.empty_label_for(ctx) if spec.empty_label_for else spec.empty_label,
        )
        for spec in FILTER_CONFIG
    )
    return FilterBar(
        items=items,
        active=tuple(_active_filter_names(items, query)),
        closed_hint=closed_status_hint(
            reference=reference, query=query, status_scope=capabilities.status_scope
        ),
    )


def _active_filter_names(items: tuple[FilterItem, ...], query: TicketQuery) -> list[str]:
    names = []
    if query.search:
        names.append(f"search “{query.search}”")
    for item in items:
        spec, value = item.spec, item.value
        if spec.type == "select" and value not in (None, "", "all"):
            label = next((o.label for o in item.options if o.value == str(value)), str(value))
            names.append(f"{item.label.lower()} {label}")
    if query.company:
        names.append(f"company {query.company_name}")
    if query.closed:
        names.append("including closed")
    return names


def closed_status_hint(
    *, reference: ReferenceData, query: TicketQuery, status_scope: StatusScope = "board"
) -> str:
    """What to say when the status asked for is a closed one while closed tickets are hidden
    (the PSA then has nothing to list): "" otherwise."""
    if query.status is None or query.closed:
        return ""
    statuses = statuses_in_scope(reference, board=query.board, status_scope=status_scope)
    status = next((s for s in statuses if s.id == query.status), None)
    if status is None or not status.closed:
        return ""
    return (
        f"Closed tickets are hidden, and “{status.name}” is a closed status: "
        "tick Include closed to see its tickets."
    )
