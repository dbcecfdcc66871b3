"""Ticket reads: the list search, one ticket, the panel's whole context, and a company's
open or recent tickets. Independent calls go out in parallel waves (`parallel`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from psa.providers.base import (
    PaginatedTicketResult,
    PSACompany,
    PSAContact,
    PSANotFound,
    PSARelatedTicket,
    PSATicket,
    PSATicketContext,
    PSAValidationError,
    TicketFilters,
    TicketOrder,
)
from psa.providers.connectwise import mapping
from psa.providers.connectwise.client import MAX_PAGE_SIZE, Params
from psa.providers.connectwise.conditions import and_, eq
from psa.providers.connectwise.directory import TenantDirectory
from psa.providers.connectwise.notes import TicketNotes
from psa.providers.connectwise.paging import first_page
from psa.providers.connectwise.replies import nothing, rows_of
from psa.providers.connectwise.ticket_query import TICKET_ORDER, TICKET_ORDERS, ticket_conditions
from psa.providers.parallel import run_parallel


class TicketReads(TicketNotes, TenantDirectory):
    """Reading tickets (the context gathers notes and directory records with them)."""

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
        items = tuple(mapping.ticket_from_cw(row) for row in rows_of(rows, "tickets"))
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
            (lambda: self._contact_or_none(early_contact_id)) if early_contact_id else nothing,
            (lambda: self._related(early_parent_id, "parent")) if early_parent_id else nothing,
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
            else nothing,
            (lambda: self._configuration_details(configs_need_detail))
            if configs_need_detail
            else nothing,
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

    def find_open_tickets(self, *, company_id: int, limit: int = 200) -> list[PSATicket]:
        params: Params = {
            "conditions": str(and_(eq("company/id", company_id), eq("closedFlag", False))),
            "orderBy": TICKET_ORDER,
            "fields": mapping.TICKET_ROW_FIELDS,
        }
        rows = first_page(self.client, "/service/tickets", params, limit=limit, what="tickets")
        return [mapping.ticket_from_cw(row) for row in rows]

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
            rows = rows_of(
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
