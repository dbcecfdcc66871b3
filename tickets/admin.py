from django.contrib import admin

from resolutionflow.admin_scoping import AccountScopedAdmin

from .models import PendingNote, TicketAuditEntry
from .outbox import pending_notes_retry_now


@admin.register(TicketAuditEntry)
class TicketAuditEntryAdmin(AccountScopedAdmin):
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

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Append-only, for everyone (superusers included): the audit trail is the evidence.
        return False


@admin.register(PendingNote)
class PendingNoteAdmin(AccountScopedAdmin):
    """The notes outbox: what is waiting for the PSA, and why."""

    list_display = [
        "created_at",
        "account",
        "user",
        "ticket_id",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "psa_note_id",
    ]
    list_filter = ["state", "account"]
    search_fields = ["ticket_id", "user__username", "text", "client_key"]
    list_select_related = ["account", "user"]
    readonly_fields = [f.name for f in PendingNote._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    @admin.action(description="Try the selected queued notes again now")
    def retry_now(self, request, queryset):  # type: ignore[no-untyped-def]
        count = pending_notes_retry_now(ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} note(s) will be tried on the next drain pass.")
