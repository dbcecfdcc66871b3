from typing import Any

# Imported for their registrations too: ours replace them below, whatever the app order.
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import admin_activity  # noqa: F401  (every admin change goes to the activity log)
from .admin_scoping import (
    ROLE_RANK,
    AccountScopedAdmin,
    RankedPeopleAdmin,
    admin_account,
    may_manage_credentials,
    role_rank,
)
from .models import Account, Membership
from .tenancy import request_membership


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

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # Memberships inline would skip the people rules below (who may be added, who outranks
        # whom): an account's own staff manage them on the Membership and User pages.
        return super().get_inlines(request, obj) if self._unscoped(request) else []


@admin.register(Membership)
class MembershipAdmin(RankedPeopleAdmin):
    list_display = ["user", "account", "role"]
    list_filter = ["account", "role"]
    search_fields = ["user__username", "user__email", "account__name"]
    autocomplete_fields = ["user"]
    # Someone new joins through the User page; people in no account are not the staff's to claim.
    user_choices_unaffiliated = False

    def scope_queryset(self, queryset: QuerySet[Any], account: Account) -> QuerySet[Any]:
        return queryset.filter(account=account, user__is_superuser=False)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not self._unscoped(request):
            # No one gives a role above their own (an engineer let into admin stays one).
            mine = role_rank(request_membership(request))
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if ROLE_RANK[value] <= mine
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


# --- the sign-in lockout (django-axes) and two-factor devices (django-otp) ------------------------
# Their own admins list every account's rows: sign-in attempts with addresses and user agents,
# authenticator secrets and recovery codes. Re-registered here, scoped like ours.


class UsernameScopedAdmin(AccountScopedAdmin):
    """django-axes keeps the user name as typed, not a user: a row belongs to the account of
    the user with exactly that name. Guesses at names nobody has are the operators' alone."""

    def scope_queryset(self, queryset: QuerySet[Any], account: Account) -> QuerySet[Any]:
        User = get_user_model()
        names = User.objects.filter(membership__account=account, is_superuser=False).values(
            User.USERNAME_FIELD
        )
        return queryset.filter(username__in=names)


class ScopedAccessAttemptAdmin(UsernameScopedAdmin, AccessAttemptAdmin):
    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self._unscoped(request):
            # It purges every account's expired attempts, whatever was selected.
            actions.pop("cleanup_expired_attempts", None)
        return actions


class ScopedAccessLogAdmin(UsernameScopedAdmin, AccessLogAdmin):
    pass


class ScopedAccessFailureLogAdmin(UsernameScopedAdmin, AccessFailureLogAdmin):
    pass


class DeviceScopedAdmin(AccountScopedAdmin):
    """A device belongs to its user's account. Only that account's people may be given one:
    a device planted on someone outside it (the operators, in no account) is not theirs to add.
    And like passwords, devices obey rank: one's own, or those of people ranked below."""

    account_path = "user__membership__account"
    user_choices_unaffiliated = False

    def scope_queryset(self, queryset: QuerySet[Any], account: Account) -> QuerySet[Any]:
        return queryset.filter(user__membership__account=account, user__is_superuser=False)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or may_manage_credentials(request, obj.user)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or may_manage_credentials(request, obj.user)
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not may_manage_credentials(request, obj.user):
            raise PermissionDenied("Only their own devices or those of people ranked below.")
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # The bulk "delete selected" action: every row must be one the requester may remove.
        if any(not may_manage_credentials(request, device.user) for device in queryset):
            raise PermissionDenied("Only their own devices or those of people ranked below.")
        super().delete_queryset(request, queryset)


class ScopedTOTPDeviceAdmin(DeviceScopedAdmin, TOTPDeviceAdmin):
    pass


class ScopedStaticDeviceAdmin(DeviceScopedAdmin, StaticDeviceAdmin):
    pass


for _model, _admin in (
    (AccessAttempt, ScopedAccessAttemptAdmin),
    (AccessLog, ScopedAccessLogAdmin),
    (AccessFailureLog, ScopedAccessFailureLogAdmin),
    (TOTPDevice, ScopedTOTPDeviceAdmin),
    (StaticDevice, ScopedStaticDeviceAdmin),
):
    # Only what the library registered (django-axes skips its admin when AXES_ENABLE_ADMIN is off).
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _admin)


# --- people ----------------------------------------------------------------------------------------
# Django's own User admin lists every account's people, and whoever may change users may tick
# "superuser" or grant themselves any permission. An MSP's staff get their own people only, never
# an operator (superuser) — changing one's password would be taking over the installation — and
# nothing that reaches beyond the account: superuser status, groups and permissions are global.

PRIVILEGE_FIELDS = ("is_superuser", "groups", "user_permissions")


class ScopedUserAdmin(RankedPeopleAdmin, UserAdmin):  # type: ignore[type-arg]
    account_path = "membership__account"

    def scope_queryset(self, queryset: QuerySet[Any], account: Account) -> QuerySet[Any]:
        return queryset.filter(membership__account=account, is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)
        if self._unscoped(request):
            return fields
        return (*fields, *PRIVILEGE_FIELDS)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        user = self.get_object(request, unquote(id))
        if user is not None and not may_manage_credentials(request, user):
            raise PermissionDenied("Only your own password or those of people ranked below you.")
        return super().user_change_password(request, id, form_url)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        account = admin_account(request)
        if not change and not self._unscoped(request) and account is not None:
            # Someone an account's staff add is one of that account's engineers, else they
            # would vanish from the staff's own list the moment they were saved.
            Membership.objects.get_or_create(user=obj, defaults={"account": account})


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
