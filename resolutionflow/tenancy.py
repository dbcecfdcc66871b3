"""Looking up who a request acts for. Everything PSA-related hangs off `membership.account`."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from rest_framework.permissions import BasePermission

from .models import Account, Membership

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

_UNSET = object()


def membership_for_user(*, user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return Membership.objects.select_related("account", "user").get(user=user)
    except Membership.DoesNotExist:
        return None


def request_membership(request: Any) -> Membership | None:
    """The signed-in user's membership, looked up once per request."""
    cached = getattr(request, "_rf_membership", _UNSET)
    if cached is _UNSET:
        cached = membership_for_user(user=request.user)
        request._rf_membership = cached
    return cached if isinstance(cached, Membership) else None


def membership_of(request: Any) -> Membership:
    """The membership of a request that `account_required`/`HasAccount` already let through.

    Typed, so views need no `# type: ignore` on `request.membership`; a view reached without
    an account (a missing decorator) is refused rather than crashing.
    """
    membership = request_membership(request)
    if membership is None:
        raise PermissionDenied("Your user is not a member of any account.")
    return membership


def account_of(request: Any) -> Account:
    """The account every PSA call of this request acts for."""
    return membership_of(request).account


def account_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in users without an account get a page that explains it, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = request_membership(request)
        if membership is None:
            return render(request, "no_account.html", status=403)
        # Read it with membership_of()/account_of(); the attribute stays for templates and
        # code written before those helpers.
        setattr(request, "membership", membership)  # noqa: B010
        return view(request, *args, **kwargs)

    return wrapper


class HasAccount(BasePermission):
    message = "Your user is not a member of any account. Ask your administrator to add you."

    def has_permission(self, request: Any, view: Any) -> bool:
        membership = request_membership(request)
        request.membership = membership
        return membership is not None
