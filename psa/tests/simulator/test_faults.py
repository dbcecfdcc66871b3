"""Fault injection and counters: the control endpoints, 429 + Retry-After, 500s, hangs."""

from __future__ import annotations

import random

import pytest

from psa.simulator.app import SimulatorApp
from psa.simulator.faults import Faults
from psa.simulator.testing import SimClient


@pytest.fixture
def sim(clock):
    faults = Faults(clock=clock, sleep=clock.sleep, rng=random.Random(7))
    return SimClient(SimulatorApp(faults=faults))


def test_config_endpoint_reads_and_changes_settings(sim):
    assert sim.get("/_sim/config").json == {
        "latency_ms": 0.0,
        "jitter_ms": 0.0,
        "fail_rate": 0.0,
        "rate_limit": 0,
        "hang_rate": 0.0,
        "hang_seconds": 30.0,
        "bad_json_rate": 0.0,
        "auth_fail_rate": 0.0,
    }
    resp = sim.post("/_sim/config", {"latency_ms": 100, "jitter_ms": 20, "rate_limit": "60"})
    assert resp.status == 200
    assert (
        resp.json["latency_ms"] == 100
        and resp.json["jitter_ms"] == 20
        and resp.json["rate_limit"] == 60
    )
    assert sim.get("/_sim/config").json == resp.json


@pytest.mark.parametrize(
    "body",
    [
        {"fail_rate": 1.5},
        {"bad_json_rate": -0.1},
        {"auth_fail_rate": 2},
        {"latency_ms": -1},
        {"rate_limit": 2.5},
        {"bogus": 1},
        {"hang_rate": "x"},
        [1],
    ],
)
def test_invalid_settings_are_400_and_change_nothing(sim, body):
    before = sim.get("/_sim/config").json
    resp = sim.post("/_sim/config", body)
    assert resp.status == 400 and resp.json["code"] == "BadRequest"
    assert sim.get("/_sim/config").json == before


def test_latency_and_jitter_are_slept_outside_the_request(sim, clock):
    sim.post("/_sim/config", {"latency_ms": 100, "jitter_ms": 20})
    for _ in range(20):
        assert sim.get("/service/priorities").status == 200
    assert len(clock.slept) == 20
    assert all(0.080 <= s <= 0.120 for s in clock.slept)
    assert len(set(clock.slept)) > 1  # jitter varies


def test_control_endpoints_have_no_faults_no_auth_and_are_not_counted(sim, clock):
    sim.post("/_sim/config", {"latency_ms": 50, "fail_rate": 1.0, "rate_limit": 1})
    for _ in range(3):
        assert sim.get("/_sim/stats", authorization=None, client_id=None).status == 200
    assert clock.slept == []
    assert sim.get("/_sim/stats").json["total"] == 0


def test_fail_rate_one_answers_every_api_call_with_500(sim):
    sim.post("/_sim/config", {"fail_rate": 1.0})
    for path in ("/service/tickets", "/system/members/17", "/login/companyinfo/baysideit"):
        resp = sim.get(path)
        assert resp.status == 500
        assert resp.json["code"] == "UnexpectedError" and resp.json["message"]
    sim.post("/_sim/config", {"fail_rate": 0})
    assert sim.get("/service/tickets").status == 200


def test_auth_fail_rate_one_answers_401_with_good_keys(sim):
    sim.post("/_sim/config", {"auth_fail_rate": 1.0})
    resp = sim.get("/service/tickets")
    assert resp.status == 401 and resp.json["code"] == "Unauthorized"
    sim.post("/_sim/config", {"auth_fail_rate": 0})
    assert sim.get("/service/tickets").status == 200


def test_bad_json_rate_one_answers_200_with_a_truncated_body(sim):
    sim.post("/_sim/config", {"bad_json_rate": 1.0})
    resp = sim.get("/service/tickets")
    assert resp.status == 200 and resp.body
    with pytest.raises(ValueError):
        resp.json  # noqa: B018 - reading it is the assertion
    sim.post("/_sim/config", {"bad_json_rate": 0})
    assert isinstance(sim.get("/service/tickets").json, list)


def test_rate_limit_answers_429_with_retry_after_until_the_window_frees(sim, clock):
    sim.post("/_sim/config", {"rate_limit": 3})
    for _ in range(3):
        assert sim.get("/service/priorities").status == 200
        clock.now += 10
    limited = sim.get("/service/priorities")
    assert limited.status == 429
    assert limited.header("Retry-After") == "30"  # the first request leaves the window at t=60
    assert (
        limited.json["code"] == "TooManyRequests"
        and "3 requests per minute" in limited.json["message"]
    )
    clock.now += 29
    assert sim.get("/service/priorities").status == 429
    clock.now += 1.5
    assert sim.get("/service/priorities").status == 200
    stats = sim.get("/_sim/stats").json
    assert stats["statuses"] == {"200": 4, "429": 2}


def test_stats_count_every_request_per_route_pattern(sim):
    sim.get("/service/tickets")
    sim.get("/service/tickets/1000")
    sim.get("/service/tickets/1001")
    sim.get("/service/tickets/1000", authorization=None)  # rejected requests count too
    sim.patch("/service/tickets/1000", [{"op": "replace", "path": "summary", "value": "x"}])
    sim.get("/no/such/route")
    stats = sim.get("/_sim/stats").json
    assert stats["total"] == 6
    assert stats["routes"] == {
        "GET /service/tickets": 1,
        "GET /service/tickets/{id}": 3,
        "PATCH /service/tickets/{id}": 1,
        "GET (unmatched)": 1,
    }
    assert stats["statuses"]["401"] == 1


def test_reset_clears_counters_and_optionally_restores_data(sim):
    created = sim.post("/service/tickets", {"summary": "temp", "company": {"id": 250}}).json
    assert sim.post("/_sim/reset").json == {"reset": True, "data": False}
    assert sim.get("/_sim/stats").json["total"] == 0
    assert sim.get(f"/service/tickets/{created['id']}").status == 200
    assert sim.post("/_sim/reset", {"data": True}).json == {"reset": True, "data": True}
    assert sim.get(f"/service/tickets/{created['id']}").status == 404
    assert sim.get("/service/tickets/count").json == {"count": 1200}


def test_hangs_stall_for_hang_seconds_then_answer(sim, clock):
    sim.post("/_sim/config", {"hang_rate": 1.0, "hang_seconds": 12})
    assert sim.get("/service/priorities").status == 200
    assert clock.slept == [12.0]


def test_fault_options_at_construction():
    faults = Faults(latency_ms=5, rate_limit=10)
    assert faults.config()["latency_ms"] == 5 and faults.config()["rate_limit"] == 10
    with pytest.raises(ValueError):
        Faults(fail_rate=2)
