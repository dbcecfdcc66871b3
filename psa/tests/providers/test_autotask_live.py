"""The PSAProvider contract against a real Autotask tenant: read-only, and only when asked.

Set these (e.g. from a password manager, never in a file in the repository) and run
`make test-live`:

    AUTOTASK_LIVE_USERNAME          the API-only user's user name (an email address)
    AUTOTASK_LIVE_SECRET            ... its secret
    AUTOTASK_LIVE_INTEGRATION_CODE  the API tracking identifier (integration code)
    AUTOTASK_LIVE_ZONE_URL          optional: the zone's REST base
                                    (https://webservicesN.autotask.net/atservicesrest/),
                                    skipping zone discovery
    AUTOTASK_LIVE_RESOURCE          optional: a resource id to impersonate (never used by a
                                    read; kept so the connection matches the product's)

Every test that would change the tenant (create, status, notes, assignments) is skipped: the
`writable` fixture refuses. Without the variables the whole module is skipped, saying which
ones are missing.

Autotask counts every call against the tenant's 10,000 requests per hour, shared with its other
integrations: a run costs a few hundred. The list scans at most 2,000 matching tickets (see
psa/providers/autotask/ticket_search.py); on a tenant with more open tickets than that, the
checks that page through every ticket report the difference rather than hide it.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from psa.providers.autotask.config import AutotaskConfig
from psa.providers.autotask.provider import AutotaskProvider
from psa.tests.providers.contract import PSAProviderContract

_SUFFIXES = ("USERNAME", "SECRET", "INTEGRATION_CODE")
LIVE_VARIABLES = tuple(f"AUTOTASK_LIVE_{suffix}" for suffix in _SUFFIXES)
MISSING = [name for name in LIVE_VARIABLES if not os.environ.get(name)]

if MISSING:  # one skip line for the module, not one per contract test
    pytest.skip(
        "live Autotask contract run not configured: set "
        + ", ".join(MISSING)
        + " to run the read-only contract against a real tenant (make test-live)",
        allow_module_level=True,
    )


def live_config() -> AutotaskConfig:
    env = os.environ
    resource = env.get("AUTOTASK_LIVE_RESOURCE", "").strip()
    if resource and not resource.isdigit():
        pytest.fail(f"AUTOTASK_LIVE_RESOURCE must be a resource id (digits), not {resource!r}")
    return AutotaskConfig(
        username=env.get("AUTOTASK_LIVE_USERNAME", ""),
        secret=env.get("AUTOTASK_LIVE_SECRET", ""),
        integration_code=env.get("AUTOTASK_LIVE_INTEGRATION_CODE", ""),
        zone_url=env.get("AUTOTASK_LIVE_ZONE_URL", "").strip(),
        impersonation_resource_id=int(resource) if resource else None,
    )


class TestAutotaskLiveContract(PSAProviderContract):
    @pytest.fixture
    def make_provider(self):
        return lambda: AutotaskProvider(live_config())

    @pytest.fixture
    def bad_credentials_provider(self):
        # A wrong secret is refused before anything is read: still read-only.
        provider = AutotaskProvider(
            dataclasses.replace(live_config(), secret="resolutionflow-wrong-secret")
        )
        yield provider
        provider.close()

    @pytest.fixture
    def writable(self):
        pytest.skip("live contract run is read-only: this test changes data")
