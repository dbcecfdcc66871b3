"""Session idle timeout: a signed-in session ends SESSION_COOKIE_AGE seconds after its last request.

Django's own way (SESSION_SAVE_EVERY_REQUEST) writes the session row on every request, fragments
and polls included. This refreshes the expiry at most once per SESSION_IDLE_REFRESH_SECONDS per
session instead: the timeout is then exact to within that interval, for one write per interval.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

REFRESHED_AT = "_rf_idle_refreshed_at"


def clock() -> float:
    return time.time()


class SessionIdleRefreshMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now = int(clock())
            if now - int(session.get(REFRESHED_AT, 0)) >= settings.SESSION_IDLE_REFRESH_SECONDS:
                # A modified session is saved with a fresh expiry and its cookie re-sent.
                session[REFRESHED_AT] = now
        return self.get_response(request)
