"""Reference lists: boards, statuses, priorities, members, companies and the schedule type.

Each kind is a `Listing`, so it can be read alone or with the others in two waves
(`reference_data`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from psa.providers.base import (
    PSABoard,
    PSACompany,
    PSAError,
    PSAMember,
    PSAPriority,
    PSAResponseError,
    PSAScheduleType,
    PSAStatus,
    ReferenceData,
)
from psa.providers.connectwise import mapping
from psa.providers.connectwise.client import MAX_PAGE_SIZE
from psa.providers.connectwise.conditions import eq
from psa.providers.connectwise.connection import ConnectWiseConnection
from psa.providers.connectwise.paging import Listing, fetch_all, fetch_lists
from psa.providers.connectwise.replies import not_found_as, rows_of
from psa.providers.parallel import run_parallel

SCHEDULE_TYPE_SERVICE = "S"  # the schedule type of a ticket assignment


class ReferenceLists(ConnectWiseConnection):
    """The tenant's reference lists, and the member identifiers they teach the connection."""

    # Each reference kind as a `Listing`, so it can be read alone or with the others in one go.
    BOARDS = Listing(
        "/service/boards",
        {
            "conditions": str(eq("inactiveFlag", False)),
            "fields": "id,name,inactiveFlag",
            "orderBy": "name asc, id asc",
        },
    )

    PRIORITIES = Listing("/service/priorities", {"orderBy": "sortOrder asc, id asc"})

    MEMBERS = Listing(
        "/system/members",
        {
            "fields": mapping.MEMBER_FIELDS,
            "orderBy": "identifier asc",  # identifiers are unique: a total order
        },
    )

    COMPANIES = Listing(
        "/company/companies",
        {
            "conditions": str(eq("deletedFlag", False)),
            "fields": "id,identifier,name,website",
            "orderBy": "name asc, id asc",
        },
    )

    def list_boards(self) -> list[PSABoard]:
        return [mapping.board_from_cw(row) for row in fetch_all(self.client, self.BOARDS)]

    def list_statuses(self, *, board_id: int) -> list[PSAStatus]:
        with not_found_as(f"Board {board_id} was not found in ConnectWise."):
            rows = self.client.get_all(
                f"/service/boards/{board_id}/statuses", {"orderBy": "sortOrder asc, id asc"}
            )
        statuses = [mapping.status_from_cw(row, board_id=board_id) for row in rows]
        return sorted(statuses, key=lambda s: (s.sort_order, s.id))

    def list_all_statuses(self) -> list[PSAStatus]:
        return self._statuses_for(self.list_boards())

    def list_priorities(self) -> list[PSAPriority]:
        return self._priorities(fetch_all(self.client, self.PRIORITIES))

    def list_members(self) -> list[PSAMember]:
        return self._members(fetch_all(self.client, self.MEMBERS))

    def list_companies(self) -> list[PSACompany]:
        return [mapping.company_from_cw(row) for row in fetch_all(self.client, self.COMPANIES)]

    def _priorities(self, rows: list[dict[str, Any]]) -> list[PSAPriority]:
        return sorted((mapping.priority_from_cw(r) for r in rows), key=lambda p: (p.sort, p.id))

    def _members(self, rows: list[dict[str, Any]]) -> list[PSAMember]:
        members = [mapping.member_from_cw(row) for row in rows]
        with self._lock:
            self._member_identifiers.update({m.id: m.identifier for m in members})
        return members

    def reference_data(self) -> ReferenceData:
        """Every kind in two waves, whatever the tenant's size (see `paging.fetch_lists`).

        Wave 1: the first page and the count of boards, priorities, members and companies.
        Wave 2: their remaining pages, the statuses of every board of the first page, and the
        "S" schedule type (assignments need its id).
        """
        rows, extras = fetch_lists(
            self.client,
            {
                "boards": self.BOARDS,
                "priorities": self.PRIORITIES,
                "members": self.MEMBERS,
                "companies": self.COMPANIES,
            },
            also={
                "statuses": self._statuses_calls,
                "schedule_type": lambda _firsts: [self._schedule_type_or_none],
            },
        )
        boards = [mapping.board_from_cw(row) for row in rows["boards"]]
        first_board_ids = {mapping.board_from_cw(row).id for row in rows["boards"][:MAX_PAGE_SIZE]}
        statuses = [status for batch in extras["statuses"] for status in batch]
        # Only a tenant with more than a page of active boards needs a third wave.
        statuses += self._statuses_for([b for b in boards if b.id not in first_board_ids])
        return ReferenceData(
            boards=tuple(boards),
            statuses=tuple(statuses),
            priorities=tuple(self._priorities(rows["priorities"])),
            members=tuple(self._members(rows["members"])),
            companies=tuple(mapping.company_from_cw(row) for row in rows["companies"]),
            schedule_type=extras["schedule_type"][0],
        )

    def _statuses_calls(
        self, firsts: dict[str, list[dict[str, Any]]]
    ) -> list[Callable[[], list[PSAStatus]]]:
        boards = [mapping.board_from_cw(row) for row in firsts["boards"]]
        return [partial(self.list_statuses, board_id=board.id) for board in boards]

    def _statuses_for(self, boards: list[PSABoard]) -> list[PSAStatus]:
        calls: list[Callable[[], list[PSAStatus]]] = [
            partial(self.list_statuses, board_id=board.id) for board in boards
        ]
        return [status for batch in run_parallel(*calls) for status in batch]

    def remember_reference(self, data: ReferenceData) -> None:
        if data.schedule_type is not None:
            with self._lock:
                self._schedule_type = data.schedule_type

    def service_schedule_type(self) -> PSAScheduleType:
        """The "S" (Service) schedule type, looked up once per connection.

        Sending its id with the identifier is what long-lived integrations (django-connectwise)
        do; a tenant that renamed or re-created the type still gets the right one.
        """
        with self._lock:
            known = self._schedule_type
        if known is not None:
            return known
        rows = self.client.get(
            "/schedule/types",
            {
                "conditions": str(eq("identifier", SCHEDULE_TYPE_SERVICE)),
                "fields": "id,identifier,name",
                "page": 1,
                "pageSize": 5,
            },
        )
        found = next(
            (mapping.schedule_type_from_cw(r) for r in rows_of(rows, "schedule types")), None
        )
        if found is None or found.identifier.upper() != SCHEDULE_TYPE_SERVICE:
            raise PSAResponseError(
                'ConnectWise has no schedule type with identifier "S" (Service), which '
                "assignments need. Check System > Setup Tables > Schedule Type."
            )
        with self._lock:
            self._schedule_type = found
        return found

    def _schedule_type_or_none(self) -> PSAScheduleType | None:
        # Reference data must not fail as a whole because this one list is not readable.
        try:
            return self.service_schedule_type()
        except PSAError:
            return None
