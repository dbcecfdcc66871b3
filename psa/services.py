"""Writes around the PSA connection and member mappings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from resolutionflow.models import Account

from .models import PSAConnection, PSAMemberMapping
from .providers.base import HealthStatus, PSAMember
from .registry import build_provider, provider_for_connection
from .selectors import psa_caches_invalidate, reference_data_get


def connection_check(*, connection: PSAConnection, shared: bool = True) -> HealthStatus:
    """Ask the PSA whether these credentials work. Never raises for a PSA failure.

    A stored private key is sent only to the site, company and public key it was entered for.
    """
    if connection.private_key and not connection.key_is_bound_here:
        return HealthStatus(
            ok=False, message=connection.key_reentry_message, details={"code": "key_not_bound"}
        )
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


@dataclass(frozen=True, slots=True)
class ConnectionSaved:
    connection: PSAConnection
    status: HealthStatus | None  # None when nothing that reaches the PSA changed
    tenant_changed: bool  # another site or company id: mappings now need confirming


CREDENTIAL_FIELDS = (
    "provider",
    "site",
    "company_id",
    "public_key",
    "private_key",
    "client_id",
    "username",
    "integration_code",
    "zone_override",
)


def _tenant(connection: PSAConnection) -> tuple[str, ...]:
    # A tenant without a company id is its API user's (the zone is where it lives, not who it is).
    return (
        connection.provider,
        connection.site.strip().lower().rstrip("/"),
        connection.company_id.strip().lower(),
        connection.username.strip().lower(),
    )


@transaction.atomic
def connection_save(
    *, connection: PSAConnection, checked: HealthStatus | None = None
) -> ConnectionSaved:
    """Save connection settings; the one way they change (integrations page, admin).

    Credentials are saved only after the PSA accepted them (`checked`: a check the caller
    already made of exactly these settings); raises ValidationError otherwise. Everything cached
    from the account's PSA is forgotten once the change commits. When the site or company
    id changes, every member mapping names a member of the old tenant: each is marked as needing
    confirmation, and until an admin confirms it notes are signed instead of attributed.
    """
    connection.full_clean()
    previous = PSAConnection.objects.filter(pk=connection.pk).first() if connection.pk else None
    if previous is None or previous.private_key != connection.private_key:
        connection.private_key_for = connection.key_identity  # a key given now binds to these
    elif not connection.key_is_bound_here:
        raise ValidationError({"private_key": connection.key_reentry_message})
    credentials_changed = previous is None or any(
        getattr(previous, name) != getattr(connection, name) for name in CREDENTIAL_FIELDS
    )
    status = checked
    if connection.is_active and credentials_changed and status is None:
        status = connection_check(connection=connection, shared=False)
    if status is not None:
        if not status.ok:
            raise ValidationError(
                f"{connection.vendor_name} refused the connection: {status.message}"
            )
        connection.last_checked_at = timezone.now()
        connection.last_error = ""
    connection.save()
    tenant_changed = previous is not None and _tenant(previous) != _tenant(connection)
    if tenant_changed:
        PSAMemberMapping.objects.filter(account=connection.account).update(
            needs_confirming=True, updated_at=timezone.now()
        )
    account = connection.account
    psa_caches_invalidate(account=account)
    # Again once committed: a request that read the old settings meanwhile may have cached
    # the old tenant's answers under the new generation.
    transaction.on_commit(lambda: psa_caches_invalidate(account=account))
    return ConnectionSaved(connection=connection, status=status, tenant_changed=tenant_changed)


def member_mappings_confirm(
    *, account: Account, user_ids: Iterable[int] | None = None
) -> tuple[list[PSAMemberMapping], list[PSAMemberMapping]]:
    """Confirm mappings that need it against the account's current PSA.

    A mapping is confirmed when the current tenant has an active member with the same identifier
    (identifiers are people's logins; ids differ between tenants): it takes that member's id and
    name. Others stay flagged for an admin to map by hand. Returns (confirmed, still_unconfirmed).
    """
    members = {
        m.identifier.casefold(): m
        for m in reference_data_get(account=account).members
        if not m.inactive
    }
    pending = PSAMemberMapping.objects.filter(account=account, needs_confirming=True)
    if user_ids is not None:
        pending = pending.filter(user_id__in=list(user_ids))
    unmatched: list[PSAMemberMapping] = []
    with transaction.atomic():
        matches: dict[int, tuple[PSAMemberMapping, PSAMember]] = {}
        for mapping in pending.select_for_update():
            member = members.get(mapping.member_identifier.casefold())
            if member is None:
                unmatched.append(mapping)
            else:
                matches[mapping.pk] = (mapping, member)
        held = set(
            PSAMemberMapping.objects.filter(account=account)
            .exclude(pk__in=list(matches))
            .values_list("member_id", flat=True)
        )
        claimed: set[int] = set()
        for pk, (mapping, member) in list(matches.items()):
            if member.id in held or member.id in claimed:
                unmatched.append(mapping)  # someone else is that member now: map by hand
                del matches[pk]
            claimed.add(member.id)
        # Ids move between tenants (old jsmith may hold new mlee's id): park the ids first so the
        # one-mapping-per-member constraint never sees two mappings on one id half-way through.
        for pk in matches:
            PSAMemberMapping.objects.filter(pk=pk).update(member_id=_PARKED_ID + pk)
        confirmed = []
        for mapping, member in matches.values():
            mapping.member_id = member.id
            mapping.member_identifier = member.identifier
            mapping.member_name = member.name
            mapping.needs_confirming = False
            mapping.save()
            confirmed.append(mapping)
    return confirmed, unmatched


# Parked ids (+ the mapping's pk) sit above any PSA member id seen in practice.
_PARKED_ID = 1_000_000_000


def member_mapping_set(
    *,
    account: Account,
    user: Any,
    member: PSAMember,
    method: str = PSAMemberMapping.MatchMethod.MANUAL,
) -> PSAMemberMapping:
    """Map `user` to `member`, replacing the user's previous mapping.

    Chosen against the account's current PSA, so the mapping is confirmed.
    """
    mapping = PSAMemberMapping.objects.filter(
        account=account, user=user
    ).first() or PSAMemberMapping(account=account, user=user)
    mapping.member_id = member.id
    mapping.member_identifier = member.identifier
    mapping.member_name = member.name
    mapping.match_method = method
    mapping.needs_confirming = False
    label = f"{member.name} ({member.identifier})"
    holder = PSAMemberMapping.member_holder(
        account_id=account.pk, member_id=member.id, user_id=user.pk
    )
    if holder is not None:  # said as who has the member, not as the constraint's name
        raise ValidationError({"member_id": holder.taken_message(label)})
    mapping.full_clean(validate_unique=True)
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError:
        # Someone mapped that member between the check and the save.
        holder = PSAMemberMapping.member_holder(
            account_id=account.pk, member_id=member.id, user_id=user.pk
        )
        if holder is None:
            raise
        raise ValidationError({"member_id": holder.taken_message(label)}) from None
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
