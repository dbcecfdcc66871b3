from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from resolutionflow.admin_scoping import AccountScopedAdmin, admin_account

from .forms import MemberMappingForm, PSAConnectionForm
from .models import PSAConnection, PSAMemberMapping
from .providers.base import PSAError
from .selectors import capabilities_for_account
from .services import (
    connection_save,
    connection_test,
    member_mappings_auto_match,
    member_mappings_confirm,
)


@admin.register(PSAConnection)
class PSAConnectionAdmin(AccountScopedAdmin):
    form = PSAConnectionForm
    list_display = [
        "account",
        "provider",
        "site",
        "company_id",
        "is_active",
        "last_checked_at",
        "health",
    ]
    list_filter = ["provider", "is_active"]
    search_fields = ["account__name", "site", "company_id"]
    readonly_fields = ["last_checked_at", "last_error"]
    actions = ["test_connection", "auto_match_members"]

    @method_decorator(sensitive_post_parameters("private_key"))
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["account", *PSAConnectionForm.Meta.fields]
        return [*fields, "last_checked_at", "last_error"] if obj else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(self.readonly_fields)
        return [*readonly, "account"] if obj else readonly

    def save_model(self, request: HttpRequest, obj: PSAConnection, form: Any, change: bool) -> None:
        """Through the one save path: caches forgotten, mappings flagged on a tenant change."""
        saved = connection_save(connection=obj, checked=getattr(form, "health", None))
        if saved.tenant_changed:
            psa = capabilities_for_account(account=obj.account).name
            self.message_user(
                request,
                f"{obj.account}: the connection now points at another {psa} tenant; member "
                "mappings need confirming (Member mappings → Confirm against the current PSA).",
                messages.WARNING,
            )

    @admin.display(description="Health", boolean=True)
    def health(self, obj: PSAConnection) -> bool | None:
        return None if obj.last_checked_at is None else not obj.last_error

    @admin.action(description="Test connection")
    def test_connection(self, request: HttpRequest, queryset: Any) -> None:
        for connection in queryset:
            status = connection_test(connection=connection)
            level = messages.SUCCESS if status.ok else messages.ERROR
            self.message_user(request, f"{connection.account}: {status.message}", level)

    @admin.action(description="Auto-match unmapped users to members by email")
    def auto_match_members(self, request: HttpRequest, queryset: Any) -> None:
        for connection in queryset:
            try:
                created = member_mappings_auto_match(account=connection.account)
            except PSAError as exc:
                self.message_user(request, f"{connection.account}: {exc.message}", messages.ERROR)
                continue
            names = ", ".join(f"{m.user} → {m.member_identifier}" for m in created) or "none"
            self.message_user(request, f"{connection.account}: matched {len(created)} ({names}).")


@admin.register(PSAMemberMapping)
class PSAMemberMappingAdmin(AccountScopedAdmin):
    form = MemberMappingForm
    list_display = [
        "user",
        "account",
        "member_identifier",
        "member_name",
        "match_method",
        "needs_confirming",
        "updated_at",
    ]
    list_filter = ["account", "match_method", "needs_confirming"]
    search_fields = ["user__username", "user__email", "member_identifier", "member_name"]
    list_select_related = ["user", "account"]
    fields = ["account", "user", "member"]
    actions = ["confirm_against_current_tenant"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        account = None if request.user.is_superuser else admin_account(request)
        if account is None:
            return form

        class AccountForm(form):  # type: ignore[valid-type,misc]
            # Only their account's people and PSA members are offered (and looked up).
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                form_kwargs.setdefault("account", account)
                super().__init__(*args, **form_kwargs)

        return AccountForm

    @admin.action(description="Confirm against the current PSA (match by identifier)")
    def confirm_against_current_tenant(self, request: HttpRequest, queryset: Any) -> None:
        by_account: dict[Any, list[int]] = {}
        for mapping in queryset.select_related("account"):
            by_account.setdefault(mapping.account, []).append(mapping.user_id)
        for account, user_ids in by_account.items():
            try:
                confirmed, unmatched = member_mappings_confirm(account=account, user_ids=user_ids)
            except PSAError as exc:
                self.message_user(request, f"{account}: {exc.message}", messages.ERROR)
                continue
            self.message_user(request, f"{account}: confirmed {len(confirmed)}.")
            if unmatched:
                names = ", ".join(f"{m.user} ({m.member_identifier})" for m in unmatched)
                self.message_user(
                    request,
                    f"{account}: no matching member for {names}; choose by hand.",
                    messages.WARNING,
                )
