"""Django admin scoped by account: an MSP's own staff see and edit only their account's rows.

Superusers (the operators of this installation) see everything. A staff user who belongs to an
account gets that account's rows only, on every screen: change lists, change pages (another
account's row is "not found"), foreign-key choices, and saves (the account is set to theirs
whatever the form said). A staff user without an account sees no scoped rows at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from .models import Account, Membership
from .tenancy import request_membership


def admin_account(request: HttpRequest) -> Account | None:
    """The account a non-superuser's admin is limited to (None: no account, so no rows)."""
    membership = request_membership(request)
    return membership.account if membership else None


class AccountScopedAdmin(admin.ModelAdmin):
    """Mix into a ModelAdmin; `account_path` is the lookup from the model to its Account.

    A model that reaches its account some other way (a user name kept as text) overrides
    `scope_queryset`. `user_choices_unaffiliated` lets a user field offer people in no account
    yet (to add them to this one); off where that would reach beyond the account.
    """

    account_path = "account"
    user_choices_unaffiliated = True

    def _unscoped(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self._unscoped(request):
            return queryset
        account = admin_account(request)
        if account is None:
            return queryset.none()
        return self.scope_queryset(queryset, account)

    def scope_queryset(self, queryset: QuerySet[Any], account: Account) -> QuerySet[Any]:
        return queryset.filter(**{self.account_path: account.pk})

    def _in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None or self._unscoped(request):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Someone in no account has nowhere to add a row to.
        return super().has_add_permission(request, *args) and (
            self._unscoped(request) or admin_account(request) is not None
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def get_list_filter(self, request: HttpRequest) -> Any:
        # One account: filtering by account shows nothing new and would list the others' names.
        filters = super().get_list_filter(request)
        if self._unscoped(request):
            return filters
        return [f for f in filters if f != "account"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not self._unscoped(request):
            account = admin_account(request)
            account_pk = account.pk if account else None
            related = db_field.related_model
            if related is Account:
                kwargs["queryset"] = Account.objects.filter(pk=account_pk)
            elif related is get_user_model():
                # Their account's people, and people not in any account yet (to add them).
                people = Q(membership__account_id=account_pk)
                if self.user_choices_unaffiliated:
                    people |= Q(membership__isnull=True)
                # Never an operator: in the account, their devices and sign-ins would be in scope.
                kwargs["queryset"] = related.objects.filter(people, is_superuser=False)
            elif any(f.name == "account" for f in related._meta.get_fields()):
                kwargs["queryset"] = related.objects.filter(account_id=account_pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        """Runs before every `save_model` (the models' own save paths included): a scoped
        user's row always lands in their own account."""
        obj = super().save_form(request, form, change)
        if not self._unscoped(request) and self.account_path == "account":
            account = admin_account(request)
            if account is not None:
                obj.account = account
        return obj


ROLE_RANK = {Membership.Role.ENGINEER: 1, Membership.Role.ADMIN: 2, Membership.Role.OWNER: 3}


def role_rank(membership: Membership | None) -> int:
    return ROLE_RANK.get(membership.role, 0) if membership else 0  # type: ignore[call-overload]


def may_manage_credentials(request: HttpRequest, user: Any) -> bool:
    """Passwords and second-factor devices: one's own, or those of someone ranked below. A peer
    admin's password or an owner's authenticator is never another admin's to set or remove
    (that would be signing in as them)."""
    if getattr(request.user, "is_superuser", False):
        return True
    if user is None or user.pk == request.user.pk:
        return user is not None
    if user.is_superuser:
        return False
    target = Membership.objects.filter(user=user).first()
    return role_rank(target) < role_rank(request_membership(request))


class RankedPeopleAdmin(AccountScopedAdmin):
    """People and their memberships: a scoped staff user changes no one who outranks them (an
    engineer let into admin cannot reset the owner's password, demote them or delete them), and
    no operator (superuser) is ever in scope, whatever account they belong to."""

    def membership_of_row(self, obj: Any) -> Membership | None:
        """The row's membership: the row itself on the Membership page, the user's on theirs."""
        if isinstance(obj, Membership):
            return obj
        return Membership.objects.filter(user=obj).first()

    def _outranks_requester(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or self._unscoped(request):
            return False
        return role_rank(self.membership_of_row(obj)) > role_rank(request_membership(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._outranks_requester(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._outranks_requester(
            request, obj
        )
