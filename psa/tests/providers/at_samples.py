"""The Autotask tests' provider: Lakeside's API user on the in-process simulator."""

from __future__ import annotations

from typing import Any

from psa.providers.autotask.config import AutotaskConfig
from psa.providers.autotask.provider import AutotaskProvider


def lakeside_provider(at_sim: Any) -> AutotaskProvider:
    return AutotaskProvider(
        AutotaskConfig(
            username="rfdemo@lakesideit.example",
            secret="rfdemo-secret",
            integration_code="RFDEMO",
            discovery_root=at_sim.root_url,
        )
    )
