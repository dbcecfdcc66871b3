"""Ticket writes: create (then read back) and status change (from the global status list).

`POST Tickets` answers only `{"itemId": n}`; the ticket is read back so the caller gets what
Autotask stored (labels included). Autotask has no "attach configurations" step: the first
configuration is the ticket's primary `configurationItemID`, the rest are
`TicketAdditionalConfigurationItems` children added after the create.
"""

from __future__ import annotations

import re

from psa.providers.autotask import mapping, query
from psa.providers.autotask.resources import TicketResources
from psa.providers.base import (
    PSAChangeNotApplied,
    PSANotFound,
    PSAResponseError,
    PSATicket,
    PSAValidationError,
    TicketCreatePayload,
)

# Autotask names the ticket field it refuses ("The companyID 9 does not exist.", "Value 9 is not
# a valid value of the picklist status."): the form field each one is.
FORM_FIELDS = {
    "companyID": "company_id",
    "queueID": "board_id",
    "status": "status_id",
    "priority": "priority_id",
    "title": "summary",
    "description": "description",
    "contactID": "contact_id",
    "assignedResourceID": "assigned_member_id",
    "assignedResourceRoleID": "assigned_member_id",
    "configurationItemID": "configuration_ids",
}
_FIELD_NAMES = re.compile(r"\b(" + "|".join(FORM_FIELDS) + r")\b")


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
        self._check_configurations(configurations, company_id=int(payload.company_id))
        try:
            answer = self.client.post("Tickets", body)
        except PSAValidationError as exc:
            raise with_form_fields(exc) from exc
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

    def _check_configurations(self, ids: list[int], *, company_id: int) -> None:
        """Every configuration item exists, before anything is written: the additional ones are
        attached after the create, and a refusal then would leave a ticket behind."""
        if not ids:
            return
        rows = self.rows(
            entity="ConfigurationItems",
            filters=[query.in_(field="id", values=ids)],
            what="the configuration items",
            include_fields=("companyID",),
        )
        known = {int(r["id"]) for r in rows}
        missing = [i for i in ids if i not in known]
        if missing:
            shown = ", ".join(f"#{i}" for i in missing)
            raise PSAValidationError(
                f"Autotask has no configuration item {shown}.",
                fields={"configuration_ids": [f"No configuration item {shown} in Autotask."]},
            )

    def update_status(self, *, ticket_id: int, status_id: int) -> PSATicket:
        try:
            self.client.patch("Tickets", {"id": int(ticket_id), "status": int(status_id)})
        except PSAValidationError as exc:
            # Autotask refuses an update of a missing ticket like a bad value; say which it was.
            self.ticket_raw(ticket_id)  # PSANotFound when the ticket is gone
            raise with_form_fields(exc) from exc
        ticket = self.get_ticket(ticket_id=ticket_id)
        if ticket.status_id != int(status_id):
            raise PSAChangeNotApplied(
                f"Autotask accepted the status change on ticket #{ticket_id} but the ticket "
                f"still shows {ticket.status_name or ticket.status_id}."
            )
        return ticket


def with_form_fields(exc: PSAValidationError) -> PSAValidationError:
    """The refusal with each of Autotask's messages filed under the form field it names."""
    fields: dict[str, list[str]] = {k: list(v) for k, v in exc.fields.items()}
    for message in exc.detail.split("; "):
        for name in dict.fromkeys(_FIELD_NAMES.findall(message)):
            fields.setdefault(FORM_FIELDS[name], []).append(message)
    return PSAValidationError(exc.message, fields=fields, detail=exc.detail)


__all__ = ["PSANotFound", "TicketWrites", "mapping"]
