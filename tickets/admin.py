from django.contrib import admin

from .models import TicketAuditEntry


@admin.register(TicketAuditEntry)
class TicketAuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "account", "user", "ticket_id", "action", "outcome", "message"]
    list_filter = ["account", "action", "outcome"]
    search_fields = ["ticket_id", "user__username", "message"]
    date_hierarchy = "created_at"
    list_select_related = ["account", "user"]
    readonly_fields = [f.name for f in TicketAuditEntry._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
