"""The dashboard's My Queue widget: its states as the spec's table lists them."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_populated_queue_shows_five_of_my_open_tickets(client, demo) -> None:
    client.force_login(demo.jordan)
    dashboard = client.get("/").content.decode()
    assert 'id="my-queue"' in dashboard and 'hx-trigger="load, ' in dashboard  # skeleton first

    html = client.get("/tickets/queue/", headers={"HX-Request": "true"}).content.decode()

    rows = re.findall(r'class="queue-row" href="/tickets/\?ticket=(\d+)"', html)
    assert 1 <= len(rows) <= 5
    assert 'href="/tickets/?assigned=me"' in html


def test_unmapped_engineer_is_prompted_to_map(client, demo) -> None:
    client.force_login(demo.riley)
    html = client.get("/").content.decode()
    assert "Map your PSA member to see your queue" in html


def test_no_connection_hides_the_widget(client, demo) -> None:
    demo.bayside.psa_connection.delete()
    client.force_login(demo.jordan)
    assert 'id="my-queue"' not in client.get("/").content.decode()


def test_connectwise_failure_is_quiet(client, demo, sim_config) -> None:
    client.force_login(demo.jordan)
    sim_config(fail_rate=1.0)
    response = client.get("/tickets/queue/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Trigger" not in response.headers
    html = response.content.decode()
    assert (
        "ConnectWise had a problem on its side. Your queue will show here when it is back." in html
    )
    assert ">Retry</button>" in html


def test_refused_credentials_send_to_the_connection_not_retry(client, demo, sim_config) -> None:
    client.force_login(demo.jordan)
    sim_config(auth_fail_rate=1.0)
    html = client.get("/tickets/queue/", headers={"HX-Request": "true"}).content.decode()
    assert "ConnectWise refused our credentials." in html
    assert 'href="/account/integrations/">Check the connection</a>' in html
    assert ">Retry</button>" not in html


def test_empty_queue_says_so(client, demo, cw_sim) -> None:
    import requests

    base = f"{cw_sim.base_url}"
    auth = ("baysideit+rfdemo-public", "rfdemo-private")
    headers = {"clientId": "tests"}
    entries = requests.get(
        f"{base}/schedule/entries",
        params={"conditions": 'member/identifier="jsmith"', "pageSize": 1000},
        auth=auth,
        headers=headers,
        timeout=10,
    ).json()
    for entry in entries:
        requests.delete(
            f"{base}/schedule/entries/{entry['id']}", auth=auth, headers=headers, timeout=10
        )

    client.force_login(demo.jordan)
    html = client.get("/tickets/queue/", headers={"HX-Request": "true"}).content.decode()
    assert "No open tickets assigned to you." in html
