from django.urls import path

from . import views

app_name = "psa"
urlpatterns = [
    path("integrations/", views.integrations, name="integrations"),
    path("integrations/test/", views.connection_test_view, name="connection-test"),
    path("integrations/status/", views.connection_status_view, name="connection-status"),
    path("integrations/budget/", views.call_budget_view, name="call-budget"),
    path("integrations/diagnostics/", views.diagnostics_view, name="diagnostics"),
    path("integrations/connection/", views.connection_save_view, name="connection-save"),
    path("integrations/mappings/auto-match/", views.mappings_auto_match_view, name="auto-match"),
    path("integrations/mappings/confirm/", views.mappings_confirm_view, name="mappings-confirm"),
    path("integrations/mappings/<int:user_id>/", views.mapping_set_view, name="mapping-set"),
    path(
        "integrations/mappings/<int:user_id>/delete/",
        views.mapping_delete_view,
        name="mapping-delete",
    ),
]
