"""Reference lists: queues as boards, the global status picklist, priorities, resources as
members, companies.

Boards, statuses and priorities are picklists of the Tickets entity (one
`Tickets/entityInformation/fields` call gives all three, plus ticket types); resources and
companies are queries. `reference_data` costs 4 calls in one wave for a tenant with ≤ 500
resources and ≤ 500 companies (the two `entityInformation/fields` calls, Resources, Companies;
measured in psa/tests/providers/test_autotask_reads.py), and 1 (Companies) once the picklists
and resources are known to the connection.

Statuses do not fit the current interface: Autotask has one global list, while `PSAStatus` has
a `board_id` and `ReferenceData.statuses_for(board_id)` filters by it. Until the interface says
"statuses are global" as a capability, the global list is repeated once per queue, so every
queue offers every status (which is what Autotask does).
"""

from __future__ import annotations

from psa.providers.autotask import mapping, query
from psa.providers.autotask.connection import AutotaskConnection
from psa.providers.autotask.paging import scan
from psa.providers.base import (
    PSABoard,
    PSACompany,
    PSAMember,
    PSAPriority,
    PSAStatus,
    ReferenceData,
)
from psa.providers.parallel import run_parallel


class ReferenceLists(AutotaskConnection):
    def list_boards(self) -> list[PSABoard]:
        return [mapping.board_from(v) for v in self.picklists().queues]

    def list_statuses(self, *, board_id: int) -> list[PSAStatus]:
        return [mapping.status_from(v, board_id=board_id) for v in self.picklists().statuses]

    def list_all_statuses(self) -> list[PSAStatus]:
        lists = self.picklists()
        return [
            mapping.status_from(status, board_id=queue.value)
            for queue in lists.queues
            for status in lists.statuses
        ]

    def list_priorities(self) -> list[PSAPriority]:
        # Sorted by the picklist's sortOrder: lower = more urgent, as `PSAPriority.sort` means.
        return [mapping.priority_from(v) for v in self.picklists().priorities if v.active]

    def list_members(self) -> list[PSAMember]:
        """Active resources with a user name (the ones an engineer can be mapped to)."""
        return sorted(
            (m for m in self.resources().values() if not m.inactive and m.identifier),
            key=lambda m: (m.name.lower(), m.id),
        )

    def list_companies(self) -> list[PSACompany]:
        rows = scan(
            self.client,
            entity="Companies",
            search=query.search(
                filters=[query.eq(field="isActive", value=True)],
                include_fields=("companyName", "companyNumber", "webAddress"),
            ),
            what="the companies",
        ).items
        companies = sorted(map(mapping.company_from, rows), key=lambda c: (c.name.lower(), c.id))
        with self._lock:
            for company in companies:
                self._company_names[company.id] = company.name
        return companies

    def reference_data(self) -> ReferenceData:
        # One wave: the picklists (two calls of their own), resources and companies at once.
        _, members, companies = run_parallel(self.picklists, self.list_members, self.list_companies)
        return ReferenceData(
            boards=tuple(self.list_boards()),
            statuses=tuple(self.list_all_statuses()),
            priorities=tuple(self.list_priorities()),
            members=tuple(members),
            companies=tuple(companies),
        )
