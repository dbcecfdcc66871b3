"""The JSON API: one APIView per operation, each parsing input, calling one service or selector
and serializing the result. Errors are mapped in resolutionflow.api_errors, not here."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from psa.providers.base import TicketCreatePayload, TicketFilters
from psa.selectors import member_mappings_list
from resolutionflow.tenancy import HasAccount, account_of
from resolutionflow.throttling import AiParseThrottle

from . import selectors, services
from . import serializers as out
from .ai.limits import MAX_DESCRIPTION_CHARS, MAX_PROMPT_CHARS
from .filters import parse_assigned
from .limits import MAX_ID, SUMMARY_MAX
from .outbox_selectors import ticket_notes_list

IDEMPOTENCY_KEY_MAX = 128
API_ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(out.ErrorSerializer, description=description)
    for code, description in [
        (400, "Invalid input, or ConnectWise rejected it; per-field messages in `fields`."),
        (401, "Not signed in: send `Authorization: Token <key>`."),
        (403, "Signed in, but not a member of an account."),
        (404, "No such record in ConnectWise."),
        (409, "No usable ConnectWise connection yet, or this draft is being created already."),
        (429, "Too many requests, or an AI usage limit spent: try again after `Retry-After`."),
        (502, "ConnectWise refused the PSA credentials or sent something unreadable."),
        (503, "ConnectWise did not answer or is limiting requests (see `Retry-After`)."),
    ]
}


def _responses(ok: dict[int, Any], *, not_found: bool = False) -> dict[int, Any]:
    """The operation's success response(s) plus the errors every PSA-backed call can return."""
    return {**ok, **{c: r for c, r in API_ERRORS.items() if c != 404 or not_found}}


def _path_id(name: str, description: str) -> OpenApiParameter:
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return OpenApiParameter(name, schema, OpenApiParameter.PATH, description=description)


TICKET_ID = _path_id("ticket_id", "The ConnectWise ticket number.")
MEMBER_ID = _path_id("member_id", "The ConnectWise member id.")
BOARD_ID = _path_id("board_id", "The ConnectWise service board id.")
PATH_IDS = {"ticket_id": "Ticket #", "member_id": "Member ", "board_id": "Board "}


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class TextField(serializers.CharField):
    """A string and only a string: DRF's CharField would quietly turn `0` or `1.5` into text.

    `max_length` counts what the caller sent, as the OpenAPI schema says: DRF checks it after
    trimming, so a too-long text with a leading space would otherwise be accepted."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class ApiSchema(AutoSchema):
    """drf-spectacular's inspector, told three things it cannot see in our views."""

    def _get_parameters(self) -> list[dict[str, Any]]:
        # DRF reads an empty optional query parameter (`?board_id=`) as "not given".
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        # Our PATCH bodies are commands with required fields, not partial updates of a resource.
        method, self.method = self.method, ("PUT" if self.method == "PATCH" else self.method)
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's signature
        # The method's or the view's own docstring, not AccountApi's on every operation.
        view = type(self.view)
        action_doc = get_doc(getattr(view, self.method.lower(), None))
        return action_doc or (get_doc(view) if view.__doc__ else "")


class AccountApi(APIView):
    """Signed in (session or token) and a member of an account; the account scopes every call."""

    permission_classes = [IsAuthenticated, HasAccount]
    schema = ApiSchema()

    @property
    def account(self) -> Any:
        return account_of(self.request)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """After auth: an id in the path that cannot exist in ConnectWise (ids are 32-bit) is a
        404 without asking ConnectWise, whatever the route converter let through."""
        super().initial(request, *args, **kwargs)
        for name, label in PATH_IDS.items():
            value = kwargs.get(name)
            if value is not None and not 1 <= value <= MAX_ID:
                raise exceptions.NotFound(f"{label}{value} was not found in ConnectWise.")


def _assigned(value: str) -> str | int:
    parsed = parse_assigned(value)
    if parsed is None:
        raise serializers.ValidationError("Use me, unassigned, all or a member id.")
    return parsed


def _idempotency_key(request: Request) -> str | None:
    """The create's `Idempotency-Key`: printable ASCII, at most 128 characters (a UUID fits)."""
    key = request.headers.get("Idempotency-Key")
    if key is None or not key.strip():
        return None
    key = key.strip()
    if len(key) > IDEMPOTENCY_KEY_MAX or not (key.isascii() and key.isprintable()):
        raise serializers.ValidationError(
            {
                "Idempotency-Key": [
                    f"Send at most {IDEMPOTENCY_KEY_MAX} printable ASCII characters, "
                    "e.g. a UUID per draft."
                ]
            }
        )
    return key


class TicketSearchApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
        board_id = _id_field(required=False)
        status_id = _id_field(required=False)
        priority_id = _id_field(required=False)
        company_id = _id_field(required=False)
        assigned = serializers.CharField(
            required=False,
            allow_blank=True,
            default="all",
            help_text="me, unassigned, all (the default, also when blank) or a member id.",
        )
        assigned_to_me = serializers.BooleanField(required=False, default=False)
        include_closed = serializers.BooleanField(required=False, default=False)
        page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, default=1)
        page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)

        def validate_assigned(self, value: str) -> str | int:
            return _assigned(value)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=_responses({200: out.TicketListResponseSerializer}),
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = TicketFilters(
            search=data["search"],
            board_id=data.get("board_id"),
            status_id=data.get("status_id"),
            priority_id=data.get("priority_id"),
            company_id=data.get("company_id"),
            assigned="me" if data["assigned_to_me"] else data["assigned"],
            include_closed=data["include_closed"],
        )
        result = selectors.ticket_search(
            account=self.account,
            user=request.user,
            filters=filters,
            page=data["page"],
            page_size=data["page_size"],
        )
        return Response(out.TicketListResponseSerializer(result).data)


class TicketCreateApi(AccountApi):
    @extend_schema_serializer(component_name="TicketCreatePayload")
    class InputSerializer(serializers.Serializer):
        summary = TextField(max_length=SUMMARY_MAX)
        company_id = _id_field()
        board_id = _id_field()
        status_id = _id_field(required=False, allow_null=True)
        priority_id = _id_field(required=False, allow_null=True)
        description = TextField(
            required=False, allow_blank=True, allow_null=True, max_length=MAX_DESCRIPTION_CHARS
        )
        assigned_member_id = _id_field(required=False, allow_null=True)
        contact_id = _id_field(required=False, allow_null=True)
        configuration_ids = serializers.ListField(
            child=_id_field(), required=False, max_length=20, help_text="Devices to attach."
        )

        def validate_configuration_ids(self, value: list[int]) -> tuple[int, ...]:
            return tuple(dict.fromkeys(value))

    @extend_schema(
        request=InputSerializer,
        responses=_responses({201: out.TicketCreatedSerializer}),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX, "pattern": "^[ -~]*$"},
                location=OpenApiParameter.HEADER,
                required=False,
                description="One per draft (e.g. a UUID): a retried create returns the first "
                "ticket instead of filing a second one.",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_create(
            account=self.account,
            user=request.user,
            payload=TicketCreatePayload(**data.validated_data),
            idempotency_key=_idempotency_key(request),
        )
        body = {
            "id": ticket.id,
            "summary": ticket.summary,
            "board_name": ticket.board_name,
            "status_name": ticket.status_name,
            "priority_name": ticket.priority_name,
            "company_name": ticket.company_name,
            "resources": selectors.resources_for_ticket(account=self.account, ticket=ticket),
        }
        return Response(out.TicketCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class TicketDetailApi(AccountApi):
    @extend_schema(
        parameters=[TICKET_ID],
        responses=_responses({200: out.TicketInfoSerializer}, not_found=True),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(account=self.account, ticket_id=ticket_id)
        return Response(out.TicketInfoSerializer(ticket).data)


class TicketContextApi(AccountApi):
    @extend_schema(
        parameters=[TICKET_ID],
        responses=_responses({200: out.TicketContextSerializer}, not_found=True),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        context = selectors.ticket_context_get(account=self.account, ticket_id=ticket_id)
        return Response(out.TicketContextSerializer(context).data)


class TicketStatusUpdateApi(AccountApi):
    @extend_schema_serializer(component_name="TicketStatusUpdatePayload")
    class InputSerializer(serializers.Serializer):
        status_id = _id_field()

    @extend_schema(
        request=InputSerializer,
        parameters=[TICKET_ID],
        responses=_responses({200: out.StatusUpdateSerializer}, not_found=True),
    )
    def patch(self, request: Request, ticket_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.ticket_status_update(
            account=self.account,
            user=request.user,
            ticket_id=ticket_id,
            status_id=data.validated_data["status_id"],
        )
        return Response(out.StatusUpdateSerializer(change).data)


class TicketResourcesApi(AccountApi):
    """GET lists the ticket's assignees; POST adds one (two operations on the spec's one path)."""

    @extend_schema_serializer(component_name="TicketResourcePayload")
    class InputSerializer(serializers.Serializer):
        member_id = _id_field()

    @extend_schema(
        parameters=[TICKET_ID],
        responses=_responses({200: out.ResourceSerializer(many=True)}, not_found=True),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        resources = selectors.ticket_resources_list(account=self.account, ticket_id=ticket_id)
        return Response(out.ResourceSerializer(resources, many=True).data)

    @extend_schema(
        request=InputSerializer,
        parameters=[TICKET_ID],
        responses=_responses({201: out.ResourceSerializer}, not_found=True),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resource = services.ticket_resource_add(
            account=self.account,
            user=request.user,
            ticket_id=ticket_id,
            member_id=data.validated_data["member_id"],
        )
        return Response(out.ResourceSerializer(resource).data, status=status.HTTP_201_CREATED)


class TicketResourceRemoveApi(AccountApi):
    @extend_schema(
        parameters=[TICKET_ID, MEMBER_ID],
        responses=_responses({204: None}, not_found=True),
    )
    def delete(self, request: Request, ticket_id: int, member_id: int) -> Response:
        services.ticket_resource_remove(
            account=self.account, user=request.user, ticket_id=ticket_id, member_id=member_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


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


NOTE_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX, "pattern": "^[ -~]*$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description="One per note (e.g. a UUID): a retried request returns the first one's outcome "
    "instead of posting the note twice.",
)


class TicketNotesApi(AccountApi):
    """GET lists the ticket's notes with the ones still queued; POST adds one (posted now: 201,
    or queued until ConnectWise answers: 202)."""

    @extend_schema_serializer(component_name="TicketNotePayload")
    class InputSerializer(serializers.Serializer):
        text = TextField(max_length=20000)
        type = serializers.ChoiceField(choices=services.NOTE_TYPES, default="discussion")

    @extend_schema(
        parameters=[TICKET_ID],
        responses=_responses({200: out.TicketNotesSerializer}, not_found=True),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        """The ticket's notes in ConnectWise (newest 100; time entries are in `/context`) and
        the notes written here that have not reached ConnectWise yet."""
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
        responses=_responses(
            {201: out.PostedNoteSerializer, 202: out.QueuedNoteSerializer}, not_found=True
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        """Post a note as the engineer's ConnectWise member. When ConnectWise is down, slow or
        limiting requests, the note is kept and posted later, exactly once (202)."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.ticket_note_add(
            account=self.account,
            user=request.user,
            ticket_id=ticket_id,
            text=data.validated_data["text"],
            note_type=data.validated_data["type"],
            client_key=_idempotency_key(request),
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


class TicketAiParseApi(AccountApi):
    # The per-user/per-token rates, plus the AI meter (per user and per account).
    throttle_classes = [*AccountApi.throttle_classes, AiParseThrottle]

    @extend_schema_serializer(component_name="TicketAiParsePayload")
    class InputSerializer(serializers.Serializer):
        prompt = TextField(max_length=MAX_PROMPT_CHARS)
        context_company_id = _id_field(
            required=False,
            allow_null=True,
            help_text="A linked ticket's company: the default when the prompt names none.",
        )

    @extend_schema(
        request=InputSerializer, responses=_responses({200: out.AiParseResponseSerializer})
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = selectors.ticket_prompt_parse(
            account=self.account,
            user=request.user,
            prompt=data.validated_data["prompt"],
            context_company_id=data.validated_data.get("context_company_id"),
        )
        return Response(out.AiParseResponseSerializer(result).data)


class BoardListApi(AccountApi):
    @extend_schema(responses=_responses({200: out.BoardSerializer(many=True)}))
    def get(self, request: Request) -> Response:
        boards = selectors.boards_list(account=self.account)
        return Response(out.BoardSerializer(boards, many=True).data)


class BoardStatusListApi(AccountApi):
    @extend_schema(
        parameters=[BOARD_ID],
        responses=_responses({200: out.StatusSerializer(many=True)}, not_found=True),
    )
    def get(self, request: Request, board_id: int) -> Response:
        statuses = selectors.statuses_list(account=self.account, board_id=board_id)
        return Response(out.StatusSerializer(statuses, many=True).data)


class TicketStatusListApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        board_id = _id_field()

    @extend_schema(
        parameters=[FilterSerializer], responses=_responses({200: out.StatusSerializer(many=True)})
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        statuses = selectors.statuses_list(
            account=self.account, board_id=params.validated_data["board_id"]
        )
        return Response(out.StatusSerializer(statuses, many=True).data)


class PriorityListApi(AccountApi):
    @extend_schema(responses=_responses({200: out.PrioritySerializer(many=True)}))
    def get(self, request: Request) -> Response:
        priorities = selectors.priorities_list(account=self.account)
        return Response(out.PrioritySerializer(priorities, many=True).data)


class MemberListApi(AccountApi):
    @extend_schema(responses=_responses({200: out.MemberSerializer(many=True)}))
    def get(self, request: Request) -> Response:
        members = selectors.members_list(account=self.account)
        return Response(out.MemberSerializer(members, many=True).data)


class CompanySearchApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
        limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)

    @extend_schema(
        parameters=[FilterSerializer], responses=_responses({200: out.CompanySerializer(many=True)})
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        companies = selectors.companies_search(
            account=self.account,
            query=params.validated_data["search"],
            limit=params.validated_data["limit"],
        )
        return Response(out.CompanySerializer(companies, many=True).data)


class MemberMappingListApi(AccountApi):
    @extend_schema(responses=_responses({200: out.MemberMappingSerializer(many=True)}))
    def get(self, request: Request) -> Response:
        mappings = member_mappings_list(account=self.account)
        return Response(out.MemberMappingSerializer(mappings, many=True).data)
