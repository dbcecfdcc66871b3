"""The "Run diagnostics" button on /account/integrations/: owners and admins only."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def test_admins_see_the_button_and_engineers_do_not(client, demo) -> None:
    client.force_login(demo.morgan)
    assert "Run diagnostics" in client.get("/account/integrations/").content.decode()
    client.force_login(demo.jordan)
    assert "Run diagnostics" not in client.get("/account/integrations/").content.decode()


def test_engineers_get_403_and_nothing_is_called(client, demo, cw_sim) -> None:
    client.force_login(demo.jordan)
    before = requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()["total"]
    assert client.post("/account/integrations/diagnostics/", headers=HX).status_code == 403
    assert requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()["total"] == before


def test_an_admin_gets_the_results_table_as_a_partial(client, demo) -> None:
    client.force_login(demo.morgan)
    response = client.post("/account/integrations/diagnostics/", headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="diagnostics">')  # the partial, not the page
    assert "<table" in html and "GET /service/tickets/{id}/allNotes" in html
    assert html.count('data-verdict="pass"') >= 10 and 'data-verdict="fail"' not in html
    assert "checks passed" in html


def test_failures_show_the_fix(client, demo, cw_sim) -> None:
    requests.post(f"{cw_sim.root_url}/_sim/config", json={"fail_rate": 1}, timeout=5)
    client.force_login(demo.morgan)
    html = client.post("/account/integrations/diagnostics/", headers=HX).content.decode()
    assert 'data-verdict="fail"' in html and "Fix: ConnectWise did not answer" in html


def test_without_js_the_page_renders_with_the_results(client, demo) -> None:
    client.force_login(demo.morgan)
    html = client.post("/account/integrations/diagnostics/").content.decode()
    assert "<html" in html.lower() and "checks passed" in html
