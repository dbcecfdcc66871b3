"""Limits on what costs us money or lets someone guess: AI use, API calls, API token guesses.

* **Usage meters** (`usage_spend`): AI parses and assistant messages, counted per user and per
  account in a fixed window (settings `METER_LIMITS`, `METER_WINDOW_SECONDS`), so one engineer,
  a script with their token, or a whole account cannot run up the LLM bill. The JSON API answers
  429 + Retry-After through `AiParseThrottle`; the htmx UI says it in a toast (`metered`).
* **DRF throttles**: `TokenRateThrottle` (per API token, beside DRF's per-user and per-address
  ones) and `bad_token_check`/`bad_token_record`, which stop an address after repeated bad
  API tokens (see `api_tokens.ApiTokenAuthentication`).

Counters live in the shared cache: the embedded disk cache shared by every worker process of
one machine, or Redis shared by every node.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from .htmx import is_htmx, toast
from .tenancy import request_membership

METER_WORDS = {
    "ai_parse": "AI parses",
    "assistant_message": "assistant messages",
}


def client_address(request: Any) -> str:
    """The client's address for sign-in lockout: REMOTE_ADDR, or - behind `TRUSTED_PROXY_COUNT`
    reverse proxies - the address the outermost trusted proxy saw (X-Forwarded-For's entries
    to the left of it are the client's to forge)."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


class UsageLimited(Exception):
    """A usage meter is spent for this window; `retry_after` seconds until it refills."""

    def __init__(self, *, meter: str, scope: str, limit: int, retry_after: int) -> None:
        self.meter = meter
        self.scope = scope
        self.limit = limit
        self.retry_after = retry_after
        whose = "your" if scope == "user" else "your account's"
        self.message = (
            f"That is {whose} limit of {limit} {METER_WORDS.get(meter, meter)} a minute. "
            f"Try again in {retry_after} s."
        )
        super().__init__(self.message)


def _window() -> tuple[int, int]:
    """(window number, seconds until the next window starts)."""
    length = max(1, settings.METER_WINDOW_SECONDS)
    now = time.time()
    return int(now // length), max(1, math.ceil(length - now % length))


def _spend(key: str, *, timeout: int) -> int:
    # add() then incr(): atomic on Redis and on the embedded disk cache, across every worker
    # process; the key expires with its window, so nothing needs sweeping.
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def usage_spend(*, meter: str, user: Any, account: Any | None) -> None:
    """Count one use of `meter` for `user` and their `account`; raise `UsageLimited` past a limit.

    The user's budget is checked first, so one busy engineer does not use up the account's.
    """
    limits = settings.METER_LIMITS.get(meter, {})
    window, retry_after = _window()
    timeout = settings.METER_WINDOW_SECONDS + 1
    owners = [("user", getattr(user, "pk", None))]
    if account is not None:
        owners.append(("account", account.pk))
    for scope, owner_id in owners:
        limit = int(limits.get(scope, 0))
        if not limit or owner_id is None:
            continue
        count = _spend(f"meter:{meter}:{scope}:{owner_id}:{window}", timeout=timeout)
        if count > limit:
            raise UsageLimited(meter=meter, scope=scope, limit=limit, retry_after=retry_after)


def usage_limited_response(request: HttpRequest, exc: UsageLimited) -> HttpResponse:
    """The htmx UI's answer: a toast saying when to try again; nothing is swapped, so the
    prompt the engineer typed stays where it was."""
    response = HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(exc.retry_after)
    if is_htmx(request):
        response["HX-Reswap"] = "none"
        return toast(
            request,
            response,
            exc.message,
            level="warning",
            kind="rate_limited",
            retry_after=exc.retry_after,
        )
    return response


def metered(meter: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Count one use of `meter` per call of an (account-required) view before it runs."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = request_membership(request)
            try:
                usage_spend(
                    meter=meter,
                    user=request.user,
                    account=membership.account if membership else None,
                )
            except UsageLimited as exc:
                return usage_limited_response(request, exc)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _throttled(message: str, *, wait: int) -> exceptions.Throttled:
    """429 with our message as is (DRF would append its own "Expected available in…")."""
    exc = exceptions.Throttled(detail=message)
    exc.wait = wait  # the API's handler turns it into Retry-After
    return exc


class AiParseThrottle(BaseThrottle):
    """The `ai_parse` meter as a DRF throttle: 429 + Retry-After in the API's error shape."""

    meter = "ai_parse"

    def allow_request(self, request: Request, view: Any) -> bool:
        membership = request_membership(request)
        try:
            usage_spend(
                meter=self.meter,
                user=request.user,
                account=membership.account if membership else None,
            )
        except UsageLimited as exc:
            raise _throttled(exc.message, wait=exc.retry_after) from None
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """Per API token (a user's several tokens, e.g. one per script, each get their own rate)."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token_id = getattr(request.auth, "pk", None)
        if token_id is None:
            return None  # session auth: the per-user throttle covers it
        return self.cache_format % {"scope": self.scope, "ident": token_id}


class _BadTokenThrottle(SimpleRateThrottle):
    scope = "bad_token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def bad_token_check(request: Request) -> None:
    """Past `bad_token` refused tokens from this address within the rate's window, refuse
    (429 + Retry-After) before any token is even looked up: guessing gets slow."""
    throttle = _BadTokenThrottle()
    key = throttle.get_cache_key(request, None)
    now = throttle.timer()
    history = [at for at in throttle.cache.get(key, []) if at > now - throttle.duration]
    if throttle.num_requests is not None and len(history) >= throttle.num_requests:
        wait = throttle.duration - (now - history[-1]) if history else throttle.duration
        raise _throttled("Too many invalid API tokens.", wait=max(1, math.ceil(wait)))


def bad_token_record(request: Request) -> None:
    """Count one refused token against this address."""
    throttle = _BadTokenThrottle()
    key = throttle.get_cache_key(request, None)
    now = throttle.timer()
    history = [at for at in throttle.cache.get(key, []) if at > now - throttle.duration]
    history.insert(0, now)
    throttle.cache.set(key, history, throttle.duration)
