"""The reference-data API: boards, statuses, priorities, members, companies and the account's
member mappings, as the New Ticket form and the filters use them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from psa.selectors import member_mappings_list

from . import selectors
from . import serializers as out
from .api_base import BOARD_ID, AccountApi, id_field, responses_with_errors
from .limits import SEARCH_MAX


class BoardListApi(AccountApi):
    @extend_schema(responses=responses_with_errors({200: out.BoardSerializer(many=True)}))
    def get(self, request: Request) -> Response:
        boards = selectors.boards_list(account=self.account)
        return Response(out.BoardSerializer(boards, many=True).data)


class BoardStatusListApi(AccountApi):
    @extend_schema(
        parameters=[BOARD_ID],
        responses=responses_with_errors({200: out.StatusSerializer(many=True)}, not_found=True),
    )
    def get(self, request: Request, board_id: int) -> Response:
        statuses = selectors.statuses_list(account=self.account, board_id=board_id)
        return Response(out.StatusSerializer(statuses, many=True).data)


class TicketStatusListApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        board_id = id_field()

    @extend_schema(
        parameters=[FilterSerializer],
        responses=responses_with_errors({200: out.StatusSerializer(many=True)}),
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        statuses = selectors.statuses_list(
            account=self.account, board_id=params.validated_data["board_id"]
        )
        return Response(out.StatusSerializer(statuses, many=True).data)


class PriorityListApi(AccountApi):
    @extend_schema(responses=responses_with_errors({200: out.PrioritySerializer(many=True)}))
    def get(self, request: Request) -> Response:
        priorities = selectors.priorities_list(account=self.account)
        return Response(out.PrioritySerializer(priorities, many=True).data)


class MemberListApi(AccountApi):
    @extend_schema(responses=responses_with_errors({200: out.MemberSerializer(many=True)}))
    def get(self, request: Request) -> Response:
        members = selectors.members_list(account=self.account)
        return Response(out.MemberSerializer(members, many=True).data)


class CompanySearchApi(AccountApi):
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(
            required=False, allow_blank=True, max_length=SEARCH_MAX, default=""
        )
        limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=responses_with_errors({200: out.CompanySerializer(many=True)}),
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
    @extend_schema(responses=responses_with_errors({200: out.MemberMappingSerializer(many=True)}))
    def get(self, request: Request) -> Response:
        mappings = member_mappings_list(account=self.account)
        return Response(out.MemberMappingSerializer(mappings, many=True).data)
