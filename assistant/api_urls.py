"""ResolutionAssist's JSON API under /api/assistant/ (no trailing slashes, like the tickets API)."""

from django.urls import path

from . import api

urlpatterns = [
    path("sessions", api.SessionsApi.as_view(), name="api-assistant-sessions"),
    path(
        "sessions/<int:session_id>",
        api.SessionDetailApi.as_view(),
        name="api-assistant-session",
    ),
    path(
        "sessions/<int:session_id>/messages",
        api.SessionMessagesApi.as_view(),
        name="api-assistant-session-messages",
    ),
    path(
        "messages/<int:message_id>",
        api.MessageDetailApi.as_view(),
        name="api-assistant-message",
    ),
    path(
        "actions/<int:action_id>/complete",
        api.ActionCompleteApi.as_view(),
        name="api-assistant-action-complete",
    ),
]
