from django.contrib import admin

from .admin_scoping import AccountScopedAdmin
from .models import Account, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Account)
class AccountAdmin(AccountScopedAdmin):
    account_path = "pk"  # a scoped staff user sees their own account only
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        # New accounts (new tenants) are the installation operators' to create.
        return bool(request.user.is_superuser) and super().has_add_permission(request, *args)


@admin.register(Membership)
class MembershipAdmin(AccountScopedAdmin):
    list_display = ["user", "account", "role"]
    list_filter = ["account", "role"]
    search_fields = ["user__username", "user__email", "account__name"]
    autocomplete_fields = ["user"]
