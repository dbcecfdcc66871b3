"""Sign-in throttling that protects a username without handing anyone a kill switch.

Three counters, each with its own limit, so no single one can lock out people who did nothing:

* **username + address** (django-axes, `AXES_FAILURE_LIMIT`): the usual typo lock. A colleague
  mistyping behind the office's one NAT address locks only themselves; someone trying unknown
  usernames from one address locks only those usernames.
* **username, from anywhere** (here): after `SIGNIN_USERNAME_DELAY_AFTER` failures the next
  attempt must wait a growing delay (1 s, 2 s, 4 s … up to `SIGNIN_USERNAME_DELAY_MAX`), and at
  `SIGNIN_USERNAME_LOCK_AFTER` the username is locked until its window ends. A guess spread over
  many addresses is slowed and then stopped.
* **address, for every username** (here): locked only at `SIGNIN_ADDRESS_LOCK_AFTER` failures in
  a window, a count no office reaches by mistyping.

A refused attempt is never counted (the password is not even checked), so waiting is always
enough. Counters live in the shared cache, so every worker process and node sees the same ones.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .throttling import client_address


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int


def _now() -> float:
    return time.time()


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"signin:{kind}:{digest}"


def _window_seconds() -> int:
    return max(1, int(settings.SIGNIN_WINDOW_SECONDS))


def username_delay(failures: int) -> int:
    """Seconds the next attempt at a username must wait after `failures` failures."""
    over = failures - settings.SIGNIN_USERNAME_DELAY_AFTER
    if over < 0:
        return 0
    return int(min(2**over, settings.SIGNIN_USERNAME_DELAY_MAX))


def _live(kind: str, value: str, *, now: float) -> tuple[int, float]:
    """(failures, seconds left) in the window that `value`'s first failure opened. The cache
    expires the counter too; checking the start here keeps the window exact."""
    started = cache.get(_key(f"{kind}-start", value))
    if started is None:
        return 0, 0.0
    left = float(started) + _window_seconds() - now
    if left <= 0:
        cache.delete_many([_key(kind, value), _key(f"{kind}-start", value)])
        return 0, 0.0
    return int(cache.get(_key(kind, value)) or 0), left


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def refusal_for(*, username: str | None, address: str) -> Refusal | None:
    """Why this attempt must not even be checked, or None."""
    now = _now()
    failures, left = _live("addr", address, now=now) if address else (0, 0.0)
    if failures >= settings.SIGNIN_ADDRESS_LOCK_AFTER:
        wait = max(1, math.ceil(left))
        return Refusal(
            f"Too many failed sign-ins from your network. Sign-in from it is paused for "
            f"{_minutes(wait)}.",
            wait,
        )
    if not username:
        return None
    failures, left = _live("user", username, now=now)
    if failures >= settings.SIGNIN_USERNAME_LOCK_AFTER:
        wait = max(1, math.ceil(left))
        return Refusal(
            f"Too many failed sign-ins for this username from several places. Sign-in for it "
            f"is paused for {_minutes(wait)}.",
            wait,
        )
    delay = username_delay(failures)
    if delay:
        last = float(cache.get(_key("user-last", username)) or 0)
        wait = math.ceil(last + delay - now)
        if wait > 0:
            return Refusal(
                f"Too many failed sign-ins for this username. Wait {wait} s before the next try.",
                wait,
            )
    return None


def _spend(kind: str, value: str, *, now: float) -> None:
    timeout = _window_seconds()
    _live(kind, value, now=now)  # drops a counter whose window has ended
    key = _key(kind, value)
    if cache.add(key, 0, timeout=timeout):
        cache.set(_key(f"{kind}-start", value), now, timeout=timeout)
    try:
        cache.incr(key)  # atomic on every worker (the cache is shared: see settings.CACHES)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        cache.set(_key(f"{kind}-start", value), now, timeout=timeout)


def record_failure(*, username: str | None, address: str) -> None:
    now = _now()
    if address:
        _spend("addr", address, now=now)
    if username:
        _spend("user", username, now=now)
        cache.set(_key("user-last", username), now, timeout=_window_seconds())


def forget_username(username: str) -> None:
    """The right password ends the username's slow-down (not the address count)."""
    cache.delete_many([_key(kind, username) for kind in ("user", "user-start", "user-last")])


class SignInGuardBackend:
    """Between django-axes' backend (username+address lock) and ModelBackend: refuses a
    slowed/locked username or locked address before its password is checked, and marks the
    attempts that did get checked (only those count)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, **kwargs: Any
    ) -> None:
        if request is None or not settings.AXES_ENABLED:
            return None
        refusal = refusal_for(username=username, address=client_address(request))
        if refusal is not None:
            request.signin_refusal = refusal  # type: ignore[attr-defined]
            # AxesMiddleware turns this flag into the lockout page (our `lockout_response`).
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise AxesBackendPermissionDenied(refusal.message)
        request.signin_checked = True  # type: ignore[attr-defined]
        return None

    # No get_user(): this backend never signs anyone in, so a session never names it.


@receiver(user_login_failed, dispatch_uid="rf-signin-guard-failed")
def _count_failure(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    if request is None or not getattr(request, "signin_checked", False):
        return
    record_failure(username=credentials.get("username"), address=client_address(request))


@receiver(user_logged_in, dispatch_uid="rf-signin-guard-success")
def _forget_on_success(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(request, "signin_checked", False):
        forget_username(user.get_username())


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: one page for every kind of refusal, saying which."""
    refusal: Refusal | None = getattr(request, "signin_refusal", None)
    if refusal is None:
        cool_off = get_cool_off(request)
        seconds = int(cool_off.total_seconds()) if cool_off else 0
        refusal = Refusal(
            "Too many failed sign-ins for this username from this address. Sign-in for it "
            f"from here is paused for {_minutes(seconds)}; other people are not affected.",
            seconds,
        )
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"message": refusal.message},
        status=429,
    )
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response
