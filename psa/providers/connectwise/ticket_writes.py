"""Ticket writes: create (with assignee and configurations) and status changes, each
checked against what ConnectWise sends back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from psa.providers.base import PSAChangeNotApplied, PSAError, PSATicket, TicketCreatePayload
from psa.providers.connectwise import mapping
from psa.providers.connectwise.replies import not_found_as, ticket_not_found
from psa.providers.connectwise.resources import TicketResources
from psa.providers.connectwise.tickets import TicketReads
from psa.providers.parallel import run_parallel


class TicketWrites(TicketReads, TicketResources):
    """Creating tickets and changing their status."""

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
        with not_found_as(ticket_not_found(ticket_id)):
            raw = self.client.patch(f"/service/tickets/{ticket_id}", operations)
        ticket = mapping.ticket_from_cw(raw)
        if ticket.status_id is not None and ticket.status_id != status_id:
            raise PSAChangeNotApplied(
                f"ConnectWise accepted the status change on ticket #{ticket_id}, but the ticket "
                f"is still in status {ticket.status_name!r} (a workflow rule may have reset it).",
            )
        return ticket
