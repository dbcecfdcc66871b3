"""ConnectWiseProvider: the PSAProvider operations in terms of ConnectWise Manage REST API 3.0.

All HTTP goes through `ConnectWiseClient`; all JSON -> dataclass work lives in `mapping`; all
conditions are built with `conditions`. Independent calls run in parallel (`parallel`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import urlsplit

from psa.providers.base import (
    HealthStatus,
    NoteType,
    PaginatedTicketResult,
    PSABoard,
    PSAChangeNotApplied,
    PSACompany,
    PSAConfiguration,
    PSAContact,
    PSAError,
    PSAMember,
    PSANote,
    PSANotFound,
    PSAPermissionError,
    PSAPriority,
    PSAProvider,
    PSARelatedTicket,
    PSAResource,
    PSAResponseError,
    PSAScheduleType,
    PSAStatus,
    PSATicket,
    PSATicketContext,
    PSAValidationError,
    ReferenceData,
    TenantMatches,
    TicketCreatePayload,
    TicketFilters,
    TicketOrder,
)
from psa.providers.connectwise import mapping
from psa.providers.connectwise.client import (
    MAX_PAGE_SIZE,
    ConnectWiseClient,
    ConnectWiseConfig,
    Params,
)
from psa.providers.connectwise.conditions import (
    Condition,
    and_,
    contains,
    eq,
    ge,
    in_,
    is_null,
    list_member,
    or_,
)
from psa.providers.connectwise.paging import Listing, fetch_all, fetch_lists
from psa.providers.connectwise.parallel import run_parallel


def _nothing() -> None:
    return None


# Most urgent first (lower priority sort = more urgent), then newest.
TICKET_ORDER = "priority/sort asc, id desc"
# Most recently updated first; `id` breaks ties so paging is stable.
TICKET_ORDER_UPDATED = "_info/lastUpdated desc, id desc"
TICKET_ORDERS: dict[str, str] = {"urgency": TICKET_ORDER, "updated": TICKET_ORDER_UPDATED}
# A summary holds at most 100 characters, so longer search text can never match; the cap only
# keeps URLs short and does not change any result.
MAX_SEARCH_LENGTH = 200
RESOURCES_SEPARATOR = ", "  # how ConnectWise joins member identifiers in a ticket's `resources`
SCHEDULE_TYPE_SERVICE = "S"
# What Quick Create needs of a contact / configuration it found by name (fields= keeps rows small).
# communicationItems: Quick Create matches a pasted email's sender against the contacts' addresses.
CONTACT_SEARCH_FIELDS = (
    "id,firstName,lastName,company/id,company/name,title,inactiveFlag,communicationItems"
)
CONFIGURATION_SEARCH_FIELDS = "id,name,deviceIdentifier,type/name,company/id,activeFlag"
MAX_SEARCH_NAMES = 20  # names per lookup: a prompt naming more people than this is not a ticket
_TICKET_NUMBER = re.compile(r"#?\s*([0-9]{1,10})")
_MAX_CW_ID = 2**31 - 1
NOTE_TYPES: tuple[NoteType, ...] = ("discussion", "internal", "resolution")


def search_text(text: str) -> str:
    """The free-text search, trimmed and capped; the builders escape it (`conditions.escape`)."""
    return text.strip()[:MAX_SEARCH_LENGTH].strip()


def ticket_number(text: str) -> int | None:
    """`"1042"` or `"#1042"` -> 1042; anything else (or out of ConnectWise's id range) -> None."""
    match = _TICKET_NUMBER.fullmatch(text.strip())
    if not match:
        return None
    number = int(match.group(1))
    return number if 0 < number <= _MAX_CW_ID else None


def ticket_conditions(
    filters: TicketFilters, *, assigned_identifier: str | None = None
) -> Condition:
    """The `conditions` for a ticket search. Pure: the caller resolves member ids to identifiers.

    `assigned="me"` matches `filters.me_identifier`; `assigned=<member id>` matches
    `assigned_identifier`, the caller's lookup of that member's identifier.
    """
    parts: list[Condition | None] = []
    text = search_text(filters.search)
    if text:
        number = ticket_number(filters.search)
        parts.append(or_(contains("summary", text), eq("id", number) if number else None))
    if filters.board_id is not None:
        parts.append(eq("board/id", filters.board_id))
    if filters.board_ids:
        parts.append(in_("board/id", sorted(set(filters.board_ids))))
    if filters.status_id is not None:
        parts.append(eq("status/id", filters.status_id))
    if filters.priority_id is not None:
        parts.append(eq("priority/id", filters.priority_id))
    if filters.company_id is not None:
        parts.append(eq("company/id", filters.company_id))
    unassigned = or_(is_null("resources"), eq("resources", ""))
    if filters.assigned == "unassigned":
        parts.append(unassigned)
    elif filters.assigned != "all":
        if filters.assigned in ("me", "me_or_unassigned"):
            assigned_identifier = filters.me_identifier
        if not assigned_identifier:
            raise PSAValidationError(
                "Choose whose tickets to show: no ConnectWise member is mapped for 'me'.",
                fields={"assigned": ["No ConnectWise member identifier to filter by."]},
            )
        try:
            assigned = list_member("resources", assigned_identifier, separator=RESOURCES_SEPARATOR)
        except ValueError as exc:
            raise PSAValidationError(
                f"Cannot filter by member identifier {assigned_identifier!r}.",
                fields={"assigned": [str(exc)]},
            ) from exc
        parts.append(
            or_(assigned, unassigned) if filters.assigned == "me_or_unassigned" else assigned
        )
    if filters.updated_since is not None:
        if filters.updated_since.tzinfo is None:
            raise PSAValidationError(
                "A 'last updated since' moment needs a time zone.",
                fields={"updated_since": ["Give a timezone-aware moment."]},
            )
        parts.append(ge("_info/lastUpdated", filters.updated_since))
    if not filters.include_closed:
        parts.append(eq("closedFlag", False))
    return and_(*parts)


@contextmanager
def _not_found_as(message: str) -> Iterator[None]:
    """Re-word ConnectWise's 404 into what the caller was looking for."""
    try:
        yield
    except PSANotFound as exc:
        raise PSANotFound(message, detail=exc.detail or exc.message) from exc


class ConnectWiseProvider(PSAProvider):
    """One ConnectWise tenant. Build from a `ConnectWiseConfig`, or hand in an existing client."""

    def __init__(
        self,
        config: ConnectWiseConfig | None = None,
        *,
        client: ConnectWiseClient | None = None,
    ) -> None:
        if client is None:
            if config is None:
                raise TypeError("ConnectWiseProvider needs a config or a client")
            client = ConnectWiseClient(config)
        self.client = client
        self.config = client.config
        self._member_identifiers: dict[int, str] = {}
        self._lock = threading.Lock()
        self._schedule_type: PSAScheduleType | None = None
        # Some tenants' API roles may not read /allNotes; once refused, this connection reads
        # /notes (without time entries) instead of asking again on every ticket.
        self.all_notes_refused = False
        # The member our keys act as, learned from what ConnectWise stamps on records we write
        # (`_info.enteredBy` of a ticket, `createdBy` of a note posted without a member).
        self._api_member_identifier = ""

    # --- tickets --------------------------------------------------------------------------------

    def search_tickets(
        self,
        *,
        filters: TicketFilters,
        page: int = 1,
        page_size: int = 25,
        order: TicketOrder = "urgency",
    ) -> PaginatedTicketResult:
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise PSAValidationError(
                f"Page must be 1 or more and page size between 1 and {MAX_PAGE_SIZE}.",
                fields={
                    **({"page": ["Must be 1 or more."]} if page < 1 else {}),
                    **(
                        {"page_size": [f"Must be between 1 and {MAX_PAGE_SIZE}."]}
                        if not 1 <= page_size <= MAX_PAGE_SIZE
                        else {}
                    ),
                },
            )
        identifier: str | None = None
        if isinstance(filters.assigned, int) and not isinstance(filters.assigned, bool):
            identifier = self._member_identifier(filters.assigned)
        conditions = str(ticket_conditions(filters, assigned_identifier=identifier))
        params: Params = {
            "conditions": conditions or None,
            "orderBy": TICKET_ORDERS[order],
            "fields": mapping.TICKET_ROW_FIELDS,
            "page": page,
            "pageSize": page_size,
        }
        rows, total = run_parallel(
            lambda: self.client.get("/service/tickets", params),
            lambda: self.client.count("/service/tickets/count", conditions or None),
        )
        items = tuple(mapping.ticket_from_cw(row) for row in _list(rows, "tickets"))
        return PaginatedTicketResult(items=items, total=total, page=page, page_size=page_size)

    def get_ticket(self, *, ticket_id: int) -> PSATicket:
        return mapping.ticket_from_cw(self._ticket_raw(ticket_id))

    def get_ticket_context(
        self, *, ticket_id: int, known: PSATicket | None = None
    ) -> PSATicketContext:
        # With the ticket as it was just listed (`known`), the contact and parent requests go out
        # with the first wave; only what has changed since needs a second one.
        early_contact_id = known.contact_id if known else None
        early_parent_id = known.parent_ticket_id if known else None
        raw, raw_notes, raw_configs, raw_children, early_contact, early_parent = run_parallel(
            lambda: self._ticket_raw(ticket_id),
            lambda: self._ticket_notes(ticket_id),
            lambda: self.client.get_all(f"/service/tickets/{ticket_id}/configurations"),
            lambda: self.client.get_all(
                "/service/tickets",
                {
                    "conditions": str(eq("parentTicketId", ticket_id)),
                    "fields": mapping.RELATED_FIELDS,
                    "orderBy": "id asc",
                },
            ),
            (lambda: self._contact_or_none(early_contact_id)) if early_contact_id else _nothing,
            (lambda: self._related(early_parent_id, "parent")) if early_parent_id else _nothing,
        )
        ticket = mapping.ticket_from_cw(raw)
        merged = raw.get("mergedParentTicket")
        merged_id = merged.get("id") if isinstance(merged, dict) else None
        configs_need_detail = [
            c["id"] for c in raw_configs if isinstance(c.get("id"), int) and "type" not in c
        ]
        contact_id, parent_id = ticket.contact_id, ticket.parent_ticket_id

        contact, parent, merged_parent, detailed_configs = run_parallel(
            (lambda: early_contact)
            if contact_id == early_contact_id
            else (lambda: self._contact_or_none(contact_id)),
            (lambda: early_parent)
            if parent_id == early_parent_id
            else (lambda: self._related(parent_id, "parent")),
            (lambda: self._related(merged_id, "merged_parent"))
            if isinstance(merged_id, int)
            else _nothing,
            (lambda: self._configuration_details(configs_need_detail))
            if configs_need_detail
            else _nothing,
        )
        if contact is None and contact_id is not None:
            # The contact was deleted since; what the ticket itself remembers is still useful.
            contact = PSAContact(
                id=contact_id,
                name=ticket.contact_name,
                company_id=ticket.company_id,
                email=str(raw.get("contactEmailAddress") or ""),
                phone=str(raw.get("contactPhoneNumber") or ""),
            )

        configurations = [mapping.configuration_from_cw(c) for c in raw_configs]
        if detailed_configs:
            configurations = [detailed_configs.get(c.id, c) for c in configurations]
        notes = sorted(
            raw_notes,
            key=lambda n: (n.created_at or datetime.min.replace(tzinfo=UTC), n.kind, n.id),
        )
        related = [r for r in (parent, merged_parent) if r is not None]
        related += [mapping.related_from_cw(c, "child") for c in raw_children]
        company = (
            PSACompany(
                id=ticket.company_id,
                identifier=str((raw.get("company") or {}).get("identifier") or ""),
                name=ticket.company_name,
            )
            if ticket.company_id is not None
            else None
        )
        return PSATicketContext(
            ticket=ticket,
            company=company,
            contact=contact,
            configurations=tuple(configurations),
            notes=tuple(notes),
            related=tuple(related),
        )

    def create_ticket(self, *, payload: TicketCreatePayload) -> PSATicket:
        body: dict[str, Any] = {
            "summary": payload.summary,
            "company": {"id": payload.company_id},
            "board": {"id": payload.board_id},
        }
        if payload.status_id is not None:
            body["status"] = {"id": payload.status_id}
        if payload.priority_id is not None:
            body["priority"] = {"id": payload.priority_id}
        if payload.description:
            body["initialDescription"] = payload.description
        if payload.contact_id is not None:
            body["contact"] = {"id": payload.contact_id}
        configuration_ids = list(dict.fromkeys(payload.configuration_ids))
        # ConnectWise takes configurations only after the ticket exists; one it does not have
        # would leave a created ticket without them. Refuse before anything is created.
        self._require_configurations(configuration_ids)
        created = mapping.ticket_from_cw(self.client.post("/service/tickets", body))
        self._learn_identity(created.entered_by)
        if payload.assigned_member_id is None and not configuration_ids:
            return created
        # After the ticket exists: the assignee is a schedule entry and each configuration a
        # POST to the ticket's configurations; independent, so one parallel wave.
        calls: list[Callable[[], Any]] = [
            partial(self._attach_configuration, created.id, config_id)
            for config_id in configuration_ids
        ]
        if payload.assigned_member_id is not None:
            calls.append(partial(self._post_schedule_entry, created.id, payload.assigned_member_id))
        try:
            run_parallel(*calls)
        except PSAError as exc:
            raise PSAChangeNotApplied(
                f"Ticket #{created.id} was created, but ConnectWise did not take its assignee or "
                f"configurations: {exc.message} Finish them on the ticket instead of creating it "
                "again.",
                detail=exc.detail,
            ) from exc
        return self.get_ticket(ticket_id=created.id)

    def _attach_configuration(self, ticket_id: int, configuration_id: int) -> Any:
        return self.client.post(
            f"/service/tickets/{ticket_id}/configurations", {"id": configuration_id}
        )

    def update_status(self, *, ticket_id: int, status_id: int) -> PSATicket:
        operations = [{"op": "replace", "path": "status", "value": {"id": status_id}}]
        with _not_found_as(f"Ticket #{ticket_id} was not found in ConnectWise."):
            raw = self.client.patch(f"/service/tickets/{ticket_id}", operations)
        ticket = mapping.ticket_from_cw(raw)
        if ticket.status_id is not None and ticket.status_id != status_id:
            raise PSAChangeNotApplied(
                f"ConnectWise accepted the status change on ticket #{ticket_id}, but the ticket "
                f"is still in status {ticket.status_name!r} (a workflow rule may have reset it).",
            )
        return ticket

    def add_note(
        self, *, ticket_id: int, text: str, note_type: NoteType, member_id: int | None = None
    ) -> PSANote:
        if note_type not in NOTE_TYPES:
            raise PSAValidationError(
                f"Unknown note type {note_type!r}.",
                fields={"note_type": [f"Choose one of {', '.join(NOTE_TYPES)}."]},
            )
        if not text or not text.strip():
            raise PSAValidationError(
                "A note needs some text.", fields={"text": ["This field may not be blank."]}
            )
        body: dict[str, Any] = {"text": text, **mapping.note_flags(note_type)}
        if member_id is not None:
            body["member"] = {"id": member_id}
        with _not_found_as(f"Ticket #{ticket_id} was not found in ConnectWise."):
            raw = self.client.post(f"/service/tickets/{ticket_id}/notes", body)
        note = mapping.note_from_cw(raw, ticket_id=ticket_id)
        if member_id is None:
            self._learn_identity(note.author_identifier)
        return note

    def list_ticket_notes(self, *, ticket_id: int) -> list[PSANote]:
        """The newest 100 ticket notes (`/notes`: no time entries), oldest first."""
        with _not_found_as(f"Ticket #{ticket_id} was not found in ConnectWise."):
            rows = self.client.get(
                f"/service/tickets/{ticket_id}/notes",
                {"orderBy": "id desc", "page": 1, "pageSize": 100},
            )
        notes = [mapping.note_from_cw(n, ticket_id=ticket_id) for n in _list(rows, "notes")]
        return notes[::-1]

    @property
    def api_member_identifier(self) -> str:
        with self._lock:
            return self._api_member_identifier

    def _learn_identity(self, identifier: str) -> None:
        if identifier:
            with self._lock:
                self._api_member_identifier = identifier

    def find_open_tickets(self, *, company_id: int, limit: int = 200) -> list[PSATicket]:
        params: Params = {
            "conditions": str(and_(eq("company/id", company_id), eq("closedFlag", False))),
            "orderBy": TICKET_ORDER,
            "fields": mapping.TICKET_ROW_FIELDS,
            "page": 1,
            "pageSize": max(1, min(limit, MAX_PAGE_SIZE)),
        }
        rows = self.client.get("/service/tickets", params)
        return [mapping.ticket_from_cw(row) for row in _list(rows, "tickets")]

    def find_recent_tickets(
        self, *, company_id: int, board_id: int | None, since: datetime, limit: int = 200
    ) -> list[PSATicket]:
        """Newest first (`id desc`: ids grow with entry), stopping at the first older ticket.

        Open or closed and whatever the priority: a ticket made a minute ago is on the first
        page however busy the company is, which "open tickets by priority" could not promise.
        """
        conditions = and_(
            eq("company/id", company_id), eq("board/id", board_id) if board_id else None
        )
        page_size = max(1, min(limit, 50))
        found: list[PSATicket] = []
        for page in range(1, limit // page_size + 2):
            rows = _list(
                self.client.get(
                    "/service/tickets",
                    {
                        "conditions": str(conditions),
                        "orderBy": "id desc",
                        "fields": mapping.TICKET_ROW_FIELDS,
                        "page": page,
                        "pageSize": page_size,
                    },
                ),
                "tickets",
            )
            for row in rows:
                ticket = mapping.ticket_from_cw(row)
                if ticket.date_entered is not None and ticket.date_entered < since:
                    return found
                found.append(ticket)
                if len(found) >= limit:
                    return found
            if len(rows) < page_size:
                return found
        return found

    # --- resources (schedule entries of type S) -------------------------------------------------

    def list_resources(self, *, ticket_id: int) -> list[PSAResource]:
        _, entries = run_parallel(
            lambda: self._ticket_exists(ticket_id),
            lambda: self._open_entries(ticket_id),
        )
        resources: dict[int, PSAResource] = {}
        for entry in entries:
            resource = mapping.resource_from_entry(entry)
            resources.setdefault(resource.member_id, resource)
        return list(resources.values())

    def add_resource(self, *, ticket_id: int, member_id: int) -> PSAResource:
        _, existing = run_parallel(
            lambda: self._ticket_exists(ticket_id),
            lambda: self._open_entries(ticket_id, member_id=member_id),
        )
        if existing:
            return mapping.resource_from_entry(existing[0])
        return mapping.resource_from_entry(self._post_schedule_entry(ticket_id, member_id))

    def remove_resource(self, *, ticket_id: int, member_id: int) -> None:
        _, entries = run_parallel(
            lambda: self._ticket_exists(ticket_id),
            lambda: self._open_entries(ticket_id, member_id=member_id),
        )
        if not entries:
            raise PSANotFound(f"Member {member_id} is not assigned to ticket #{ticket_id}.")
        for entry in entries:
            try:
                self.client.delete(f"/schedule/entries/{entry['id']}")
            except PSANotFound:
                continue  # already gone (e.g. removed concurrently): the outcome we want

    # --- reference data -------------------------------------------------------------------------

    # Each reference kind as a `Listing`, so it can be read alone or with the others in one go.
    BOARDS = Listing(
        "/service/boards",
        {
            "conditions": str(eq("inactiveFlag", False)),
            "fields": "id,name,inactiveFlag",
            "orderBy": "name asc, id asc",
        },
    )
    PRIORITIES = Listing("/service/priorities", {"orderBy": "sortOrder asc, id asc"})
    MEMBERS = Listing(
        "/system/members",
        {
            "fields": mapping.MEMBER_FIELDS,
            "orderBy": "identifier asc",  # identifiers are unique: a total order
        },
    )
    COMPANIES = Listing(
        "/company/companies",
        {
            "conditions": str(eq("deletedFlag", False)),
            "fields": "id,identifier,name,website",
            "orderBy": "name asc, id asc",
        },
    )

    def list_boards(self) -> list[PSABoard]:
        return [mapping.board_from_cw(row) for row in fetch_all(self.client, self.BOARDS)]

    def list_statuses(self, *, board_id: int) -> list[PSAStatus]:
        with _not_found_as(f"Board {board_id} was not found in ConnectWise."):
            rows = self.client.get_all(
                f"/service/boards/{board_id}/statuses", {"orderBy": "sortOrder asc, id asc"}
            )
        statuses = [mapping.status_from_cw(row, board_id=board_id) for row in rows]
        return sorted(statuses, key=lambda s: (s.sort_order, s.id))

    def list_all_statuses(self) -> list[PSAStatus]:
        return self._statuses_for(self.list_boards())

    def list_priorities(self) -> list[PSAPriority]:
        return self._priorities(fetch_all(self.client, self.PRIORITIES))

    def list_members(self) -> list[PSAMember]:
        return self._members(fetch_all(self.client, self.MEMBERS))

    def list_companies(self) -> list[PSACompany]:
        return [mapping.company_from_cw(row) for row in fetch_all(self.client, self.COMPANIES)]

    def _priorities(self, rows: list[dict[str, Any]]) -> list[PSAPriority]:
        return sorted((mapping.priority_from_cw(r) for r in rows), key=lambda p: (p.sort, p.id))

    def _members(self, rows: list[dict[str, Any]]) -> list[PSAMember]:
        members = [mapping.member_from_cw(row) for row in rows]
        with self._lock:
            self._member_identifiers.update({m.id: m.identifier for m in members})
        return members

    def search_companies(self, *, query: str, limit: int = 25) -> list[PSACompany]:
        text = search_text(query)
        conditions = and_(
            eq("deletedFlag", False),
            or_(contains("name", text), contains("identifier", text)) if text else None,
        )
        rows = self.client.get(
            "/company/companies",
            {
                "conditions": str(conditions),
                "fields": "id,identifier,name",
                "orderBy": "name asc",
                "page": 1,
                "pageSize": max(1, min(limit, MAX_PAGE_SIZE)),
            },
        )
        return [mapping.company_from_cw(row) for row in _list(rows, "companies")]

    def list_contacts(self, *, company_id: int) -> list[PSAContact]:
        rows = self.client.get_all(
            "/company/contacts",
            {
                "conditions": str(and_(eq("company/id", company_id), eq("inactiveFlag", False))),
                "orderBy": "lastName asc, firstName asc, id asc",
            },
        )
        return [mapping.contact_from_cw(row) for row in rows]

    def contacts_search(self, *, names: Sequence[str], limit: int = 50) -> list[PSAContact]:
        wanted: list[Condition | None] = []
        for name in _search_names(names):
            first, _, last = name.partition(" ")
            wanted.append(
                and_(eq("firstName", first), eq("lastName", last))
                if last
                else eq("firstName", first)
            )
        if not wanted:
            return []
        rows = self.client.get(
            "/company/contacts",
            {
                "conditions": str(and_(eq("inactiveFlag", False), or_(*wanted))),
                "fields": CONTACT_SEARCH_FIELDS,
                "orderBy": "lastName asc, firstName asc, id asc",
                "page": 1,
                "pageSize": max(1, min(limit, MAX_PAGE_SIZE)),
            },
        )
        return [mapping.contact_from_cw(row) for row in _list(rows, "contacts")]

    def configurations_search(
        self, *, names: Sequence[str], limit: int = 50
    ) -> list[PSAConfiguration]:
        wanted = _search_names(names)
        if not wanted:
            return []
        rows = self.client.get(
            "/company/configurations",
            {
                "conditions": str(
                    and_(
                        eq("activeFlag", True),
                        or_(in_("name", wanted), in_("deviceIdentifier", wanted)),
                    )
                ),
                "fields": CONFIGURATION_SEARCH_FIELDS,
                "orderBy": "name asc, id asc",
                "page": 1,
                "pageSize": max(1, min(limit, MAX_PAGE_SIZE)),
            },
        )
        return [mapping.configuration_from_cw(row) for row in _list(rows, "configurations")]

    def tenant_search(
        self, *, contact_names: Sequence[str], configuration_names: Sequence[str]
    ) -> TenantMatches:
        contacts, configurations = run_parallel(
            (lambda: self.contacts_search(names=contact_names)) if contact_names else list,
            (lambda: self.configurations_search(names=configuration_names))
            if configuration_names
            else list,
        )
        return TenantMatches(contacts=tuple(contacts), configurations=tuple(configurations))

    def reference_data(self) -> ReferenceData:
        """Every kind in two waves, whatever the tenant's size (see `paging.fetch_lists`).

        Wave 1: the first page and the count of boards, priorities, members and companies.
        Wave 2: their remaining pages, the statuses of every board of the first page, and the
        "S" schedule type (assignments need its id).
        """
        rows, extras = fetch_lists(
            self.client,
            {
                "boards": self.BOARDS,
                "priorities": self.PRIORITIES,
                "members": self.MEMBERS,
                "companies": self.COMPANIES,
            },
            also={
                "statuses": self._statuses_calls,
                "schedule_type": lambda _firsts: [self._schedule_type_or_none],
            },
        )
        boards = [mapping.board_from_cw(row) for row in rows["boards"]]
        first_board_ids = {mapping.board_from_cw(row).id for row in rows["boards"][:MAX_PAGE_SIZE]}
        statuses = [status for batch in extras["statuses"] for status in batch]
        # Only a tenant with more than a page of active boards needs a third wave.
        statuses += self._statuses_for([b for b in boards if b.id not in first_board_ids])
        return ReferenceData(
            boards=tuple(boards),
            statuses=tuple(statuses),
            priorities=tuple(self._priorities(rows["priorities"])),
            members=tuple(self._members(rows["members"])),
            companies=tuple(mapping.company_from_cw(row) for row in rows["companies"]),
            schedule_type=extras["schedule_type"][0],
        )

    def _statuses_calls(
        self, firsts: dict[str, list[dict[str, Any]]]
    ) -> list[Callable[[], list[PSAStatus]]]:
        boards = [mapping.board_from_cw(row) for row in firsts["boards"]]
        return [partial(self.list_statuses, board_id=board.id) for board in boards]

    def remember_reference(self, data: ReferenceData) -> None:
        if data.schedule_type is not None:
            with self._lock:
                self._schedule_type = data.schedule_type

    def service_schedule_type(self) -> PSAScheduleType:
        """The "S" (Service) schedule type, looked up once per connection.

        Sending its id with the identifier is what long-lived integrations (django-connectwise)
        do; a tenant that renamed or re-created the type still gets the right one.
        """
        with self._lock:
            known = self._schedule_type
        if known is not None:
            return known
        rows = self.client.get(
            "/schedule/types",
            {
                "conditions": str(eq("identifier", SCHEDULE_TYPE_SERVICE)),
                "fields": "id,identifier,name",
                "page": 1,
                "pageSize": 5,
            },
        )
        found = next(
            (mapping.schedule_type_from_cw(r) for r in _list(rows, "schedule types")), None
        )
        if found is None or found.identifier.upper() != SCHEDULE_TYPE_SERVICE:
            raise PSAResponseError(
                'ConnectWise has no schedule type with identifier "S" (Service), which '
                "assignments need. Check System > Setup Tables > Schedule Type."
            )
        with self._lock:
            self._schedule_type = found
        return found

    def _schedule_type_or_none(self) -> PSAScheduleType | None:
        # Reference data must not fail as a whole because this one list is not readable.
        try:
            return self.service_schedule_type()
        except PSAError:
            return None

    # --- health, links, lifecycle ---------------------------------------------------------------

    def health_check(self) -> HealthStatus:
        """A cheap authenticated call; never raises. `/system/info` adds the version if allowed."""

        def version() -> str:
            try:
                info = self.client.get("/system/info")
            except PSAError:
                return ""
            return str(info.get("version") or "") if isinstance(info, dict) else ""

        def probe() -> PSAError | None:
            try:
                self.client.get("/service/boards", {"fields": "id", "page": 1, "pageSize": 1})
            except PSAError as exc:
                return exc
            return None

        try:
            error, server_version = run_parallel(probe, version)
        except PSAError as exc:  # pragma: no cover - both callables catch PSAError
            error, server_version = exc, ""
        if error is not None:
            return HealthStatus(
                ok=False,
                message=error.message,
                details={"code": error.code, "detail": error.detail},
            )
        return HealthStatus(
            ok=True,
            message=f"Connected to ConnectWise as company {self.config.company_id!r}.",
            server_version=server_version,
            details={"site": self.config.site_root},
        )

    def web_url(self, *, ticket_id: int) -> str:
        """The ticket in ConnectWise's own UI. Cloud API hosts (`api-na.…`) map to `na.…`."""
        parts = urlsplit(self.config.site_root)
        host = parts.netloc.removeprefix("api-")
        return (
            f"{parts.scheme}://{host}/{self.config.codebase_path}services/system_io/Service/"
            f"fv_sr100_request.rails?service_recid={int(ticket_id)}"
            f"&companyName={urlquote(self.config.company_id, safe='')}"
        )

    def close(self) -> None:
        self.client.close()

    # --- helpers --------------------------------------------------------------------------------

    def _ticket_raw(self, ticket_id: int) -> dict[str, Any]:
        with _not_found_as(f"Ticket #{ticket_id} was not found in ConnectWise."):
            raw = self.client.get(f"/service/tickets/{ticket_id}")
        if not isinstance(raw, dict):
            raise PSAResponseError(
                f"ConnectWise sent ticket #{ticket_id} in a shape we could not read.",
                detail=repr(raw)[:300],
            )
        return raw

    def _ticket_exists(self, ticket_id: int) -> None:
        with _not_found_as(f"Ticket #{ticket_id} was not found in ConnectWise."):
            self.client.get(f"/service/tickets/{ticket_id}", {"fields": "id"})

    def _open_entries(self, ticket_id: int, *, member_id: int | None = None) -> list[dict]:
        conditions = and_(
            eq("type/identifier", SCHEDULE_TYPE_SERVICE),
            eq("objectId", ticket_id),
            eq("doneFlag", False),
            eq("member/id", member_id) if member_id is not None else None,
        )
        return self.client.get_all(
            "/schedule/entries", {"conditions": str(conditions), "orderBy": "id asc"}
        )

    def _post_schedule_entry(self, ticket_id: int, member_id: int) -> Any:
        schedule_type = self.service_schedule_type()
        return self.client.post(
            "/schedule/entries",
            {
                "objectId": ticket_id,
                "type": {"id": schedule_type.id, "identifier": schedule_type.identifier},
                "member": {"id": member_id},
            },
        )

    def _ticket_notes(self, ticket_id: int) -> list[PSANote]:
        """`allNotes` (notes and time entries, as ConnectWise's ticket view shows them).

        Falls back to `/notes` when the tenant refuses `allNotes` (403, or 404 where the route
        is not offered), and remembers that for this connection.
        """
        refused_with_404 = False
        if not self.all_notes_refused:
            try:
                rows = self.client.get_all(
                    f"/service/tickets/{ticket_id}/allNotes", {"orderBy": "id asc"}
                )
            except PSAPermissionError:
                self.all_notes_refused = True
            except PSANotFound:
                refused_with_404 = True  # or the ticket is gone: /notes tells which
            else:
                return [mapping.all_note_from_cw(n, ticket_id=ticket_id) for n in rows]
        rows = self.client.get_all(f"/service/tickets/{ticket_id}/notes", {"orderBy": "id asc"})
        if refused_with_404:
            self.all_notes_refused = True
        return [mapping.note_from_cw(n, ticket_id=ticket_id) for n in rows]

    def _member_identifier(self, member_id: int) -> str:
        with self._lock:
            known = self._member_identifiers.get(member_id)
        if known:
            return known
        try:
            raw = self.client.get(f"/system/members/{member_id}", {"fields": "id,identifier"})
        except PSANotFound as exc:
            raise PSAValidationError(
                f"No ConnectWise member has id {member_id}.",
                fields={"assigned": [f"Unknown member {member_id}."]},
                detail=exc.detail,
            ) from exc
        member = mapping.member_from_cw(raw)
        with self._lock:
            self._member_identifiers[member_id] = member.identifier
        return member.identifier

    def _contact_or_none(self, contact_id: int | None) -> PSAContact | None:
        if contact_id is None:
            return None
        try:
            return mapping.contact_from_cw(self.client.get(f"/company/contacts/{contact_id}"))
        except PSANotFound:
            return None

    def _related(self, ticket_id: int | None, relation: Any) -> PSARelatedTicket | None:
        if ticket_id is None:
            return None
        try:
            raw = self.client.get(
                f"/service/tickets/{ticket_id}", {"fields": mapping.RELATED_FIELDS}
            )
        except PSANotFound:
            return None  # the related ticket was deleted: nothing to link to
        return mapping.related_from_cw(raw, relation)

    def _require_configurations(self, ids: list[int]) -> None:
        if not ids:
            return
        rows = self.client.get_all(
            "/company/configurations", {"conditions": str(in_("id", ids)), "fields": "id"}
        )
        missing = sorted(set(ids) - {row.get("id") for row in rows})
        if missing:
            listed = ", ".join(f"#{config_id}" for config_id in missing)
            raise PSAValidationError(
                f"ConnectWise has no configuration {listed}; nothing was created.",
                fields={"configuration_ids": [f"Unknown configuration {listed}."]},
            )

    def _configuration_details(self, ids: list[int]) -> dict[int, PSAConfiguration]:
        rows = self.client.get_all("/company/configurations", {"conditions": str(in_("id", ids))})
        configs = (mapping.configuration_from_cw(row) for row in rows)
        return {c.id: c for c in configs}

    def _statuses_for(self, boards: list[PSABoard]) -> list[PSAStatus]:
        calls: list[Callable[[], list[PSAStatus]]] = [
            partial(self.list_statuses, board_id=board.id) for board in boards
        ]
        return [status for batch in run_parallel(*calls) for status in batch]


def _search_names(names: Sequence[str]) -> list[str]:
    """Distinct, whitespace-normalized names (capped); `conditions` escapes each one."""
    cleaned = (" ".join(str(n).split())[:MAX_SEARCH_LENGTH] for n in names)
    return list(dict.fromkeys(n for n in cleaned if n))[:MAX_SEARCH_NAMES]


def _list(data: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise PSAResponseError(
            f"ConnectWise sent {what} in a shape we could not read.", detail=repr(data)[:300]
        )
    return data
