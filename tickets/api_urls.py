"""The JSON API under /api/, at the spec's paths."""

from django.urls import path

from . import api, notes_api, reference_api

P = "integrations/psa"

urlpatterns = [
    path(f"{P}/tickets", api.TicketCreateApi.as_view(), name="api-ticket-create"),
    path(f"{P}/tickets/search", api.TicketSearchApi.as_view(), name="api-ticket-search"),
    path(f"{P}/tickets/ai-parse", api.TicketAiParseApi.as_view(), name="api-ticket-ai-parse"),
    path(
        f"{P}/tickets/statuses",
        reference_api.TicketStatusListApi.as_view(),
        name="api-ticket-statuses",
    ),
    path(f"{P}/tickets/<int:ticket_id>", api.TicketDetailApi.as_view(), name="api-ticket-detail"),
    path(
        f"{P}/tickets/<int:ticket_id>/context",
        api.TicketContextApi.as_view(),
        name="api-ticket-context",
    ),
    path(
        f"{P}/tickets/<int:ticket_id>/status",
        api.TicketStatusUpdateApi.as_view(),
        name="api-ticket-status",
    ),
    path(
        f"{P}/tickets/<int:ticket_id>/resources",
        api.TicketResourcesApi.as_view(),
        name="api-ticket-resources",
    ),
    path(
        f"{P}/tickets/<int:ticket_id>/resources/<int:member_id>",
        api.TicketResourceRemoveApi.as_view(),
        name="api-ticket-resource-remove",
    ),
    path(
        f"{P}/tickets/<int:ticket_id>/notes",
        notes_api.TicketNotesApi.as_view(),
        name="api-ticket-notes",
    ),
    path(f"{P}/boards", reference_api.BoardListApi.as_view(), name="api-boards"),
    path(
        f"{P}/boards/<int:board_id>/statuses",
        reference_api.BoardStatusListApi.as_view(),
        name="api-board-statuses",
    ),
    path(f"{P}/priorities", reference_api.PriorityListApi.as_view(), name="api-priorities"),
    path(f"{P}/members", reference_api.MemberListApi.as_view(), name="api-members"),
    path(f"{P}/companies", reference_api.CompanySearchApi.as_view(), name="api-companies"),
    path(
        f"{P}/member-mappings",
        reference_api.MemberMappingListApi.as_view(),
        name="api-member-mappings",
    ),
]
