"""The JSON API: one APIView per operation, each parsing input, calling one service or selector
and serializing the result. Errors are mapped in resolutionflow.api_errors, not here."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from psa.providers.base import TicketCreatePayload, TicketFilters
from psa.selectors import member_mappings_list
from resolutionflow.tenancy import HasAccount

from . import selectors, services
from . import serializers as out
from .services import SUMMARY_MAX


class AccountApi(APIView):
    """Signed in (session or token) and a member of an account; the account scopes every call."""

    permission_classes = [IsAuthenticated, HasAccount]

    @property
    def account(self) -> Any:
        return self.request.membership.account  # type: ignore[attr-defined]


def _assigned(value: str) -> str | int:
    value = value.strip().lower()
    if value in {"me", "unassigned", "all"}:
        return value
    if value.isdigit():
        return int(value)
    raise serializers.ValidationError("Use me, unassigned, all or a member id.")


class TicketSearchApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
        board_id = serializers.IntegerField(required=False, min_value=1)
        status_id = serializers.IntegerField(required=False, min_value=1)
        priority_id = serializers.IntegerField(required=False, min_value=1)
        company_id = serializers.IntegerField(required=False, min_value=1)
        assigned = serializers.CharField(required=False, default="all")
        assigned_to_me = serializers.BooleanField(required=False, default=False)
        include_closed = serializers.BooleanField(required=False, default=False)
        page = serializers.IntegerField(required=False, min_value=1, default=1)
        page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)

        def validate_assigned(self, value: str) -> str | int:
            return _assigned(value)

    @extend_schema(parameters=[FilterSerializer], responses=out.TicketListResponseSerializer)
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
    class InputSerializer(serializers.Serializer):
        summary = serializers.CharField(max_length=SUMMARY_MAX)
        company_id = serializers.IntegerField(min_value=1)
        board_id = serializers.IntegerField(min_value=1)
        status_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
        priority_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
        description = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, max_length=10000
        )
        assigned_member_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
        contact_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)

    @extend_schema(
        request=InputSerializer,
        responses={201: out.TicketCreatedSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location=OpenApiParameter.HEADER,
                required=False,
                description="One per draft: a retried create returns the first ticket.",
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
            idempotency_key=request.headers.get("Idempotency-Key"),
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
    @extend_schema(responses=out.TicketInfoSerializer)
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(account=self.account, ticket_id=ticket_id)
        return Response(out.TicketInfoSerializer(ticket).data)


class TicketContextApi(AccountApi):
    @extend_schema(responses=out.TicketContextSerializer)
    def get(self, request: Request, ticket_id: int) -> Response:
        context = selectors.ticket_context_get(account=self.account, ticket_id=ticket_id)
        return Response(out.TicketContextSerializer(context).data)


class TicketStatusUpdateApi(AccountApi):
    class InputSerializer(serializers.Serializer):
        status_id = serializers.IntegerField(min_value=1)

    @extend_schema(request=InputSerializer, responses=out.StatusUpdateSerializer)
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

    class InputSerializer(serializers.Serializer):
        member_id = serializers.IntegerField(min_value=1)

    @extend_schema(responses=out.ResourceSerializer(many=True))
    def get(self, request: Request, ticket_id: int) -> Response:
        resources = selectors.ticket_resources_list(account=self.account, ticket_id=ticket_id)
        return Response(out.ResourceSerializer(resources, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: out.ResourceSerializer})
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
    @extend_schema(responses={204: None})
    def delete(self, request: Request, ticket_id: int, member_id: int) -> Response:
        services.ticket_resource_remove(
            account=self.account, user=request.user, ticket_id=ticket_id, member_id=member_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TicketNoteAddApi(AccountApi):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=20000)
        type = serializers.ChoiceField(choices=services.NOTE_TYPES, default="discussion")

    @extend_schema(request=InputSerializer, responses={201: out.NoteSerializer})
    def post(self, request: Request, ticket_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.ticket_note_add(
            account=self.account,
            user=request.user,
            ticket_id=ticket_id,
            text=data.validated_data["text"],
            note_type=data.validated_data["type"],
        )
        return Response(out.NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class TicketAiParseApi(AccountApi):
    class InputSerializer(serializers.Serializer):
        prompt = serializers.CharField(max_length=4000)

    @extend_schema(request=InputSerializer, responses=out.AiParseResponseSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = selectors.ticket_prompt_parse(
            account=self.account, user=request.user, prompt=data.validated_data["prompt"]
        )
        return Response(out.AiParseResponseSerializer(result).data)


class BoardListApi(AccountApi):
    @extend_schema(responses=out.BoardSerializer(many=True))
    def get(self, request: Request) -> Response:
        boards = selectors.boards_list(account=self.account)
        return Response(out.BoardSerializer(boards, many=True).data)


class BoardStatusListApi(AccountApi):
    @extend_schema(responses=out.StatusSerializer(many=True))
    def get(self, request: Request, board_id: int) -> Response:
        statuses = selectors.statuses_list(account=self.account, board_id=board_id)
        return Response(out.StatusSerializer(statuses, many=True).data)


class TicketStatusListApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        board_id = serializers.IntegerField(min_value=1)

    @extend_schema(parameters=[FilterSerializer], responses=out.StatusSerializer(many=True))
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        statuses = selectors.statuses_list(
            account=self.account, board_id=params.validated_data["board_id"]
        )
        return Response(out.StatusSerializer(statuses, many=True).data)


class PriorityListApi(AccountApi):
    @extend_schema(responses=out.PrioritySerializer(many=True))
    def get(self, request: Request) -> Response:
        priorities = selectors.priorities_list(account=self.account)
        return Response(out.PrioritySerializer(priorities, many=True).data)


class MemberListApi(AccountApi):
    @extend_schema(responses=out.MemberSerializer(many=True))
    def get(self, request: Request) -> Response:
        members = selectors.members_list(account=self.account)
        return Response(out.MemberSerializer(members, many=True).data)


class CompanySearchApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
        limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)

    @extend_schema(parameters=[FilterSerializer], responses=out.CompanySerializer(many=True))
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
    @extend_schema(responses=out.MemberMappingSerializer(many=True))
    def get(self, request: Request) -> Response:
        mappings = member_mappings_list(account=self.account)
        return Response(out.MemberMappingSerializer(mappings, many=True).data)
