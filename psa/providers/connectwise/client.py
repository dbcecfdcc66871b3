"""HTTP to ConnectWise Manage REST API 3.0 — and nothing else.

One pooled `requests.Session` per client and one request funnel (`request`) that every call goes
through: it authenticates, pins the API version, applies timeouts, retries what is safe to retry,
logs, and turns every failure into a `PSAError` subclass. No `requests` exception escapes.

Facts about ConnectWise this module relies on:

* URL: `{site}/{codebase}apis/3.0/...`; codebase is `v4_6_release/` on cloud sites.
* Auth: HTTP Basic with user `companyId+publicKey` and password `privateKey`, plus a `clientId`
  header (a GUID registered on developer.connectwise.com) on every call; without it ConnectWise
  answers 403 (or 400 mentioning `clientId`).
* `Accept: application/vnd.connectwise.com+json; version=2025.8` pins the response shapes.
* Errors: `{"code", "message", "errors": [{"code", "message", "field"}]}`.
* Paging: `page`/`pageSize` (max 1000) with a `Link` header (`rel="next"`), `/count` → `{"count": N}`.
* 429 carries `Retry-After`.

The settings live in `config`; what each failure becomes (and its wording) in `errors`.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.utils import parse_header_links

from psa.providers.base import (
    PSAError,
    PSANotConfigured,
    PSARateLimited,
    PSAResponseError,
    PSAUnavailable,
)
from psa.providers.connectwise.config import ConnectWiseConfig, config_problem
from psa.providers.connectwise.errors import (
    error_for,
    json_body,
    no_answer,
    rate_limited,
    redirected,
)
from psa.providers.retry import Cooldown, Pacing, Sleep, parse_retry_after
from psa.providers.transport import CheckedAddressAdapter
from psa.security import EgressRefused

logger = logging.getLogger("psa.connectwise")

MAX_PAGE_SIZE = 1000
# Answers worth asking again, but only for GETs: ConnectWise answers a SQL timeout with 500 and a
# busy gateway with 502/503/504, and repeating a read cannot change anything. A write that got one
# of these may still have been applied, so POST/PATCH/DELETE are never repeated on them.
RETRY_STATUSES = frozenset({500, 502, 503, 504})
POOL_SIZE = 10
# Below this much time left in the request's budget a call is not worth starting.

Params = Mapping[str, str | int | bool | None]


@dataclass(frozen=True, slots=True)
class ConnectWiseResponse:
    status: int
    data: Any
    headers: Mapping[str, str]


_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


def route_template(path: str) -> str:
    """`/service/tickets/123/notes` -> `/service/tickets/{id}/notes` (for logs and metrics)."""
    return _ID_SEGMENT.sub("/{id}", path)


class ConnectWiseClient:
    """A thread-safe-enough client for one tenant (the session's connection pool is shared)."""

    def __init__(
        self,
        config: ConnectWiseConfig,
        *,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        jitter: Callable[[], float] = random.random,
        backoff_base: float = 0.5,
        cooldown: Cooldown | None = None,
    ) -> None:
        self.config = config
        self._cooldown = cooldown
        self._pacing = Pacing(
            psa_name="ConnectWise",
            logger=logger,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry_after_cap=config.retry_after_cap,
            sleep=sleep,
            jitter=jitter,
            backoff_base=backoff_base,
        )
        self.session = session or requests.Session()
        # Every connection goes to an address checked at connect time (SSRF, DNS rebinding), and
        # nothing from the environment steers it: no proxy (it would resolve past our check),
        # no ~/.netrc (it would replace our credentials).
        self.session.trust_env = False
        adapter = CheckedAddressAdapter(pool_connections=2, pool_maxsize=POOL_SIZE, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self._config_problem = config_problem(config)
        self.session.auth = (f"{config.company_id}+{config.public_key}", config.private_key)
        self.session.headers.update(
            {
                "clientId": config.client_id,
                "Accept": f"application/vnd.connectwise.com+json; version={config.api_version}",
                "User-Agent": "ResolutionFlow (psa.connectwise)",
            }
        )

    # --- public calls ---------------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None) -> Any:
        return self.request("GET", path, params=params, idempotent=True).data

    def get_all(
        self, path: str, params: Params | None = None, *, max_pages: int = 20
    ) -> list[dict[str, Any]]:
        """Every record of a list endpoint, following pages (pageSize 1000) up to `max_pages`."""
        base = {k: v for k, v in (params or {}).items() if k not in ("page", "pageSize")}
        items: list[dict[str, Any]] = []
        for page in range(1, max_pages + 1):
            resp = self.request(
                "GET",
                path,
                params={**base, "page": page, "pageSize": MAX_PAGE_SIZE},
                idempotent=True,
            )
            batch = _require_list(resp.data, path)
            items.extend(batch)
            link = resp.headers.get("Link")
            if link is not None:
                rels = {entry.get("rel") for entry in parse_header_links(link)}
                if "next" not in rels:
                    return items
            elif len(batch) < MAX_PAGE_SIZE:
                return items
            if not batch:
                return items
        logger.warning(
            "cw GET %s: stopped after %d pages of %d records",
            route_template(path),
            max_pages,
            MAX_PAGE_SIZE,
        )
        return items

    def count(self, path: str, conditions: str | None = None) -> int:
        """`GET {path}` (a `/count` route) -> the integer ConnectWise reports."""
        params = {"conditions": conditions} if conditions else None
        data = self.request("GET", path, params=params, idempotent=True).data
        if not isinstance(data, dict) or not isinstance(data.get("count"), int):
            raise PSAResponseError(
                "ConnectWise sent a count we could not read.", detail=repr(data)[:300]
            )
        return int(data["count"])

    def post(self, path: str, json: Any, params: Params | None = None) -> Any:
        """Never retried: a repeated POST could create a duplicate."""
        return self.request("POST", path, params=params, json=json, idempotent=False).data

    def patch(self, path: str, json: Any, *, idempotent: bool = True) -> Any:
        """ConnectWise PATCH is a list of `replace` operations, which is safe to repeat."""
        return self.request("PATCH", path, json=json, idempotent=idempotent).data

    def delete(self, path: str) -> None:
        self.request("DELETE", path, idempotent=True)

    def close(self) -> None:
        self.session.close()

    # --- the funnel -----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        idempotent: bool,
    ) -> ConnectWiseResponse:
        """The funnel every call goes through; callers that need the status or headers (e.g.
        `Link`) call it directly."""
        if self._config_problem:
            raise PSANotConfigured(
                f"The ConnectWise connection settings cannot be used: {self._config_problem}"
            )
        if self._cooldown is not None and (wait := self._cooldown.remaining()) > 0:
            raise PSARateLimited(
                f"ConnectWise asked us to slow down. Try again in {wait:.0f} seconds.",
                retry_after=wait,
            )
        url = f"{self.config.api_root}/{path.lstrip('/')}"
        route = route_template("/" + path.lstrip("/"))
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        attempts = 1 + (max(0, self.config.max_retries) if idempotent else 0)

        failed: PSAError | None = None  # what the attempt before this retry ran into
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                timeout = self._pacing.timeout(method, route)
            except PSAUnavailable:
                # The budget ran out while backing off: the engineer should read what actually
                # went wrong (a 500, a timeout), not that we stopped waiting.
                if failed is not None:
                    raise failed from None
                raise
            cut_short = self._pacing.cut_short(timeout)
            started = time.monotonic()
            try:
                # Redirects are never followed: a site that passed the address check could
                # otherwise send us (and, on a 307, a replayed POST) anywhere.
                response = self.session.request(
                    method,
                    url,
                    params=clean_params or None,
                    json=json,
                    timeout=timeout,
                    allow_redirects=False,
                )
            except EgressRefused as exc:
                self._log(method, route, "refused", started, attempt, logging.WARNING)
                raise PSANotConfigured(
                    f"ResolutionFlow refused to connect to {self.config.site_root}: {exc}",
                    detail=str(exc),
                ) from exc
            except (
                requests.exceptions.InvalidURL,
                requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema,
                UnicodeError,
            ) as exc:
                raise PSANotConfigured(
                    "The ConnectWise connection settings cannot be used: check the site URL, "
                    "and that the keys and clientId contain only plain ASCII characters.",
                    detail=str(exc),
                ) from exc
            except requests.RequestException as exc:
                outcome = "timeout" if isinstance(exc, requests.Timeout) else "error"
                self._log(method, route, outcome, started, attempt, logging.WARNING)
                if failed is not None and cut_short and isinstance(exc, requests.Timeout):
                    # A retry that had only the rest of the budget ran out of it: what went
                    # wrong is still what the attempt before it met (a 500), not our clock.
                    raise failed from exc
                failed = no_answer(exc, timeout=timeout, site_root=self.config.site_root)
                if not last and self._pacing.backoff(attempt):
                    continue
                raise failed from exc

            status = response.status_code
            level = logging.INFO if status < 400 else logging.WARNING
            self._log(method, route, status, started, attempt, level)

            if status == 429:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if not last and (retry_after is None or retry_after <= self.config.retry_after_cap):
                    failed = rate_limited(response, retry_after)
                    if retry_after is None:
                        if self._pacing.backoff(attempt):
                            continue
                    elif self._pacing.may_wait(retry_after):
                        self._pacing.sleep(retry_after)
                        continue
                if self._cooldown is not None and retry_after:
                    self._cooldown.start(retry_after)
                raise rate_limited(response, retry_after)
            if status in RETRY_STATUSES and method == "GET" and not last:
                failed = error_for(response, method, route)
                if self._pacing.backoff(attempt):
                    continue
            if 300 <= status < 400:
                raise redirected(response)
            if status >= 400:
                raise error_for(response, method, route)
            return ConnectWiseResponse(status, json_body(response, route), response.headers)

        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises

    # --- helpers --------------------------------------------------------------------------------

    def _log(
        self, method: str, route: str, status: int | str, started: float, attempt: int, level: int
    ) -> None:
        ms = (time.monotonic() - started) * 1000
        logger.log(
            level,
            "cw %s %s -> %s in %.0f ms (attempt %d)",
            method,
            route,
            status,
            ms,
            attempt,
            extra={
                "cw_method": method,
                "cw_route": route,
                "cw_status": status,
                "cw_duration_ms": round(ms, 1),
                "cw_attempt": attempt,
            },
        )


def _require_list(data: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise PSAResponseError(
            f"ConnectWise sent something other than a list for {route_template(path)}.",
            detail=repr(data)[:300],
        )
    return data
