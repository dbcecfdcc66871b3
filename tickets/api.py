"""The JSON API: one APIView per operation, each parsing input, calling one service or selector
and serializing the result. Errors are mapped in resolutionflow.api_errors, not here."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from psa.providers.base import TicketCreatePayload, TicketFilters
from resolutionflow.throttling import AiParseThrottle

from . import selectors, services
from . import serializers as out
from .ai.limits import MAX_DESCRIPTION_CHARS, MAX_PROMPT_CHARS
from .api_base import (
    MEMBER_ID,
    TICKET_ID,
    AccountApi,
    TextField,
    id_field,
    idempotency_key,
    idempotency_key_parameter,
    responses_with_errors,
)
from .filters import parse_assigned
from .limits import MAX_ID, SEARCH_MAX, SUMMARY_MAX
from .ticket_create import ticket_create


def _assigned(value: str) -> str | int:
    parsed = parse_assigned(value)
    if parsed is None:
        raise serializers.ValidationError("Use me, unassigned, all or a member id.")
    return parsed


class TicketSearchApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(
            required=False, allow_blank=True, max_length=SEARCH_MAX, default=""
        )
        board_id = id_field(required=False)
        status_id = id_field(required=False)
        priority_id = id_field(required=False)
        company_id = id_field(required=False)
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
        responses=responses_with_errors({200: out.TicketListResponseSerializer}),
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
        summary = TextField(
            max_length=SUMMARY_MAX,
            help_text="At most as many characters as the connected PSA's ticket summary holds "
            "(100 or 255); longer is a 400 on this field, before the PSA is asked.",
        )
        company_id = id_field()
        board_id = id_field()
        status_id = id_field(required=False, allow_null=True)
        priority_id = id_field(required=False, allow_null=True)
        description = TextField(
            required=False, allow_blank=True, allow_null=True, max_length=MAX_DESCRIPTION_CHARS
        )
        assigned_member_id = id_field(required=False, allow_null=True)
        contact_id = id_field(required=False, allow_null=True)
        configuration_ids = serializers.ListField(
            child=id_field(), required=False, max_length=20, help_text="Devices to attach."
        )

        def validate_configuration_ids(self, value: list[int]) -> tuple[int, ...]:
            return tuple(dict.fromkeys(value))

    @extend_schema(
        request=InputSerializer,
        responses=responses_with_errors({201: out.TicketCreatedSerializer}),
        parameters=[
            idempotency_key_parameter(
                "One per draft (e.g. a UUID): a retried create returns the first ticket "
                "instead of filing a second one."
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_create(
            account=self.account,
            user=request.user,
            payload=TicketCreatePayload(**data.validated_data),
            idempotency_key=idempotency_key(request),
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
        responses=responses_with_errors({200: out.TicketInfoSerializer}, not_found=True),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(account=self.account, ticket_id=ticket_id)
        return Response(out.TicketInfoSerializer(ticket).data)


class TicketContextApi(AccountApi):
    @extend_schema(
        parameters=[TICKET_ID],
        responses=responses_with_errors({200: out.TicketContextSerializer}, not_found=True),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        context = selectors.ticket_context_get(account=self.account, ticket_id=ticket_id)
        return Response(out.TicketContextSerializer(context).data)


class TicketStatusUpdateApi(AccountApi):
    @extend_schema_serializer(component_name="TicketStatusUpdatePayload")
    class InputSerializer(serializers.Serializer):
        status_id = id_field()

    @extend_schema(
        request=InputSerializer,
        parameters=[TICKET_ID],
        responses=responses_with_errors({200: out.StatusUpdateSerializer}, not_found=True),
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
        member_id = id_field()
        role_id = id_field(
            required=False,
            help_text="Where the PSA's assignments carry a role (`assignee_needs_role`): one of "
            "the member's roles; left out, the member's default role. Elsewhere leave it out.",
        )

    @extend_schema(
        parameters=[TICKET_ID],
        responses=responses_with_errors({200: out.ResourceSerializer(many=True)}, not_found=True),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        resources = selectors.ticket_resources_list(account=self.account, ticket_id=ticket_id)
        return Response(out.ResourceSerializer(resources, many=True).data)

    @extend_schema(
        request=InputSerializer,
        parameters=[TICKET_ID],
        responses=responses_with_errors({201: out.ResourceSerializer}, not_found=True),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resource = services.ticket_resource_add(
            account=self.account,
            user=request.user,
            ticket_id=ticket_id,
            member_id=data.validated_data["member_id"],
            role_id=data.validated_data.get("role_id"),
        )
        return Response(out.ResourceSerializer(resource).data, status=status.HTTP_201_CREATED)


class TicketResourceRemoveApi(AccountApi):
    @extend_schema(
        parameters=[TICKET_ID, MEMBER_ID],
        responses=responses_with_errors({204: None}, not_found=True),
    )
    def delete(self, request: Request, ticket_id: int, member_id: int) -> Response:
        services.ticket_resource_remove(
            account=self.account, user=request.user, ticket_id=ticket_id, member_id=member_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TicketAiParseApi(AccountApi):
    # The per-user/per-token rates, plus the AI meter (per user and per account).
    throttle_classes = [*AccountApi.throttle_classes, AiParseThrottle]

    @extend_schema_serializer(component_name="TicketAiParsePayload")
    class InputSerializer(serializers.Serializer):
        prompt = TextField(max_length=MAX_PROMPT_CHARS)
        context_company_id = id_field(
            required=False,
            allow_null=True,
            help_text="A linked ticket's company: the default when the prompt names none.",
        )

    @extend_schema(
        request=InputSerializer,
        responses=responses_with_errors({200: out.AiParseResponseSerializer}),
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
