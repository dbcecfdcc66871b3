"""Ticket assignees: the primary resource plus secondary resources, each with a role.

Autotask requires a role with every assignment, and the resource+role pair must be one of the
resource's active service-desk roles (`ResourceServiceDeskRoles`) [C]. The current interface
passes only a member, so the role is chosen here: the resource's default service-desk role
(`isDefault`), else its first active one. A ticket without a primary resource gets this one as
primary (`PATCH Tickets`), otherwise a `TicketSecondaryResources` child is added. Removing the
primary clears `assignedResourceID` and its role together (Autotask refuses one without the
other).
"""

from __future__ import annotations

from psa.providers.autotask import query
from psa.providers.autotask.notes import TicketNotes
from psa.providers.base import PSANotFound, PSAResource, PSAValidationError


class TicketResources(TicketNotes):
    def list_resources(self, *, ticket_id: int) -> list[PSAResource]:
        raw = self.ticket_raw(ticket_id)
        secondaries = self.secondaries_of([ticket_id]).get(ticket_id, ())
        resources = self.resources()
        out = []
        for resource_id in (raw.get("assignedResourceID"), *secondaries):
            if resource_id is None:
                continue
            member = resources.get(int(resource_id))
            out.append(
                PSAResource(
                    member_id=int(resource_id),
                    member_name=member.name if member else "",
                    member_identifier=member.identifier if member else str(resource_id),
                )
            )
        return out

    def add_resource(self, *, ticket_id: int, member_id: int) -> PSAResource:
        raw = self.ticket_raw(ticket_id)
        role = self._service_desk_role(member_id)
        if raw.get("assignedResourceID") is None:
            self.client.patch(
                "Tickets",
                {
                    "id": int(ticket_id),
                    "assignedResourceID": int(member_id),
                    "assignedResourceRoleID": role,
                },
            )
        elif int(member_id) not in self._assigned_ids(raw):
            self.client.post(
                f"Tickets/{int(ticket_id)}/SecondaryResources",
                {"ticketID": int(ticket_id), "resourceID": int(member_id), "roleID": role},
            )
        return next(r for r in self.list_resources(ticket_id=ticket_id) if r.member_id == member_id)

    def remove_resource(self, *, ticket_id: int, member_id: int) -> None:
        raw = self.ticket_raw(ticket_id)
        if raw.get("assignedResourceID") == int(member_id):
            self.client.patch(
                "Tickets",
                {"id": int(ticket_id), "assignedResourceID": None, "assignedResourceRoleID": None},
            )
            return
        rows = self.rows(
            entity="TicketSecondaryResources",
            filters=[
                query.eq(field="ticketID", value=int(ticket_id)),
                query.eq(field="resourceID", value=int(member_id)),
            ],
            what="the secondary resources",
            include_fields=("ticketID", "resourceID"),
        )
        if not rows:
            # As ConnectWise: removing someone who is not on the ticket is not found, so a
            # stale page (someone already removed them) is told so rather than silently "done".
            raise PSANotFound(
                f"Autotask resource {member_id} is not assigned to ticket #{ticket_id}."
            )
        for row in rows:
            self.client.delete(f"Tickets/{int(ticket_id)}/SecondaryResources/{int(row['id'])}")

    def _assigned_ids(self, raw: dict) -> set[int]:
        ticket_id = int(raw["id"])
        return {
            int(raw["assignedResourceID"]),
            *self.secondaries_of([ticket_id]).get(ticket_id, ()),
        }

    def _service_desk_role(self, member_id: int) -> int:
        rows = self.rows(
            entity="ResourceServiceDeskRoles",
            filters=[
                query.eq(field="resourceID", value=int(member_id)),
                query.eq(field="isActive", value=True),
            ],
            what="the resource's roles",
            include_fields=("roleID", "isDefault"),
        )
        if not rows:
            raise PSAValidationError(
                f"Autotask resource {member_id} has no service-desk role, so it cannot be "
                "assigned to a ticket.",
                fields={"member_id": ["This resource has no service-desk role in Autotask."]},
            )
        chosen = sorted(rows, key=lambda r: (not r.get("isDefault"), int(r["id"])))[0]
        return int(chosen["roleID"])
