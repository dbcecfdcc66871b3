"""The threaded HTTP server on loopback, driven with requests like a real client would."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from psa.simulator.server import start_background

HEADERS = {"clientId": "rf-tests", "Accept": "application/vnd.connectwise.com+json; version=2025.8"}
AUTH = ("baysideit+rfdemo-public", "rfdemo-private")


@pytest.fixture(scope="module")
def running():
    simulator = start_background(port=0)
    yield simulator
    simulator.stop()


@pytest.fixture
def http():
    with requests.Session() as session:
        session.auth = AUTH
        session.headers.update(HEADERS)
        yield session


def test_base_url_points_at_the_api(running, http):
    assert running.base_url == f"http://127.0.0.1:{running.port}/v4_6_release/apis/3.0"
    resp = http.get(
        f"{running.base_url}/service/tickets", params={"conditions": "board/id = 1", "pageSize": 10}
    )
    assert resp.status_code == 200
    assert len(resp.json()) == 10
    assert resp.links["next"]["url"].startswith(f"{running.base_url}/service/tickets?")
    follow = http.get(resp.links["next"]["url"])
    assert follow.status_code == 200 and follow.json()[0]["id"] > resp.json()[-1]["id"]


def test_curl_like_call_without_client_id_is_403(running):
    resp = requests.get(f"{running.base_url}/service/tickets", auth=AUTH, timeout=5)
    assert resp.status_code == 403
    assert resp.json()["code"] == "Forbidden"


def test_utf8_over_the_wire(running, http):
    created = http.post(
        f"{running.base_url}/service/tickets",
        json={
            "summary": "Kassen-Drucker: „Fehler“ — 北岸 ✓",
            "company": {"identifier": "UnterbergLogistik"},
        },
    )
    assert created.status_code == 201
    assert created.headers["Content-Type"] == "application/json; charset=utf-8"
    fetched = http.get(f"{running.base_url}/service/tickets/{created.json()['id']}").json()
    assert fetched["summary"] == "Kassen-Drucker: „Fehler“ — 北岸 ✓"
    assert fetched["company"]["name"] == "Ünterberg Logistik GmbH"


def test_concurrent_writes_get_distinct_ids(running, http):
    def create(n: int) -> int:
        with requests.Session() as session:
            resp = session.post(
                f"{running.base_url}/service/tickets/1000/notes",
                json={"text": f"parallel note {n}", "internalAnalysisFlag": True},
                auth=AUTH,
                headers=HEADERS,
                timeout=10,
            )
            assert resp.status_code == 201
            return resp.json()["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
    texts = {
        n["text"]
        for n in http.get(
            f"{running.base_url}/service/tickets/1000/notes", params={"pageSize": 1000}
        ).json()
    }
    assert {f"parallel note {n}" for n in range(40)} <= texts


def test_control_endpoints_over_http(running, http):
    root = running.root_url
    assert requests.post(f"{root}/_sim/reset", json={}, timeout=5).json()["reset"] is True
    http.get(f"{running.base_url}/service/boards")
    stats = requests.get(f"{root}/_sim/stats", timeout=5).json()
    assert stats["routes"] == {"GET /service/boards": 1}
    config = requests.post(f"{root}/_sim/config", json={"fail_rate": 1}, timeout=5).json()
    assert config["fail_rate"] == 1.0
    assert http.get(f"{running.base_url}/service/boards").status_code == 500
    requests.post(f"{root}/_sim/config", json={"fail_rate": 0}, timeout=5)
    assert http.get(f"{running.base_url}/service/boards").status_code == 200


def test_start_background_takes_fault_options_and_stops():
    with start_background(port=0, rate_limit=2) as simulator:
        assert simulator.app.faults.config()["rate_limit"] == 2
        url = f"{simulator.base_url}/service/priorities"
        codes = [
            requests.get(url, auth=AUTH, headers=HEADERS, timeout=5).status_code for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        port = simulator.port
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/_sim/stats", timeout=2)
