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
    # Unsaved connections (a credentials check) must not share or set a tenant's cooldown.
    cooldown = CacheCooldown(f"psa:cooldown:{connection.pk}") if connection.pk else None
    return ConnectWiseProvider(client=ConnectWiseClient(config, cooldown=cooldown))


PROVIDERS: dict[str, Callable[[PSAConnection], PSAProvider]] = {
    PSAConnection.Provider.CONNECTWISE: _connectwise,
}

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
