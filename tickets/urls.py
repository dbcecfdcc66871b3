from django.urls import path

from psa.budget import prefetch_spares_budget

from . import create_views, options_views, outbox_views, panel_views, views, widgets

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("queue/", widgets.my_queue, name="queue"),
    path("widgets/unassigned/", widgets.unassigned, name="widget-unassigned"),
    path("widgets/recent/", widgets.recent, name="widget-recent"),
    path("new/", create_views.ticket_new, name="new"),
    path("new/parse/", create_views.ticket_new_parse, name="new-parse"),
    path("new/create/", create_views.ticket_new_create, name="new-create"),
    path("options/statuses/", options_views.status_options, name="status-options"),
    path("options/companies/", options_views.company_options, name="company-options"),
    path("options/roles/", options_views.role_options, name="role-options"),
    path("<int:ticket_id>/panel/", panel_views.ticket_panel, name="panel"),
    path(
        "<int:ticket_id>/context/",
        prefetch_spares_budget(panel_views.ticket_context),
        name="context",
    ),
    path(
        "<int:ticket_id>/resources/",
        prefetch_spares_budget(panel_views.ticket_resources),
        name="resources",
    ),
    path("<int:ticket_id>/resources/add/", panel_views.ticket_resource_add, name="resource-add"),
    path(
        "<int:ticket_id>/resources/<int:member_id>/remove/",
        panel_views.ticket_resource_remove,
        name="resource-remove",
    ),
    path("<int:ticket_id>/status/", panel_views.ticket_status_set, name="status"),
    path("<int:ticket_id>/notes/", panel_views.ticket_note_add, name="note-add"),
    path("<int:ticket_id>/notes/outbox/", outbox_views.notes_outbox, name="notes-outbox"),
    path(
        "<int:ticket_id>/notes/outbox/<int:pending_id>/dismiss/",
        outbox_views.notes_outbox_dismiss,
        name="notes-outbox-dismiss",
    ),
]
