"""Every change made in Django admin goes to the account activity log too.

Django admin writes a LogEntry for each add, change (a password set there included) and
delete, before a deleted row goes. That log is only visible in admin; the account's owners and
admins read the activity log on the integrations page. So each LogEntry is copied there, to the
account the changed row belongs to (a connection's, a person's, a device's user's), with who did
it, what and the admin's own change message.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from .activity import ActivityEvent, activity_record
from .models import Account, Membership

ACTIONS = {
    ADDITION: ActivityEvent.Action.ADMIN_ADDED,
    CHANGE: ActivityEvent.Action.ADMIN_CHANGED,
    DELETION: ActivityEvent.Action.ADMIN_DELETED,
}


def _account_of_row(obj: Any) -> Account | None:
    if isinstance(obj, Account):
        return obj
    account_id = getattr(obj, "account_id", None)
    if account_id is not None:
        return Account.objects.filter(pk=account_id).first()
    user = obj if isinstance(obj, get_user_model()) else getattr(obj, "user", None)
    if user is not None and getattr(user, "pk", None):
        membership = Membership.objects.filter(user=user).select_related("account").first()
        return membership.account if membership else None
    return None


@receiver(post_save, sender=LogEntry, dispatch_uid="rf-admin-activity")
def _copy_to_activity(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created or instance.action_flag not in ACTIONS:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    obj = None
    if model is not None and instance.object_id:
        obj = model._default_manager.filter(pk=instance.object_id).first()
    account = _account_of_row(obj) if obj is not None else None
    if account is None:
        actor_membership = Membership.objects.filter(user_id=instance.user_id).first()
        account = actor_membership.account if actor_membership else None
    label = model._meta.verbose_name if model is not None else "object"
    activity_record(
        account=account,
        actor=instance.user,
        action=ACTIONS[instance.action_flag],
        target=f"{label}: {instance.object_repr}",
        detail=instance.get_change_message(),
    )
