"""The Autotask client funnel against the real simulator on loopback: zone discovery, the three
credentials, impersonation, errors mapped once into our family, retries only where safe, the
request deadline and the three-calls-per-endpoint limit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from psa.providers.autotask.client import AutotaskClient
from psa.providers.autotask.config import AutotaskConfig, config_problem
from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import (
    PSAAuthError,
    PSANotConfigured,
    PSANotFound,
    PSARateLimited,
    PSAResponseError,
    PSAServerError,
    PSATimeout,
    PSAValidationError,
)
from resolutionflow import deadline


def _config(sim: Any, **overrides: Any) -> AutotaskConfig:
    values: dict[str, Any] = {
        "username": "rfdemo@lakesideit.example",
        "secret": "rfdemo-secret",
        "integration_code": "RFDEMO",
        "discovery_root": sim.root_url,
        **overrides,
    }
    return AutotaskConfig(**values)


def _client(sim: Any, **overrides: Any) -> AutotaskClient:
    # No real sleeping in tests: backoff and Retry-After waits are recorded, not slept.
    return AutotaskClient(_config(sim, **overrides), sleep=lambda _s: None)


def _control(sim: Any, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    if body is None:
        return requests.get(f"{sim.root_url}/_sim/{name}", timeout=10).json()
    response = requests.post(f"{sim.root_url}/_sim/{name}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def _routes(sim: Any) -> dict[str, int]:
    return _control(sim, "stats")["routes"]


def test_the_zone_is_discovered_once_and_cached(at_sim):
    client = _client(at_sim)
    for ticket_id in (7001, 7002, 7003):
        assert client.get(f"Tickets/{ticket_id}")["item"]["id"] == ticket_id
    routes = _routes(at_sim)
    assert routes["GET /zoneInformation"] == 1
    assert routes["GET /Tickets/{id}"] == 3


def test_a_pinned_zone_skips_discovery(at_sim):
    client = _client(at_sim, zone_url=f"{at_sim.root_url}/ATServicesRest/")
    assert client.get("Tickets/7001")["item"]["id"] == 7001
    assert "GET /zoneInformation" not in _routes(at_sim)


def test_a_tenant_that_moved_zones_is_found_again_once(at_sim):
    client = _client(at_sim)
    client.get("Tickets/7001")
    _control(at_sim, "config", {"zone": 2})
    assert client.get("Tickets/7001")["item"]["id"] == 7001
    routes = _routes(at_sim)
    assert routes["GET /zoneInformation"] == 2
    assert "/z2/" in client.api_root


def test_wrong_credentials_are_an_auth_error_after_one_rediscovery(at_sim):
    client = _client(at_sim, secret="wrong")
    with pytest.raises(PSAAuthError) as caught:
        client.get("Tickets/7001")
    assert "user name, secret and API integration code" in caught.value.message
    assert (
        _routes(at_sim)["GET /zoneInformation"] == 2
    )  # a 401 may be a moved zone: asked once more


def test_an_unknown_user_is_an_auth_error_from_discovery(at_sim):
    with pytest.raises(PSAAuthError):
        _client(at_sim, username="nobody@example.test").get("Tickets/7001")


def test_settings_that_can_never_work_are_refused_before_any_call(at_sim):
    config = _config(at_sim, secret="caf\u00e9")
    assert "secret" in config_problem(config)
    with pytest.raises(PSANotConfigured):
        AutotaskClient(config).get("Tickets/7001")
    assert _control(at_sim, "stats")["total"] == 0
    assert "missing" in config_problem(_config(at_sim, integration_code=""))


def test_a_missing_record_is_not_found(at_sim):
    provider = AutotaskProvider(client=_client(at_sim))
    with pytest.raises(PSANotFound, match="#999999"):
        provider.get_ticket(ticket_id=999999)


def test_a_refused_value_is_a_validation_error_and_never_retried(at_sim):
    client = _client(at_sim)
    with pytest.raises(PSAValidationError) as caught:
        client.query("Tickets", {"filter": [{"op": "eq", "field": "noSuchField", "value": 1}]})
    assert "noSuchField" in caught.value.message
    assert _routes(at_sim)["POST /Tickets/query"] == 1


def test_a_server_fault_is_retried_for_reads_then_reported_as_an_outage(at_sim):
    client = _client(at_sim, max_retries=2)
    assert client.api_root.endswith(
        "/v1.0"
    )  # discovery first: the simulator injects faults into it too
    _control(at_sim, "config", {"fail_rate": 1})
    with pytest.raises(PSAServerError):
        client.get("Tickets/7001")
    assert _routes(at_sim)["GET /Tickets/{id}"] == 3


def test_a_write_that_failed_on_the_server_is_never_repeated(at_sim):
    client = _client(at_sim, max_retries=2)
    assert client.api_root.endswith("/v1.0")
    _control(at_sim, "config", {"fail_rate": 1})
    with pytest.raises(PSAServerError):
        client.post("Tickets/7001/Notes", {"ticketID": 7001})
    assert _routes(at_sim)["POST /Tickets/{parentId}/Notes"] == 1


def test_a_rate_limit_longer_than_the_cap_is_reported_with_retry_after_not_waited(at_sim):
    slept: list[float] = []
    client = AutotaskClient(_config(at_sim, max_retries=2), sleep=slept.append)
    assert client.api_root.endswith("/v1.0")
    _control(at_sim, "config", {"rate_limit": 2})  # a minute's budget: discovery used one
    client.get("Tickets/7001")
    with pytest.raises(PSARateLimited) as caught:
        client.get("Tickets/7002")
    assert caught.value.retry_after is not None and caught.value.retry_after > 10
    assert slept == []
    assert _routes(at_sim)["GET /Tickets/{id}"] == 2


def test_an_unexplained_discovery_failure_is_an_outage_not_bad_credentials(at_sim):
    _control(at_sim, "config", {"fail_rate": 1})
    with pytest.raises(PSAServerError):
        _client(at_sim).get("Tickets/7001")


def test_the_hourly_threshold_is_rate_limited(at_sim):
    _control(at_sim, "config", {"hourly_threshold": 2})
    client = _client(at_sim, max_retries=0)
    client.get("Tickets/7001")
    client.get("Tickets/7002")
    with pytest.raises(PSARateLimited) as caught:
        client.get("Tickets/7003")
    assert "threshold" in caught.value.detail


def test_a_hung_call_times_out(at_sim):
    client = _client(at_sim, read_timeout=0.3, max_retries=0)
    assert client.api_root.endswith("/v1.0")
    _control(at_sim, "config", {"hang_rate": 1, "hang_seconds": 1})
    with pytest.raises(PSATimeout):
        client.get("Tickets/7001")
    # The hung call still holds one of Autotask's three Tickets slots on the server; let it end
    # so the next test starts with all three.
    threading.Event().wait(1.2)


def test_cut_off_json_is_a_response_error(at_sim):
    client = _client(at_sim)
    assert client.api_root.endswith("/v1.0")
    _control(at_sim, "config", {"bad_json_rate": 1})
    with pytest.raises(PSAResponseError):
        client.get("Tickets/7001")


def test_a_spent_request_deadline_sends_nothing(at_sim):
    client = _client(at_sim)
    assert client.api_root.endswith("/v1.0")
    with deadline.budget(0.01):
        threading.Event().wait(0.05)
        with pytest.raises(PSATimeout):
            client.get("Tickets/7001")
    assert "GET /Tickets/{id}" not in _routes(at_sim)


def test_writes_carry_the_impersonated_resource(at_sim):
    client = _client(at_sim, impersonation_resource_id=29682900)
    note_id = client.post(
        "Tickets/7002/Notes",
        {"ticketID": 7002, "title": "t", "description": "d", "noteType": 1, "publish": 1},
    )["itemId"]
    note = client.get(f"TicketNotes/{note_id}")["item"]
    assert note["creatorResourceID"] == 29682900
    assert note["impersonatorCreatorResourceID"] == 29682885  # the API user


def test_never_more_than_three_calls_in_flight_per_endpoint(at_sim):
    # With latency every call holds its slot a while; the simulator refuses a fourth with 429.
    _control(at_sim, "config", {"latency_ms": 150})
    client = _client(at_sim, max_retries=0)
    assert client.api_root.endswith("/v1.0")
    errors: list[Exception] = []

    def read(ticket_id: int) -> None:
        try:
            client.get(f"Tickets/{ticket_id}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(7001 + i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _control(at_sim, "stats")["statuses"].get("429", 0) == 0
    assert _routes(at_sim)["GET /Tickets/{id}"] == 8


def test_a_rate_limit_is_shared_so_other_nodes_do_not_call_at_all(at_sim):
    from psa.cooldown import CacheCooldown

    first = AutotaskClient(
        _config(at_sim, max_retries=0), sleep=lambda _s: None, cooldown=CacheCooldown("at:t1")
    )
    assert first.api_root.endswith("/v1.0")
    _control(at_sim, "config", {"rate_limit": 1})
    with pytest.raises(PSARateLimited):
        first.get("Tickets/7001")
    calls = _control(at_sim, "stats")["total"]
    other_node = AutotaskClient(
        _config(at_sim, max_retries=0), sleep=lambda _s: None, cooldown=CacheCooldown("at:t1")
    )
    with pytest.raises(PSARateLimited) as caught:
        other_node.get("Tickets/7001")
    assert caught.value.retry_after and caught.value.retry_after > 10
    assert _control(at_sim, "stats")["total"] == calls  # not even zone discovery


def test_the_web_link_costs_no_call_before_the_zone_is_known(at_sim):
    provider = AutotaskProvider(client=_client(at_sim))
    assert provider.web_url(ticket_id=7001) == ""
    assert _control(at_sim, "stats")["total"] == 0
    provider.get_ticket(ticket_id=7001)
    assert provider.web_url(ticket_id=7001).endswith("ticketId=7001")


def test_parallel_first_calls_share_one_zone_discovery(at_sim):
    client = _client(at_sim)
    threads = [threading.Thread(target=client.get, args=(f"Tickets/{7001 + i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    routes = _routes(at_sim)
    assert routes["GET /zoneInformation"] == 1 and routes["GET /Tickets/{id}"] == 3


def test_a_busy_endpoint_refusal_on_a_read_is_retried_after_a_backoff(at_sim):
    # Another process holding the tenant's slots looks like this: the server allows one call at
    # a time, this process would send two. The 429 carries no Retry-After; the read backs off
    # (really sleeping, longer than the other call takes) and succeeds.
    client = AutotaskClient(_config(at_sim, max_retries=2), backoff_base=0.4, jitter=lambda: 0.5)
    assert client.api_root.endswith("/v1.0")
    _control(at_sim, "config", {"concurrent_limit": 1, "latency_ms": 100})
    errors: list[Exception] = []

    def read(ticket_id: int) -> None:
        try:
            client.get(f"Tickets/{ticket_id}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(7001 + i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stats = _control(at_sim, "stats")
    assert stats["statuses"]["429"] >= 1  # it was refused, and yet both reads succeeded
