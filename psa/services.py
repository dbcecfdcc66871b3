"""Writes around the PSA connection and member mappings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from resolutionflow.models import Account

from .models import PSAConnection, PSAMemberMapping
from .providers.base import HealthStatus, PSAMember
from .registry import build_provider, provider_for_connection
from .selectors import reference_data_get, reference_data_invalidate


def connection_check(*, connection: PSAConnection, shared: bool = True) -> HealthStatus:
    """Ask ConnectWise whether these credentials work. Never raises for a PSA failure."""
    provider = provider_for_connection(connection) if shared else build_provider(connection)
    try:
        return provider.health_check()
    finally:
        if not shared:
            provider.close()


def connection_test(*, connection: PSAConnection) -> HealthStatus:
    """Check a saved connection and record the outcome on it."""
    status = connection_check(connection=connection)
    connection.last_checked_at = timezone.now()
    connection.last_error = "" if status.ok else status.message
    connection.save(update_fields=["last_checked_at", "last_error"])
    return status


@transaction.atomic
def connection_save(*, connection: PSAConnection) -> HealthStatus:
    """Save credentials only after ConnectWise accepted them; raises ValidationError otherwise."""
    connection.full_clean()
    status = connection_check(connection=connection, shared=False)
    if not status.ok:
        raise ValidationError(f"ConnectWise refused the connection: {status.message}")
    connection.last_checked_at = timezone.now()
    connection.last_error = ""
    connection.save()
    reference_data_invalidate(account=connection.account)
    return status


def member_mapping_set(
    *,
    account: Account,
    user: Any,
    member: PSAMember,
    method: str = PSAMemberMapping.MatchMethod.MANUAL,
) -> PSAMemberMapping:
    """Map `user` to `member`, replacing the user's previous mapping."""
    mapping = PSAMemberMapping(
        account=account,
        user=user,
        member_id=member.id,
        member_identifier=member.identifier,
        member_name=member.name,
        match_method=method,
    )
    existing = PSAMemberMapping.objects.filter(account=account, user=user).first()
    if existing is not None:
        mapping.pk = existing.pk
        mapping.created_at = existing.created_at
    mapping.full_clean(validate_unique=True)
    mapping.save()
    return mapping


def member_mapping_delete(*, account: Account, user: Any) -> None:
    PSAMemberMapping.objects.filter(account=account, user=user).delete()


def member_mappings_auto_match(*, account: Account) -> list[PSAMemberMapping]:
    """Map every unmapped user of the account whose email equals one active member's email."""
    members = reference_data_get(account=account).members
    by_email: dict[str, list[PSAMember]] = {}
    for member in members:
        if member.email and not member.inactive:
            by_email.setdefault(member.email.strip().lower(), []).append(member)
    taken = set(
        PSAMemberMapping.objects.filter(account=account).values_list("member_id", flat=True)
    )
    mapped_users = PSAMemberMapping.objects.filter(account=account).values_list("user_id")
    users = (
        get_user_model()
        .objects.filter(membership__account=account)
        .exclude(pk__in=mapped_users)
        .exclude(email="")
    )
    created = []
    for user in users:
        candidates = by_email.get(user.email.strip().lower(), [])
        if len(candidates) == 1 and candidates[0].id not in taken:
            created.append(
                member_mapping_set(
                    account=account,
                    user=user,
                    member=candidates[0],
                    method=PSAMemberMapping.MatchMethod.EMAIL,
                )
            )
            taken.add(candidates[0].id)
    return created
