"""A third-party Autotask client reads the simulator unchanged: py-autotask (PyPI, maintained),
pointed at it through its API URL override and, separately, through its own zone discovery.

py-autotask's filter model allows only some of Autotask's operators and adds others Autotask's
documentation does not list (``ne``, ``isNull``, ``between``); the simulator follows the
documentation, so these tests use the operators both agree on (``eq``, ``in``, ``gte``).
"""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # its pydantic v1-style config warns on import
    from py_autotask import AutotaskClient
    from py_autotask.auth import AutotaskAuth

CREDENTIALS = {
    "username": "rfdemo@lakesideit.example",
    "integration_code": "RFDEMO",
    "secret": "rfdemo-secret",
}


@pytest.fixture
def client(at_sim):
    return AutotaskClient.create(**CREDENTIALS, api_url=f"{at_sim.root_url}/ATServicesRest")


def _stats(at_sim):
    return at_sim.app.faults.stats()["routes"]


def test_it_queries_tickets_and_reads_one(client, at_sim):
    tenant = at_sim.app.tenant
    expected = [t["id"] for t in tenant.records("Tickets") if t["status"] == 1][:5]
    page = client.query(
        "Tickets", filters=[{"op": "eq", "field": "status", "value": 1}], max_records=5
    )
    assert [item["id"] for item in page.items] == expected
    assert page.page_details.next_page_url  # Autotask's cursor, parsed by the client
    ticket = client.get("Tickets", expected[0])
    assert ticket["title"] == tenant.get("Tickets", expected[0])["title"]
    assert client.get("Tickets", 1) is None  # {"item": null}
    assert _stats(at_sim) == {"POST /Tickets/query": 1, "GET /Tickets/{id}": 2}


def test_its_entity_helpers_and_count_work(client, at_sim):
    queue = 29682969
    tenant = at_sim.app.tenant
    in_queue = [t["id"] for t in tenant.records("Tickets") if t["queueID"] == queue]
    filters = [{"op": "eq", "field": "queueID", "value": queue}]
    assert [t["id"] for t in client.tickets.query(filters=filters).items] == in_queue
    assert client.count("Tickets", {"filter": filters}) == len(in_queue)
    assert client.tickets.get(in_queue[0])["queueID"] == queue


def test_it_finds_the_simulator_through_zone_discovery(at_sim, monkeypatch):
    monkeypatch.setattr(
        AutotaskAuth, "ZONE_INFO_URL", f"{at_sim.root_url}/atservicesrest/v1.0/zoneInformation"
    )
    monkeypatch.setattr(AutotaskAuth, "_zone_cache", {})
    discovered = AutotaskClient.create(**CREDENTIALS)
    assert discovered.auth.api_url == f"{at_sim.root_url}/ATServicesRest/"
    assert discovered.get("Tickets", 7002)["id"] == 7002
    assert _stats(at_sim)["GET /zoneInformation"] == 1
