"""The Autotask REST API v1.0 simulator as a WSGI application.

* ``GET /atservicesrest/v1.0/zoneInformation?user=<UserName>`` - zone discovery, no credentials:
  ``{"zoneName", "url", "webUrl", "ci"}`` with ``url`` this server's ``/ATServicesRest/``; an
  unknown user is HTTP 500 [C, README "Connecting"].
* ``/ATServicesRest/V1.0/...`` - the API (paths match case-insensitively: Autotask's own
  documents spell them both ways). Every call carries ``UserName``, ``Secret`` and
  ``ApiIntegrationCode``; a missing or wrong one is 401 with an empty body [C headers, U body].
  ``ImpersonationResourceId`` attributes a write to that resource if it may be impersonated [C];
  any other value is refused even on a read [U: stricter].
* ``/_sim/config|stats|reset`` - the shared control surface (loopback only): the fault settings
  of :mod:`psa.simulator.faults` plus ``hourly_threshold``, ``concurrent_limit`` and ``zone``.
  ``{"zone": N}`` moves the tenant to zone N: its API then lives under ``/zN/ATServicesRest/``
  (zone 0: ``/ATServicesRest/``), zone discovery answers the new URL, and a call to the old zone
  is 401 with an empty body - a 401 may mean the tenant moved zones [C, README "Connecting"].
  ``/_sim/reset`` with ``{"data": true}`` moves it back to zone 0.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from psa.simulator.autotask.errors import AtError, Unauthorized, invalid
from psa.simulator.autotask.limits import DEFAULTS as LIMIT_SETTINGS
from psa.simulator.autotask.limits import LimitError, Limits
from psa.simulator.autotask.routes import Call, dispatch, endpoint_of, pattern_of
from psa.simulator.autotask.store import AtTenant, AtTenantConfig
from psa.simulator.control import control
from psa.simulator.faults import TRUNCATED_JSON, Faults
from psa.simulator.wsgi import request_body, request_headers

API_PREFIX = "/ATServicesRest/V1.0"
# `/z<N>` in front is the simulated zone N (0: none); see `zone` in the module docstring.
_API = re.compile(r"^(?:/z(?P<zone>\d+))?/atservicesrest/v1\.0(?P<rest>/.*)?$", re.IGNORECASE)
_ZONE = re.compile(r"^(?:/z\d+)?/atservicesrest/v1\.0/zoneinformation/?$", re.IGNORECASE)
_WRITES = {"POST", "PATCH", "PUT", "DELETE"}


def _root(environ: dict[str, Any]) -> str:
    host = (
        environ.get("HTTP_HOST")
        or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    )
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


class AutotaskApp:
    """One simulated Autotask database (Lakeside Managed IT unless told otherwise)."""

    def __init__(
        self,
        *,
        tenant: AtTenant | None = None,
        config: AtTenantConfig | None = None,
        faults: Faults | None = None,
        limits: Limits | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **fault_options: Any,
    ) -> None:
        self.tenant = tenant or (AtTenant(config) if config else AtTenant())
        self.faults = faults or Faults(**fault_options)
        self.limits = limits or Limits()
        self._sleep = sleep
        self._zone_number = 0

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        if path == "/_sim" or path.startswith("/_sim/"):
            answer = control(
                method=method,
                name=path.rstrip("/").removeprefix("/_sim").strip("/"),
                body=request_body(environ),
                remote_addr=environ.get("REMOTE_ADDR"),
                config=self.config,
                update=self.update,
                stats=self.faults.stats,
                reset=self.reset,
            )
            return self._send(start_response, answer.status, answer.body, {}, None)
        status, body, headers, payload = self._api(environ, method, path)
        return self._send(start_response, status, body, headers, payload)

    # ------------------------------------------------------------- control
    def config(self) -> dict[str, Any]:
        return {**self.faults.config(), **self.limits.config(), "zone": self._zone_number}

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        changes = dict(changes)
        zone = changes.pop("zone", None)
        if zone is not None and (isinstance(zone, bool) or not isinstance(zone, int) or zone < 0):
            raise ValueError("zone must be a whole number, 0 or more")
        limit_changes = {k: v for k, v in changes.items() if k in LIMIT_SETTINGS}
        settings = self.limits.check(limit_changes)  # refuses before anything changes
        self.faults.update({k: v for k, v in changes.items() if k not in LIMIT_SETTINGS})
        self.limits.apply(settings)
        if zone is not None:
            self._zone_number = zone
        return self.config()

    @property
    def zone_prefix(self) -> str:
        return f"/z{self._zone_number}" if self._zone_number else ""

    def reset(self, restore: bool) -> None:
        self.faults.reset_counters()
        self.limits.reset()
        if restore:
            self.tenant.reset()
            self._zone_number = 0

    # ------------------------------------------------------------- the API
    def _api(
        self, environ: dict[str, Any], method: str, path: str
    ) -> tuple[int, Any, dict[str, str], bytes | None]:
        api = _API.match(path)
        segments = [s for s in (api.group("rest") or "").split("/") if s] if api else []
        if _ZONE.match(path):
            key = f"{method} /zoneInformation"
        elif api:
            key = f"{method} {pattern_of(segments)}"
        else:
            key = f"{method} (unmatched)"
        self.faults.record(key)
        try:
            status, body, headers, payload = self._guarded(environ, method, path, api, segments)
        except AtError as error:
            status, body, headers, payload = error.status, error.body(), dict(error.headers), None
        self.faults.record_status(status)
        return status, body, headers, payload

    def _guarded(
        self,
        environ: dict[str, Any],
        method: str,
        path: str,
        api: re.Match[str] | None,
        segments: list[str],
    ) -> tuple[int, Any, dict[str, str], bytes | None]:
        retry_after = self.faults.admit()
        if retry_after is not None:
            raise AtError(
                429,
                ["Too many requests (simulated rate limit)."],
                headers={"Retry-After": str(retry_after)},
            )
        params = {
            k.lower(): v
            for k, v in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        }
        if _ZONE.match(path) and method == "GET":
            if self._inject():
                return 200, None, {}, TRUNCATED_JSON
            return 200, self._zone(environ, params.get("user", "")), {}, None
        if not api or not segments:
            raise AtError(404, [f"No route {path}."])
        if int(api.group("zone") or 0) != self._zone_number:
            raise Unauthorized()  # not this tenant's zone (any more)
        headers = request_headers(environ)
        self._authenticate(headers)
        impersonator, actor = self._impersonation(headers, method)
        body = request_body(environ)
        if not (headers.get("content-type") or "").lower().startswith("application/json"):
            # Every call carries Content-Type: application/json, reads included (README
            # "Connecting", [C]); a call without it is refused [U: the status, 415].
            raise AtError(415, ["Send Content-Type: application/json with every call."])
        try:
            delay = self.limits.admit()
            slot = self.limits.enter(headers.get("apiintegrationcode", ""), endpoint_of(segments))
        except LimitError as error:
            raise AtError(429, [str(error)]) from None
        try:
            if delay:
                self._sleep(delay)
            # Injected latency and faults happen inside the request's concurrency slot, as a
            # slow answer from Autotask would hold it.
            if self._inject():
                return 200, None, {}, TRUNCATED_JSON
            call = Call(
                method=method,
                segments=segments,
                params=params,
                body=body,
                api_root=_root(environ) + self.zone_prefix + API_PREFIX,
                tenant=self.tenant,
                actor=actor,
                impersonator=impersonator,
            )
            with self.tenant.lock:
                status, answer = dispatch(call)
                if endpoint_of(segments) == "ThresholdInformation":
                    answer = self.limits.threshold_information()
                payload = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
            return status, None, {}, payload
        finally:
            self.limits.leave(slot)

    def _inject(self) -> bool:
        """Injected latency, hangs and faults; True when the answer is to be cut-off JSON."""
        self.faults.wait()
        fault = self.faults.injected()
        if fault == "fail":
            raise invalid("An unexpected error has occurred (simulated fault).")
        if fault == "unauthorized":
            raise Unauthorized()
        return fault == "bad_json"

    def _zone(self, environ: dict[str, Any], user: str) -> dict[str, Any]:
        if not user or self.tenant.user(user) is None:
            raise invalid("Zone information could not be determined for the user.")
        root = _root(environ)
        info = self.tenant.info
        return {
            "zoneName": info["zoneName"],
            "url": f"{root}{self.zone_prefix}/ATServicesRest/",
            "webUrl": f"{root}/Autotask/",
            "ci": info["ci"],
        }

    def _authenticate(self, headers: dict[str, str]) -> None:
        user = self.tenant.user(headers.get("username", ""))
        if (
            user is None
            or headers.get("secret") != user.secret
            or headers.get("apiintegrationcode") != user.integration_code
        ):
            raise Unauthorized()

    def _impersonation(self, headers: dict[str, str], method: str) -> tuple[int | None, int]:
        """(impersonator, actor): the API user's resource acts unless a write impersonates."""
        api_resource = self.tenant.api_resource_id
        raw = headers.get("impersonationresourceid")
        if raw is None:
            return None, api_resource
        if not raw.strip().isdigit() or not self.tenant.may_impersonate(int(raw)):
            raise invalid("The resource in ImpersonationResourceId may not be impersonated.")
        if method not in _WRITES:
            return None, api_resource
        return api_resource, int(raw)

    def _send(
        self,
        start_response: Callable[..., Any],
        status: int,
        body: Any,
        headers: dict[str, str],
        payload: bytes | None,
    ) -> list[bytes]:
        if payload is None:
            payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        out = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(payload))),
        ]
        out.extend(headers.items())
        start_response(f"{status} {HTTPStatus(status).phrase}", out)
        return [payload]
