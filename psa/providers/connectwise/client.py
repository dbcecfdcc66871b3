"""HTTP to ConnectWise Manage REST API 3.0 — and nothing else.

One pooled `requests.Session` per client and one request funnel (`_request`) that every call goes
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
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from requests.utils import parse_header_links

from psa.providers.base import (
    PSAAuthError,
    PSAError,
    PSANotConfigured,
    PSANotFound,
    PSAPermissionError,
    PSARateLimited,
    PSAResponseError,
    PSAServerError,
    PSATimeout,
    PSAUnavailable,
    PSAValidationError,
)
from psa.providers.connectwise.transport import CheckedAddressAdapter
from psa.security import EgressRefused
from resolutionflow import deadline

logger = logging.getLogger("psa.connectwise")

MAX_PAGE_SIZE = 1000
# Answers worth asking again, but only for GETs: ConnectWise answers a SQL timeout with 500 and a
# busy gateway with 502/503/504, and repeating a read cannot change anything. A write that got one
# of these may still have been applied, so POST/PATCH/DELETE are never repeated on them.
RETRY_STATUSES = frozenset({500, 502, 503, 504})
POOL_SIZE = 10
# Below this much time left in the request's budget a call is not worth starting.
MIN_CALL_SECONDS = 0.05

# ConnectWise field names (first path segment) -> the names our forms and API use.
FIELD_NAMES = {
    "company": "company_id",
    "board": "board_id",
    "status": "status_id",
    "priority": "priority_id",
    "contact": "contact_id",
    "member": "member_id",
    "summary": "summary",
    "initialDescription": "description",
    "objectId": "ticket_id",
    "text": "text",
}

Params = Mapping[str, str | int | bool | None]
Sleep = Callable[[float], None]


class Cooldown(Protocol):
    """Shared memory of a tenant's 429s, so every web node backs off, not just the one that hit it."""

    def remaining(self) -> float: ...

    def start(self, seconds: float) -> None: ...


@dataclass(frozen=True, slots=True)
class ConnectWiseConfig:
    """How to reach one ConnectWise tenant. `site_url` may omit the scheme (https is assumed)."""

    site_url: str
    company_id: str
    public_key: str
    private_key: str = field(repr=False)
    client_id: str
    codebase: str = "v4_6_release/"
    api_version: str = "2025.8"
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_retries: int = 2
    retry_after_cap: float = 10.0

    @property
    def site_root(self) -> str:
        """`scheme://host[:port]` of the site, without a trailing slash."""
        raw = self.site_url.strip()
        if "://" not in raw:
            raw = f"https://{raw}"
        parts = urlsplit(raw)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def codebase_path(self) -> str:
        """The codebase as a path segment with one trailing slash (`v4_6_release/`)."""
        cb = self.codebase.strip("/")
        return f"{cb}/" if cb else ""

    @property
    def api_root(self) -> str:
        return f"{self.site_root}/{self.codebase_path}apis/3.0"


@dataclass(frozen=True, slots=True)
class ConnectWiseResponse:
    status: int
    data: Any
    headers: Mapping[str, str]


_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


def route_template(path: str) -> str:
    """`/service/tickets/123/notes` -> `/service/tickets/{id}/notes` (for logs and metrics)."""
    return _ID_SEGMENT.sub("/{id}", path)


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


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
        self._sleep = sleep
        self._jitter = jitter
        self._backoff_base = backoff_base
        self.session = session or requests.Session()
        # Every connection goes to an address checked at connect time (SSRF, DNS rebinding), and
        # nothing from the environment steers it: no proxy (it would resolve past our check),
        # no ~/.netrc (it would replace our credentials).
        self.session.trust_env = False
        adapter = CheckedAddressAdapter(pool_connections=2, pool_maxsize=POOL_SIZE, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self._config_problem = _config_problem(config)
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
        return self._request("GET", path, params=params, idempotent=True).data

    def get_all(
        self, path: str, params: Params | None = None, *, max_pages: int = 20
    ) -> list[dict[str, Any]]:
        """Every record of a list endpoint, following pages (pageSize 1000) up to `max_pages`."""
        base = {k: v for k, v in (params or {}).items() if k not in ("page", "pageSize")}
        items: list[dict[str, Any]] = []
        for page in range(1, max_pages + 1):
            resp = self._request(
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
        data = self._request("GET", path, params=params, idempotent=True).data
        if not isinstance(data, dict) or not isinstance(data.get("count"), int):
            raise PSAResponseError(
                "ConnectWise sent a count we could not read.", detail=repr(data)[:300]
            )
        return int(data["count"])

    def post(self, path: str, json: Any, params: Params | None = None) -> Any:
        """Never retried: a repeated POST could create a duplicate."""
        return self._request("POST", path, params=params, json=json, idempotent=False).data

    def patch(self, path: str, json: Any, *, idempotent: bool = True) -> Any:
        """ConnectWise PATCH is a list of `replace` operations, which is safe to repeat."""
        return self._request("PATCH", path, json=json, idempotent=idempotent).data

    def delete(self, path: str) -> None:
        self._request("DELETE", path, idempotent=True)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        idempotent: bool,
    ) -> ConnectWiseResponse:
        """The funnel itself, for callers that need the status or headers (e.g. `Link`)."""
        return self._request(method, path, params=params, json=json, idempotent=idempotent)

    def close(self) -> None:
        self.session.close()

    # --- the funnel -----------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        idempotent: bool,
    ) -> ConnectWiseResponse:
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
                timeout = self._timeout(method, route)
            except PSAUnavailable:
                # The budget ran out while backing off: the engineer should read what actually
                # went wrong (a 500, a timeout), not that we stopped waiting.
                if failed is not None:
                    raise failed from None
                raise
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
            except requests.Timeout as exc:
                self._log(method, route, "timeout", started, attempt, logging.WARNING)
                limit = timeout[0] if isinstance(exc, requests.ConnectTimeout) else timeout[1]
                # A timeout cut by the request's deadline is a fraction: say it as a person would.
                shown = f"{limit:.0f}" if limit >= 1.5 else f"{limit:.1f}"
                failed = PSATimeout(
                    f"ConnectWise did not answer within {shown} seconds. Try again in a moment.",
                    detail=str(exc),
                )
                if not last and self._backoff(attempt):
                    continue
                raise failed from exc
            except requests.RequestException as exc:
                self._log(method, route, "error", started, attempt, logging.WARNING)
                failed = PSAUnavailable(
                    f"ConnectWise did not answer: could not connect to {self.config.site_root}.",
                    detail=str(exc),
                )
                if not last and self._backoff(attempt):
                    continue
                raise failed from exc

            status = response.status_code
            level = logging.INFO if status < 400 else logging.WARNING
            self._log(method, route, status, started, attempt, level)

            if status == 429:
                retry_after = _parse_retry_after(response.headers.get("Retry-After"))
                if not last and (retry_after is None or retry_after <= self.config.retry_after_cap):
                    failed = self._rate_limited(response, retry_after)
                    if retry_after is None:
                        if self._backoff(attempt):
                            continue
                    elif self._may_wait(retry_after):
                        self._sleep(retry_after)
                        continue
                if self._cooldown is not None and retry_after:
                    self._cooldown.start(retry_after)
                raise self._rate_limited(response, retry_after)
            if status in RETRY_STATUSES and method == "GET" and not last:
                failed = self._error(response, method, route)
                if self._backoff(attempt):
                    continue
            if 300 <= status < 400:
                raise self._redirected(response)
            if status >= 400:
                raise self._error(response, method, route)
            return ConnectWiseResponse(status, self._json(response, route), response.headers)

        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises

    # --- helpers --------------------------------------------------------------------------------

    def _timeout(self, method: str, route: str) -> tuple[float, float]:
        """(connect, read) timeouts, cut to what is left of the request's deadline."""
        connect, read = self.config.connect_timeout, self.config.read_timeout
        left = deadline.remaining()
        if left is None:
            return connect, read
        if left < MIN_CALL_SECONDS:
            logger.warning(
                "cw %s %s -> not sent: the request's time budget is spent", method, route
            )
            raise PSATimeout(
                "ConnectWise is answering too slowly: this page stopped waiting for it. "
                "Try again in a moment.",
                detail="request deadline reached",
            )
        return min(connect, left), min(read, left)

    def _may_wait(self, seconds: float) -> bool:
        """Whether waiting `seconds` still leaves time for another attempt within the deadline."""
        left = deadline.remaining()
        return left is None or seconds + MIN_CALL_SECONDS < left

    def _backoff(self, attempt: int) -> bool:
        """Exponential backoff with jitter (x0.5-1.5), so retrying nodes do not call in step.

        False (and no sleep) when the request's deadline leaves no room for another attempt.
        """
        delay = self._backoff_base * (2 ** (attempt - 1)) * (0.5 + self._jitter())
        delay = min(delay, self.config.retry_after_cap)
        if not self._may_wait(delay):
            return False
        self._sleep(delay)
        return True

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

    @staticmethod
    def _json(response: requests.Response, route: str) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise PSAResponseError(
                f"ConnectWise sent a response we could not read (not JSON) for {route}.",
                detail=response.text[:300],
            ) from exc

    def _rate_limited(self, response: requests.Response, retry_after: float | None) -> PSAError:
        cw_message = _error_body(response)[0]
        wait = f" Try again in {retry_after:.0f} seconds." if retry_after is not None else ""
        return PSARateLimited(
            f"ConnectWise is limiting how fast we can call it.{wait}",
            retry_after=retry_after,
            detail=cw_message,
        )

    def _redirected(self, response: requests.Response) -> PSAError:
        """A redirect is an error; where it pointed stays in our logs (`detail`), never in a
        message: whatever answered may not be ConnectWise, and its words (or an internal
        address it names) must not travel back to the admin who typed the site."""
        location = (response.headers.get("Location") or "").strip()
        return PSAResponseError(
            f"The site answered with a redirect (HTTP {response.status_code}); ResolutionFlow "
            "never follows redirects. Check the site address of the connection.",
            detail=f"HTTP {response.status_code} Location: {location[:500]}",
        )

    def _error(self, response: requests.Response, method: str, route: str) -> PSAError:
        status = response.status_code
        cw_message, errors = _error_body(response)
        suffix = f" ConnectWise said: {cw_message}" if cw_message else ""
        # For our logs only (PSAError.detail is never shown): what answered, when not ConnectWise.
        detail = cw_message or (response.text or "").strip()[:200]
        if status == 401:
            return PSAAuthError(
                "ConnectWise refused the API credentials. Check the company id, public key and "
                "private key of the PSA connection." + suffix,
                detail=detail,
            )
        if status == 403:
            return PSAPermissionError(
                "ConnectWise denied access. Either the API member's security role lacks permission "
                "for this request, or the clientId header is missing or not registered." + suffix,
                detail=detail,
            )
        if status == 404:
            return PSANotFound(f"ConnectWise has no record at {route}." + suffix, detail=detail)
        if status in (400, 409, 422):
            fields = _field_errors(errors)
            messages = "; ".join(
                str(e.get("message")) for e in errors if isinstance(e, dict) and e.get("message")
            )
            text = messages or cw_message or f"HTTP {status}"
            return PSAValidationError(
                f"ConnectWise rejected the request: {text}", fields=fields, detail=detail
            )
        if status >= 500:
            # It answered: an error on its side (a database timeout is a 500), not an outage.
            return PSAServerError(
                f"ConnectWise answered with an error (HTTP {status}). Try again in a moment."
                + suffix,
                detail=detail,
            )
        return PSAResponseError(
            f"ConnectWise answered {method} {route} with an unexpected HTTP {status}." + suffix,
            detail=detail,
        )


def _config_problem(config: ConnectWiseConfig) -> str:
    """Why these settings can never work (checked before any call), or ""."""
    parts = urlsplit(config.site_root)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{config.site_url!r} is not a web address such as https://na.myconnectwise.net."
    for label, value in (
        ("company id", config.company_id),
        ("public key", config.public_key),
        ("private key", config.private_key),
        ("clientId", config.client_id),
    ):
        if not value.isascii() or any(ch in value for ch in "\r\n"):
            return f"the {label} contains characters ConnectWise cannot accept."
    return ""


def _error_body(response: requests.Response) -> tuple[str, list[Any]]:
    """(message, errors) from a ConnectWise error body; tolerant of HTML and empty bodies.

    Only ConnectWise's own JSON error is ever quoted: `{"code": "<Name>", "message": "…"}`
    (plus `errors` for validation). A body of any other shape is not ConnectWise speaking (a
    proxy's page, or whatever server the site address points at), and its text must never
    travel into a message an admin sees.
    """
    try:
        body = response.json()
    except ValueError:
        return "", []
    if not _connectwise_shaped(body):
        return "", []
    errors = body.get("errors")
    return (
        " ".join(str(body["message"]).split())[:300],
        errors if isinstance(errors, list) else [],
    )


_CW_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{1,63}$")


def _connectwise_shaped(body: Any) -> bool:
    """ConnectWise errors carry a code that is an identifier (NotFound, InvalidObject,
    Unauthorized …) and a string message; anything else is someone else's error body."""
    return (
        isinstance(body, dict)
        and isinstance(body.get("code"), str)
        and bool(_CW_CODE.match(body["code"]))
        and isinstance(body.get("message"), str)
        and bool(body["message"].strip())
        and isinstance(body.get("errors", []), list)
    )


def _field_errors(errors: list[Any]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        if not isinstance(error, dict):
            continue
        raw = error.get("field")
        message = str(error.get("message") or error.get("code") or "Invalid value.")
        if not raw:
            continue
        head = re.split(r"[/.]", str(raw), maxsplit=1)[0]
        name = FIELD_NAMES.get(head, head)
        fields.setdefault(name, []).append(message)
    return fields


def _require_list(data: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise PSAResponseError(
            f"ConnectWise sent something other than a list for {route_template(path)}.",
            detail=repr(data)[:300],
        )
    return data
