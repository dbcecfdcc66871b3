"""Reads: the account's connection, its provider, its reference data and member mappings."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache

from resolutionflow.models import Account

from .models import PSAConnection, PSAMemberMapping
from .providers.base import (
    PSACapabilities,
    PSAError,
    PSAMember,
    PSANotConfigured,
    PSAProvider,
    ReferenceData,
)
from .registry import build_provider, provider_for_connection

NOT_CONNECTED = (
    "This account has no active {psa} connection. An owner or admin can connect it "
    "under Account → Integrations (/account/integrations/)."
)


def connection_get(*, account: Account) -> PSAConnection | None:
    return PSAConnection.objects.filter(account=account).first()


def connection_health_list() -> list[dict[str, object]]:
    """Every account's last PSA check, for operators (`/healthz`, see
    settings.HEALTHZ_REPORTS): from the database only, never a call to the PSA."""
    return [
        {
            "account": c.account.slug,
            "provider": c.provider,
            "active": c.is_active,
            "ok": c.healthy,
            "last_checked_at": c.last_checked_at.isoformat() if c.last_checked_at else None,
            "last_error": c.last_error,
        }
        for c in PSAConnection.objects.select_related("account").order_by("account__slug")
    ]


def provider_for_account(*, account: Account) -> PSAProvider:
    connection = PSAConnection.objects.filter(account=account, is_active=True).first()
    if connection is None:
        raise PSANotConfigured(
            NOT_CONNECTED.format(psa=capabilities_for_account(account=account).name)
        )
    return provider_for_connection(connection)


# What each kind of provider declares, learned once per process from an unsaved connection of
# that kind (building a provider makes no call; its capabilities are a class attribute). Only the
# default kind is built this way: an existing connection's own provider answers for itself.
_KIND_CAPABILITIES: dict[str, PSACapabilities] = {}


def _capabilities_of_kind(kind: str) -> PSACapabilities:
    caps = _KIND_CAPABILITIES.get(kind)
    if caps is None:
        provider = build_provider(PSAConnection(provider=kind))
        caps = _KIND_CAPABILITIES[kind] = provider.capabilities
        provider.close()
    return caps


def capabilities_for_account(*, account: Account) -> PSACapabilities:
    """What the account's PSA can do and what it calls things, without a call to it.

    An account whose connection is switched off keeps its PSA's words; one with no connection
    yet gets those of the PSA a new connection starts as (the model's default provider), so
    "Connect … to see tickets" names what the owner will be asked to connect.
    """
    connection = PSAConnection.objects.filter(account=account).first()
    if connection is None:
        return default_capabilities()
    # Switched off or not, the connection says which PSA it is (building one makes no call).
    return provider_for_connection(connection).capabilities


def default_capabilities() -> PSACapabilities:
    """The words of the PSA a new connection starts as: for a page with no account (a signed-out
    error page) or an account with no connection yet."""
    return _capabilities_of_kind(str(PSAConnection._meta.get_field("provider").get_default()))


def _generation_key(account_id: int) -> str:
    return f"psa:generation:{account_id}"


def cache_generation_get(*, account: Account) -> int:
    """A number in the key of everything cached from the account's PSA (reference data,
    list rows): bumping it forgets all of it at once on every node, e.g. when the connection
    is pointed at another site."""
    return int(cache.get(_generation_key(account.pk)) or 0)


def psa_caches_invalidate(*, account: Account) -> None:
    """Forget every cached PSA answer for the account: reference data and list rows
    (through the generation) and this process's pooled provider for its connection."""
    from .registry import provider_forget

    generation = cache_generation_get(account=account) + 1
    cache.set(_generation_key(account.pk), generation, timeout=None)
    _LOCAL.pop(account.pk, None)
    connection = PSAConnection.objects.filter(account=account).first()
    if connection is not None:
        provider_forget(connection.pk)


# How long one load may hold the lock; longer than a load takes (two waves), short enough that
# waiters of a loader that died are not held up for long.
REFERENCE_LOCK_SECONDS = 30
REFERENCE_WAIT_STEP = 0.05
# How long callers that waited on a failed load share its error before someone tries again.
REFERENCE_FAILURE_SECONDS = 5
# A stale copy is kept (and served while a refresh runs in the background) this much longer.
REFERENCE_STALE_FACTOR = 2


# This process's copy of each account's reference data, with the version it was read at.
# Unpickling 5,000 companies costs ~30 ms and a page asks several times: when the shared cache's
# small version stamp has not moved, the copy already in memory is the same data.
_LOCAL: dict[int, tuple[str, float, ReferenceData]] = {}


def reference_cache_key(account: Account) -> str:
    # v3: a (version, fetched at, ReferenceData) entry; ReferenceData carries the schedule type.
    return f"psa:reference:v3:{account.pk}:{cache_generation_get(account=account)}"


def _store_reference(account: Account, data: ReferenceData) -> None:
    version = uuid.uuid4().hex
    entry = (version, time.time(), data)
    key = reference_cache_key(account)
    timeout = settings.PSA_REFERENCE_TTL * REFERENCE_STALE_FACTOR
    cache.set(key, entry, timeout=timeout)
    cache.set(f"{key}:version", version, timeout=timeout)
    _LOCAL[account.pk] = entry


def _cached_reference(account: Account) -> tuple[str, float, ReferenceData] | None:
    key = reference_cache_key(account)
    version = cache.get(f"{key}:version")
    if version is None:
        return None
    local = _LOCAL.get(account.pk)
    if local is not None and local[0] == version:
        return local
    entry = cache.get(key)
    if entry is not None:
        _LOCAL[account.pk] = entry
    return entry


def reference_data_get(*, account: Account, provider: PSAProvider | None = None) -> ReferenceData:
    """Boards, statuses, priorities, members, companies and the schedule type, from the cache.

    A cold cache is filled by one caller at a time, on every node: the first takes a short lock
    (`cache.add`, atomic on locmem and Redis) and loads; the others wait for its result instead
    of asking the PSA the same five questions (no stampede). A copy older than
    `PSA_REFERENCE_TTL` is still served while one caller queues a refresh for the workers.
    Data from the shared cache is handed to the provider too, so a worker or web node that did
    not fetch it itself need not look the schedule type up again before an assignment.
    """
    entry = _cached_reference(account)
    if entry is None:
        return _reference_load_once(account=account, provider=provider)
    _, fetched_at, data = entry
    if provider is not None:
        provider.remember_reference(data)
    if time.time() - fetched_at >= settings.PSA_REFERENCE_TTL and cache.add(
        f"{reference_cache_key(account)}:refreshing", 1, timeout=REFERENCE_LOCK_SECONDS
    ):
        from .tasks import refresh_reference_data

        refresh_reference_data.delay(account.pk)
    return data


def _reference_load_once(*, account: Account, provider: PSAProvider | None) -> ReferenceData:
    key = reference_cache_key(account)
    lock, failed = f"{key}:loading", f"{key}:failed"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + REFERENCE_LOCK_SECONDS
    while True:
        if cache.add(lock, token, timeout=REFERENCE_LOCK_SECONDS):
            try:
                data = (provider or provider_for_account(account=account)).reference_data()
                # Stored before the lock goes, so no waiter sees neither lock nor data.
                _store_reference(account, data)
                cache.delete(failed)
                return data
            except PSAError as error:
                # The callers waiting on this load get the same answer, instead of each taking
                # a turn at a PSA that just failed (one timeout after another).
                cache.set(failed, error, timeout=REFERENCE_FAILURE_SECONDS)
                raise
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        # Another request (maybe on another node) is loading: wait for what it stores.
        while cache.get(lock) is not None and time.monotonic() < deadline:
            time.sleep(REFERENCE_WAIT_STEP)
            entry = _cached_reference(account)
            if entry is not None:
                return entry[2]
        entry = _cached_reference(account)
        if entry is not None:
            return entry[2]
        shared_failure = cache.get(failed)
        if isinstance(shared_failure, PSAError):
            raise shared_failure
        if time.monotonic() >= deadline:
            # The loader is stuck or gone: load without the lock rather than fail the page.
            data = (provider or provider_for_account(account=account)).reference_data()
            _store_reference(account, data)
            return data
        # The lock expired with nothing stored: take a turn ourselves.


def reference_data_invalidate(*, account: Account) -> None:
    key = reference_cache_key(account)
    cache.delete_many([key, f"{key}:version"])
    _LOCAL.pop(account.pk, None)


def reference_data_refresh(*, account: Account) -> ReferenceData:
    provider = provider_for_account(account=account)
    data = provider.reference_data()
    _store_reference(account, data)
    return data


def member_mapping_get(*, account: Account, user: Any) -> PSAMemberMapping | None:
    return PSAMemberMapping.objects.filter(account=account, user=user).first()


def member_mappings_list(*, account: Account) -> list[PSAMemberMapping]:
    return list(PSAMemberMapping.objects.filter(account=account).select_related("user"))


def mapped_member_ids(*, account: Account) -> set[int]:
    return set(PSAMemberMapping.objects.filter(account=account).values_list("member_id", flat=True))


def member_for_user(*, account: Account, user: Any) -> PSAMember | None:
    """The engineer's PSA member, as a normalized member (None when not mapped).

    A mapping that needs confirming (the connection now points at another PSA tenant) names a
    member of the old tenant: nothing is done as that member until an admin confirms it, so
    notes are signed with the engineer's name instead of attributed.
    """
    return member_of_mapping(member_mapping_get(account=account, user=user))


def member_of_mapping(mapping: PSAMemberMapping | None) -> PSAMember | None:
    """The member a mapping lets us act as: none while it needs confirming (see above)."""
    if mapping is None or mapping.needs_confirming:
        return None
    return PSAMember(
        id=mapping.member_id, identifier=mapping.member_identifier, name=mapping.member_name
    )
