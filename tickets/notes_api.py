"""The notes API: a ticket's notes with the ones still in the outbox, and adding one (posted
now, or queued until the PSA answers, exactly once per Idempotency-Key)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from psa.selectors import capabilities_for_account

from . import serializers as out
from . import services
from .api_base import (
    TICKET_ID,
    AccountApi,
    TextField,
    idempotency_key,
    idempotency_key_parameter,
    responses_with_errors,
)
from .outbox import NOTE_TYPES
from .outbox_selectors import ticket_notes_list

QUEUED_STATES = {"pending": "queued", "posting": "posting", "failed": "failed", "held": "held"}


def _queued_body(row: Any) -> dict[str, Any]:
    return {
        "queued": row.queued,
        "state": QUEUED_STATES.get(row.state, row.state),
        "outbox_id": row.pk,
        "client_key": row.client_key,
        "ticket_id": row.ticket_id,
        "text": row.text,
        "type": row.note_type,
        "author_name": row.author_name or row.user.get_full_name() or row.user.get_username(),
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at if row.queued else None,
        "last_error": row.last_error,
        "created_at": row.created_at,
    }


NOTE_KEY = idempotency_key_parameter(
    "One per note (e.g. a UUID): a retried request returns the first one's outcome instead of "
    "posting the note twice."
)


class TicketNotesApi(AccountApi):
    """GET lists the ticket's notes with the ones still queued; POST adds one (posted now: 201,
    or queued until the PSA answers: 202)."""

    @extend_schema_serializer(component_name="TicketNotePayload")
    class InputSerializer(serializers.Serializer):
        text = TextField(max_length=20000)
        type = serializers.ChoiceField(
            choices=NOTE_TYPES,
            default="discussion",
            help_text="One of the note types the account's PSA can store (not every PSA has "
            "`resolution`); another is refused with a 400 on `type`.",
        )

        def __init__(self, *args: Any, note_kinds: tuple[str, ...] = NOTE_TYPES, **kwargs: Any):
            super().__init__(*args, **kwargs)
            kind = self.fields["type"]
            assert isinstance(kind, serializers.ChoiceField)
            kind.choices = [k for k in NOTE_TYPES if k in note_kinds]

    @extend_schema(
        parameters=[TICKET_ID],
        responses=responses_with_errors({200: out.TicketNotesSerializer}, not_found=True),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        """The ticket's notes in the PSA (newest 100; time entries are in `/context`) and
        the notes written here that have not reached the PSA yet."""
        found = ticket_notes_list(account=self.account, user=request.user, ticket_id=ticket_id)
        body = {
            "notes": found.notes,
            "pending": [_queued_body(row) for row in found.pending],
            "notes_unavailable": found.unavailable,
        }
        return Response(out.TicketNotesSerializer(body).data)

    @extend_schema(
        request=InputSerializer,
        parameters=[TICKET_ID, NOTE_KEY],
        responses=responses_with_errors(
            {201: out.PostedNoteSerializer, 202: out.QueuedNoteSerializer}, not_found=True
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        """Post a note as the engineer's PSA member. When the PSA is down, slow or
        limiting requests, the note is kept and posted later, exactly once (202)."""
        kinds = capabilities_for_account(account=self.account).note_kinds
        data = self.InputSerializer(data=request.data, note_kinds=kinds)
        data.is_valid(raise_exception=True)
        submission = services.ticket_note_add(
            account=self.account,
            user=request.user,
            ticket_id=ticket_id,
            text=data.validated_data["text"],
            note_type=data.validated_data["type"],
            client_key=idempotency_key(request),
        )
        if submission.note is None:
            return Response(
                out.QueuedNoteSerializer(_queued_body(submission.outbox)).data,
                status=status.HTTP_202_ACCEPTED,
            )
        body = {
            **asdict(submission.note),
            "queued": False,
            "client_key": submission.outbox.client_key,
        }
        return Response(out.PostedNoteSerializer(body).data, status=status.HTTP_201_CREATED)
