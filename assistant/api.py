"""The ResolutionAssist JSON API, in the tickets API's style: one APIView per path, each parsing
input, calling the assistant's services and selectors (the ones the pages call) and serializing.

A session is its engineer's own: another user's session, message or action is a 404, in the same
account or another one, exactly as on the pages. Errors keep the API's one shape (see
resolutionflow.api_errors); the assistant's own refusals are translated to it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from psa.providers.base import PSANotFound
from resolutionflow.throttling import AiParseThrottle
from tickets.api_base import AccountApi, ApiSchema, TextField
from tickets.limits import MAX_ID
from tickets.serializers import ErrorSerializer

from . import selectors, services
from . import serializers as out
from .models import ChatMessage, ChatSession, SuggestedAction
from .services import MESSAGE_MAX, AssistantError, ReplyPending, SessionClosed

# Our own rows' ids (BigAutoField), unlike the PSA's 32-bit ones.
MAX_DB_ID = 2**63 - 1
PATH_IDS = {"session_id": "Session", "message_id": "Message", "action_id": "Action"}

ERRORS = {
    400: "Invalid input; per-field messages in `fields`.",
    401: "Not signed in: send `Authorization: Token <key>`.",
    403: "Signed in, but not a member of an account.",
    404: "Not one of your sessions, messages or actions.",
    409: "No usable PSA connection to link the ticket with.",
    429: "Too many requests: try again after `Retry-After`.",
    502: "The PSA refused its credentials or sent something unreadable.",
    503: "The PSA did not answer or is limiting requests (see `Retry-After`).",
}
# Reading and writing our own rows never asks the PSA; linking a ticket does.
LOCAL = (401, 403, 429)
LINKING = (400, 401, 403, 409, 429, 502, 503)


def _responses(ok: dict[int, Any], codes: tuple[int, ...], **notes: str) -> dict[int, Any]:
    """The success response(s) and the errors this operation can really return; `notes`
    (`e409=...`) replaces an error's description where this operation means something else."""
    errors = {
        code: OpenApiResponse(ErrorSerializer, description=notes.get(f"e{code}", ERRORS[code]))
        for code in sorted(codes)
    }
    return {**ok, **errors}


def _path_id(name: str, description: str) -> OpenApiParameter:
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_DB_ID}
    return OpenApiParameter(name, schema, OpenApiParameter.PATH, description=description)


SESSION_ID = _path_id("session_id", "One of your ResolutionAssist sessions.")
MESSAGE_ID = _path_id("message_id", "A message of one of your sessions.")
ACTION_ID = _path_id("action_id", "A suggested action of one of your sessions.")


def _ticket_id(**kwargs: Any) -> serializers.IntegerField:
    """A PSA ticket number (32-bit, as everywhere in the API)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The session is not in a state that allows this."


def _api_error(exc: Exception) -> Exception:
    """ResolutionAssist's refusals in the API's terms: a state that forbids the request is a
    409 with its own code, anything else the engineer sent is a 400 naming the field."""
    if isinstance(exc, SessionClosed):
        return Conflict(exc.message, code="session_closed")
    if isinstance(exc, ReplyPending):
        return Conflict(exc.message, code="reply_pending")
    if isinstance(exc, AssistantError):
        return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
    return exc


@contextmanager
def _ticket_to_link() -> Iterator[None]:
    """A ticket to link that the PSA does not have is a bad `ticket_id` in the body (400),
    not a missing session (404). The PSA being down or unconfigured keeps its own status."""
    try:
        yield
    except PSANotFound as exc:
        raise exceptions.ValidationError({"ticket_id": [exc.message]}) from None


class AssistantMessageMeter(AiParseThrottle):
    """The `assistant_message` usage meter the chat page spends, as a 429 + Retry-After."""

    meter = "assistant_message"


class AssistantSchema(ApiSchema):
    def _get_request_body(self, direction: str = "request") -> Any:
        # Every body is a JSON object, even where all its fields are optional (`{}`).
        body = super()._get_request_body(direction)
        if body is not None:
            body["required"] = True
        return body


class AssistantApi(AccountApi):
    """Signed in, in an account, and only ever your own sessions."""

    # JSON bodies only, and a body always: a form body that parses to nothing, or no body at
    # all, would pass for `{}` (a new unlinked session) where the client meant something else.
    parser_classes = [JSONParser]
    schema = AssistantSchema()

    def body(self) -> Any:
        if self.request.stream is None:
            raise exceptions.ValidationError(
                {"non_field_errors": ["Send a JSON object as the body ({} if nothing else)."]}
            )
        return self.request.data

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        for name, label in PATH_IDS.items():
            value = kwargs.get(name)
            if value is not None and not 1 <= value <= MAX_DB_ID:
                raise exceptions.NotFound(f"{label} {value} was not found.")

    def handle_exception(self, exc: Exception) -> Response:
        return super().handle_exception(_api_error(exc))

    def own_session(self, session_id: int) -> ChatSession:
        try:
            return selectors.session_get(
                account=self.account, user=self.request.user, session_id=session_id
            )
        except ChatSession.DoesNotExist:
            raise exceptions.NotFound(f"Session {session_id} was not found.") from None


def _poll_url(message: ChatMessage) -> str:
    return reverse("api-assistant-message", kwargs={"message_id": message.pk})


class SessionsApi(AssistantApi):
    """GET lists your sessions, most recent activity first; POST starts one."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=["open", "closed", "all"],
            required=False,
            default="all",
            help_text="open, closed or all (the default).",
        )
        page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, default=1)
        page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)

    @extend_schema_serializer(component_name="AssistantSessionCreatePayload")
    class InputSerializer(serializers.Serializer):
        title = TextField(required=False, allow_blank=True, max_length=200, default="")
        ticket_id = _ticket_id(
            required=False,
            allow_null=True,
            help_text="A PSA ticket to link: its summary, company and board are cached "
            "on the session and given to ResolutionAssist.",
        )

    @extend_schema(
        # A page object, not a bare array: spectacular would call it "retrieve", like the detail.
        operation_id="assistant_sessions_list",
        parameters=[FilterSerializer],
        responses=_responses({200: out.SessionListResponseSerializer}, (400, *LOCAL)),
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        closed = {"open": False, "closed": True, "all": None}[data["status"]]
        sessions = selectors.session_list(account=self.account, user=request.user, closed=closed)
        page, size = data["page"], data["page_size"]
        body = {
            "items": sessions[(page - 1) * size : page * size],
            "total": sessions.count(),
            "page": page,
            "page_size": size,
        }
        return Response(out.SessionListResponseSerializer(body).data)

    @extend_schema(
        request=InputSerializer,
        responses=_responses(
            {201: out.SessionSerializer},
            LINKING,
            e400="Invalid input, or no such ticket in the PSA (`fields.ticket_id`).",
        ),
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=self.body())
        data.is_valid(raise_exception=True)
        with _ticket_to_link():
            session = services.session_create(
                account=self.account,
                user=request.user,
                title=data.validated_data["title"],
                linked_ticket_id=data.validated_data.get("ticket_id"),
            )
        return Response(out.SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailApi(AssistantApi):
    """GET reads one session; PATCH links or unlinks its ticket and closes it."""

    @extend_schema_serializer(component_name="AssistantSessionUpdatePayload")
    class InputSerializer(serializers.Serializer):
        ticket_id = _ticket_id(
            required=False,
            allow_null=True,
            help_text="Link this PSA ticket instead; `null` unlinks.",
        )
        closed = serializers.BooleanField(
            required=False,
            help_text="`true` closes the session for good: it keeps its history and TaskLane "
            "but takes no new messages.",
        )

        def validate(self, data: dict[str, Any]) -> dict[str, Any]:
            if not data:
                raise serializers.ValidationError("Send `ticket_id`, `closed` or both.")
            return data

    @extend_schema(
        parameters=[SESSION_ID],
        responses=_responses({200: out.SessionSerializer}, (404, *LOCAL)),
    )
    def get(self, request: Request, session_id: int) -> Response:
        return Response(out.SessionSerializer(self.own_session(session_id)).data)

    @extend_schema(
        request=InputSerializer,
        parameters=[SESSION_ID],
        responses=_responses(
            {200: out.SessionSerializer},
            (404, *LINKING),
            e400="Invalid input, no such ticket in the PSA (`fields.ticket_id`), or "
            "`closed: false` for a closed session (`fields.closed`).",
        ),
    )
    def patch(self, request: Request, session_id: int) -> Response:
        session = self.own_session(session_id)
        data = self.InputSerializer(data=self.body())
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        if changes.get("closed") is False and session.is_closed:
            raise exceptions.ValidationError(
                {"closed": ["A closed session stays closed; start a new session instead."]}
            )
        if "ticket_id" in changes:
            with _ticket_to_link():
                session = services.session_link_ticket(
                    session=session, ticket_id=changes["ticket_id"]
                )
        if changes.get("closed"):
            session = services.session_close(session=session)
        return Response(out.SessionSerializer(session).data)


class SessionMessagesApi(AssistantApi):
    """GET lists the session's messages with their suggested actions; POST sends one (202: the
    reply is written in the background and polled at `GET /api/assistant/messages/{id}`)."""

    @extend_schema_serializer(component_name="AssistantMessagePayload")
    class InputSerializer(serializers.Serializer):
        content = TextField(max_length=MESSAGE_MAX, help_text="The engineer's message.")

    @extend_schema(
        parameters=[SESSION_ID],
        responses=_responses({200: out.MessageSerializer(many=True)}, (404, *LOCAL)),
    )
    def get(self, request: Request, session_id: int) -> Response:
        """The conversation, oldest first; each reply with the actions it suggested."""
        messages = selectors.message_list(session=self.own_session(session_id), with_actions=True)
        return Response(out.MessageSerializer(messages, many=True).data)

    @extend_schema(
        request=InputSerializer,
        parameters=[SESSION_ID],
        responses=_responses(
            {
                202: OpenApiResponse(
                    out.MessageSentSerializer,
                    description="Sent; the reply is pending. `Location` is where to poll it.",
                )
            },
            (400, 404, 409, 401, 403, 429),
            e409="The session is closed (`session_closed`), or its last reply is still being "
            "written (`reply_pending`).",
            e429="Too many requests, or the assistant message limit (per user and per account) "
            "is spent: try again after `Retry-After`.",
        ),
    )
    def post(self, request: Request, session_id: int) -> Response:
        """Send a message. Like the chat page, every message to one of your sessions counts
        towards the assistant message limit."""
        session = self.own_session(session_id)
        data = self.InputSerializer(data=self.body())
        data.is_valid(raise_exception=True)
        sent, reply = services.message_send(
            session=session,
            content=data.validated_data["content"],
            charge=lambda: AssistantMessageMeter().allow_request(request, self),
        )
        # In the embedded default the reply is written in-process before we get here.
        reply.refresh_from_db()
        url = _poll_url(reply)
        body = {"message": sent, "reply": reply, "poll_url": url}
        return Response(
            out.MessageSentSerializer(body).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": url},
        )


class MessageDetailApi(AssistantApi):
    @extend_schema(
        parameters=[MESSAGE_ID],
        responses=_responses({200: out.MessageSerializer}, (404, *LOCAL)),
    )
    def get(self, request: Request, message_id: int) -> Response:
        """One message: poll a `pending` reply here until it is `done` (with its text and
        suggested actions) or `failed` (with `error`)."""
        try:
            message = selectors.message_get_for_user(
                account=self.account, user=request.user, message_id=message_id
            )
        except ChatMessage.DoesNotExist:
            raise exceptions.NotFound(f"Message {message_id} was not found.") from None
        message = services.reply_expire_if_stale(message=message)
        return Response(out.MessageSerializer(message).data)


class ActionCompleteApi(AssistantApi):
    @extend_schema_serializer(component_name="AssistantActionCompletePayload")
    class InputSerializer(serializers.Serializer):
        ticket_id = _ticket_id(help_text="The spin-off ticket created for this action.")

    @extend_schema(
        request=InputSerializer,
        parameters=[ACTION_ID],
        responses=_responses({200: out.ActionSerializer}, (400, 404, *LOCAL)),
    )
    def post(self, request: Request, action_id: int) -> Response:
        """Mark a suggested action done with the ticket created for it (as the page does after
        the New Ticket modal). Idempotent: the first ticket stays."""
        try:
            action = selectors.action_get(
                account=self.account, user=request.user, action_id=action_id
            )
        except SuggestedAction.DoesNotExist:
            raise exceptions.NotFound(f"Action {action_id} was not found.") from None
        data = self.InputSerializer(data=self.body())
        data.is_valid(raise_exception=True)
        action = services.action_complete(action=action, ticket_id=data.validated_data["ticket_id"])
        return Response(out.ActionSerializer(action).data)
