"""Reference data at scale: two waves whatever the tenant's size, one load however many ask."""

from __future__ import annotations

import dataclasses
import threading
import time
from functools import partial
from typing import Any

import pytest
import requests
from django.core.cache import cache

from psa.providers.base import PSAError, PSAUnavailable, ReferenceData
from psa.providers.connectwise.client import ConnectWiseClient
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.selectors import provider_for_account, reference_cache_key, reference_data_get
from psa.simulator.app import SimulatorApp
from psa.simulator.data.scaled import scaled_tenant
from psa.simulator.server import make_simulator_server
from psa.simulator.store import TENANTS, TenantRegistry
from psa.tests.factories import PSAConnectionFactory
from psa.tests.waves import CallSpans

REFERENCE_KINDS = ("boards", "priorities", "members", "companies")
LATENCY = 0.2  # seconds per ConnectWise call: large enough that waves dominate the timing


@pytest.fixture(scope="module")
def big_sim() -> Any:
    """A simulator whose baysideit tenant has 5,000 companies and 500 members."""
    config = dataclasses.replace(
        TENANTS["baysideit"],
        data_factory=partial(scaled_tenant, tickets=50, companies=5000, members=500),
    )
    app = SimulatorApp(registry=TenantRegistry({"baysideit": config}))
    server = make_simulator_server("127.0.0.1", 0, app=app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    yield root, app
    server.shutdown()
    server.server_close()


def _provider(root: str) -> ConnectWiseProvider:
    config = ConnectWiseConfig(
        site_url=root,
        company_id="baysideit",
        public_key="rfdemo-public",
        private_key="rfdemo-private",
        client_id="rf-tests",
    )
    return ConnectWiseProvider(client=ConnectWiseClient(config))


def _routes(root: str) -> dict[str, int]:
    return requests.get(f"{root}/_sim/stats", timeout=5).json()["routes"]


def test_5000_companies_and_500_members_load_in_two_waves_of_parallel_pages(
    big_sim, monkeypatch
) -> None:
    root, app = big_sim
    store = app.registry.store("baysideit")
    live_companies = {c["id"] for c in store.records("companies") if not c.get("deletedFlag")}
    requests.post(f"{root}/_sim/reset", json={}, timeout=5)
    requests.post(f"{root}/_sim/config", json={"latency_ms": LATENCY * 1000}, timeout=5)
    provider = _provider(root)
    calls = CallSpans(monkeypatch, provider.client.session, "request")
    try:
        data = provider.reference_data()
    finally:
        requests.post(f"{root}/_sim/config", json={"latency_ms": 0}, timeout=5)

    assert {c.id for c in data.companies} == live_companies
    assert len(live_companies) > 4000  # five pages of 1000
    assert len(data.members) == 500
    routes = _routes(root)
    pages = -(-len(live_companies) // 1000)
    assert routes["GET /company/companies"] == pages  # each page once
    assert routes["GET /system/members"] == 1
    assert routes["GET /service/boards"] == 1
    assert routes["GET /service/boards/{id}/statuses"] == len(data.boards)
    # First pages, then every other page and the statuses together: two waves of calls, each
    # wave starting after the one before had answered. Reading the company pages one after
    # another would take `pages + 1`.
    assert calls.waves == 2, sorted(calls.spans)


def test_a_full_first_page_without_a_link_header_asks_count(big_sim, monkeypatch) -> None:
    root, _ = big_sim
    requests.post(f"{root}/_sim/reset", json={}, timeout=5)
    monkeypatch.setattr("psa.providers.connectwise.paging._last_page", lambda link: None)

    companies = _provider(root).list_companies()

    routes = _routes(root)
    assert routes["GET /company/companies/count"] == 1
    assert routes["GET /company/companies"] == -(-len(companies) // 1000)


@pytest.mark.django_db
def test_simultaneous_first_requests_load_each_kind_once(cw_sim) -> None:
    account = PSAConnectionFactory(site=cw_sim.root_url).account
    provider = provider_for_account(account=account)
    requests.post(f"{cw_sim.root_url}/_sim/config", json={"latency_ms": 150}, timeout=5)
    requests.post(f"{cw_sim.root_url}/_sim/reset", json={}, timeout=5)
    callers = 12
    barrier = threading.Barrier(callers)
    results: list[ReferenceData] = []
    errors: list[BaseException] = []

    def first_request() -> None:
        barrier.wait()
        try:
            results.append(reference_data_get(account=account, provider=provider))
        except BaseException as error:  # reported below, with the thread's failure
            errors.append(error)

    threads = [threading.Thread(target=first_request) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert len(results) == callers
    assert all(r == results[0] for r in results)
    routes = _routes(cw_sim.root_url)
    assert routes["GET /service/boards"] == 1
    assert routes["GET /service/priorities"] == 1
    assert routes["GET /system/members"] == 1
    assert routes["GET /company/companies"] == 1
    assert routes["GET /service/boards/{id}/statuses"] == len(results[0].boards)


@pytest.mark.django_db
def test_a_stale_copy_is_served_and_refreshed(cw_sim, settings) -> None:
    account = PSAConnectionFactory(site=cw_sim.root_url).account
    stale = ReferenceData(boards=(), statuses=(), priorities=(), members=(), companies=())
    key = reference_cache_key(account)
    cache.set(key, ("old", time.time() - settings.PSA_REFERENCE_TTL, stale))
    cache.set(f"{key}:version", "old")

    served = reference_data_get(account=account)

    assert served == stale  # the page did not wait for ConnectWise
    # Tests run tasks inline, so the refresh the stale read queued has already happened.
    fresh = reference_data_get(account=account)
    assert len(fresh.companies) == 24
    assert len(fresh.boards) == 5


@pytest.mark.django_db
def test_waiters_share_a_failed_load_instead_of_each_retrying_it(cw_sim) -> None:
    account = PSAConnectionFactory(site=cw_sim.root_url).account
    requests.post(f"{cw_sim.root_url}/_sim/config", json={"fail_rate": 1}, timeout=5)
    provider = provider_for_account(account=account)
    requests.post(f"{cw_sim.root_url}/_sim/reset", json={}, timeout=5)
    callers = 6
    barrier = threading.Barrier(callers)
    errors: list[BaseException] = []

    def first_request() -> None:
        barrier.wait()
        try:
            reference_data_get(account=account, provider=provider)
        except PSAError as error:
            errors.append(error)

    threads = [threading.Thread(target=first_request) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(errors) == callers
    assert all(isinstance(e, PSAUnavailable) for e in errors)
    # One load attempt (with its retries) for all six callers, not six attempts in turn.
    first_wave = len(REFERENCE_KINDS)
    attempts = 1 + provider.client.config.max_retries
    assert requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()["total"] <= (
        first_wave * attempts
    )


@pytest.mark.django_db
def test_waiters_take_over_when_the_lock_goes_without_a_result(cw_sim) -> None:
    account = PSAConnectionFactory(site=cw_sim.root_url).account
    key = f"{reference_cache_key(account)}:loading"
    cache.set(key, "someone-else", timeout=30)
    threading.Timer(0.3, cache.delete, args=[key]).start()  # the other loader vanished

    data = reference_data_get(account=account)

    assert len(data.companies) == 24
    assert cache.get(key) is None


@pytest.mark.django_db
def test_a_process_rereads_the_shared_cache_when_another_stored_a_new_version(cw_sim) -> None:
    account = PSAConnectionFactory(site=cw_sim.root_url).account
    first = reference_data_get(account=account)
    key = reference_cache_key(account)
    newer = dataclasses.replace(first, companies=first.companies[:1])
    # What another node's refresh leaves in Redis: a new entry under a new version stamp.
    cache.set(key, ("another-node", time.time(), newer))
    cache.set(f"{key}:version", "another-node")

    assert reference_data_get(account=account) == newer
