"""Output shapes of the ResolutionAssist JSON API. They read the assistant's models."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from .models import ChatMessage, ChatSession, SuggestedAction

SESSION_STATUSES = ["open", "closed"]
# The API's words for a message's state: a client polls until it is no longer `pending`.
MESSAGE_STATUSES = {
    ChatMessage.State.PENDING: "pending",
    ChatMessage.State.COMPLETE: "done",
    ChatMessage.State.FAILED: "failed",
}


@extend_schema_serializer(component_name="AssistantLinkedTicket")
class LinkedTicketSerializer(serializers.Serializer):
    """What the session cached about its PSA ticket when it was linked."""

    id = serializers.IntegerField(source="linked_ticket_id")
    summary = serializers.CharField(source="linked_summary")
    company_id = serializers.IntegerField(source="linked_company_id", allow_null=True)
    company_name = serializers.CharField(source="linked_company_name")
    board_id = serializers.IntegerField(source="linked_board_id", allow_null=True)
    board_name = serializers.CharField(source="linked_board_name")

    def to_representation(self, instance: ChatSession) -> Any:
        if not instance.linked_ticket_id:
            return None
        return super().to_representation(instance)


@extend_schema_serializer(component_name="AssistantSession")
class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(
        source="display_title",
        help_text="The title given, else the linked ticket's summary, else the first message.",
    )
    status = serializers.SerializerMethodField(
        help_text="`closed`: the session keeps its history but takes no new messages."
    )
    linked_ticket = LinkedTicketSerializer(source="*", allow_null=True)
    open_actions = serializers.SerializerMethodField(
        help_text="Suggested spin-off tickets not created yet (the TaskLane's to-do count)."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        help_text="Last activity: a message, a reply, a link or a close."
    )
    closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=SESSION_STATUSES))
    def get_status(self, session: ChatSession) -> str:
        return "closed" if session.is_closed else "open"

    @extend_schema_field(serializers.IntegerField())
    def get_open_actions(self, session: ChatSession) -> int:
        annotated = getattr(session, "open_actions", None)  # selectors.session_list counts them
        if annotated is not None:
            return int(annotated)
        return session.actions.filter(status=SuggestedAction.Status.OPEN).count()


@extend_schema_serializer(component_name="AssistantSessionListResponse")
class SessionListResponseSerializer(serializers.Serializer):
    items = SessionSerializer(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()


@extend_schema_serializer(component_name="AssistantAction")
class ActionSerializer(serializers.Serializer):
    """A suggested action of a reply: a spin-off ticket to create (the TaskLane)."""

    id = serializers.IntegerField()
    message_id = serializers.IntegerField()
    # Named like Field.label: DRF declares it as a field all the same; only mypy sees a clash.
    label = serializers.CharField()  # type: ignore[assignment]
    command = serializers.CharField(help_text="`create_spin_off_ticket`.")
    description = serializers.CharField(
        help_text="What the spin-off ticket is about: the prompt for Quick Create."
    )
    status = serializers.ChoiceField(choices=SuggestedAction.Status.values)
    created_ticket_id = serializers.IntegerField(
        allow_null=True, help_text="The ticket created for it, once done."
    )
    created_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="AssistantMessage")
class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session_id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=ChatMessage.Role.values)
    status = serializers.SerializerMethodField(
        help_text="`pending` while ResolutionAssist writes the reply (poll "
        "`GET /api/assistant/messages/{id}`), then `done` or `failed`."
    )
    text = serializers.CharField(source="content", help_text="Empty while pending.")
    error = serializers.CharField(help_text="Why a `failed` reply failed ('' otherwise).")
    engine = serializers.CharField(
        help_text="Which engine wrote a reply: `anthropic`, `offline`, or `offline-fallback` when "
        "the AI service did not answer; '' for the engineer's messages."
    )
    actions = ActionSerializer(many=True, help_text="The reply's suggested actions.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=list(MESSAGE_STATUSES.values())))
    def get_status(self, message: ChatMessage) -> str:
        return MESSAGE_STATUSES[ChatMessage.State(message.state)]


@extend_schema_serializer(component_name="AssistantMessageSent")
class MessageSentSerializer(serializers.Serializer):
    """202: the engineer's message is saved; the reply is being written."""

    message = MessageSerializer(help_text="The message just sent.")
    reply = MessageSerializer(
        help_text="The reply to it: usually `pending`; poll `poll_url` until it is not."
    )
    poll_url = serializers.CharField(help_text="Where to poll the reply (also in `Location`).")
