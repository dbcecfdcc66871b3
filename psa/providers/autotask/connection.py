"""The state one Autotask connection keeps, shared by every concern of the provider.

Picklists and resources are tenant-wide and change rarely: each is read once per connection
(the shared reference cache above the provider hands back the companies via
`remember_reference`; its member list is only the assignable resources, so not those).
Company and contact names are learned as records are read, so a list page asks only for the
ones it has not seen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from psa.providers.autotask import mapping, query
from psa.providers.autotask.client import AutotaskClient
from psa.providers.autotask.config import AutotaskConfig
from psa.providers.autotask.paging import first_page, page_of, scan
from psa.providers.base import (
    PSAConfiguration,
    PSAMember,
    PSANotFound,
    PSAProvider,
    PSAResponseError,
    ReferenceData,
)
from psa.providers.parallel import run_parallel


class AutotaskConnection(PSAProvider):
    """One Autotask tenant. Build from an `AutotaskConfig`, or hand in an existing client."""

    def __init__(
        self, config: AutotaskConfig | None = None, *, client: AutotaskClient | None = None
    ) -> None:
        if client is None:
            if config is None:
                raise TypeError("AutotaskProvider needs a config or a client")
            client = AutotaskClient(config)
        self.client = client
        self.config = client.config
        self._lock = threading.Lock()
        self._picklists: mapping.Picklists | None = None
        self._resources: dict[int, PSAMember] | None = None
        self._role_names: dict[int, str] | None = None
        self._configuration_types: dict[int, str] | None = None
        self._company_names: dict[int, str] = {}
        self._contact_names: dict[int, str] = {}

    # --- tenant-wide lists, read once ---------------------------------------------------------

    def picklists(self) -> mapping.Picklists:
        with self._lock:
            if self._picklists is not None:
                return self._picklists
        tickets, notes = run_parallel(
            lambda: self.client.get("Tickets/entityInformation/fields"),
            lambda: self.client.get("TicketNotes/entityInformation/fields"),
        )
        lists = mapping.Picklists(
            queues=mapping.picklist_values(tickets, "queueID"),
            statuses=mapping.picklist_values(tickets, "status"),
            priorities=mapping.picklist_values(tickets, "priority"),
            ticket_types=mapping.picklist_values(tickets, "ticketType"),
            note_types=mapping.picklist_values(notes, "noteType"),
        )
        if not lists.statuses or not lists.priorities:
            raise PSAResponseError(
                "Autotask's ticket fields came without the status or priority picklist.",
                detail=repr(tickets)[:300],
            )
        with self._lock:
            self._picklists = lists
        return lists

    def resources(self) -> dict[int, PSAMember]:
        """Every resource (active or not: old tickets name departed engineers)."""
        with self._lock:
            if self._resources is not None:
                return self._resources
        rows = scan(
            self.client,
            entity="Resources",
            search=query.search(
                filters=[query.EVERYTHING],
                include_fields=("userName", "email", "firstName", "lastName", "isActive"),
            ),
            what="the resources",
        ).items
        found = {member.id: member for member in map(mapping.member_from, rows)}
        with self._lock:
            self._resources = found
        return found

    def role_names(self) -> dict[int, str]:
        """Every role's name by id (assignments carry a role; Autotask has a few dozen)."""
        with self._lock:
            if self._role_names is not None:
                return self._role_names
        rows = scan(
            self.client,
            entity="Roles",
            search=query.search(filters=[query.EVERYTHING], include_fields=("name",)),
            what="the roles",
        ).items
        found = {int(row["id"]): str(row.get("name") or "") for row in rows}
        with self._lock:
            self._role_names = found
        return found

    def configuration_types(self) -> dict[int, str]:
        """`configurationItemType` value -> label: a configuration item carries only the value.
        Read once per connection, and only when a configuration item is shown."""
        with self._lock:
            if self._configuration_types is not None:
                return self._configuration_types
        fields = self.client.get("ConfigurationItems/entityInformation/fields")
        types = {v.value: v.label for v in mapping.picklist_values(fields, "configurationItemType")}
        with self._lock:
            self._configuration_types = types
        return types

    def configurations_from(self, rows: list[dict[str, Any]]) -> list[PSAConfiguration]:
        types = self.configuration_types() if rows else {}
        return [
            mapping.configuration_from(r, type_name=_label(types, r.get("configurationItemType")))
            for r in rows
        ]

    def remember_reference(self, data: ReferenceData) -> None:
        # Not the resources: `data.members` are the assignable ones (active, no API user), while
        # labels need every resource — departed engineers' notes, the API user's tickets (which
        # is how a lost create is found again). `resources()` reads them once per connection.
        with self._lock:
            for company in data.companies:
                self._company_names.setdefault(company.id, company.name)

    # --- names learned as records are read ----------------------------------------------------

    def company_names(self, ids: Iterable[int | None]) -> dict[int, str]:
        return self._names(ids, self._company_names, "Companies", ("companyName",))

    def contact_names(self, ids: Iterable[int | None]) -> dict[int, str]:
        return self._names(ids, self._contact_names, "Contacts", ("firstName", "lastName"))

    def _names(
        self,
        ids: Iterable[int | None],
        known: dict[int, str],
        entity: str,
        fields: tuple[str, ...],
    ) -> dict[int, str]:
        wanted = {i for i in ids if i is not None}
        with self._lock:
            missing = sorted(wanted - known.keys())
        for chunk in query.chunks(missing):
            rows = first_page(
                self.client,
                entity=entity,
                search=query.search(
                    filters=[query.in_(field="id", values=chunk)], include_fields=fields
                ),
                what=entity.lower(),
            )
            with self._lock:
                for row in rows:
                    known[int(row["id"])] = " ".join(
                        str(row.get(f) or "") for f in fields if row.get(f)
                    )
        with self._lock:
            return {i: known[i] for i in wanted if i in known}

    # --- single records ------------------------------------------------------------------------

    def item(self, *, entity: str, record_id: int, what: str) -> dict[str, Any]:
        """`GET {entity}/{id}`; Autotask answers a missing id with 200 `{"item": null}` [C]."""
        data = self.client.get(f"{entity}/{int(record_id)}")
        if not isinstance(data, dict) or "item" not in data:
            raise PSAResponseError(
                f"Autotask sent {what} in a shape we could not read.", detail=repr(data)[:300]
            )
        if data["item"] is None:
            raise PSANotFound(f"{what[:1].upper()}{what[1:]} was not found in Autotask.")
        if not isinstance(data["item"], dict):
            raise PSAResponseError(f"Autotask sent {what} in a shape we could not read.")
        return data["item"]

    def ticket_raw(self, ticket_id: int) -> dict[str, Any]:
        return self.item(entity="Tickets", record_id=ticket_id, what=f"ticket #{ticket_id}")

    def rows(
        self, *, entity: str, filters: list[Any], what: str, **options: Any
    ) -> list[dict[str, Any]]:
        """One page of a query (up to 500): the neighbours of one ticket never need more."""
        return page_of(
            self.client.query(entity, query.search(filters=filters, **options)), what=what
        )[0]


def _label(labels: dict[int, str], value: Any) -> str:
    return labels.get(value, "") if isinstance(value, int) else ""
