"""The Tickets page's query: the URL's filters parsed once into one `TicketQuery`.

`TicketQuery.parse` is the only reader of the list's URL. Given the account's reference data it
also settles what depends on the PSA's data, once, on the server: a status that is not the
chosen board's is dropped where statuses belong to a board (the PSA's `status_scope`; where
there is one global list any of its statuses stands, board or not; the status select and the
pushed URL follow), and the company is an id whose name comes from the reference data (a name typed
without picking resolves to its id only when exactly one company matches). What each control
looks like is `tickets.filter_bar`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlencode

from django import forms
from django.urls import reverse

from psa.providers.base import PSACompany, PSAStatus, ReferenceData, StatusScope

from .limits import MAX_ID, SEARCH_MAX

PAGE_SIZE = 25
ASSIGNED_WORDS: dict[str, Literal["me", "unassigned", "all"]] = {
    "me": "me",
    "unassigned": "unassigned",
    "all": "all",
}
Assigned = Literal["me", "unassigned", "all"] | int


def statuses_in_scope(
    reference: ReferenceData, *, board: int | None, status_scope: StatusScope
) -> tuple[PSAStatus, ...]:
    """The statuses a list filtered by `board` can ask for, in the PSA's order: the board's own
    where statuses belong to a board (none without a board); the one global list otherwise
    (repeated per board in the reference data, so counted once)."""
    if status_scope == "board":
        found = reference.statuses_for(board) if board is not None else ()
    else:
        seen: dict[int, PSAStatus] = {}
        for status in reference.statuses:
            seen.setdefault(status.id, status)
        found = tuple(seen.values())
    return tuple(sorted(found, key=lambda s: s.sort_order))


def parse_assigned(value: str) -> Assigned | None:
    """`me` / `unassigned` / `all` (blank means all) or a member id; None when it is neither.

    Plain ASCII digits in the PSA's 32-bit id range only: str.isdigit() also accepts "²",
    which int() refuses, and int() refuses more than 4,300 digits.
    """
    value = value.strip().lower() or "all"
    if value in ASSIGNED_WORDS:
        return ASSIGNED_WORDS[value]
    if re.fullmatch(r"[0-9]{1,10}", value) and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None


class TicketQueryForm(forms.Form):
    """Parses the URL. Anything malformed falls back to its default instead of failing the page."""

    search = forms.CharField(required=False, strip=True)  # its limits: `search_problem`
    board = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    priority = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    company = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    # The company box's text: only read to resolve a name typed without picking; never kept.
    company_q = forms.CharField(required=False, max_length=200, strip=True)
    assigned = forms.CharField(required=False, max_length=20)
    closed = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1)
    ticket = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


# Characters a PSA's search condition may not hold as themselves (a quote ends the literal and has
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
            "Quotes and backslashes alone cannot be searched. "
            "Add a word from the summary or a ticket number."
        )
    return ""


def companies_matching(
    companies: tuple[PSACompany, ...] | list[PSACompany], text: str, *, limit: int
) -> list[PSACompany]:
    """Companies whose name or identifier contains `text` (all of them for empty text), by name."""
    needle = text.strip().casefold()
    found = [
        c
        for c in companies
        if not needle or needle in c.name.casefold() or needle in c.identifier.casefold()
    ]
    return sorted(found, key=lambda c: c.name.casefold())[:limit]


@dataclass(frozen=True)
class TicketQuery:
    """What the list shows. `company` is the company filter's one state (its id);
    `company_name` is only its display name, looked up from the reference data."""

    search: str = ""
    board: int | None = None
    status: int | None = None
    priority: int | None = None
    company: int | None = None
    assigned: Assigned = "all"  # me, unassigned, all, or a member id
    closed: bool = False
    page: int = 1
    ticket: int | None = None
    company_name: str = ""
    search_problem: str = ""  # the search cannot run as typed: say this instead of searching

    @classmethod
    def parse(
        cls,
        params: Mapping[str, Any],
        *,
        reference: ReferenceData | None = None,
        status_scope: StatusScope = "board",
    ) -> TicketQuery:
        """The query a URL asks for. With `reference`, what the PSA's data decides is decided
        here (see the module docstring; `status_scope` is the PSA's); without it (the reference
        data could not be read, or only the URL's filters are wanted) the ids stay as given."""
        form = TicketQueryForm(params)
        form.is_valid()
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
        parsed = parse_assigned(data.get("assigned") or "")
        search = data.get("search") or ""
        query = cls(
            search=search,
            search_problem=search_problem(search),
            board=data.get("board"),
            status=data.get("status"),
            priority=data.get("priority"),
            company=data.get("company"),
            assigned="all" if parsed is None else parsed,
            closed=bool(data.get("closed")),
            page=data.get("page") or 1,
            ticket=data.get("ticket"),
        )
        if reference is None:
            return query
        return query._checked(
            reference, typed_company=data.get("company_q") or "", status_scope=status_scope
        )

    def _checked(
        self, reference: ReferenceData, *, typed_company: str, status_scope: StatusScope
    ) -> TicketQuery:
        status = self.status
        allowed = statuses_in_scope(reference, board=self.board, status_scope=status_scope)
        if status is not None and all(s.id != status for s in allowed):
            status = None  # per-board statuses: another board's (or none's) is dropped
        company: PSACompany | None = None
        if self.company:
            company = next((c for c in reference.companies if c.id == self.company), None)
        elif typed_company:
            found = companies_matching(reference.companies, typed_company, limit=2)
            company = found[0] if len(found) == 1 else None
        return replace(
            self,
            status=status,
            company=company.id if company else None,
            company_name=company.name if company else "",
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
        """The canonical address of this view: only the filters that are set (the one the list
        response tells htmx to push)."""
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
