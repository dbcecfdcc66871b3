"""Ticket reads: one ticket, its panel context, and the lookups ticket creation relies on.

`get_ticket_context` is two waves: (1) the ticket, its notes, its additional configuration items
and the incidents that name it as their problem, all keyed by the ticket id, in parallel; (2) what
the ticket names — company, contact, configuration items, its problem ticket — and its
neighbours (open tickets of the same company, tickets on the same primary configuration item),
in parallel. Autotask has no link between tickets but the problem ticket, so the neighbours are
what an engineer would otherwise look up: each is one query of at most 500 rows, the newest
`MAX_NEIGHBOURS` by entry date kept (Autotask cannot sort). At most 10 calls in the two waves
(`make bench` checks it); labels come from the picklists and resources read once per connection.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psa.providers.autotask import mapping, query
from psa.providers.autotask.paging import scan
from psa.providers.autotask.ticket_search import TicketSearch, entered
from psa.providers.base import (
    PSACompany,
    PSAContact,
    PSANote,
    PSANotFound,
    PSARelatedTicket,
    PSATicket,
    PSATicketContext,
)
from psa.providers.parallel import run_parallel

MAX_NOTE_PAGES = 4
RELATED_FIELDS = ("title", "status")
MAX_NEIGHBOURS = 5


def _none() -> None:
    return None


class TicketReads(TicketSearch):
    def get_ticket(self, *, ticket_id: int) -> PSATicket:
        return self._ticket_from_raw(self.ticket_raw(ticket_id))

    def _ticket_from_raw(self, raw: dict[str, Any]) -> PSATicket:
        ticket_id = int(raw["id"])
        companies, contacts, secondaries, resources = run_parallel(
            lambda: self.company_names([raw.get("companyID")]),
            lambda: self.contact_names([raw.get("contactID")]),
            lambda: self.secondaries_of([ticket_id]),
            self.resources,
        )
        labels = mapping.Labels(
            picklists=self.picklists(),
            resources=resources,
            companies=companies,
            contacts=contacts,
            secondaries=secondaries,
        )
        return mapping.ticket_from(raw, labels=labels)

    def get_ticket_context(
        self, *, ticket_id: int, known: PSATicket | None = None
    ) -> PSATicketContext:
        # `known` is not needed: everything in wave 1 is keyed by the ticket id alone.
        raw, notes, additional, incidents, _ = run_parallel(
            lambda: self.ticket_raw(ticket_id),
            lambda: self.notes_of(ticket_id),
            lambda: self.rows(
                entity="TicketAdditionalConfigurationItems",
                filters=[query.eq(field="ticketID", value=ticket_id)],
                what="the configuration items",
                include_fields=("configurationItemID",),
            ),
            lambda: self.rows(
                entity="Tickets",
                filters=[query.eq(field="problemTicketId", value=ticket_id)],
                what="the related tickets",
                include_fields=RELATED_FIELDS,
            ),
            self.resources,
        )
        ci_ids = [
            raw.get("configurationItemID"),
            *(r.get("configurationItemID") for r in additional),
        ]
        wanted_cis = [int(i) for i in ci_ids if i is not None]
        problem = raw.get("problemTicketId")
        company_id, device_id = raw.get("companyID"), raw.get("configurationItemID")
        ticket, company, contact, configurations, parent, same_company, same_device = run_parallel(
            lambda: self._ticket_from_raw(raw),
            lambda: self._company(company_id),
            lambda: self._contact(raw.get("contactID")),
            lambda: self._configurations(wanted_cis),
            lambda: self._optional_ticket(problem) if problem is not None else None,
            lambda: (
                self._neighbours(
                    ticket_id, query.eq(field="companyID", value=company_id), open_only=True
                )
                if company_id is not None
                else []
            ),
            lambda: (
                self._neighbours(ticket_id, query.eq(field="configurationItemID", value=device_id))
                if device_id is not None
                else []
            ),
        )
        related = [
            self._related(row, relation="child")
            for row in sorted(incidents, key=lambda r: -int(r["id"]))
        ]
        if parent is not None:
            related.insert(0, self._related(parent, relation="parent"))
        # A ticket shows once, under its closest relation.
        listed = {r.id for r in related} | {ticket_id}
        for relation, rows in (("same_configuration", same_device), ("same_company", same_company)):
            for row in rows:
                if int(row["id"]) not in listed:
                    listed.add(int(row["id"]))
                    related.append(self._related(row, relation=relation))
        description = mapping.description_note(raw, resources=self.resources())
        return PSATicketContext(
            ticket=ticket,
            company=company,
            contact=contact,
            configurations=tuple(configurations),
            notes=(description, *notes) if description else tuple(notes),
            related=tuple(related),
        )

    def notes_of(self, ticket_id: int) -> list[PSANote]:
        """The ticket's notes, oldest first (Autotask's own order is by id, which agrees)."""
        rows = scan(
            self.client,
            entity="TicketNotes",
            search=query.search(filters=[query.eq(field="ticketID", value=ticket_id)]),
            what="the notes",
            max_pages=MAX_NOTE_PAGES,
        ).items
        resources = self.resources()
        notes = [mapping.note_from(r, resources=resources) for r in rows]
        return sorted(notes, key=lambda n: (n.created_at or datetime.min.astimezone(), n.id))

    def list_ticket_notes(self, *, ticket_id: int) -> list[PSANote]:
        # The notes only: the description (first in the panel's feed) is not a note anyone added.
        self.ticket_raw(ticket_id)  # a missing ticket is PSANotFound, not an empty feed
        return self.notes_of(ticket_id)

    def _company(self, company_id: Any) -> PSACompany | None:
        if company_id is None:
            return None
        raw = self._optional("Companies", company_id)
        return mapping.company_from(raw) if raw else None

    def _contact(self, contact_id: Any) -> PSAContact | None:
        if contact_id is None:
            return None
        raw = self._optional("Contacts", contact_id)
        if raw is None:
            return None
        company = raw.get("companyID")
        names = self.company_names([company])
        return mapping.contact_from(
            raw, company_name=names.get(int(company), "") if company is not None else ""
        )

    def _configurations(self, ids: list[int]) -> list[Any]:
        if not ids:
            return []
        # The type labels (read once per connection) alongside the items themselves.
        rows, _ = run_parallel(
            lambda: self.rows(
                entity="ConfigurationItems",
                filters=[query.in_(field="id", values=ids)],
                what="the configuration items",
            ),
            self.configuration_types,
        )
        by_id = {c.id: c for c in self.configurations_from(rows)}
        # The primary first, then the additional ones in the order they were added.
        return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]

    def _optional(self, entity: str, record_id: Any) -> dict[str, Any] | None:
        """A record the ticket names; gone (merged, deleted) is shown as absent, not an error."""
        try:
            return self.item(entity=entity, record_id=int(record_id), what=entity.lower())
        except PSANotFound:
            return None

    def _optional_ticket(self, ticket_id: Any) -> dict[str, Any] | None:
        return self._optional("Tickets", ticket_id)

    def _neighbours(
        self, ticket_id: int, condition: Any, *, open_only: bool = False
    ) -> list[dict[str, Any]]:
        filters = [condition, query.cond(op="noteq", field="id", value=ticket_id)]
        if open_only:
            filters.append(query.cond(op="noteq", field="status", value=mapping.COMPLETE_STATUS))
        rows = self.rows(
            entity="Tickets",
            filters=filters,
            what="the related tickets",
            include_fields=(*RELATED_FIELDS, "createDate"),
        )
        return sorted(rows, key=lambda r: (entered(r), int(r["id"])), reverse=True)[:MAX_NEIGHBOURS]

    def _related(self, row: dict[str, Any], *, relation: str) -> PSARelatedTicket:
        lists = self.picklists()
        return PSARelatedTicket(
            id=int(row["id"]),
            summary=str(row.get("title") or ""),
            status_name=lists.label(lists.statuses, row.get("status")),
            relation=relation,  # type: ignore[arg-type]
            closed=row.get("status") == mapping.COMPLETE_STATUS,
        )

    def find_open_tickets(self, *, company_id: int, limit: int = 200) -> list[PSATicket]:
        return self._tickets_where(
            [
                query.eq(field="companyID", value=int(company_id)),
                query.cond(op="noteq", field="status", value=mapping.COMPLETE_STATUS),
            ],
            limit=limit,
        )

    def find_recent_tickets(
        self, *, company_id: int, board_id: int | None, since: datetime, limit: int = 200
    ) -> list[PSATicket]:
        conditions = [
            query.eq(field="companyID", value=int(company_id)),
            query.cond(op="gte", field="createDate", value=query.utc(since)),
        ]
        if board_id is not None:
            conditions.append(query.eq(field="queueID", value=int(board_id)))
        return self._tickets_where(conditions, limit=limit)

    def _tickets_where(self, conditions: list[Any], *, limit: int) -> list[PSATicket]:
        """Newest first (entry date, then id). Keys first, then the newest `limit` in full."""
        keys = scan(
            self.client,
            entity="Tickets",
            search=query.search(
                filters=conditions, include_fields=("companyID", "contactID", "createDate")
            ),
            what="the tickets",
        ).items
        newest = sorted(keys, key=lambda k: (-entered(k), -int(k["id"])))[: max(0, limit)]
        return list(self.tickets_by_id(newest)) if newest else []
