"""The account activity log: who changed the PSA connection or mappings, who signed in (or failed
to), API token and two-factor events — with when and from which address. Owners and admins read
it on the integrations page; every part of the product adds to it through `activity_record`.

Part of the foundation: sign-in, tokens, two-factor and the admin all write to it, and they
import no app. The table keeps the name it was created with in `psa` (see migration
resolutionflow 0004): only the model's owner moved, no row did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import Account


class ActivityEvent(models.Model):
    class Action(models.TextChoices):
        CONNECTION_SAVED = "connection.saved", "Connection saved"
        CONNECTION_REFUSED = "connection.refused", "Connection change refused"
        CONNECTION_TESTED = "connection.tested", "Connection tested"
        MAPPING_SET = "mapping.set", "Member mapping set"
        MAPPING_DELETED = "mapping.deleted", "Member mapping removed"
        MAPPINGS_CONFIRMED = "mappings.confirmed", "Member mappings confirmed"
        MAPPINGS_MATCHED = "mappings.matched", "Member mappings matched by email"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login.failed", "Failed sign-in"
        TOKEN_CREATED = "token.created", "API token created"
        TOKEN_REVOKED = "token.revoked", "API token revoked"
        TWO_FACTOR_ENROLLED = "two_factor.enrolled", "Two-factor sign-in set up"
        RECOVERY_CODES_CREATED = "two_factor.codes_created", "Recovery codes generated"
        RECOVERY_CODE_USED = "two_factor.code_used", "Recovery code used"
        TWO_FACTOR_FAILED = "two_factor.failed", "Wrong two-factor code"
        TWO_FACTOR_RULE = "two_factor.rule", "Two-factor rule changed"
        ADMIN_ADDED = "admin.added", "Added in Django admin"
        ADMIN_CHANGED = "admin.changed", "Changed in Django admin"
        ADMIN_DELETED = "admin.deleted", "Deleted in Django admin"

    # Null for a failed sign-in under a name no account knows.
    account = models.ForeignKey(
        "resolutionflow.Account",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too: the log must still say who after the user is deleted.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    target = models.CharField(max_length=255, blank=True)
    detail = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "psa_activityevent"
        ordering = ["-created", "-id"]
        verbose_name = "activity event"

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.target}"


def client_ip(request: HttpRequest | None) -> str | None:
    """The peer address Django saw. Forwarded-for headers are not trusted: anyone can send one."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def activity_record(
    *,
    account: Account | None,
    actor: Any,
    action: str,
    target: str = "",
    detail: str = "",
    request: HttpRequest | None = None,
) -> ActivityEvent:
    """Add one event. `actor` is a user or None; `request` gives the address it came from."""
    user = actor if getattr(actor, "pk", None) else None
    return ActivityEvent.objects.create(
        account=account,
        actor=user,
        actor_name=user.get_username() if user else "",
        action=action,
        target=target[:255],
        detail=detail,
        ip=client_ip(request),
    )


def activity_list(*, account: Account, limit: int = 50) -> list[ActivityEvent]:
    return list(ActivityEvent.objects.filter(account=account).select_related("actor")[:limit])


def _account_of_user(user: Any) -> Account | None:
    membership = getattr(user, "membership", None) if user is not None else None
    return membership.account if membership is not None else None


@receiver(user_logged_in, dispatch_uid="resolutionflow.activity.login")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    activity_record(
        account=_account_of_user(user),
        actor=user,
        action=ActivityEvent.Action.LOGIN,
        target=user.get_username(),
        request=request,
    )


@receiver(user_login_failed, dispatch_uid="resolutionflow.activity.login_failed")
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    activity_record(
        account=_account_of_user(user),
        actor=None,
        action=ActivityEvent.Action.LOGIN_FAILED,
        target=username[:150],
        request=request,
    )
