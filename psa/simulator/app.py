"""The simulator as a plain WSGI application.

``/{codebase}/apis/3.0/...`` (``v4_6_release`` or any other codebase) serves the ConnectWise
Manage REST API 3.0 for every tenant in the registry; ``/login/companyinfo/{companyId}`` answers
without credentials; ``/_sim/...`` is the control surface (no auth, no faults, not counted;
loopback clients only, see ``control.py``):

* ``GET|POST /_sim/config`` - read or change the fault settings (JSON with any of latency_ms,
  jitter_ms, fail_rate, rate_limit, hang_rate, hang_seconds, bad_json_rate, auth_fail_rate);
  answers the effective settings;
* ``GET /_sim/stats`` - ``{"total", "routes": {"GET /service/tickets/{id}": n}, "statuses"}``;
* ``POST /_sim/reset`` - clear counters and the rate-limit window; ``{"data": true}`` also
  restores every tenant's data.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from psa.simulator import all_notes, note_removal, writes
from psa.simulator.control import control
from psa.simulator.errors import ApiError, not_found
from psa.simulator.faults import TRUNCATED_JSON, Faults
from psa.simulator.query import list_query, projector, run_count, run_list
from psa.simulator.schema import RouteSchema, check_request, schema_for
from psa.simulator.store import COLLECTIONS, TenantRegistry, TenantStore
from psa.simulator.wsgi import request_body, request_headers

JSON_TYPE = "application/json; charset=utf-8"
_API_PATH = re.compile(r"^/(?P<codebase>[A-Za-z0-9_.\-]+)/apis/3\.0(?P<rest>/.*)?$")
_COMPANYINFO_PATH = re.compile(r"^/login/companyinfo/(?P<company>[^/]+)/?$", re.IGNORECASE)

_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: bytes
    base_url: str
    remote_addr: str | None = None
    ids: dict[str, int] = field(default_factory=dict)
    store: TenantStore | None = None
    schema: RouteSchema | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        if not self.body.strip():
            raise ApiError(400, "BadRequest", "The request body is empty; send a JSON object.")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(
                400, "BadRequest", f"The request body is not valid JSON: {error}"
            ) from None

    @property
    def tenant(self) -> TenantStore:
        assert self.store is not None
        return self.store

    @property
    def route_schema(self) -> RouteSchema:
        """The route's schema (every route that lists, counts or reads records has one)."""
        assert self.schema is not None, "no schema.json entity for this route"
        return self.schema


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    payload: bytes | None = None

    def serialise(self) -> bytes:
        if self.payload is None:
            if self.status == 204 or self.body is None:
                self.payload = b""
            else:
                text = json.dumps(self.body, ensure_ascii=False, separators=(",", ":"))
                self.payload = text.encode("utf-8")
        return self.payload


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


# --------------------------------------------------------------------------- the WSGI app


def _base_url(environ: dict[str, Any]) -> str:
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ.get("SERVER_NAME", "localhost")
        port = str(environ.get("SERVER_PORT", ""))
        if port and port not in ("80", "443"):
            host = f"{host}:{port}"
    path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    return f"{scheme}://{host}{path}"


def _params(raw_query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        params.setdefault(name.lower(), value)
    return params


class SimulatorApp:
    """A ConnectWise Manage REST API 3.0 simulator for every tenant of ``registry``."""

    def __init__(
        self,
        *,
        registry: TenantRegistry | None = None,
        faults: Faults | None = None,
        **fault_options: Any,
    ) -> None:
        self.registry = registry or TenantRegistry()
        self.faults = faults or Faults(**fault_options)
        if faults is not None and fault_options:
            self.faults.update(fault_options)

    # ------------------------------------------------------------- WSGI entry
    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        raw_query = environ.get("QUERY_STRING", "")
        request = Request(
            method=method,
            path=path,
            params=_params(raw_query),
            raw_query=raw_query,
            headers=request_headers(environ),
            body=request_body(environ),
            base_url=_base_url(environ),
            remote_addr=environ.get("REMOTE_ADDR"),
        )
        if path.startswith("/_sim/") or path == "/_sim":
            response = self._control(request)
        else:
            response = self._api(request)
        return self._send(response, start_response, head=(method == "HEAD"))

    def _send(
        self, response: Response, start_response: Callable[..., Any], *, head: bool
    ) -> list[bytes]:
        payload = response.serialise()
        headers = [("Content-Type", JSON_TYPE), ("Content-Length", str(len(payload)))]
        headers.extend(response.headers.items())
        reason = _REASONS.get(response.status, "Unknown")
        start_response(f"{response.status} {reason}", headers)
        return [] if head else [payload]

    # ------------------------------------------------------------- control surface
    def _control(self, request: Request) -> Response:
        name = request.path.rstrip("/").removeprefix("/_sim").strip("/")

        def reset(restore: bool) -> None:
            self.faults.reset_counters()
            if restore:
                self.registry.reset_data()

        answer = control(
            method=request.method,
            name=name,
            body=request.body,
            remote_addr=request.remote_addr,
            config=self.faults.config,
            update=self.faults.update,
            stats=self.faults.stats,
            reset=reset,
        )
        return Response(answer.status, answer.body)

    # ------------------------------------------------------------- the API
    def _api(self, request: Request) -> Response:
        info = _COMPANYINFO_PATH.match(request.path)
        api = _API_PATH.match(request.path)
        route: Route | None = None
        allowed: list[str] = []
        if info:
            route_key = f"{request.method} /login/companyinfo/{{companyId}}"
        elif api:
            rest = api.group("rest") or "/"
            route, request.ids, allowed = match_route(request.method, rest)
            route_key = route.key if route else f"{request.method} (unmatched)"
        else:
            route_key = f"{request.method} (unmatched)"
        self.faults.record(route_key)
        response = self._guarded(request, info, api, route, allowed)
        self.faults.record_status(response.status)
        return response

    def _guarded(
        self,
        request: Request,
        info: re.Match[str] | None,
        api: re.Match[str] | None,
        route: Route | None,
        allowed: list[str],
    ) -> Response:
        try:
            retry_after = self.faults.admit()
            if retry_after is not None:
                limit = self.faults.config()["rate_limit"]
                raise ApiError(
                    429,
                    "TooManyRequests",
                    f"Request limit of {limit} requests per minute exceeded. "
                    f"Retry after {retry_after} seconds.",
                    headers={"Retry-After": str(retry_after)},
                )
            self.faults.wait()
            fault = self.faults.injected()
            if fault == "fail":
                raise ApiError(
                    500, "UnexpectedError", "An unexpected error has occurred (simulated fault)."
                )
            if fault == "unauthorized":
                raise ApiError(401, "Unauthorized", "The API keys were refused (simulated fault).")
            if fault == "bad_json":
                return Response(200, payload=TRUNCATED_JSON)
            if info:
                return self._companyinfo(request, info.group("company"))
            if not api:
                raise not_found(f"The resource {request.path} was not found.")
            store = self._authenticate(request)
            if route is None:
                if allowed:
                    raise ApiError(
                        405,
                        "MethodNotAllowed",
                        f"The method {request.method} is not allowed on {api.group('rest')}.",
                        headers={"Allow": ", ".join(sorted(set(allowed)))},
                    )
                raise not_found(f"The resource {api.group('rest') or '/'} was not found.")
            request.store = store
            request.schema = schema_for(route.pattern)
            body = request.json() if request.method in ("POST", "PATCH") else None
            check_request(request.method, request.params, body, request.schema)
            with store.lock:
                response = route.handler(request)
                # Serialise while the lock is held: writers change records in place.
                response.serialise()
            response.headers.setdefault("api-current-version", store.api_version)
            return response
        except ApiError as error:
            return Response(error.status, error.body(), dict(error.headers))

    def _companyinfo(self, request: Request, company_id: str) -> Response:
        config = self.registry.config(company_id)
        if config is None:
            raise not_found(f"Company {company_id} was not found.")
        store = self.registry.store(config.company_id)
        host = request.header("host") or "localhost"
        return Response(
            200,
            {
                "CompanyName": config.company_name,
                "Codebase": store.codebase,
                "VersionCode": f"v{store.api_version}",
                "VersionNumber": f"v4.6.{store.api_version}",
                "CompanyID": config.company_id,
                "IsCloud": True,
                "SiteUrl": host,
            },
        )

    def _authenticate(self, request: Request) -> TenantStore:
        client_id = (request.header("clientid") or "").strip()
        if not client_id:
            raise ApiError(
                403,
                "Forbidden",
                "A clientId header is required on every request. "
                "See https://developer.connectwise.com/ClientID.",
            )
        unauthorized = ApiError(
            401,
            "Unauthorized",
            "Authentication failed: use Basic auth with 'companyId+publicKey' as the user name "
            "and the private key as the password.",
        )
        authorization = request.header("authorization") or ""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "basic" or not token.strip():
            raise unauthorized
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise unauthorized from None
        user, _, private_key = decoded.partition(":")
        company_id, _, public_key = user.partition("+")
        config = self.registry.config(company_id)
        if config is None or public_key != config.public_key or private_key != config.private_key:
            raise unauthorized
        return self.registry.store(config.company_id)


def create_app(**fault_options: Any) -> SimulatorApp:
    """A simulator with both demo tenants and the given fault settings."""
    return SimulatorApp(**fault_options)
