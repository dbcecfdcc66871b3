"""The PSAProvider contract against a real ConnectWise tenant: read-only, and only when asked.

Set these (e.g. from a password manager, never in a file in the repository) and run
`make test-live`:

    CONNECTWISE_LIVE_SITE         https://api-na.myconnectwise.net (or your on-premise host)
    CONNECTWISE_LIVE_COMPANY      the company id you sign in with
    CONNECTWISE_LIVE_PUBLIC_KEY   an API member's public key
    CONNECTWISE_LIVE_PRIVATE_KEY  ... and its private key
    CONNECTWISE_LIVE_CLIENT_ID    your clientId from developer.connectwise.com
    CONNECTWISE_LIVE_CODEBASE     optional, default v4_6_release/

Every test that would change the tenant (create, status, notes, assignments) is skipped: the
`writable` fixture refuses. Without the variables the whole module is skipped, saying which
ones are missing.
"""

from __future__ import annotations

import os

import pytest

from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.tests.providers.contract import PSAProviderContract

_SUFFIXES = ("SITE", "COMPANY", "PUBLIC_KEY", "PRIVATE_KEY", "CLIENT_ID")
LIVE_VARIABLES = tuple(f"CONNECTWISE_LIVE_{suffix}" for suffix in _SUFFIXES)
MISSING = [name for name in LIVE_VARIABLES if not os.environ.get(name)]

if MISSING:  # one skip line for the module, not one per contract test
    pytest.skip(
        "live ConnectWise contract run not configured: set "
        + ", ".join(MISSING)
        + " to run the read-only contract against a real tenant (make test-live)",
        allow_module_level=True,
    )


def live_config(**overrides: str) -> ConnectWiseConfig:
    env = os.environ
    values = {
        "site_url": env.get("CONNECTWISE_LIVE_SITE", ""),
        "company_id": env.get("CONNECTWISE_LIVE_COMPANY", ""),
        "public_key": env.get("CONNECTWISE_LIVE_PUBLIC_KEY", ""),
        "private_key": env.get("CONNECTWISE_LIVE_PRIVATE_KEY", ""),
        "client_id": env.get("CONNECTWISE_LIVE_CLIENT_ID", ""),
        "codebase": env.get("CONNECTWISE_LIVE_CODEBASE") or "v4_6_release/",
        **overrides,
    }
    return ConnectWiseConfig(**values)


class TestConnectWiseLiveContract(PSAProviderContract):
    @pytest.fixture
    def make_provider(self):
        return lambda: ConnectWiseProvider(live_config())

    @pytest.fixture
    def bad_credentials_provider(self):
        # A wrong private key is refused before anything is read: still read-only.
        provider = ConnectWiseProvider(live_config(private_key="resolutionflow-wrong-key"))
        yield provider
        provider.close()

    @pytest.fixture
    def writable(self):
        pytest.skip("live contract run is read-only: this test changes data")
