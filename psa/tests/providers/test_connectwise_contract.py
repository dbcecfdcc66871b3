"""ConnectWiseProvider on the simulator: what the shared contract (test_provider_contract.py,
run against both providers) does not cover.

What only a real server shows: parallel page + count, the simulator's injected faults (rate
limit, 500s, hangs), the missing-clientId rule, ConnectWise's wording and links.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from psa.providers.base import (
    PSAPermissionError,
    PSARateLimited,
    PSAServerError,
    PSATimeout,
    PSAValidationError,
    TicketCreatePayload,
    TicketFilters,
)
from psa.providers.connectwise.client import ConnectWiseClient
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.simulator.server import RunningSimulator, start_background
from psa.tests.in_flight import InFlight


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    sim = start_background(port=0)
    try:
        yield sim
    finally:
        sim.stop()


def _control(sim: RunningSimulator, name: str, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(f"{sim.root_url}/_sim/{name}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def _config(sim: RunningSimulator, **overrides: Any) -> ConnectWiseConfig:
    values: dict[str, Any] = {
        "site_url": sim.root_url,
        "company_id": "baysideit",
        "public_key": "rfdemo-public",
        "private_key": "rfdemo-private",
        "client_id": "resolutionflow-tests",
        **overrides,
    }
    return ConnectWiseConfig(**values)


@pytest.fixture
def faults(simulator) -> Iterator[Any]:
    """Change the simulator's fault settings for one test; everything is switched off after."""

    def set_faults(**settings: Any) -> None:
        _control(simulator, "config", settings)

    _control(simulator, "reset", {})
    yield set_faults
    _control(
        simulator,
        "config",
        {"latency_ms": 0, "jitter_ms": 0, "fail_rate": 0, "rate_limit": 0, "hang_rate": 0},
    )
    _control(simulator, "reset", {})


def _route_count(sim: RunningSimulator, route: str) -> int:
    stats = requests.get(f"{sim.root_url}/_sim/stats", timeout=10).json()
    return int(stats["routes"].get(route, 0))


@pytest.fixture
def provider(simulator) -> Iterator[ConnectWiseProvider]:
    p = ConnectWiseProvider(_config(simulator))
    yield p
    p.close()


def test_bad_credentials_message_carries_connectwise_wording(simulator):
    provider = ConnectWiseProvider(_config(simulator, private_key="not-the-key"))
    health = provider.health_check()
    assert "refused the API credentials" in health.message
    assert health.details["code"] == "psa_auth_failed"
    assert health.details["detail"]  # ConnectWise's own message


def test_missing_client_id_is_a_permission_error_that_says_so(simulator):
    provider = ConnectWiseProvider(_config(simulator, client_id=""))
    with pytest.raises(PSAPermissionError, match="clientId"):
        provider.list_boards()
    health = provider.health_check()
    assert health.ok is False and "clientId" in health.message


def test_reference_data_names_the_service_schedule_type(provider):
    schedule_type = provider.reference_data().schedule_type
    assert schedule_type is not None and schedule_type.id
    assert schedule_type.identifier.upper() == "S"


def test_a_summary_over_100_characters_is_a_summary_error(provider):
    with pytest.raises(PSAValidationError) as info:
        provider.create_ticket(
            payload=TicketCreatePayload(summary="x" * 101, company_id=250, board_id=1)
        )
    assert "summary" in info.value.fields


def test_health_reports_the_server_version(provider):
    assert provider.health_check().server_version.startswith("v")


def test_web_url_points_at_the_ticket_in_connectwise(provider, simulator):
    assert provider.web_url(ticket_id=1042) == (
        f"{simulator.root_url}/v4_6_release/services/system_io/Service/"
        "fv_sr100_request.rails?service_recid=1042&companyName=baysideit"
    )


# --- behaviour only a server with latency and faults can show ------------------------------------


def test_page_and_count_are_requested_in_parallel(simulator, faults):
    provider = ConnectWiseProvider(_config(simulator))
    provider.search_tickets(filters=TicketFilters())  # warm the connection pool
    in_flight = InFlight(provider, gather=2)
    faults(latency_ms=300)
    result = provider.search_tickets(filters=TicketFilters(board_id=1))
    assert result.total > 0
    assert in_flight.peak == 2  # both were waiting on the 0.3 s round trip at the same time


def test_context_fetches_in_two_parallel_waves(simulator, faults):
    provider = ConnectWiseProvider(_config(simulator))
    in_flight = InFlight(provider, gather=4)
    faults(latency_ms=200)
    ctx = provider.get_ticket_context(ticket_id=1115)  # has a contact and a parent
    assert ctx.contact is not None and ctx.related
    assert in_flight.peak == 4  # ticket, notes, configurations, children; then contact + parent


def test_rate_limit_past_the_cap_surfaces_retry_after(simulator, faults):
    sleeps: list[float] = []
    client = ConnectWiseClient(_config(simulator), sleep=sleeps.append)
    provider = ConnectWiseProvider(client=client)
    faults(rate_limit=1)
    provider.list_priorities()
    with pytest.raises(PSARateLimited) as info:
        provider.list_priorities()
    assert info.value.retry_after is not None and info.value.retry_after > 10
    assert sleeps == []  # beyond retry_after_cap: reported, not slept through


def test_500s_are_unavailable_and_a_post_is_sent_once(simulator, faults):
    provider = ConnectWiseProvider(_config(simulator))
    faults(fail_rate=1)
    with pytest.raises(PSAServerError, match=r"answered with an error \(HTTP 500\)"):
        provider.create_ticket(
            payload=TicketCreatePayload(summary="never twice", company_id=250, board_id=1)
        )
    assert _route_count(simulator, "POST /service/tickets") == 1


def test_a_hanging_server_times_out_and_idempotent_reads_are_retried(simulator, faults):
    sleeps: list[float] = []
    config = _config(simulator, read_timeout=0.3, max_retries=1)
    provider = ConnectWiseProvider(client=ConnectWiseClient(config, sleep=sleeps.append))
    faults(hang_rate=1, hang_seconds=1.5)
    with pytest.raises(PSATimeout, match=r"within 0\.3 seconds"):
        provider.list_boards()
    assert _route_count(simulator, "GET /service/boards") == 2
    assert len(sleeps) == 1
