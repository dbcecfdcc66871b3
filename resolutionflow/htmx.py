"""Small helpers for talking back to htmx: toasts and events through HX-Trigger."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django_htmx.http import trigger_client_event

ToastLevel = Literal["success", "error", "info", "warning"]


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment; a history restore wants the whole page."""
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def toast(
    request: HttpRequest,
    response: HttpResponse,
    message: str,
    *,
    level: ToastLevel = "success",
    **extra: Any,
) -> HttpResponse:
    """Show a toast: through HX-Trigger for htmx, through the messages framework otherwise.

    `extra` rides along in the event (e.g. `retry_after` for a rate limit).
    """
    if is_htmx(request):
        return trigger_client_event(
            response, "toast", {"level": level, "message": message, **extra}
        )
    messages.add_message(request, getattr(messages, level.upper()), message)
    return response
