"""Small helpers for talking back to htmx: toasts and events through HX-Trigger."""

from __future__ import annotations

from typing import Literal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django_htmx.http import trigger_client_event

ToastLevel = Literal["success", "error", "info", "warning"]


def toast(
    request: HttpRequest, response: HttpResponse, message: str, *, level: ToastLevel = "success"
) -> HttpResponse:
    """Show a toast: through HX-Trigger for htmx, through the messages framework otherwise."""
    if getattr(request, "htmx", False):
        return trigger_client_event(response, "toast", {"level": level, "message": message})
    messages.add_message(request, getattr(messages, level.upper()), message)
    return response
