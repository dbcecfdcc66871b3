"""Ticket writes: create (then read back) and status change (from the global status list).

`POST Tickets` answers only `{"itemId": n}`; the ticket is read back so the caller gets what
Autotask stored (labels included). Autotask has no "attach configurations" step: the first
configuration is the ticket's primary `configurationItemID`, the rest are
`TicketAdditionalConfigurationItems` children added after the create.
"""

from __future__ import annotations

from psa.providers.autotask import mapping
from psa.providers.autotask.resources import TicketResources
from psa.providers.base import PSAChangeNotApplied, PSAResponseError, PSATicket, TicketCreatePayload


class TicketWrites(TicketResources):
    def create_ticket(self, *, payload: TicketCreatePayload) -> PSATicket:
        lists = self.picklists()
        status = payload.status_id or next((v.value for v in lists.statuses if v.default), 1)
        priority = payload.priority_id or next(
            (v.value for v in lists.priorities if v.default), lists.priorities[0].value
        )
        body: dict[str, object] = {
            "companyID": int(payload.company_id),
            "title": payload.summary,
            "status": int(status),
            "priority": int(priority),
            "queueID": int(payload.board_id),
        }
        if payload.description:
            body["description"] = payload.description
        if payload.contact_id is not None:
            body["contactID"] = int(payload.contact_id)
        configurations = list(dict.fromkeys(payload.configuration_ids))
        if configurations:
            body["configurationItemID"] = int(configurations[0])
        if payload.assigned_member_id is not None:
            body["assignedResourceID"] = int(payload.assigned_member_id)
            body["assignedResourceRoleID"] = self._service_desk_role(payload.assigned_member_id)
        answer = self.client.post("Tickets", body)
        ticket_id = answer.get("itemId") if isinstance(answer, dict) else None
        if not isinstance(ticket_id, int):
            raise PSAResponseError(
                "Autotask accepted the ticket but did not say its id.", detail=repr(answer)[:300]
            )
        for item_id in configurations[1:]:
            self.client.post(
                f"Tickets/{ticket_id}/AdditionalConfigurationItems",
                {"ticketID": ticket_id, "configurationItemID": int(item_id)},
            )
        return self.get_ticket(ticket_id=ticket_id)

    def update_status(self, *, ticket_id: int, status_id: int) -> PSATicket:
        self.client.patch("Tickets", {"id": int(ticket_id), "status": int(status_id)})
        ticket = self.get_ticket(ticket_id=ticket_id)
        if ticket.status_id != int(status_id):
            raise PSAChangeNotApplied(
                f"Autotask accepted the status change on ticket #{ticket_id} but the ticket "
                f"still shows {ticket.status_name or ticket.status_id}."
            )
        return ticket


__all__ = ["TicketWrites", "mapping"]
