"""Fixtures shared by every app: live ConnectWise and Autotask simulators on loopback, demo tenants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import settings as hypothesis_settings

# Property tests check what is computed, not how fast: on a loaded 2-core CI machine hypothesis's
# default 200 ms deadline per example turns scheduling noise into a failure.
hypothesis_settings.register_profile("resolutionflow", deadline=None)
hypothesis_settings.load_profile("resolutionflow")


# The fault controls both simulators share (`/_sim/config`), all off.
NO_FAULTS = {
    "latency_ms": 0,
    "jitter_ms": 0,
    "fail_rate": 0,
    "rate_limit": 0,
    "hang_rate": 0,
    "hang_seconds": 30,
    "bad_json_rate": 0,
    "auth_fail_rate": 0,
}


def _pristine(root_url: str, config: dict[str, Any]) -> None:
    """A running simulator's data restored, its counters zeroed and `config` applied."""
    requests.post(f"{root_url}/_sim/reset", json={"data": True}, timeout=10)
    requests.post(f"{root_url}/_sim/config", json=config, timeout=10)


@pytest.fixture(scope="session")
def cw_simulator() -> Iterator[Any]:
    """One simulator for the whole run (loopback, free port); tests reset its data as needed."""
    from psa.simulator.server import start_background

    sim = start_background(host="127.0.0.1", port=0)
    yield sim
    sim.stop()


@pytest.fixture
def cw_sim(cw_simulator: Any) -> Iterator[Any]:
    """The simulator with pristine data, no faults and zeroed counters for this test."""
    _pristine(cw_simulator.root_url, NO_FAULTS)
    yield cw_simulator


@pytest.fixture(scope="session")
def at_simulator() -> Iterator[Any]:
    """One Autotask simulator for the whole run (loopback, free port); tests reset it as needed."""
    from psa.simulator.autotask.server import start_background

    sim = start_background(host="127.0.0.1", port=0)
    yield sim
    sim.stop()


@pytest.fixture
def at_sim(at_simulator: Any) -> Iterator[Any]:
    """The Autotask simulator with pristine data, no faults, default limits, zeroed counters."""
    _pristine(
        at_simulator.root_url, {**NO_FAULTS, "hourly_threshold": 10_000, "concurrent_limit": 3}
    )
    yield at_simulator


@pytest.fixture(autouse=True)
def _tasks_run_inline(request: pytest.FixtureRequest) -> Iterator[None]:
    """Task bodies run in-process even when REDIS_URL configures a broker; only tests marked
    `services` send tasks to a real worker."""
    if request.node.get_closest_marker("services"):
        yield
        return
    from resolutionflow.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Demo users are created per test; a deliberately slow hasher would dominate the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_caches() -> Iterator[None]:
    """Reference data and pooled providers must not leak between tests."""
    from django.core.cache import cache

    from psa.registry import reset_provider_cache

    cache.clear()
    reset_provider_cache()
    yield
    reset_provider_cache()
    cache.clear()


@pytest.fixture
def demo(db: Any, cw_sim: Any) -> Any:
    """The seeded demo (both accounts, users, connections, mappings) against the test simulator."""
    from django.core.management import call_command

    from resolutionflow.tests.demo import DemoWorld

    # No seeded ResolutionAssist session: tests of sessions count and list their own.
    call_command(
        "seed_demo", cw_url=cw_sim.root_url, sessions=False, stdout=_Null(), stderr=_Null()
    )
    return DemoWorld.load()


@pytest.fixture
def lakeside(demo: Any, at_sim: Any) -> Any:
    """The demo plus its Autotask MSP, Lakeside Managed IT (avery, blake), on the test Autotask
    simulator; the `demo` fixture alone never seeds it, so ConnectWise tests see what they did."""
    from django.core.management import call_command

    from resolutionflow.models import Account

    call_command(
        "seed_demo",
        cw_url=demo.bayside.psa_connection.site,
        at_url=at_sim.root_url,
        sessions=False,
        stdout=_Null(),
        stderr=_Null(),
    )
    return Account.objects.get(slug="lakeside")


class _Null:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass
