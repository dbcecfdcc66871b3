"""`{% active_sessions %}`: the dashboard's Active sessions card, rendered by the assistant.

The dashboard page belongs to `tickets`, which may not import the assistant (apps import in one
direction: assistant → tickets → psa → resolutionflow); the page names this card and the
assistant fills it, as the template layer composes any page from its apps' parts."""

from __future__ import annotations

from typing import Any

from django import template

from resolutionflow.tenancy import account_of

from ..selectors import session_active_list

register = template.Library()


@register.inclusion_tag("assistant/active_sessions.html", takes_context=True)
def active_sessions(context: template.Context, limit: int = 5) -> dict[str, Any]:
    request = context["request"]
    return {
        "sessions": session_active_list(
            account=account_of(request), user=request.user, limit=limit
        ),
        "csrf_token": context.get("csrf_token"),
    }
