"""Autotask simulator: the hourly threshold, latency near it, 3 concurrent requests per endpoint per
integration code, ThresholdInformation, the shared fault controls and the loopback-only control."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from psa.simulator.autotask.app import AutotaskApp
from psa.simulator.autotask.limits import Limits
from psa.simulator.autotask.testing import DEMO_HEADERS, EVERYTHING, AtClient
from psa.simulator.faults import Faults
from psa.simulator.testing import SimClient


@pytest.fixture
def sim(clock):
    return AtClient(AutotaskApp(limits=Limits(clock=clock), sleep=clock.sleep))


def test_past_the_hourly_threshold_every_request_is_refused_until_the_hour_rolls(sim, clock):
    assert sim.post("/_sim/config", {"hourly_threshold": 4}).status == 200
    for _ in range(4):
        assert sim.get("Tickets/7001").status == 200
    refused = sim.get("Tickets/7001")
    assert refused.status == 429 and "threshold" in refused.json["errors"][0]
    assert sim.get("Companies/175").status == 429  # the whole database, not one endpoint
    clock.now += 3601
    assert sim.get("Tickets/7001").status == 200


def test_latency_is_added_as_usage_nears_the_threshold(sim, clock):
    sim.post("/_sim/config", {"hourly_threshold": 8})
    for _ in range(8):
        sim.get("Tickets/7001")
    assert clock.slept == [0.5, 0.5, 1.0, 1.0, 1.0]  # from 4 of 8 (50 %) and 6 of 8 (75 %)


def test_threshold_information_reports_the_budget_and_its_use(sim):
    for _ in range(3):
        sim.get("Tickets/7001")
    info = sim.get("ThresholdInformation").json
    assert info == {
        "externalRequestThreshold": 10_000,
        "requestThresholdTimeframe": 60,
        "currentTimeframeRequestCount": 4,
    }


def test_unauthenticated_requests_do_not_use_the_budget(sim):
    sim.get("Tickets/7001", headers={"Secret": "nope"})
    assert sim.get("ThresholdInformation").json["currentTimeframeRequestCount"] == 1


def test_a_fourth_concurrent_request_to_one_endpoint_of_one_integration_is_refused():
    gate, entered = threading.Event(), threading.Semaphore(0)

    def slow(_seconds: float) -> None:  # the injected latency: holds the request in flight
        entered.release()
        gate.wait(10)

    client = AtClient(AutotaskApp(faults=Faults(sleep=slow, latency_ms=1)))
    with ThreadPoolExecutor(3) as pool:
        held = [pool.submit(client.get, "Tickets/7001") for _ in range(3)]
        for _ in range(3):
            assert entered.acquire(timeout=10)  # three requests are in flight on Tickets
        client.app.faults.update({"latency_ms": 0})
        fourth = client.get("Tickets/7001")
        other_endpoint = client.get("Contacts/30000")
        gate.set()
        assert [f.result().status for f in held] == [200, 200, 200]
    assert fourth.status == 429 and "concurrent" in fourth.json["errors"][0]
    assert other_endpoint.status == 200
    assert client.get("Tickets/7001").status == 200  # the slots were given back


def test_concurrency_counts_per_endpoint_and_frees_its_slot(sim):
    limits = sim.app.limits
    slots = [limits.enter("RFDEMO", "Tickets") for _ in range(3)]
    with pytest.raises(Exception, match="concurrent"):
        limits.enter("rfdemo", "tickets")
    limits.enter("RFDEMO", "Companies")  # another endpoint
    limits.enter("OTHER", "Tickets")  # another integration
    limits.leave(slots[0])
    limits.enter("RFDEMO", "Tickets")


def test_injected_failures_are_autotask_shaped(sim):
    sim.post("/_sim/config", {"fail_rate": 1})
    resp = sim.get("Tickets/7001")
    assert resp.status == 500 and resp.json["errors"]
    sim.post("/_sim/config", {"fail_rate": 0, "auth_fail_rate": 1})
    resp = sim.get("Tickets/7001")
    assert resp.status == 401 and resp.body == b""
    sim.post("/_sim/config", {"auth_fail_rate": 0, "bad_json_rate": 1})
    resp = sim.get("Tickets/7001")
    assert resp.status == 200
    with pytest.raises(ValueError):
        resp.json  # noqa: B018 - a body cut off mid-JSON


def test_latency_and_rate_limit_controls(sim, clock):
    sim.app.faults._sleep = clock.sleep
    sim.post("/_sim/config", {"latency_ms": 120, "rate_limit": 2})
    assert sim.get("Tickets/7001").status == 200
    assert sim.get("Tickets/7001").status == 200
    limited = sim.get("Tickets/7001")
    assert limited.status == 429 and limited.header("Retry-After")
    assert 0.12 in clock.slept


def test_config_refuses_bad_settings_and_changes_nothing(sim):
    before = sim.get("/_sim/config").json
    for body in ({"hourly_threshold": 0}, {"concurrent_limit": "3"}, {"bogus": 1},
                 {"hourly_threshold": 5, "fail_rate": 2}):  # fmt: skip
        assert sim.post("/_sim/config", body).status == 400
    assert sim.get("/_sim/config").json == before


def test_stats_count_routes_and_statuses_and_reset_restores_the_data(sim):
    sim.get("Tickets/7001")
    sim.get("Tickets/7001", headers={"Secret": "x"})
    body = {"ticketID": 7001, "title": "t", "description": "d", "noteType": 1, "publish": 1}
    sim.post("Tickets/7001/Notes", body)
    stats = sim.get("/_sim/stats").json
    assert stats["routes"]["GET /Tickets/{id}"] == 2
    assert stats["statuses"] == {"200": 2, "401": 1}
    notes = len(sim.app.tenant.records("TicketNotes"))
    sim.post("/_sim/reset", {"data": True})
    assert len(sim.app.tenant.records("TicketNotes")) == notes - 1
    assert sim.get("/_sim/stats").json["total"] == 0


@pytest.mark.parametrize("address", ["10.0.0.5", "192.168.1.20", "2001:db8::1", ""])
def test_both_simulators_refuse_control_requests_from_other_hosts(address):
    at, cw = AtClient(), SimClient()
    for client in (at, cw):
        for method, path in (
            ("GET", "/_sim/config"),
            ("GET", "/_sim/stats"),
            ("POST", "/_sim/reset"),
        ):
            resp = client.request(method, path, json={"data": True}, remote_addr=address)
            assert resp.status == 403, (client, path)
        resp = client.request("POST", "/_sim/config", json={"fail_rate": 1}, remote_addr=address)
        assert resp.status == 403
        assert client.get("/_sim/config").json["fail_rate"] == 0


def test_ipv6_loopback_is_loopback():
    assert AtClient().get("/_sim/stats", remote_addr="::1").status == 200


def test_the_running_simulator_answers_a_raw_tickets_query(at_sim):
    resp = requests.post(
        f"{at_sim.base_url}/Tickets/query",
        json={"filter": EVERYTHING, "MaxRecords": 2},
        headers=DEMO_HEADERS,
        timeout=10,
    )
    assert resp.status_code == 200 and len(resp.json()["items"]) == 2
    stats = requests.get(f"{at_sim.root_url}/_sim/stats", timeout=5).json()
    assert stats["routes"] == {"POST /Tickets/query": 1}


def test_zone_discovery_gets_the_injected_faults_too(sim):
    sim.post("/_sim/config", {"fail_rate": 1})
    resp = sim.get(
        "/atservicesrest/v1.0/zoneInformation", params={"user": "rfdemo@lakesideit.example"}
    )
    assert resp.status == 500
    sim.post("/_sim/config", {"fail_rate": 0})
    resp = sim.get(
        "/atservicesrest/v1.0/zoneInformation", params={"user": "rfdemo@lakesideit.example"}
    )
    assert resp.status == 200


def test_the_hourly_budget_is_shared_by_every_integration_of_the_database(clock):
    import dataclasses

    from psa.simulator.autotask.store import LAKESIDE, ApiUser, AtTenant

    other = ApiUser("sync@lakesideit.example", "sync-secret", "SYNCTOOL")
    tenant = AtTenant(dataclasses.replace(LAKESIDE, users=(*LAKESIDE.users, other)))
    sim = AtClient(AutotaskApp(tenant=tenant, limits=Limits(clock=clock), sleep=clock.sleep))
    sim.post("/_sim/config", {"hourly_threshold": 3})
    as_other = {
        "UserName": other.user_name,
        "Secret": other.secret,
        "ApiIntegrationCode": "SYNCTOOL",
    }
    assert sim.get("Tickets/7001").status == 200
    assert sim.get("Tickets/7001", headers=as_other).status == 200
    assert sim.get("Tickets/7001").status == 200
    assert sim.get("Tickets/7001", headers=as_other).status == 429
