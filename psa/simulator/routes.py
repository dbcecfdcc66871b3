"""The simulated ConnectWise routes: every ``(method, pattern)`` and the handler that answers it.

Generic handlers list, count and read one record of a collection (optionally scoped to a parent,
e.g. a ticket's notes); the specific ones hand writes to ``writes`` and friends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from psa.simulator import all_notes, note_removal, writes
from psa.simulator.errors import not_found
from psa.simulator.messages import Request, Response
from psa.simulator.query import list_query, projector, run_count, run_list
from psa.simulator.store import COLLECTIONS

Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler

    @property
    def key(self) -> str:
        return f"{self.method} {self.pattern}"


def _compile(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", pattern)
    regex = ""
    for index, part in enumerate(parts):
        regex += re.escape(part) if index % 2 == 0 else rf"(?P<{part}>\d+)"
    return re.compile(f"^{regex}/?$", re.IGNORECASE)


# --------------------------------------------------------------------------- generic handlers


def _ticket(request: Request) -> dict[str, Any]:
    ticket = request.tenant.get("tickets", request.ids["id"])
    if ticket is None:
        raise not_found(f"Ticket with id {request.ids['id']} was not found.")
    return ticket


def _board(request: Request) -> dict[str, Any]:
    board = request.tenant.get("boards", request.ids["id"])
    if board is None:
        raise not_found(f"Board with id {request.ids['id']} was not found.")
    return board


Scope = Callable[[Request], list[dict[str, Any]]]


def _all(collection: str) -> Scope:
    # Only the records the conditions can match (an index bucket), not always every record.
    return lambda request: request.tenant.candidates(
        collection, request.params.get("conditions"), request.route_schema.resolve_filter
    )


def _list(collection: str, scope: Scope | None = None) -> Handler:
    def handler(request: Request) -> Response:
        query = list_query(
            request.params,
            forward_only=(request.header("pagination-type") or "").lower() == "forward-only",
        )
        records = (scope or _all(collection))(request)
        page = run_list(
            records,
            query,
            request.route_schema,
            COLLECTIONS[collection],
            base_url=request.base_url,
            raw_query=request.raw_query,
        )
        headers = {"Link": page.link} if page.link else {}
        return Response(200, page.items, headers)

    return handler


def _count(collection: str, scope: Scope | None = None) -> Handler:
    def handler(request: Request) -> Response:
        records = (scope or _all(collection))(request)
        total = run_count(
            records,
            request.params.get("conditions"),
            request.route_schema,
            COLLECTIONS[collection],
        )
        return Response(200, {"count": total})

    return handler


_NAMES = {
    "companies": "Company",
    "contacts": "Contact",
    "members": "Member",
    "boards": "Board",
    "boardStatuses": "Status",
    "boardTypes": "Type",
    "priorities": "Priority",
    "configurations": "Configuration",
    "tickets": "Ticket",
    "ticketNotes": "Note",
    "scheduleEntries": "Schedule entry",
    "scheduleTypes": "Schedule type",
}


def _one(collection: str, id_name: str = "id", scope: Scope | None = None) -> Handler:
    def handler(request: Request) -> Response:
        record_id = request.ids[id_name]
        if scope is None:
            record = request.tenant.get(collection, record_id)
        else:
            record = next((r for r in scope(request) if r["id"] == record_id), None)
        if record is None:
            raise not_found(
                f"{_NAMES.get(collection, collection)} with id {record_id} was not found."
            )
        project = projector(request.params.get("fields"), request.route_schema)
        return Response(200, project(record))

    return handler


# --------------------------------------------------------------------------- specific handlers


def _system_info(request: Request) -> Response:
    store = request.tenant
    return Response(
        200,
        {
            "version": f"v{store.api_version}",
            "isCloud": True,
            "serverTimeZone": "Eastern Standard Time",
            "licenseBits": [],
            "cloudRegion": "NA",
        },
    )


def _ticket_create(request: Request) -> Response:
    return Response(201, writes.ticket_create(request.tenant, request.json()))


def _ticket_patch(request: Request) -> Response:
    return Response(200, writes.ticket_patch(request.tenant, _ticket(request), request.json()))


def _ticket_delete(request: Request) -> Response:
    writes.ticket_delete(request.tenant, request.ids["id"])
    return Response(204)


def _notes_scope(request: Request) -> list[dict[str, Any]]:
    ticket_id = _ticket(request)["id"]
    candidates = request.tenant.matching("ticketNotes", "ticketId", ticket_id)
    return [n for n in candidates if n["ticketId"] == ticket_id]


def _all_notes(request: Request) -> Response:
    records = all_notes.all_notes(request.tenant, _ticket(request)["id"])
    page = run_list(
        records,
        list_query(request.params, forward_only=False),
        request.route_schema,
        "ticketNote",
        base_url=request.base_url,
        raw_query=request.raw_query,
    )
    return Response(200, page.items, {"Link": page.link} if page.link else {})


def _note_delete(request: Request) -> Response:
    note_removal.note_delete(request.tenant, _ticket(request), request.ids["noteId"])
    return Response(204)


def _note_create(request: Request) -> Response:
    return Response(201, writes.note_create(request.tenant, _ticket(request), request.json()))


def _configs_scope(request: Request) -> list[dict[str, Any]]:
    # References only (``id``, ``deviceIdentifier``), as ConnectWise answers this route.
    return writes.ticket_configurations(request.tenant, _ticket(request)["id"])


def _config_add(request: Request) -> Response:
    ticket = _ticket(request)
    return Response(201, writes.ticket_configuration_add(request.tenant, ticket, request.json()))


def _config_remove(request: Request) -> Response:
    writes.ticket_configuration_remove(request.tenant, _ticket(request), request.ids["configId"])
    return Response(204)


def _statuses_scope(request: Request) -> list[dict[str, Any]]:
    board_id = _board(request)["id"]
    return [s for s in request.tenant.records("boardStatuses") if s["board"]["id"] == board_id]


def _types_scope(request: Request) -> list[dict[str, Any]]:
    board_id = _board(request)["id"]
    return [t for t in request.tenant.records("boardTypes") if t["board"]["id"] == board_id]


def _entry(request: Request) -> dict[str, Any]:
    entry = request.tenant.get("scheduleEntries", request.ids["id"])
    if entry is None:
        raise not_found(f"Schedule entry with id {request.ids['id']} was not found.")
    return entry


def _entry_create(request: Request) -> Response:
    return Response(201, writes.schedule_entry_create(request.tenant, request.json()))


def _entry_patch(request: Request) -> Response:
    return Response(
        200, writes.schedule_entry_patch(request.tenant, _entry(request), request.json())
    )


def _entry_delete(request: Request) -> Response:
    writes.schedule_entry_delete(request.tenant, request.ids["id"])
    return Response(204)


def _collection_routes(base: str, collection: str) -> list[tuple[str, str, Handler]]:
    return [
        ("GET", base, _list(collection)),
        ("GET", f"{base}/count", _count(collection)),
        ("GET", f"{base}/{{id}}", _one(collection)),
    ]


ROUTE_TABLE: list[tuple[str, str, Handler]] = [
    ("GET", "/system/info", _system_info),
    *_collection_routes("/company/companies", "companies"),
    *_collection_routes("/company/contacts", "contacts"),
    *_collection_routes("/company/configurations", "configurations"),
    *_collection_routes("/system/members", "members"),
    *_collection_routes("/service/boards", "boards"),
    ("GET", "/service/boards/{id}/statuses", _list("boardStatuses", _statuses_scope)),
    ("GET", "/service/boards/{id}/statuses/count", _count("boardStatuses", _statuses_scope)),
    (
        "GET",
        "/service/boards/{id}/statuses/{statusId}",
        _one("boardStatuses", "statusId", _statuses_scope),
    ),
    ("GET", "/service/boards/{id}/types", _list("boardTypes", _types_scope)),
    ("GET", "/service/boards/{id}/types/count", _count("boardTypes", _types_scope)),
    ("GET", "/service/boards/{id}/types/{typeId}", _one("boardTypes", "typeId", _types_scope)),
    *_collection_routes("/service/priorities", "priorities"),
    *_collection_routes("/service/tickets", "tickets"),
    ("POST", "/service/tickets", _ticket_create),
    ("PATCH", "/service/tickets/{id}", _ticket_patch),
    ("DELETE", "/service/tickets/{id}", _ticket_delete),
    ("GET", "/service/tickets/{id}/notes", _list("ticketNotes", _notes_scope)),
    ("POST", "/service/tickets/{id}/notes", _note_create),
    ("GET", "/service/tickets/{id}/allNotes", _all_notes),
    ("GET", "/service/tickets/{id}/notes/count", _count("ticketNotes", _notes_scope)),
    ("GET", "/service/tickets/{id}/notes/{noteId}", _one("ticketNotes", "noteId", _notes_scope)),
    ("DELETE", "/service/tickets/{id}/notes/{noteId}", _note_delete),
    ("GET", "/service/tickets/{id}/configurations", _list("configurations", _configs_scope)),
    ("POST", "/service/tickets/{id}/configurations", _config_add),
    ("GET", "/service/tickets/{id}/configurations/count", _count("configurations", _configs_scope)),
    (
        "GET",
        "/service/tickets/{id}/configurations/{configId}",
        _one("configurations", "configId", _configs_scope),
    ),
    ("DELETE", "/service/tickets/{id}/configurations/{configId}", _config_remove),
    *_collection_routes("/schedule/types", "scheduleTypes"),
    *_collection_routes("/schedule/entries", "scheduleEntries"),
    ("POST", "/schedule/entries", _entry_create),
    ("PATCH", "/schedule/entries/{id}", _entry_patch),
    ("DELETE", "/schedule/entries/{id}", _entry_delete),
]

ROUTES = [
    Route(method, pattern, _compile(pattern), handler) for method, pattern, handler in ROUTE_TABLE
]


def match_route(method: str, path: str) -> tuple[Route | None, dict[str, int], list[str]]:
    """The route for (method, path), its ids, and the methods the path allows."""
    allowed: list[str] = []
    for route in ROUTES:
        found = route.regex.match(path)
        if not found:
            continue
        if route.method == method:
            return route, {k: int(v) for k, v in found.groupdict().items()}, []
        allowed.append(route.method)
    return None, {}, allowed
