"""The integrations page shows the connection's real status without anyone clicking Test: an
owner's or admin's visit checks it when the last check is missing or old (issue 13, item 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from psa.models import PSAConnection

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
STATUS = "/account/integrations/status/"


@pytest.fixture
def sim_stats(cw_sim):
    return lambda: requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()


def _connection(demo) -> PSAConnection:
    return PSAConnection.objects.get(account=demo.bayside)


def test_an_unchecked_connection_is_checked_once_the_page_has_loaded(client, demo) -> None:
    assert _connection(demo).last_checked_at is None
    client.force_login(demo.morgan)

    page = client.get("/account/integrations/").content.decode()
    assert f'hx-get="{STATUS}" hx-trigger="load"' in page
    assert "Checking…" in page and "Not checked yet" not in page

    card = client.get(STATUS, headers=HX).content.decode()

    connection = _connection(demo)
    assert connection.last_checked_at is not None and connection.last_error == ""
    assert "Healthy" in card and 'id="health"' in card and "<html" not in card
    assert 'hx-trigger="load"' not in card  # checked now: no second round


def test_a_recent_check_is_shown_as_is(client, demo, sim_stats) -> None:
    connection = _connection(demo)
    connection.last_checked_at = timezone.now() - timedelta(minutes=3)
    connection.save(update_fields=["last_checked_at"])
    client.force_login(demo.morgan)

    page = client.get("/account/integrations/").content.decode()
    client.get(STATUS, headers=HX)

    assert "Healthy" in page and 'hx-trigger="load"' not in page
    assert sim_stats()["routes"].get("GET /system/info", 0) == 0
    assert _connection(demo).last_checked_at == connection.last_checked_at


def test_an_old_check_is_made_again(client, demo) -> None:
    connection = _connection(demo)
    old = timezone.now() - timedelta(hours=2)
    connection.last_checked_at, connection.last_error = old, "ConnectWise did not answer."
    connection.save(update_fields=["last_checked_at", "last_error"])
    client.force_login(demo.morgan)

    page = client.get("/account/integrations/").content.decode()
    assert "Checking…" in page and "last time failing" in page

    card = client.get(STATUS, headers=HX).content.decode()

    connection.refresh_from_db()
    assert connection.last_checked_at > old and connection.last_error == ""
    assert "Healthy" in card


def test_a_failing_connection_says_why(client, demo) -> None:
    connection = _connection(demo)
    connection.private_key = "wrong-key"
    connection.save()
    client.force_login(demo.morgan)

    card = client.get(STATUS, headers=HX).content.decode()

    assert "Failing" in card and "ConnectWise refused the API credentials" in card


def test_an_engineers_visit_runs_no_check(client, demo, sim_stats) -> None:
    client.force_login(demo.jordan)

    page = client.get("/account/integrations/").content.decode()
    client.get(STATUS, headers=HX)

    assert 'hx-trigger="load"' not in page and "Not checked yet" in page
    assert _connection(demo).last_checked_at is None
    assert sim_stats()["routes"].get("GET /system/info", 0) == 0


def test_a_browser_asking_for_the_card_gets_the_page(client, demo) -> None:
    client.force_login(demo.morgan)

    response = client.get(STATUS)

    assert response.status_code == 302 and response["Location"] == "/account/integrations/"
    assert _connection(demo).last_checked_at is None
