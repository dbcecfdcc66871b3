from __future__ import annotations

from typing import Any

import pytest
import requests
from rest_framework.test import APIClient

from resolutionflow.api_tokens import api_token_create


def api_client_for(user: Any) -> APIClient:
    client = APIClient()
    _, key = api_token_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def jordan_api(demo: Any) -> APIClient:
    return api_client_for(demo.jordan)


@pytest.fixture
def sim_config(cw_sim: Any):
    """Change the simulator's faults for one test (the cw_sim fixture resets them afterwards)."""

    def configure(**options: Any) -> None:
        requests.post(f"{cw_sim.root_url}/_sim/config", json=options, timeout=5).raise_for_status()

    return configure


@pytest.fixture
def sim_stats(cw_sim: Any):
    def stats() -> dict[str, Any]:
        return requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()

    return stats
