"""A ticket's resources: the members assigned to it, as open schedule entries of type "S"."""

from __future__ import annotations

from typing import Any

from psa.providers.base import PSANotFound, PSAResource, PSAValidationError
from psa.providers.connectwise import mapping
from psa.providers.connectwise.conditions import and_, eq
from psa.providers.connectwise.reference import SCHEDULE_TYPE_SERVICE, ReferenceLists
from psa.providers.parallel import run_parallel


class TicketResources(ReferenceLists):
    """Assign and unassign members (a schedule entry needs the "S" type from the reference lists)."""

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

    def add_resource(
        self, *, ticket_id: int, member_id: int, role_id: int | None = None
    ) -> PSAResource:
        if role_id is not None:
            raise PSAValidationError(
                "ConnectWise assignments have no role.",
                fields={"role_id": ["ConnectWise assignments have no role: leave it out."]},
            )
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
