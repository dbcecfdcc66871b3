"""Reads of ResolutionAssist. A session belongs to one engineer: every read is scoped to the
requesting user within their account, so another user's session is simply not found."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse

from resolutionflow.models import Account

from .models import ChatMessage, ChatSession, SuggestedAction


def session_list(
    *, account: Account, user: Any, closed: bool | None = None
) -> QuerySet[ChatSession]:
    """The user's sessions, most recently active first, with their open TaskLane count;
    only the open (`closed=False`) or closed (`closed=True`) ones when asked."""
    sessions = ChatSession.objects.filter(account=account, user=user)
    if closed is not None:
        sessions = sessions.filter(closed_at__isnull=not closed)
    # Ordered here, not by Meta.ordering: with the aggregate, PostgreSQL otherwise returns the
    # grouped rows in whatever order the plan gives.
    return sessions.annotate(
        open_actions=Count("actions", filter=Q(actions__status=SuggestedAction.Status.OPEN))
    ).order_by("-updated_at", "-id")


def session_active_list(*, account: Account, user: Any, limit: int = 5) -> list[ChatSession]:
    """The user's open sessions, most recent activity first (a message, a reply or a link moves a
    session's `updated_at`), each with `last_message_at` (None before the first message).
    Reads only what the session cached about its ticket: no PSA call."""
    sessions = ChatSession.objects.filter(account=account, user=user, closed_at__isnull=True)
    return list(
        sessions.annotate(last_message_at=Max("messages__created_at")).order_by(
            "-updated_at", "-id"
        )[:limit]
    )


def session_get(*, account: Account, user: Any, session_id: int) -> ChatSession:
    """Raises ChatSession.DoesNotExist for a session that is not this user's."""
    return ChatSession.objects.select_related("account").get(
        pk=session_id, account=account, user=user
    )


def message_list(*, session: ChatSession, with_actions: bool = False) -> list[ChatMessage]:
    messages = session.messages.all()
    if with_actions:
        messages = messages.prefetch_related("actions")
    return list(messages)


def message_get(*, session: ChatSession, message_id: int) -> ChatMessage:
    """Raises ChatMessage.DoesNotExist for a message of another session."""
    return session.messages.get(pk=message_id)


def message_get_for_user(*, account: Account, user: Any, message_id: int) -> ChatMessage:
    """A message of one of the user's sessions, with its session and suggested actions.
    Raises ChatMessage.DoesNotExist for a message of another user's session."""
    return (
        ChatMessage.objects.select_related("session")
        .prefetch_related("actions")
        .get(pk=message_id, session__account=account, session__user=user)
    )


def action_get(*, account: Account, user: Any, action_id: int) -> SuggestedAction:
    """Raises SuggestedAction.DoesNotExist for an action of another user's session."""
    return SuggestedAction.objects.select_related("session").get(
        pk=action_id, session__account=account, session__user=user
    )


def tasklane(*, session: ChatSession) -> dict[str, list[SuggestedAction]]:
    actions = list(session.actions.all())
    return {
        "open": [a for a in actions if a.status == SuggestedAction.Status.OPEN],
        "done": [a for a in actions if a.status == SuggestedAction.Status.DONE],
    }


def new_ticket_url(*, session: ChatSession, action: SuggestedAction | None = None) -> str:
    """The New Ticket modal for this session.

    From a TaskLane action: Quick Create with the action's description as the prompt (the
    engineer still runs the AI parse and reviews), and `origin` so the create finds its action.
    From the header: the Full Form. Either way the linked ticket's company and board pre-fill;
    without a linked ticket nothing does.
    """
    params: dict[str, Any] = {"tab": "quick" if action else "full"}
    if action is not None:
        params["prompt"] = action.description
    if session.linked_company_id:
        params["company_id"] = session.linked_company_id
    if session.linked_board_id:
        params["board_id"] = session.linked_board_id
    if action is not None:
        params["origin"] = action.origin
    return f"{reverse('tickets:new')}?{urlencode(params)}"
