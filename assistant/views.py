"""ResolutionAssist pages: the session list and the chat with its TaskLane (htmx, server-rendered).

Every view looks the session up through `selectors.session_get`, which is scoped to the signed-in
user in their account: another engineer's session, message or action is a 404, whichever partial
is asked for.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from psa.htmx_errors import psa_errors
from psa.providers.base import PSAError, PSANotConfigured
from psa.selectors import capabilities_for_account
from resolutionflow.htmx import is_partial, toast
from resolutionflow.tenancy import account_of, account_required
from resolutionflow.throttling import UsageLimited, usage_spend

from . import selectors, services
from .models import ChatMessage, ChatSession, SuggestedAction
from .services import AssistantError


def with_session(view: Any) -> Any:
    """Resolve `session_id` to the user's own session, or 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, session_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            session = selectors.session_get(
                account=account_of(request), user=request.user, session_id=session_id
            )
        except ChatSession.DoesNotExist:
            raise Http404("No such session.") from None
        return view(request, session, *args, **kwargs)

    return wrapper


def _psa_name(request: HttpRequest) -> str:
    return capabilities_for_account(account=account_of(request)).name


def _link_error(exc: Exception, *, psa_name: str) -> str:
    if isinstance(exc, PSANotConfigured):
        return (
            f"{psa_name} is not connected, so no ticket can be linked. "
            "Ask an admin to connect it under Integrations."
        )
    if isinstance(exc, PSAError):
        return exc.message
    return str(getattr(exc, "message", exc))


def _lane(session: ChatSession) -> dict[str, Any]:
    lane = selectors.tasklane(session=session)
    for action in lane["open"]:
        action.ticket_url = selectors.new_ticket_url(session=session, action=action)  # type: ignore[attr-defined]
    return lane


UNSENT_KEY = "assistant:unsent:{}"
UNSENT_SAID = "Your message was not sent: the session is closed. Copy it, or start a new session."


def _chat_context(session: ChatSession, **extra: Any) -> dict[str, Any]:
    context = {
        "active_nav": "assistant",
        "session": session,
        "lane": _lane(session),
        "new_ticket_url": selectors.new_ticket_url(session=session),
        # Unsaved: what the page shows at once while a message is sent (its `<template>`).
        "optimistic_messages": (
            ChatMessage(session=session, role=ChatMessage.Role.USER),
            ChatMessage(
                session=session, role=ChatMessage.Role.ASSISTANT, state=ChatMessage.State.PENDING
            ),
        ),
    }
    context.update(extra)
    return context


# --- sessions ---------------------------------------------------------------------------------------


def _sessions_page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "active_nav": "assistant",
        "sessions": selectors.session_list(account=account_of(request), user=request.user),
        "ticket_value": request.GET.get("ticket", ""),
    }
    context.update(extra)
    return render(request, "assistant/sessions.html", context, status=status)


@require_GET
@account_required
def session_list(request: HttpRequest) -> HttpResponse:
    return _sessions_page(request)


def _ticket_typed(request: HttpRequest) -> str:
    return request.POST.get("ticket_id", "").strip().lstrip("#").strip()


def _sessions_page_refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The new-session form again, with the ticket typed and why it could not be linked."""
    return _sessions_page(
        request,
        status=400,
        ticket_value=_ticket_typed(request),
        new_error=_link_error(exc, psa_name=_psa_name(request)),
    )


@require_POST
@account_required
@psa_errors(on_error=_sessions_page_refused, said_in_place=(PSAError,))
def session_new(request: HttpRequest) -> HttpResponse:
    raw = _ticket_typed(request)
    try:
        session = services.session_create(
            account=account_of(request),
            user=request.user,
            title=request.POST.get("title", ""),
            linked_ticket_id=raw or None,  # type: ignore[arg-type]
        )
    except AssistantError as exc:
        return _sessions_page_refused(request, exc)
    return redirect("assistant:chat", session_id=session.pk)


# --- the chat --------------------------------------------------------------------------------------------


@require_GET
@account_required
@with_session
def chat(request: HttpRequest, session: ChatSession) -> HttpResponse:
    # (not `messages`: that is Django's messages framework, shown as toasts by base.html)
    chat_messages = selectors.message_list(session=session)
    extra: dict[str, Any] = {}
    unsent = request.session.pop(UNSENT_KEY.format(session.pk), "")
    if unsent and session.is_closed:
        extra = {"draft": unsent, "error": UNSENT_SAID}
    return render(
        request,
        "assistant/chat.html",
        _chat_context(session, chat_messages=chat_messages, **extra),
    )


@require_POST
@account_required
@with_session
def message_send(request: HttpRequest, session: ChatSession) -> HttpResponse:
    content = request.POST.get("content", "")
    try:
        # Every message sent asks the LLM for a reply: metered per user and per account.
        sent, reply = services.message_send(
            session=session,
            content=content,
            charge=lambda: usage_spend(
                meter="assistant_message", user=request.user, account=session.account
            ),
        )
    except (AssistantError, UsageLimited) as exc:
        # The draft survives: the composer comes back with the text and the reason.
        limited = isinstance(exc, UsageLimited)
        if not is_partial(request):
            chat_messages = selectors.message_list(session=session)
            context = _chat_context(
                session, chat_messages=chat_messages, draft=content, error=exc.message
            )
            response = render(
                request, "assistant/chat.html", context, status=429 if limited else 400
            )
        else:
            response = render(
                request,
                "assistant/chat.html#composer",
                _chat_context(session, draft=content, error=exc.message),
            )
        if isinstance(exc, UsageLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if not is_partial(request):
        return redirect("assistant:chat", session_id=session.pk)
    reply.refresh_from_db()
    context = _chat_context(
        session, new_messages=[sent, reply], lane_oob=not reply.is_pending, title_oob=True
    )
    return render(request, "assistant/chat.html#sent", context)


@require_POST
@account_required
@with_session
def session_close(request: HttpRequest, session: ChatSession) -> HttpResponse:
    """Done with it: the session stays readable, takes no new messages, leaves the dashboard.
    A message typed but not sent comes along (`draft`) and is shown on the closed page, to copy,
    never dropped without a word."""
    services.session_close(session=session)
    unsent = request.POST.get("draft", "").strip()[:8000]
    if unsent:
        request.session[UNSENT_KEY.format(session.pk)] = unsent
    return redirect("assistant:chat", session_id=session.pk)


@require_GET
@account_required
@with_session
def message_detail(request: HttpRequest, session: ChatSession, message_id: int) -> HttpResponse:
    """One message; a pending reply polls this until it is written."""
    try:
        message = selectors.message_get(session=session, message_id=message_id)
    except ChatMessage.DoesNotExist:
        raise Http404("No such message.") from None
    message = services.reply_expire_if_stale(message=message)
    context = _chat_context(session, message=message, lane_oob=not message.is_pending)
    return render(request, "assistant/chat.html#polled", context)


@require_POST
@account_required
@with_session
def message_retry(request: HttpRequest, session: ChatSession, message_id: int) -> HttpResponse:
    try:
        message = selectors.message_get(session=session, message_id=message_id)
    except ChatMessage.DoesNotExist:
        raise Http404("No such message.") from None
    try:
        message = services.reply_retry(message=message)
    except AssistantError as exc:
        response = render(
            request, "assistant/chat.html#polled", _chat_context(session, message=message)
        )
        return toast(request, response, exc.message, level="warning")
    if not is_partial(request):
        return redirect("assistant:chat", session_id=session.pk)
    context = _chat_context(session, message=message, lane_oob=not message.is_pending)
    return render(request, "assistant/chat.html#polled", context)


def _link_refused(request: HttpRequest, exc: Exception, session: ChatSession) -> HttpResponse:
    """The header's link field again, with the ticket typed and why it could not be linked."""
    context = _chat_context(
        session,
        link_value=_ticket_typed(request),
        link_error=_link_error(exc, psa_name=_psa_name(request)),
    )
    if not is_partial(request):
        context["chat_messages"] = selectors.message_list(session=session)
        return render(request, "assistant/chat.html", context, status=400)
    return render(request, "assistant/chat.html#header", context)


@require_POST
@account_required
@with_session
@psa_errors(on_error=_link_refused, said_in_place=(PSAError,))
def session_link(request: HttpRequest, session: ChatSession) -> HttpResponse:
    """Link a PSA ticket (validated and cached), or unlink with `unlink=1`."""
    ticket_id = None if request.POST.get("unlink") else _ticket_typed(request)
    try:
        session = services.session_link_ticket(session=session, ticket_id=ticket_id)  # type: ignore[arg-type]
    except AssistantError as exc:
        return _link_refused(request, exc, session)
    if not is_partial(request):
        return redirect("assistant:chat", session_id=session.pk)
    message = (
        f"Linked to #{session.linked_ticket_id}."
        if session.linked_ticket_id
        else "Ticket unlinked."
    )
    response = render(request, "assistant/chat.html#linked", _chat_context(session, lane_oob=True))
    return toast(request, response, message)


# --- TaskLane ----------------------------------------------------------------------------------------------


@require_POST
@account_required
def action_complete(request: HttpRequest, action_id: int) -> HttpResponse:
    """The spin-off ticket of this action was created (the modal's `ticketCreated` event)."""
    try:
        action = selectors.action_get(
            account=account_of(request), user=request.user, action_id=action_id
        )
    except SuggestedAction.DoesNotExist:
        raise Http404("No such action.") from None
    try:
        services.action_complete(action=action, ticket_id=request.POST.get("ticket_id"))
    except AssistantError as exc:
        response = render(request, "assistant/chat.html#tasklane", _chat_context(action.session))
        return toast(request, response, exc.message, level="error")
    if not is_partial(request):
        return redirect("assistant:chat", session_id=action.session_id)
    return render(request, "assistant/chat.html#tasklane", _chat_context(action.session))
