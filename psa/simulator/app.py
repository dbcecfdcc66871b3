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

The routes and their handlers are in ``routes``; the request and response types in ``messages``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, quote

from psa.simulator.control import control
from psa.simulator.errors import ApiError, not_found
from psa.simulator.faults import TRUNCATED_JSON, Faults
from psa.simulator.messages import Request, Response
from psa.simulator.routes import Route, match_route
from psa.simulator.schema import check_request, schema_for
from psa.simulator.store import TenantRegistry, TenantStore
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
