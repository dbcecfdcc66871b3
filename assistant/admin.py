from django.contrib import admin

from resolutionflow.admin_scoping import AccountScopedAdmin

from .models import ChatMessage, ChatSession, SuggestedAction


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    extra = 0
    fields = readonly_fields = ("created_at", "role", "state", "engine", "content", "error")
    show_change_link = True


class SuggestedActionInline(admin.TabularInline):
    model = SuggestedAction
    extra = 0
    fields = readonly_fields = ("created_at", "label", "command", "status", "created_ticket_id")


@admin.register(ChatSession)
class ChatSessionAdmin(AccountScopedAdmin):
    list_display = ["__str__", "account", "user", "linked_ticket_id", "updated_at"]
    list_filter = ["account"]
    search_fields = ["title", "linked_summary", "linked_ticket_id", "user__username"]
    list_select_related = ["account", "user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ChatMessageInline, SuggestedActionInline]


@admin.register(ChatMessage)
class ChatMessageAdmin(AccountScopedAdmin):
    account_path = "session__account"
    list_display = ["created_at", "session", "role", "state", "engine"]
    list_filter = ["role", "state", "engine"]
    search_fields = ["content", "error"]
    list_select_related = ["session"]
    raw_id_fields = ["session"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(SuggestedAction)
class SuggestedActionAdmin(AccountScopedAdmin):
    account_path = "session__account"
    list_display = ["created_at", "label", "command", "status", "created_ticket_id", "session"]
    list_filter = ["command", "status"]
    search_fields = ["label", "description"]
    list_select_related = ["session"]
    raw_id_fields = ["session", "message"]
    readonly_fields = ["created_at", "updated_at", "done_at"]
