"""One time budget per request, shared by every PSA call made on its behalf.

A web request sets a deadline (`RequestDeadlineMiddleware`): `settings.PSA_REQUEST_DEADLINE`
seconds for all its PSA calls together, parallel ones and retries included, so pages,
fragments and the JSON API answer within it whatever the PSA does. The client funnel caps
each call's timeouts by what is left (`remaining`) and stops retrying when nothing is. Parallel
calls run in pool threads that copy the caller's context, so they share the same deadline rather
than each waiting its own read timeout times its retries.

It lives in the foundation because the web request owns the budget; the provider layer only
reads it (`budget` and `remaining` are plain Python and touch no Django setting).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Monotonic time by which every call on this context must have answered; None = no deadline
# (Celery tasks and management commands keep the client's own timeouts and retries).
_deadline: ContextVar[float | None] = ContextVar("psa_deadline", default=None)


def remaining() -> float | None:
    """Seconds left in the current budget (never negative), or None when there is none."""
    until = _deadline.get()
    return None if until is None else max(0.0, until - time.monotonic())


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Run the block under a deadline `seconds` from now; a tighter outer deadline still wins."""
    if seconds is None or seconds <= 0:
        yield
        return
    until = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(until if outer is None else min(outer, until))
    try:
        yield
    finally:
        _deadline.reset(token)


class RequestDeadlineMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with budget(settings.PSA_REQUEST_DEADLINE):
            return self.get_response(request)
