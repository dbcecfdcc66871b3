"""The PSA boundary: one abstract provider, normalized dataclasses and one error family.

Everything above this module (services, views, the API, the assistant) speaks only these types;
vendor JSON never leaves a provider package.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

NoteType = Literal["discussion", "internal", "resolution"]
# A note written as a note, or the notes of a time entry (ConnectWise's ticket view shows both).
NoteKind = Literal["note", "time_entry"]
# "me_or_unassigned": the engineer's tickets and nobody's, in one query (the dashboard learns the
# engineer's boards and the unassigned tickets on them from one answer).
AssignedFilter = Literal["me", "unassigned", "me_or_unassigned", "all"] | int
# How a search is ordered: most urgent first (then newest), or most recently updated first.
TicketOrder = Literal["urgency", "updated"]
# Whether each board has its own statuses, or the PSA has one list for every board.
StatusScope = Literal["board", "global"]


# --- errors ---------------------------------------------------------------------------------------


class PSAError(Exception):
    """Base of every error raised by a provider. `message` is written for an engineer to act on."""

    code = "psa_error"

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # the vendor's own wording, when there is one


class PSANotConfigured(PSAError):
    code = "psa_not_configured"


class PSAAuthError(PSAError):
    code = "psa_auth_failed"


class PSAPermissionError(PSAError):
    code = "psa_forbidden"


class PSANotFound(PSAError, LookupError):
    code = "psa_not_found"


class PSAValidationError(PSAError, ValueError):
    code = "psa_validation"

    def __init__(
        self, message: str, *, fields: Mapping[str, Sequence[str]] | None = None, detail: str = ""
    ) -> None:
        super().__init__(message, detail=detail)
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (fields or {}).items()}


class PSARateLimited(PSAError):
    code = "psa_rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.retry_after = retry_after


class PSAUnavailable(PSAError, ConnectionError):
    """The PSA could not be reached, did not answer in time, or failed on its side: worth
    asking again later. The subclasses say which; they share the code (the API's contract)."""

    code = "psa_unavailable"


class PSATimeout(PSAUnavailable):
    """The PSA was reached but did not answer within the time allowed."""


class PSAServerError(PSAUnavailable):
    """The PSA answered, with an error of its own (HTTP 5xx): it is up, this request failed."""


class PSAResponseError(PSAError):
    """The PSA answered, but not with anything we can read (malformed JSON, wrong shape)."""

    code = "psa_bad_response"


class PSAChangeNotApplied(PSAError):
    """The PSA accepted a write but reading the record back shows the change did not take."""

    code = "psa_change_not_applied"


# --- reference data ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PSABoard:
    id: int
    name: str
    inactive: bool = False


@dataclass(frozen=True, slots=True)
class PSAStatus:
    id: int
    name: str
    board_id: int
    closed: bool = False
    default: bool = False
    sort_order: int = 0
    inactive: bool = False


@dataclass(frozen=True, slots=True)
class PSAPriority:
    id: int
    name: str
    sort: int
    color: str = ""
    default: bool = False


@dataclass(frozen=True, slots=True)
class PSAMember:
    id: int
    identifier: str
    name: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    inactive: bool = False


@dataclass(frozen=True, slots=True)
class PSACompany:
    id: int
    identifier: str
    name: str
    website: str = ""  # "www.cypresscpa.example": Quick Create reads an email sender's domain


@dataclass(frozen=True, slots=True)
class PSAContact:
    id: int
    name: str
    company_id: int | None = None
    email: str = ""
    phone: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""


@dataclass(frozen=True, slots=True)
class PSAScheduleType:
    """The schedule type assignments are made with (ConnectWise's "S", Service)."""

    id: int
    identifier: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """Everything needed to render filters and resolve names to ids, fetched together and cached."""

    boards: tuple[PSABoard, ...]
    statuses: tuple[PSAStatus, ...]
    priorities: tuple[PSAPriority, ...]
    members: tuple[PSAMember, ...]
    companies: tuple[PSACompany, ...]
    # None for providers without schedule types, or when the tenant would not list them.
    schedule_type: PSAScheduleType | None = None

    def statuses_for(self, board_id: int) -> tuple[PSAStatus, ...]:
        return tuple(s for s in self.statuses if s.board_id == board_id)


# --- tickets ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PSAAssignee:
    identifier: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class PSATicket:
    id: int
    summary: str
    company_id: int | None
    company_name: str
    board_id: int | None
    board_name: str
    status_id: int | None
    status_name: str
    priority_id: int | None
    priority_name: str
    priority_sort: int | None
    assignees: tuple[PSAAssignee, ...] = ()
    date_entered: datetime | None = None
    last_updated: datetime | None = None
    sla_status: str = ""
    closed: bool = False
    contact_id: int | None = None
    contact_name: str = ""
    owner_identifier: str = ""
    parent_ticket_id: int | None = None
    has_child_ticket: bool = False
    type_name: str = ""
    severity: str = ""
    impact: str = ""
    # Who entered the ticket (ConnectWise's `_info.enteredBy`: a member identifier).
    entered_by: str = ""


@dataclass(frozen=True, slots=True)
class PaginatedTicketResult:
    """One page of a search. `ordered`: how many of the `total` matches the order covers, where a
    PSA that cannot sort had to bound what it sorted (the newest `ordered` matches); None when
    every match is in order. Pages past `ordered` are empty."""

    items: tuple[PSATicket, ...]
    total: int
    page: int
    page_size: int
    ordered: int | None = None

    @property
    def reachable(self) -> int:
        """How many matches the pages can show."""
        return self.total if self.ordered is None else min(self.ordered, self.total)


@dataclass(frozen=True, slots=True)
class TicketFilters:
    """Typed search filters. `assigned="me"` (and `"me_or_unassigned"`) needs `me_identifier`
    (the engineer's mapped member). `board_ids`: any of these boards (with `board_id`, both
    apply). `updated_since`: last updated at or after this moment (timezone-aware)."""

    search: str = ""
    board_id: int | None = None
    board_ids: tuple[int, ...] = ()
    status_id: int | None = None
    priority_id: int | None = None
    company_id: int | None = None
    assigned: AssignedFilter = "all"
    me_identifier: str | None = None
    include_closed: bool = False
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class PSANote:
    id: int
    ticket_id: int
    text: str
    type: NoteType
    author_name: str
    author_identifier: str = ""
    created_at: datetime | None = None
    kind: NoteKind = "note"
    # The time worked, for kind "time_entry" (either may be missing).
    time_start: datetime | None = None
    time_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class PSAConfiguration:
    id: int
    name: str
    type_name: str = ""
    serial_number: str = ""
    model: str = ""
    ip_address: str = ""
    os: str = ""
    company_id: int | None = None
    device_identifier: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class TenantMatches:
    """Contacts and configurations found for names a prompt mentions (Quick Create's one wave)."""

    contacts: tuple[PSAContact, ...] = ()
    configurations: tuple[PSAConfiguration, ...] = ()


@dataclass(frozen=True, slots=True)
class PSARelatedTicket:
    """A ticket linked to another (parent, child, merged into), or its neighbour where the PSA has
    few links: another open ticket of the same company, or one on the same configuration item."""

    id: int
    summary: str
    status_name: str
    relation: Literal["parent", "child", "merged_parent", "same_company", "same_configuration"]
    closed: bool = False

    @property
    def relation_label(self) -> str:
        return RELATION_LABELS[self.relation]


RELATION_LABELS = {
    "parent": "Parent",
    "child": "Child",
    "merged_parent": "Merged into",
    "same_company": "Same company",
    "same_configuration": "Same device",
}


@dataclass(frozen=True, slots=True)
class PSATicketContext:
    ticket: PSATicket
    company: PSACompany | None
    contact: PSAContact | None
    configurations: tuple[PSAConfiguration, ...]
    notes: tuple[PSANote, ...]
    related: tuple[PSARelatedTicket, ...]


@dataclass(frozen=True, slots=True)
class PSAResource:
    """A member assigned to a ticket. `is_rf_user` is filled in by the service from member mappings.
    `primary` and `role` where the PSA has them (an Autotask ticket has one primary resource, and
    every assignment carries a role); False and "" elsewhere."""

    member_id: int
    member_name: str
    member_identifier: str
    is_rf_user: bool = False
    primary: bool = False
    role: str = ""


@dataclass(frozen=True, slots=True)
class PSARole:
    """A role a member may be assigned to a ticket in (see `PSACapabilities.assignee_needs_role`)."""

    id: int
    name: str
    default: bool = False


@dataclass(frozen=True, slots=True)
class TicketCreatePayload:
    summary: str
    company_id: int
    board_id: int
    status_id: int | None = None
    priority_id: int | None = None
    description: str | None = None
    assigned_member_id: int | None = None
    contact_id: int | None = None
    # Attached after the ticket exists (ConnectWise has no field for them on the ticket itself).
    configuration_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class HealthStatus:
    ok: bool
    message: str
    server_version: str = ""
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallBudget:
    """A PSA's shared request budget for its current window (Autotask: requests per hour per
    database, every integration and node counted together).

    `synced` says `used` is the PSA's own count (read from it moments ago), not only ours: the
    PSA also counts other integrations' calls, and its window rolls.
    """

    used: int
    limit: int
    window_minutes: int
    synced: bool = False

    @property
    def fraction(self) -> float:
        return self.used / self.limit if self.limit > 0 else 0.0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


# --- what a PSA can do -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PSACapabilities:
    """Where PSAs differ, said as data: everything above `psa/providers/` reads this instead of
    asking which vendor it talks to. A class attribute of each provider: reading it costs no call.

    `paging` is how the PSA itself pages ("numbered": pages with a total; "cursor": a next-page
    link and no total). The product's list shows numbered pages with "Showing X–Y of Z" for both:
    a cursor PSA's provider builds them (bounded scan, then the page's tickets by id).
    """

    name: str  # how the product names the PSA in a sentence: "ConnectWise", "Autotask"
    product_name: str  # its full name, for headings and docs: "ConnectWise Manage"
    board_label: str  # what a board is called there: "Board", "Queue"
    # "board": each board has its own statuses (a status belongs to one board); "global": one
    # list for every board (PSAStatus.board_id then repeats the same statuses per board).
    status_scope: StatusScope
    paging: Literal["numbered", "cursor"]
    server_sort: bool  # whether the PSA orders a search itself (else the provider sorts)
    assignee_needs_role: bool  # whether adding an assignee also needs a role (the provider picks)
    note_kinds: tuple[NoteType, ...]  # the note types the PSA can store, in the order offered
    member_label: str = "member"  # what a person in the PSA is called: "member", "resource"
    summary_max: int = 100  # the most characters a ticket's summary (title) holds there

    @property
    def board_label_plural(self) -> str:
        return f"{self.board_label}s"

    @property
    def statuses_per_board(self) -> bool:
        return self.status_scope == "board"


# --- the provider -----------------------------------------------------------------------------------


class PSAProvider(abc.ABC):
    """One tenant's PSA. Every method raises only PSAError subclasses."""

    @property
    @abc.abstractmethod
    def capabilities(self) -> PSACapabilities:
        """What this PSA can do and how the product names its parts (no call)."""

    @abc.abstractmethod
    def search_tickets(
        self,
        *,
        filters: TicketFilters,
        page: int = 1,
        page_size: int = 25,
        order: TicketOrder = "urgency",
    ) -> PaginatedTicketResult: ...

    @abc.abstractmethod
    def get_ticket(self, *, ticket_id: int) -> PSATicket: ...

    @abc.abstractmethod
    def get_ticket_context(
        self, *, ticket_id: int, known: PSATicket | None = None
    ) -> PSATicketContext:
        """Ticket, company, contact, configurations, notes, related tickets.

        `known` is the ticket as last seen (a list row): a hint that lets a provider fetch
        dependent records in parallel instead of after the ticket; the result never trusts it.
        """

    @abc.abstractmethod
    def list_resources(self, *, ticket_id: int) -> list[PSAResource]: ...

    @abc.abstractmethod
    def add_resource(
        self, *, ticket_id: int, member_id: int, role_id: int | None = None
    ) -> PSAResource:
        """Assign the member. `role_id`: one of `assignee_roles(member_id=...)`, or None for the
        member's default role; a PSA without roles refuses one (`PSAValidationError`)."""

    def assignee_roles(self, *, member_id: int) -> list[PSARole]:
        """The roles the member can be assigned in, default first; empty where the PSA has none."""
        return []

    @abc.abstractmethod
    def remove_resource(self, *, ticket_id: int, member_id: int) -> None: ...

    @abc.abstractmethod
    def create_ticket(self, *, payload: TicketCreatePayload) -> PSATicket: ...

    @abc.abstractmethod
    def update_status(self, *, ticket_id: int, status_id: int) -> PSATicket: ...

    @abc.abstractmethod
    def add_note(
        self, *, ticket_id: int, text: str, note_type: NoteType, member_id: int | None = None
    ) -> PSANote: ...

    @abc.abstractmethod
    def list_boards(self) -> list[PSABoard]: ...

    @abc.abstractmethod
    def list_statuses(self, *, board_id: int) -> list[PSAStatus]: ...

    @abc.abstractmethod
    def list_all_statuses(self) -> list[PSAStatus]: ...

    @abc.abstractmethod
    def list_priorities(self) -> list[PSAPriority]: ...

    @abc.abstractmethod
    def list_members(self) -> list[PSAMember]: ...

    @abc.abstractmethod
    def list_companies(self) -> list[PSACompany]: ...

    @abc.abstractmethod
    def search_companies(self, *, query: str, limit: int = 25) -> list[PSACompany]: ...

    @abc.abstractmethod
    def list_contacts(self, *, company_id: int) -> list[PSAContact]: ...

    @abc.abstractmethod
    def find_open_tickets(self, *, company_id: int, limit: int = 200) -> list[PSATicket]: ...

    @abc.abstractmethod
    def contacts_search(self, *, names: Sequence[str], limit: int = 50) -> list[PSAContact]:
        """Active contacts whose full name ("Grace Wong") or, for a one-word name, first name
        ("Kevin") is one of `names`, compared ignoring case. One request, never a download."""

    @abc.abstractmethod
    def configurations_search(
        self, *, names: Sequence[str], limit: int = 50
    ) -> list[PSAConfiguration]:
        """Active configurations whose name or device identifier is one of `names` (ignoring case)."""

    def tenant_search(
        self, *, contact_names: Sequence[str], configuration_names: Sequence[str]
    ) -> TenantMatches:
        """Both searches as one wave (providers that can, run them in parallel)."""
        return TenantMatches(
            contacts=tuple(self.contacts_search(names=contact_names)) if contact_names else (),
            configurations=tuple(self.configurations_search(names=configuration_names))
            if configuration_names
            else (),
        )

    @abc.abstractmethod
    def find_recent_tickets(
        self, *, company_id: int, board_id: int | None, since: datetime, limit: int = 200
    ) -> list[PSATicket]:
        """Tickets of the company (and board) entered at or after `since`, newest first.

        Used to find a ticket the PSA made when the answer to our create was lost.
        """

    @abc.abstractmethod
    def health_check(self) -> HealthStatus: ...

    def reference_data(self) -> ReferenceData:
        """All reference lists; providers may override to fetch them in parallel."""
        return ReferenceData(
            boards=tuple(self.list_boards()),
            statuses=tuple(self.list_all_statuses()),
            priorities=tuple(self.list_priorities()),
            members=tuple(self.list_members()),
            companies=tuple(self.list_companies()),
        )

    def remember_reference(self, data: ReferenceData) -> None:  # noqa: B027 - optional hook
        """Reference data read from the shared cache, so the provider need not look it up again."""

    def list_ticket_notes(self, *, ticket_id: int) -> list[PSANote]:
        """The ticket's own notes (no time entries), oldest first: what a note post adds to."""
        context = self.get_ticket_context(ticket_id=ticket_id)
        return [n for n in context.notes if n.kind == "note"]

    @property
    def api_member_identifier(self) -> str:
        """The PSA member our API keys act as, once a write has shown it ("" until then)."""
        return ""

    def web_url(self, *, ticket_id: int) -> str:
        """A link that opens the ticket in the PSA's own UI ("" when the provider has none)."""
        return ""

    def call_budget(self, *, refresh: bool = False) -> CallBudget | None:
        """The PSA's shared request budget, or None when it has none worth counting.

        Without `refresh` it never calls the PSA (our shared count, cheap enough for every
        widget); with it the provider may ask the PSA for its own count (cached briefly).
        """
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release pooled connections."""
