"""Reads: the account's connection, its provider, its reference data and member mappings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache

from resolutionflow.models import Account

from .models import PSAConnection, PSAMemberMapping
from .providers.base import PSAMember, PSANotConfigured, PSAProvider, ReferenceData
from .registry import provider_for_connection

NOT_CONNECTED = (
    "This account has no active ConnectWise connection. An owner or admin can connect it "
    "under Account → Integrations (/account/integrations/)."
)


def connection_get(*, account: Account) -> PSAConnection | None:
    return PSAConnection.objects.filter(account=account).first()


def provider_for_account(*, account: Account) -> PSAProvider:
    connection = PSAConnection.objects.filter(account=account, is_active=True).first()
    if connection is None:
        raise PSANotConfigured(NOT_CONNECTED)
    return provider_for_connection(connection)


def _generation_key(account_id: int) -> str:
    return f"psa:generation:{account_id}"


def cache_generation_get(*, account: Account) -> int:
    """A number in the key of everything cached from the account's ConnectWise (reference data,
    list rows): bumping it forgets all of it at once on every node, e.g. when the connection
    is pointed at another site."""
    return int(cache.get(_generation_key(account.pk)) or 0)


def psa_caches_invalidate(*, account: Account) -> None:
    """Forget every cached ConnectWise answer for the account: reference data and list rows
    (through the generation) and this process's pooled provider for its connection."""
    from .registry import provider_forget

    generation = cache_generation_get(account=account) + 1
    cache.set(_generation_key(account.pk), generation, timeout=None)
    cache.delete(_reference_key(account))
    connection = PSAConnection.objects.filter(account=account).first()
    if connection is not None:
        provider_forget(connection.pk)


def _reference_key(account: Account) -> str:
    # v2: ReferenceData carries the schedule type; older pickles lack that slot.
    return f"psa:reference:v2:{account.pk}:{cache_generation_get(account=account)}"


def reference_data_get(*, account: Account, provider: PSAProvider | None = None) -> ReferenceData:
    """Boards, statuses, priorities, members, companies and the schedule type, cached.

    Data from the shared cache is handed to the provider too, so a worker or web node that did
    not fetch it itself need not look the schedule type up again before an assignment.
    """
    key = _reference_key(account)
    data = cache.get(key)
    if data is None:
        provider = provider or provider_for_account(account=account)
        data = provider.reference_data()
        cache.set(key, data, timeout=settings.PSA_REFERENCE_TTL)
    elif provider is not None:
        provider.remember_reference(data)
    return data


def reference_data_invalidate(*, account: Account) -> None:
    cache.delete(_reference_key(account))


def reference_data_refresh(*, account: Account) -> ReferenceData:
    provider = provider_for_account(account=account)
    data = provider.reference_data()
    cache.set(_reference_key(account), data, timeout=settings.PSA_REFERENCE_TTL)
    return data


def member_mapping_get(*, account: Account, user: Any) -> PSAMemberMapping | None:
    return PSAMemberMapping.objects.filter(account=account, user=user).first()


def member_mappings_list(*, account: Account) -> list[PSAMemberMapping]:
    return list(PSAMemberMapping.objects.filter(account=account).select_related("user"))


def mapped_member_ids(*, account: Account) -> set[int]:
    return set(PSAMemberMapping.objects.filter(account=account).values_list("member_id", flat=True))


def member_for_user(*, account: Account, user: Any) -> PSAMember | None:
    """The engineer's ConnectWise member, as a normalized member (None when not mapped).

    A mapping that needs confirming (the connection now points at another ConnectWise) names a
    member of the old tenant: nothing is done as that member until an admin confirms it, so
    notes are signed with the engineer's name instead of attributed.
    """
    mapping = member_mapping_get(account=account, user=user)
    if mapping is None or mapping.needs_confirming:
        return None
    return PSAMember(
        id=mapping.member_id, identifier=mapping.member_identifier, name=mapping.member_name
    )
