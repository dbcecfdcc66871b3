"""The Autotask hourly request budget (issue 22, part 3): every call the client sends is counted
once per tenant in the shared cache, by every node; Autotask's ThresholdInformation replaces the
count when read; at the threshold no more calls are sent; the integrations page shows the hour.

"Nodes" here are separate clients whose budgets reach the cache through separate backend
objects on the same storage (the test cache is shared across processes like production's)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests
from django.core.cache import caches

from psa.budget import call_budget_get
from psa.models import PSAConnection
from psa.providers.autotask.budget import HourlyBudget
from psa.providers.autotask.client import AutotaskClient
from psa.providers.autotask.config import AutotaskConfig
from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import PSARateLimited, TicketFilters

HX = {"HTTP_HX_REQUEST": "true"}


def _config(sim: Any, **overrides: Any) -> AutotaskConfig:
    values: dict[str, Any] = {
        "username": "rfdemo@lakesideit.example",
        "secret": "rfdemo-secret",
        "integration_code": "RFDEMO",
        "discovery_root": sim.root_url,
        "max_retries": 0,
        **overrides,
    }
    return AutotaskConfig(**values)


def _node(sim: Any, key: str = "psa:budget:test", **overrides: Any) -> AutotaskProvider:
    """One web node's provider: its own client, session and cache backend object."""
    budget = HourlyBudget(key, cache=caches.create_connection("default"))
    client = AutotaskClient(_config(sim, **overrides), sleep=lambda _s: None, budget=budget)
    return AutotaskProvider(client=client)


def _sim_count(sim: Any) -> int:
    return sim.app.limits.threshold_information()["currentTimeframeRequestCount"]


def _statuses(sim: Any) -> dict[str, int]:
    return requests.get(f"{sim.root_url}/_sim/stats", timeout=10).json()["statuses"]


def test_two_nodes_count_every_call_they_send_into_one_tenant_total(at_sim):
    first, second = _node(at_sim), _node(at_sim)
    first.get_ticket(ticket_id=7001)
    second.get_ticket(ticket_id=7002)
    first.search_tickets(filters=TicketFilters(), page=1, page_size=10)
    counted = first.call_budget()
    assert counted is not None and not counted.synced
    # Zone discovery is not an API request (Autotask does not count it, nor do we).
    assert counted.used == _sim_count(at_sim) > 2
    assert second.call_budget() == counted  # the other node reads the same total
    assert counted.limit == 10_000 and counted.window_minutes == 60


def test_reading_threshold_information_replaces_our_count_with_autotasks(at_sim):
    node = _node(at_sim)
    node.client.get("Tickets/7001")
    # Another integration of the same database spends from the same threshold, unseen by us.
    elsewhere = AutotaskClient(_config(at_sim), sleep=lambda _s: None)
    for ticket_id in (7001, 7002, 7003):
        elsewhere.get(f"Tickets/{ticket_id}")
    assert node.call_budget().used == 1
    synced = node.call_budget(refresh=True)
    assert synced.synced and synced.used == _sim_count(at_sim) == 5  # 1 + 3 + this read
    # Read moments ago: a second refresh is answered from the shared cache, by any node.
    assert _node(at_sim).call_budget(refresh=True).used == 5
    assert _sim_count(at_sim) == 5


def test_at_the_threshold_no_node_sends_another_call(at_sim, monkeypatch):
    monkeypatch.setattr(at_sim.app, "_sleep", lambda _s: None)  # its latency near the threshold
    requests.post(f"{at_sim.root_url}/_sim/config", json={"hourly_threshold": 6}, timeout=10)
    first, second = _node(at_sim), _node(at_sim)
    assert first.call_budget(refresh=True).limit == 6  # learned from Autotask: 1 of 6 used
    sent = 1
    with pytest.raises(PSARateLimited) as refused:
        for i in range(10):
            (first if i % 2 else second).client.get(f"Tickets/{7001 + i % 3}")
            sent += 1
    assert sent == 6 == _sim_count(at_sim)
    assert "budget" in refused.value.message and refused.value.retry_after
    assert "429" not in _statuses(at_sim)  # refused here, before Autotask had to
    assert first.call_budget().used == 6


def test_connectwise_has_no_budget_to_count(demo):
    assert call_budget_get(account=demo.bayside) is None


def test_two_nodes_never_have_more_than_three_calls_in_flight_on_one_endpoint(at_sim):
    # Every call holds its slot 150 ms; the simulator refuses a fourth in flight with 429.
    requests.post(f"{at_sim.root_url}/_sim/config", json={"latency_ms": 150}, timeout=10)
    nodes = [_node(at_sim), _node(at_sim)]
    errors: list[Exception] = []

    def read(node: AutotaskProvider, ticket_id: int) -> None:
        try:
            node.client.get(f"Tickets/{ticket_id}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(nodes[i % 2], 7001 + i % 4)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert "429" not in _statuses(at_sim)
    assert nodes[0].call_budget().used == 10


@pytest.mark.django_db
def test_the_integrations_page_shows_the_hours_usage_from_autotask(client, lakeside, at_sim):
    connection = PSAConnection.objects.get(account=lakeside)
    client.force_login(lakeside.memberships.get(user__username="avery").user)
    page = client.get("/account/integrations/").content.decode()
    assert 'id="call-budget"' in page and "/account/integrations/budget/" in page
    card = client.get("/account/integrations/budget/", **HX).content.decode()
    used = _sim_count(at_sim)
    assert f"API calls this hour: {used} of 10,000" in card
    assert "As Autotask counts them" in card
    assert HourlyBudget(f"psa:budget:{connection.pk}").used() == used


@pytest.mark.django_db
def test_the_card_falls_back_to_our_count_when_autotask_cannot_say(client, lakeside, at_sim):
    client.force_login(lakeside.memberships.get(user__username="avery").user)
    client.get("/tickets/", **HX)  # some calls, counted
    requests.post(f"{at_sim.root_url}/_sim/config", json={"fail_rate": 1.0}, timeout=10)
    card = client.get("/account/integrations/budget/", **HX)
    assert card.status_code == 200
    text = card.content.decode()
    assert "API calls this hour:" in text and "of 10,000" in text
    assert "could not say just now" in text


@pytest.mark.django_db
def test_a_connectwise_account_sees_no_budget_card(client, demo):
    client.force_login(demo.morgan)
    page = client.get("/account/integrations/").content.decode()
    assert 'id="call-budget"' not in page


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_last_hours_calls_fade_out_of_the_count_as_the_rolling_hour_moves_on():
    clock = _Clock(1_000 * 3600 + 3599.0)  # 09:59:59
    budget = HourlyBudget("psa:budget:fade", limit=100, clock=clock)
    for _ in range(80):
        assert budget.take()
    clock.now += 1 + 900  # 10:15: a quarter of the hour gone, three quarters of 09:00 remain
    assert budget.used() == 60
    for _ in range(40):
        assert budget.take()
    assert not budget.take()  # 40 + 60 = 100: the 101st is refused and not counted
    assert budget.used() == 100
    clock.now += 2700  # 11:00: 09:00's calls are out of the rolling hour
    assert budget.used() == 40  # (10:00's 40, whole)


class _BrokenCache:
    def __getattr__(self, name: str) -> Any:
        def fail(*_a: Any, **_k: Any) -> Any:
            raise ConnectionError("cache down")

        return fail


def test_a_budget_that_cannot_be_counted_never_stops_a_call(at_sim):
    budget = HourlyBudget("psa:budget:broken", cache=_BrokenCache())  # type: ignore[arg-type]
    client = AutotaskClient(_config(at_sim), sleep=lambda _s: None, budget=budget)
    assert client.get("Tickets/7001")["item"]["id"] == 7001
    assert client.call_budget(refresh=True).used == _sim_count(at_sim)  # Autotask's own
    assert budget.snapshot().used == 0


# A second web node, as a real process: its own interpreter, Django, session and slots, sharing
# only the cache directory (inherited) with this one.
_OTHER_NODE = """
import json, os, sys, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resolutionflow.settings")
django.setup()
from psa.providers.autotask.client import AutotaskClient, SharedSlots
from psa.providers.autotask.config import AutotaskConfig
client = AutotaskClient(AutotaskConfig(username="rfdemo@lakesideit.example",
    secret="rfdemo-secret", integration_code="RFDEMO", discovery_root=sys.argv[1],
    max_retries=0), slots=SharedSlots())
client.api_root
print("ready", flush=True)
sys.stdin.readline()
errors = []
def read(i):
    try:
        client.get(f"Tickets/{7001 + i % 4}")
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=read, args=(i,)) for i in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps(errors), flush=True)
"""


def test_two_processes_share_the_three_slots_of_an_endpoint(at_sim):
    import json
    import subprocess
    import sys

    from psa.providers.autotask.client import SharedSlots

    # Each call holds its slot 300 ms; the simulator refuses a fourth in flight with 429, and
    # nothing retries it (max_retries=0): six calls per node can only all succeed if the two
    # nodes never have more than three in flight together.
    requests.post(f"{at_sim.root_url}/_sim/config", json={"latency_ms": 300}, timeout=10)
    other = subprocess.Popen(
        [sys.executable, "-c", _OTHER_NODE, at_sim.root_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdin is not None
        assert other.stdout.readline().strip() == "ready"
        client = AutotaskClient(_config(at_sim), sleep=lambda _s: None, slots=SharedSlots())
        assert client.api_root
        errors: list[Exception] = []

        def read(i: int) -> None:
            try:
                client.get(f"Tickets/{7001 + i % 4}")
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=read, args=(i,)) for i in range(6)]
        other.stdin.write("go\n")
        other.stdin.flush()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        other_errors = json.loads(other.stdout.readline())
    finally:
        other.kill()
        other.wait()
    assert errors == [] and other_errors == []
    assert "429" not in _statuses(at_sim)
    routes = requests.get(f"{at_sim.root_url}/_sim/stats", timeout=10).json()["routes"]
    assert routes["GET /Tickets/{id}"] == 12


def test_any_threshold_information_answer_syncs_the_count_even_the_health_check(at_sim):
    node = _node(at_sim)
    elsewhere = AutotaskClient(_config(at_sim), sleep=lambda _s: None)
    elsewhere.get("Tickets/7001")  # not counted by us
    assert node.health_check().ok  # reads ThresholdInformation through the same funnel
    budget = node.call_budget()
    assert budget.synced and budget.used == _sim_count(at_sim) == 2


def test_an_overestimated_count_is_checked_with_autotask_before_a_call_is_refused(at_sim):
    node = _node(at_sim)
    budget = node.client.budget
    # Our count says the hour is spent (say, a sync near an hour's end), and it is not recent.
    budget.sync(
        {
            "currentTimeframeRequestCount": 10_000,
            "externalRequestThreshold": 10_000,
            "requestThresholdTimeframe": 60,
        }
    )
    caches["default"].delete(f"{budget.key}:synced")
    assert node.client.get("Tickets/7001")["item"]["id"] == 7001  # Autotask said 1 of 10,000
    assert budget.used() == _sim_count(at_sim) == 2  # its count, then this call
    routes = requests.get(f"{at_sim.root_url}/_sim/stats", timeout=10).json()["routes"]
    assert routes["GET /ThresholdInformation"] == 1
