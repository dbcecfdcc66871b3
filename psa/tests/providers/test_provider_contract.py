"""The PSAProvider contract, run against every provider over HTTP to its simulator.

One suite (`contract.py`), two providers: each test runs once for ConnectWise (Bayside on the
ConnectWise simulator) and once for Autotask (Lakeside on the Autotask simulator), with the
simulator's data pristine at the start of the test. What only one vendor shows (faults through
the ConnectWise client, clientId, its web links) stays in that vendor's own test module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import PSAProvider
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.tests.providers.at_samples import lakeside_provider
from psa.tests.providers.contract import PSAProviderContract

PROVIDERS = ["connectwise", "autotask"]


def bayside_config(sim: Any, **overrides: Any) -> ConnectWiseConfig:
    """Bayside's API member on the ConnectWise simulator."""
    values: dict[str, Any] = {
        "site_url": sim.root_url,
        "company_id": "baysideit",
        "public_key": "rfdemo-public",
        "private_key": "rfdemo-private",
        "client_id": "resolutionflow-tests",
        **overrides,
    }
    return ConnectWiseConfig(**values)


def _bad_credentials(name: str, sim: Any) -> PSAProvider:
    if name == "connectwise":
        return ConnectWiseProvider(bayside_config(sim, private_key="not-the-key"))
    lakeside = lakeside_provider(sim)
    config = dataclasses.replace(lakeside.config, secret="not-the-secret")
    lakeside.close()
    return AutotaskProvider(config)


class TestProviderContract(PSAProviderContract):
    @pytest.fixture(params=PROVIDERS)
    def simulated(self, request: pytest.FixtureRequest) -> tuple[str, Any]:
        """(provider name, its simulator with pristine data and no faults for this test)."""
        name = request.param
        fixture = {"connectwise": "cw_sim", "autotask": "at_sim"}[name]
        return name, request.getfixturevalue(fixture)

    @pytest.fixture
    def make_provider(self, simulated) -> Callable[[], PSAProvider]:
        name, sim = simulated
        if name == "connectwise":
            return lambda: ConnectWiseProvider(bayside_config(sim))
        return lambda: lakeside_provider(sim)

    @pytest.fixture
    def bad_credentials_provider(self, simulated) -> Iterator[PSAProvider]:
        provider = _bad_credentials(*simulated)
        yield provider
        provider.close()

    @pytest.fixture
    def restore_data(self, simulated) -> Iterator[None]:
        # Each test starts pristine (cw_sim / at_sim); a writer also leaves it pristine for
        # whatever shares the session's simulator next.
        yield
        requests.post(f"{simulated[1].root_url}/_sim/reset", json={"data": True}, timeout=10)
