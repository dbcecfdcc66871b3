"""Which provider class serves a PSAConnection, and one pooled instance per connection per process.

Instances are reused so every request to a tenant shares one HTTP connection pool; a changed
connection (new keys, new site) gets a fresh instance because its `updated_at` is in the key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.conf import settings

from .cooldown import CacheCooldown
from .models import PSAConnection
from .providers.autotask.budget import HourlyBudget
from .providers.autotask.client import AutotaskClient, SharedSlots
from .providers.autotask.config import AutotaskConfig
from .providers.autotask.provider import AutotaskProvider
from .providers.base import PSAProvider
from .providers.connectwise.client import ConnectWiseClient, ConnectWiseConfig
from .providers.connectwise.provider import ConnectWiseProvider


def _connectwise(connection: PSAConnection) -> PSAProvider:
    config = ConnectWiseConfig(
        site_url=connection.site,
        company_id=connection.company_id,
        public_key=connection.public_key,
        private_key=connection.private_key,
        client_id=connection.client_id,
        codebase=connection.codebase,
        api_version=connection.api_version,
        connect_timeout=settings.PSA_CONNECT_TIMEOUT,
        read_timeout=settings.PSA_READ_TIMEOUT,
        max_retries=settings.PSA_MAX_RETRIES,
        retry_after_cap=settings.PSA_RETRY_AFTER_CAP,
    )
    return ConnectWiseProvider(client=ConnectWiseClient(config, cooldown=_cooldown(connection)))


def _cooldown(connection: PSAConnection) -> CacheCooldown | None:
    # Unsaved connections (a credentials check) must not share or set a tenant's cooldown.
    return CacheCooldown(f"psa:cooldown:{connection.pk}") if connection.pk else None


def autotask_zone_url(connection: PSAConnection) -> str:
    """The REST base a zone override names (`https://webservices5.autotask.net` ->
    `.../atservicesrest/`), or "" to discover the zone from the user name."""
    zone = connection.zone_override.strip().rstrip("/")
    return f"{zone}/atservicesrest/" if zone else ""


def _autotask(connection: PSAConnection) -> PSAProvider:
    # Every address it reaches (the discovery host, the zone it is told) is checked at connect
    # time by the same transport as ConnectWise's (psa.providers.transport).
    config = AutotaskConfig(
        username=connection.username,
        secret=connection.private_key,
        integration_code=connection.integration_code,
        zone_url=autotask_zone_url(connection),
        discovery_root=connection.site.strip().rstrip("/"),
        connect_timeout=settings.PSA_CONNECT_TIMEOUT,
        read_timeout=settings.PSA_READ_TIMEOUT,
        max_retries=settings.PSA_MAX_RETRIES,
        retry_after_cap=settings.PSA_RETRY_AFTER_CAP,
    )
    # The hourly threshold is the tenant's: counted in the shared cache, like the cooldown, and
    # only for a saved connection (a credentials check must not spend or reset its count).
    saved = bool(connection.pk)
    budget = HourlyBudget(f"psa:budget:{connection.pk}") if saved else None
    # The three-calls-per-endpoint limit is the integration code's, on every node at once.
    slots = SharedSlots() if saved else None
    return AutotaskProvider(
        client=AutotaskClient(config, cooldown=_cooldown(connection), budget=budget, slots=slots)
    )


PROVIDERS: dict[str, Callable[[PSAConnection], PSAProvider]] = {
    PSAConnection.Provider.CONNECTWISE: _connectwise,
    PSAConnection.Provider.AUTOTASK: _autotask,
}

# The loggers of the providers' HTTP clients (one line per call), for a command to quieten.
CLIENT_LOGGERS = ("psa.connectwise", "psa.autotask")

_instances: dict[tuple[int, str], PSAProvider] = {}
_lock = threading.Lock()


def build_provider(connection: PSAConnection) -> PSAProvider:
    """A new, unshared provider (used to test credentials before saving them)."""
    return PROVIDERS[connection.provider](connection)


def provider_for_connection(connection: PSAConnection) -> PSAProvider:
    key = (connection.pk, connection.updated_at.isoformat() if connection.updated_at else "")
    with _lock:
        provider = _instances.get(key)
        if provider is None:
            for stale in [k for k in _instances if k[0] == connection.pk]:
                _instances.pop(stale).close()
            provider = _instances[key] = build_provider(connection)
        return provider


def provider_forget(connection_pk: int) -> None:
    """Drop this process's pooled provider for a connection (its settings changed)."""
    with _lock:
        for stale in [k for k in _instances if k[0] == connection_pk]:
            _instances.pop(stale).close()


def reset_provider_cache() -> None:
    with _lock:
        for provider in _instances.values():
            provider.close()
        _instances.clear()
