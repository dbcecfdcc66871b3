"""Ticket assignees: the primary resource plus secondary resources, each with a role.

Autotask requires a role with every assignment, and the resource+role pair must be one of the
resource's active service-desk roles (`ResourceServiceDeskRoles`) [C]. The current interface
lets the engineer choose one of them (`assignee_roles`); without a choice the resource's default
service-desk role (`isDefault`), else its first active one, is used. A ticket without a primary resource gets this one as
primary (`PATCH Tickets`), otherwise a `TicketSecondaryResources` child is added. Removing the
primary clears `assignedResourceID` and its role together (Autotask refuses one without the
other).
"""

from __future__ import annotations

from psa.providers.autotask import query
from psa.providers.autotask.notes import TicketNotes
from psa.providers.base import PSANotFound, PSAResource, PSARole, PSAValidationError
from psa.providers.parallel import run_parallel


class TicketResources(TicketNotes):
    def list_resources(self, *, ticket_id: int) -> list[PSAResource]:
        raw, rows = run_parallel(
            lambda: self.ticket_raw(ticket_id),
            lambda: self.rows(
                entity="TicketSecondaryResources",
                filters=[query.eq(field="ticketID", value=int(ticket_id))],
                what="the secondary resources",
                include_fields=("ticketID", "resourceID", "roleID"),
            ),
        )
        secondaries = {int(row["resourceID"]): row.get("roleID") for row in rows}
        resources = self.resources()
        role_names = self.role_names()
        primary = raw.get("assignedResourceID")
        out = []
        for resource_id, role_id in (
            (primary, raw.get("assignedResourceRoleID")),
            *secondaries.items(),
        ):
            if resource_id is None:
                continue
            member = resources.get(int(resource_id))
            out.append(
                PSAResource(
                    member_id=int(resource_id),
                    member_name=member.name if member else "",
                    member_identifier=member.identifier if member else str(resource_id),
                    primary=resource_id == primary,
                    role=role_names.get(int(role_id), "") if role_id is not None else "",
                )
            )
        return out

    def assignee_roles(self, *, member_id: int) -> list[PSARole]:
        rows = self._service_desk_roles(member_id)
        names = self.role_names()
        return [
            PSARole(
                id=int(row["roleID"]),
                name=names.get(int(row["roleID"]), f"Role {row['roleID']}"),
                default=bool(row.get("isDefault")),
            )
            for row in rows
        ]

    def add_resource(
        self, *, ticket_id: int, member_id: int, role_id: int | None = None
    ) -> PSAResource:
        raw = self.ticket_raw(ticket_id)
        role = self._service_desk_role(member_id, chosen=role_id)
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

    def _service_desk_roles(self, member_id: int) -> list[dict]:
        """The resource's active service-desk roles, default first."""
        rows = self.rows(
            entity="ResourceServiceDeskRoles",
            filters=[
                query.eq(field="resourceID", value=int(member_id)),
                query.eq(field="isActive", value=True),
            ],
            what="the resource's roles",
            include_fields=("roleID", "isDefault"),
        )
        return sorted(rows, key=lambda r: (not r.get("isDefault"), int(r["id"])))

    def _service_desk_role(self, member_id: int, *, chosen: int | None = None) -> int:
        rows = self._service_desk_roles(member_id)
        if not rows:
            raise PSAValidationError(
                f"Autotask resource {member_id} has no service-desk role, so it cannot be "
                "assigned to a ticket.",
                fields={"member_id": ["This resource has no service-desk role in Autotask."]},
            )
        if chosen is None:
            return int(rows[0]["roleID"])
        if int(chosen) not in {int(r["roleID"]) for r in rows}:
            names = self.role_names()
            offered = ", ".join(names.get(int(r["roleID"]), str(r["roleID"])) for r in rows)
            raise PSAValidationError(
                f"That role is not one of this resource's service-desk roles ({offered}).",
                fields={"role_id": [f"Choose one of: {offered}."]},
            )
        return int(chosen)
