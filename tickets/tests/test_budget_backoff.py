"""Near the PSA's hourly request budget (issue 22, part 3) the work nobody asked for stands down
first: dashboard widgets show a calm "paused" line and list-row prefetches are refused, without
a call to the PSA, while the ticket list, the panel and writes still go through.

Lakeside on the Autotask simulator, its threshold lowered to 100 requests so the hour can really
be spent; the simulator's own latency near the threshold is not what is tested, so it is off."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from django.core.cache import cache

from psa.models import PSAConnection
from psa.providers.autotask.budget import HourlyBudget
from psa.providers.autotask.client import AutotaskClient
from psa.providers.autotask.config import AutotaskConfig
from psa.selectors import psa_caches_invalidate

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
PREFETCH = {**HX, "Purpose": "prefetch"}
ROW = re.compile(r'id="ticket-row-(\d+)"')
WIDGETS = ("/tickets/queue/", "/tickets/widgets/unassigned/", "/tickets/widgets/recent/")
PAUSED = "Paused to save Autotask PSA&#x27;s hourly API budget."


def _sim_count(sim: Any) -> int:
    return sim.app.limits.threshold_information()["currentTimeframeRequestCount"]


@pytest.fixture
def avery(client: Any, lakeside: Any, at_sim: Any, monkeypatch: Any) -> Any:
    monkeypatch.setattr(at_sim.app, "_sleep", lambda _s: None)
    requests.post(f"{at_sim.root_url}/_sim/config", json={"hourly_threshold": 100}, timeout=10)
    client.force_login(lakeside.memberships.get(user__username="avery").user)
    return client


def _lakeside_client(sim: Any, *, budget: HourlyBudget | None = None) -> AutotaskClient:
    """Lakeside's API user on the simulator; with `budget`, a node of ours (its calls counted in
    the tenant's shared hour), without, another integration."""
    config = AutotaskConfig(
        username="rfdemo@lakesideit.example",
        secret="rfdemo-secret",
        integration_code="RFDEMO",
        discovery_root=sim.root_url,
    )
    return AutotaskClient(config, budget=budget)


def _spend_until(sim: Any, lakeside: Any, used: int) -> None:
    """Another node of this tenant spends the hour (its calls counted in the shared budget),
    then reads Autotask's count."""
    connection = PSAConnection.objects.get(account=lakeside)
    node = _lakeside_client(sim, budget=HourlyBudget(f"psa:budget:{connection.pk}"))
    while _sim_count(sim) < used - 1:
        node.get("Tickets/7001")
    cache.delete(f"psa:budget:{connection.pk}:synced")  # read Autotask's count now, not later
    budget = node.call_budget(refresh=True)
    assert budget is not None and budget.synced and budget.used == used and budget.limit == 100


def test_below_the_high_water_mark_widgets_and_prefetch_call_the_psa(avery, lakeside, at_sim):
    _spend_until(at_sim, lakeside, 30)
    before = _sim_count(at_sim)
    for url in WIDGETS:
        html = avery.get(url, headers=HX).content.decode()
        assert "Paused" not in html and "queue-skeleton" not in html
    assert _sim_count(at_sim) > before  # they read the PSA
    before = _sim_count(at_sim)
    response = avery.get("/tickets/7001/context/", headers=PREFETCH)
    assert response.status_code == 200 and _sim_count(at_sim) > before


def test_near_the_limit_widgets_pause_calmly_while_the_list_still_loads(avery, lakeside, at_sim):
    _spend_until(at_sim, lakeside, 85)  # 80 % is the high-water mark
    before = _sim_count(at_sim)
    for url in WIDGETS:
        response = avery.get(url, headers=HX)
        html = response.content.decode()
        assert response.status_code == 200
        assert PAUSED in html and "widget-paused" in html
        assert "error" not in html.lower() and "Retry" not in html
    assert _sim_count(at_sim) == before  # not one call for them

    rows = ROW.findall(avery.get("/tickets/", headers=HX).content.decode())
    assert rows  # the engineer's own list still reads the PSA
    assert _sim_count(at_sim) > before


def test_near_the_limit_a_prefetch_is_refused_but_opening_the_ticket_is_not(
    avery, lakeside, at_sim
):
    _spend_until(at_sim, lakeside, 85)
    before = _sim_count(at_sim)
    refused = avery.get("/tickets/7001/context/", headers=PREFETCH)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Purpose" in refused["Vary"]
    assert _sim_count(at_sim) == before

    opened = avery.get("/tickets/7001/context/", headers=HX)
    assert opened.status_code == 200 and "Purpose" in opened["Vary"]
    assert _sim_count(at_sim) > before


def test_at_the_limit_itself_the_list_stops_too_without_calling(avery, lakeside, at_sim):
    _spend_until(at_sim, lakeside, 100)
    before = _sim_count(at_sim)
    html = avery.get("/tickets/", headers=HX).content.decode()
    assert not ROW.findall(html)
    assert "budget" in html  # said in the PSA error's words, not a crash
    assert _sim_count(at_sim) == before


def _queue_ids(html: str) -> list[str]:
    return re.findall(r'class="queue-row"[^>]*data-ticket-id="(\d+)"', html)


def test_a_paused_widget_still_shows_the_rows_it_last_showed_and_when(avery, lakeside, at_sim):
    shown = {url: _queue_ids(avery.get(url, headers=HX).content.decode()) for url in WIDGETS}
    assert shown["/tickets/queue/"], "avery's queue should list tickets"

    _spend_until(at_sim, lakeside, 85)
    before = _sim_count(at_sim)
    for url, ids in shown.items():
        html = avery.get(url, headers=HX).content.decode()
        assert PAUSED in html
        assert _queue_ids(html) == ids
        if ids:
            assert "Showing what was here" in html
    assert _sim_count(at_sim) == before


def test_a_paused_widget_shows_no_rows_from_before_the_connection_was_repointed(
    avery, lakeside, at_sim
):
    assert _queue_ids(avery.get("/tickets/queue/", headers=HX).content.decode())
    psa_caches_invalidate(account=lakeside)  # what re-pointing the connection does
    _spend_until(at_sim, lakeside, 85)
    html = avery.get("/tickets/queue/", headers=HX).content.decode()
    assert PAUSED in html and not _queue_ids(html) and "Showing what was here" not in html


def test_widgets_learn_of_other_integrations_calls_every_few_minutes(avery, lakeside, at_sim):
    # Another integration on the same tenant spends the hour: Autotask counts its calls, ours
    # does not.
    other = _lakeside_client(at_sim)
    while _sim_count(at_sim) < 85:
        other.get("Tickets/7001")
    routes_before = requests.get(f"{at_sim.root_url}/_sim/stats", timeout=10).json()["routes"]

    for url in WIDGETS:
        assert PAUSED in avery.get(url, headers=HX).content.decode()

    routes = requests.get(f"{at_sim.root_url}/_sim/stats", timeout=10).json()["routes"]
    asked = {r: n - routes_before.get(r, 0) for r, n in routes.items() if n != routes_before.get(r)}
    assert asked == {"GET /ThresholdInformation": 1}  # once for the three, nothing else
