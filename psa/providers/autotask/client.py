"""HTTP to the Autotask REST API v1.0 — and nothing else.

One pooled `requests.Session` per client and one request funnel (`request`) that every call goes
through: it finds the tenant's zone, authenticates, applies timeouts cut to the request's
deadline (`resolutionflow.deadline`), holds one of the
three per-endpoint slots, retries what is safe to retry, logs, and turns every failure into a
`PSAError` subclass (wording in `errors`). No `requests` exception escapes.

Facts about Autotask this module relies on (README, /work/shared/autotask):

* Zone: `GET {discovery}/atservicesrest/v1.0/zoneInformation?user=<UserName>` -> `{"url": ...}`,
  the tenant's REST base; an unknown user is HTTP 500. Discovered once per client and cached;
  a 401 may mean the tenant moved zones, so the first 401 discovers once more, then fails.
* Auth: headers `UserName`, `Secret`, `ApiIntegrationCode` and `Content-Type: application/json`
  on every call; `ImpersonationResourceId` attributes a write to that resource.
* At most 3 requests in flight per endpoint per integration code (its "thread limit"): this
  process never sends a fourth, and with `SharedSlots` (what the registry builds) no node does:
  each call also holds one of three leased keys in the shared cache.
* 10,000 requests per hour per database, every integration and node together: each request sent
  is counted in the tenant's shared `HourlyBudget` (`budget`), and once our count reaches the
  threshold no more are sent this hour (Autotask would refuse them). Every `ThresholdInformation`
  answer that passes through here resets the count to Autotask's own.
* Queries are reads even when POSTed (`{Entity}/query` with the search as the body), so they are
  retried like GETs; creates and updates never are (one could have been applied).
"""

from __future__ import annotations

import logging
import math
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.core.cache import BaseCache, caches

from psa.providers.autotask.budget import HourlyBudget, budget_of
from psa.providers.autotask.config import AutotaskConfig, api_root_of, config_problem
from psa.providers.autotask.errors import (
    error_for,
    is_server_fault,
    json_body,
    no_answer,
    rate_limited,
)
from psa.providers.base import (
    CallBudget,
    PSAAuthError,
    PSAError,
    PSANotConfigured,
    PSARateLimited,
    PSAResponseError,
    PSATimeout,
    PSAUnavailable,
)
from psa.providers.retry import Cooldown, Pacing, Sleep, parse_retry_after
from psa.providers.transport import CheckedAddressAdapter
from psa.security import EgressRefused

logger = logging.getLogger("psa.autotask")

POOL_SIZE = 10
# Below this much time left in the request's budget a call is not worth starting.
Params = Mapping[str, str | int | None]

# Per (integration code, endpoint): the thread limit is the tenant's integration's, not one
# client's, so every client of this process with the same code shares the slots.
_slots: dict[tuple[str, str], threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()
_ENDPOINT = re.compile(r"/v1\.0/([^/?]+)", re.IGNORECASE)


def endpoint_slot(integration_code: str, endpoint: str, limit: int) -> threading.BoundedSemaphore:
    key = (integration_code.upper(), endpoint.lower())
    with _slots_lock:
        slot = _slots.get(key)
        if slot is None:
            slot = _slots[key] = threading.BoundedSemaphore(limit)
        return slot


class SharedSlots:
    """The thread limit across processes: slot i of (integration code, endpoint) is a key in the
    shared cache, taken with an atomic `add` and leased for longer than any call may take (a
    process that dies holding one frees it when the lease ends). Polls while all are taken.

    A cache that cannot be reached holds nothing back: this process's own limit still applies.
    """

    POLL_SECONDS = 0.02

    def __init__(self, *, cache: BaseCache | None = None, prefix: str = "psa:at-slot") -> None:
        self._cache = cache if cache is not None else caches["default"]
        self.prefix = prefix

    def acquire(
        self, code: str, endpoint: str, limit: int, *, wait: float, lease: float
    ) -> str | None:
        """The key now held ("" if the cache is down), or None after `wait` seconds."""
        token = uuid.uuid4().hex
        give_up = time.monotonic() + wait
        keys = [f"{self.prefix}:{code.upper()}:{endpoint.lower()}:{i}" for i in range(limit)]
        while True:
            for key in keys:
                try:
                    if self._cache.add(key, token, timeout=math.ceil(lease)):
                        return key
                except Exception:
                    logger.warning("at shared slots unavailable", exc_info=True)
                    return ""
            if time.monotonic() >= give_up:
                return None
            time.sleep(self.POLL_SECONDS)  # another node's call ends within a round trip

    def release(self, key: str) -> None:
        if not key:
            return
        try:
            self._cache.delete(key)
        except Exception:
            logger.warning("at shared slot %s not released (its lease will end)", key)


def _web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def endpoint_of(url: str) -> str:
    """The entity a URL counts against (`.../v1.0/Tickets/query/next?..` -> `Tickets`)."""
    match = _ENDPOINT.search(urlsplit(url).path)
    return match.group(1) if match else ""


def route_template(url: str) -> str:
    """`.../v1.0/Tickets/7001/Notes` -> `/Tickets/{id}/Notes` (for logs and metrics)."""
    path = urlsplit(url).path
    tail = path[path.lower().find("/v1.0") + 5 :] if "/v1.0" in path.lower() else path
    return re.sub(r"/\d+(?=/|$)", "/{id}", tail)


@dataclass(frozen=True, slots=True)
class AutotaskResponse:
    status: int
    data: Any


class AutotaskClient:
    """One tenant's API user. Thread-safe: the session's pool and the zone cache are shared."""

    def __init__(
        self,
        config: AutotaskConfig,
        *,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        jitter: Callable[[], float] = random.random,
        backoff_base: float = 0.5,
        cooldown: Cooldown | None = None,
        budget: HourlyBudget | None = None,
        slots: SharedSlots | None = None,
    ) -> None:
        self.config = config
        # The tenant's hourly request count, shared by every node (None: not counted, e.g. a
        # credentials check of an unsaved connection).
        self.budget = budget
        # The per-endpoint thread limit shared with every other process (None: this one only).
        self.shared_slots = slots
        # A 429's Retry-After shared by every node calling this tenant (psa.cooldown), so the
        # tenant's one hourly budget is not spent rediscovering the limit node by node.
        self._cooldown = cooldown
        self._pacing = Pacing(
            psa_name="Autotask",
            logger=logger,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry_after_cap=config.retry_after_cap,
            sleep=sleep,
            jitter=jitter,
            backoff_base=backoff_base,
        )
        self._zone_lock = threading.Lock()
        # Held through a discovery, so parallel first calls wait for one answer, not ask each.
        self._discovery_lock = threading.Lock()
        self._zone_url = config.zone_url
        self.session = session or requests.Session()
        # Connections go only to addresses checked at connect time (SSRF, DNS rebinding), and
        # nothing from the environment steers them (no proxy, no ~/.netrc).
        self.session.trust_env = False
        adapter = CheckedAddressAdapter(pool_connections=2, pool_maxsize=POOL_SIZE, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self._config_problem = config_problem(config)
        self.session.headers.update(
            {
                "UserName": config.username,
                "Secret": config.secret,
                "ApiIntegrationCode": config.integration_code,
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "ResolutionFlow (psa.autotask)",
            }
        )

    # --- the zone ---------------------------------------------------------------------------

    @property
    def known_api_root(self) -> str:
        """The REST base if already known ("" before discovery): never calls Autotask."""
        with self._zone_lock:
            return api_root_of(self._zone_url) if self._zone_url else ""

    @property
    def api_root(self) -> str:
        """The tenant's `.../atservicesrest/v1.0`, discovering the zone on first use."""
        with self._zone_lock:
            if self._zone_url:
                return api_root_of(self._zone_url)
        return api_root_of(self._discover(stale=""))

    def _discover(self, *, stale: str) -> str:
        """Ask for the zone unless another thread already replaced the API root `stale` (""
        when none was known) with another one meanwhile."""
        with self._discovery_lock:
            with self._zone_lock:
                if self._zone_url and api_root_of(self._zone_url) != stale:
                    return self._zone_url
            return self._ask_zone()

    def _ask_zone(self) -> str:
        root = self.config.discovery_root.rstrip("/")
        answer = self._send(
            "GET",
            f"{root}/atservicesrest/v1.0/zoneInformation",
            params={"user": self.config.username},
            json=None,
            headers={"Secret": None, "ApiIntegrationCode": None},  # discovery needs no secret
        )
        if is_server_fault(answer):
            raise error_for(answer, "GET", "/zoneInformation")
        if answer.status_code >= 500:
            # Autotask answers an unknown user name with a refusal (HTTP 500 [C]).
            raise PSAAuthError(
                "Autotask does not know this API user name (zone discovery found no zone). "
                "Check the user name of the PSA connection.",
                detail=(answer.text or "")[:200],
            )
        if answer.status_code != 200:
            raise error_for(answer, "GET", "/zoneInformation")
        data = json_body(answer, "/zoneInformation")
        url = data.get("url") if isinstance(data, dict) else None
        if not isinstance(url, str) or not _web_address(url):
            raise PSAResponseError(
                "Autotask's zone discovery answered without a usable REST address.",
                detail=repr(data)[:300],
            )
        with self._zone_lock:
            self._zone_url = url
        logger.info("at zone for %s: %s", self.config.username, url)
        return url

    # --- public calls -------------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None) -> Any:
        return self.request("GET", path, params=params, idempotent=True).data

    def get_url(self, url: str) -> Any:
        """A cursor URL Autotask handed out (`pageDetails.nextPageUrl`), only on the tenant's zone."""
        root = urlsplit(self.api_root)
        target = urlsplit(url)
        if (target.scheme, target.netloc) != (root.scheme, root.netloc):
            raise PSAResponseError(
                "Autotask sent a next-page address outside its own zone; not followed.",
                detail=url[:300],
            )
        return self.request("GET", url, idempotent=True).data

    def query(self, entity: str, search: Mapping[str, Any]) -> Any:
        """`POST {entity}/query`: a read (retried like one); the body keeps long `in` lists out of
        the URL."""
        return self.request("POST", f"{entity}/query", json=dict(search), idempotent=True).data

    def post(self, path: str, json: Any, *, impersonate: int | None = None) -> Any:
        """Never retried: a repeated POST could create a duplicate."""
        return self.request("POST", path, json=json, idempotent=False, impersonate=impersonate).data

    def patch(self, path: str, json: Any, *, impersonate: int | None = None) -> Any:
        """A sparse update of named fields: applying it twice changes nothing more."""
        return self.request("PATCH", path, json=json, idempotent=True, impersonate=impersonate).data

    def delete(self, path: str, *, impersonate: int | None = None) -> Any:
        return self.request("DELETE", path, idempotent=True, impersonate=impersonate).data

    def close(self) -> None:
        self.session.close()

    def call_budget(self, *, refresh: bool = False) -> CallBudget | None:
        """The tenant's hour so far. `refresh` asks Autotask (`ThresholdInformation`, one request
        of the budget) unless its count was read moments ago; may raise PSAError then."""
        if refresh and (self.budget is None or not self.budget.synced()):
            answer = budget_of(self.get("ThresholdInformation"))  # the funnel stores it
            if answer is not None:
                return answer
        return self.budget.snapshot() if self.budget is not None else None

    # --- the funnel ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        idempotent: bool,
        impersonate: int | None = None,
    ) -> AutotaskResponse:
        if self._config_problem:
            raise PSANotConfigured(
                f"The Autotask connection settings cannot be used: {self._config_problem}"
            )
        if self._cooldown is not None and (wait := self._cooldown.remaining()) > 0:
            raise PSARateLimited(
                f"Autotask asked us to slow down. Try again in {wait:.0f} seconds.",
                retry_after=wait,
            )
        absolute = path.startswith(("http://", "https://"))
        headers: dict[str, str | None] = {}
        if method != "GET":
            who = impersonate if impersonate is not None else self.config.impersonation_resource_id
            if who is not None:
                headers["ImpersonationResourceId"] = str(int(who))
        attempts = 1 + (max(0, self.config.max_retries) if idempotent else 0)
        rediscovered = bool(self.config.zone_url)  # a pinned zone is never rediscovered
        failed: PSAError | None = None
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= attempts
            root = "" if absolute else self.api_root
            url = path if absolute else f"{root}/{path.lstrip('/')}"
            route = route_template(url)
            if self.budget is not None and not self._budget_allows(url):
                limit = self.budget.limit()
                raise PSARateLimited(
                    f"This hour's Autotask API budget ({limit:,} requests) is used up; "
                    "Autotask would refuse more until the hour rolls on.",
                    retry_after=self.budget.seconds_left_in_hour(),
                    detail=f"{limit} requests this hour by our count",
                )
            try:
                response = self._send(method, url, params=params, json=json, headers=headers)
            except (PSATimeout, PSAUnavailable) as exc:
                failed = exc
                if not last and self._pacing.backoff(attempt):
                    continue
                raise
            except PSAError:
                raise
            status = response.status_code
            self._log(method, route, status, attempt)
            if status == 401 and not rediscovered and not absolute:
                # The tenant may have moved zones: ask where it lives now, once.
                rediscovered = True
                self._discover(stale=root)
                attempt -= 1
                continue
            if status == 429:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                failed = rate_limited(response, retry_after)
                if idempotent and not last:
                    # A short Retry-After is waited out; none (Autotask's thread limit says
                    # none) backs off; a long one is the caller's to honour.
                    if retry_after is None:
                        if self._pacing.backoff(attempt):
                            continue
                    elif retry_after <= self.config.retry_after_cap and self._pacing.may_wait(
                        retry_after
                    ):
                        self._pacing.sleep(retry_after)
                        continue
                if self._cooldown is not None and retry_after:
                    self._cooldown.start(retry_after)
                raise failed
            if idempotent and not last and is_server_fault(response):
                failed = error_for(response, method, route)
                if self._pacing.backoff(attempt):
                    continue
                raise failed
            if status >= 300:
                raise error_for(response, method, route)
            data = json_body(response, route)
            if self.budget is not None and endpoint_of(url).lower() == "thresholdinformation":
                self.budget.sync(data)  # Autotask's own count replaces ours
            return AutotaskResponse(status, data)
        raise AssertionError(f"unreachable {failed}")  # pragma: no cover

    def _budget_allows(self, url: str) -> bool:
        """Count this request; past our count of the threshold, ask Autotask's own count once
        (unless read moments ago) before refusing: ours is an estimate, and a read of the real
        one is always let through, so an overestimate cannot lock the tenant out."""
        assert self.budget is not None
        if self.budget.take(force=endpoint_of(url).lower() == "thresholdinformation"):
            return True
        if self.budget.synced():
            return False
        try:
            self.get("ThresholdInformation")  # the funnel stores Autotask's count
        except PSAError:
            return False
        return self.budget.take()

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Params | None,
        json: Any,
        headers: Mapping[str, str | None],
    ) -> requests.Response:
        """One HTTP exchange inside an endpoint slot, with timeouts cut to the deadline."""
        timeout = self._pacing.timeout(method, route_template(url))
        endpoint = endpoint_of(url)
        slot = (
            endpoint_slot(
                self.config.integration_code, endpoint, self.config.max_concurrent_per_endpoint
            )
            if endpoint
            else None
        )
        busy = PSATimeout(
            "Autotask is busy with three of our calls to the same kind of record; this one "
            "stopped waiting for a turn. Try again in a moment.",
            detail=f"no free slot for {endpoint}",
        )
        waited = time.monotonic()
        if slot is not None and not slot.acquire(timeout=timeout[1]):
            raise busy
        shared: str | None = ""
        if (
            slot is not None
            and self.shared_slots is not None
            and endpoint.lower() != "zoneinformation"
        ):
            shared = self.shared_slots.acquire(
                self.config.integration_code,
                endpoint,
                self.config.max_concurrent_per_endpoint,
                wait=max(0.0, timeout[1] - (time.monotonic() - waited)),
                lease=sum(timeout) + 5,
            )
            if shared is None:
                slot.release()
                raise busy
        host = urlsplit(url).netloc
        try:
            clean = {k: v for k, v in (params or {}).items() if v is not None}
            return self.session.request(
                method,
                url,
                params=clean or None,
                json=json,
                # None removes a session header for this call (discovery sends no secret).
                headers=dict(headers),  # type: ignore[arg-type]
                timeout=timeout,
                allow_redirects=False,  # a redirect could carry the secret anywhere
            )
        except EgressRefused as exc:
            raise PSANotConfigured(
                f"ResolutionFlow refused to connect to {host}: {exc}", detail=str(exc)
            ) from exc
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            UnicodeError,
        ) as exc:
            raise PSANotConfigured(
                "The Autotask connection settings cannot be used: check the zone address.",
                detail=str(exc),
            ) from exc
        except requests.RequestException as exc:
            logger.warning("at %s %s -> %s", method, route_template(url), type(exc).__name__)
            raise no_answer(exc, timeout=timeout, host=host) from exc
        finally:
            if shared and self.shared_slots is not None:
                self.shared_slots.release(shared)
            if slot is not None:
                slot.release()

    # --- helpers ------------------------------------------------------------------------------

    def _log(self, method: str, route: str, status: int, attempt: int) -> None:
        level = logging.INFO if status < 400 else logging.WARNING
        logger.log(
            level,
            "at %s %s -> %s (attempt %d)",
            method,
            route,
            status,
            attempt,
            extra={"at_method": method, "at_route": route, "at_status": status},
        )
