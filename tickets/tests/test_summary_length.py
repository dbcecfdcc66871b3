"""A ticket's summary is as long as the connected PSA holds (`PSACapabilities.summary_max`):
ConnectWise 100 characters, Autotask 255. Longer is refused on the summary field before the PSA
is asked, in the API and in the New Ticket form, whose counter shows the same limit."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model

from tickets.tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

BASE = "/api/integrations/psa"
SUMMARY = ("Printer on the second floor jams on every duplex job after the firmware update " * 4)[
    :180
].strip()


def _avery() -> Any:
    return get_user_model().objects.get(username="avery")


def _lakeside_draft(at_sim: Any) -> dict[str, Any]:
    tenant = at_sim.app.tenant
    company = next(c for c in tenant.records("Companies") if c.get("isActive", True))
    queue = int(tenant.picklist("Tickets", "queueID")[0]["value"])
    return {"company_id": company["id"], "board_id": queue}


def _created_on_autotask(at_sim: Any) -> int:
    routes = requests.get(f"{at_sim.root_url}/_sim/stats", timeout=10).json()["routes"]
    return int(routes.get("POST /Tickets", 0))


def test_autotask_takes_a_summary_longer_than_connectwise_would(lakeside, at_sim) -> None:
    api = api_client_for(_avery())
    response = api.post(
        f"{BASE}/tickets", {"summary": SUMMARY, **_lakeside_draft(at_sim)}, format="json"
    )
    assert response.status_code == 201, response.json()
    stored = at_sim.app.tenant.get("Tickets", response.json()["id"])
    assert stored["title"] == SUMMARY and len(SUMMARY) > 100


def test_autotask_refuses_past_its_own_limit_without_asking_it(lakeside, at_sim) -> None:
    api = api_client_for(_avery())
    response = api.post(
        f"{BASE}/tickets", {"summary": "x" * 256, **_lakeside_draft(at_sim)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["summary"]
    assert _created_on_autotask(at_sim) == 0


def test_connectwise_refuses_the_same_summary_on_the_field(jordan_api, sim_stats) -> None:
    response = jordan_api.post(
        f"{BASE}/tickets", {"summary": SUMMARY, "company_id": 250, "board_id": 1}, format="json"
    )
    assert response.status_code == 400
    assert "100 characters" in " ".join(response.json()["error"]["fields"]["summary"])
    assert "POST /service/tickets" not in sim_stats()["routes"]


@pytest.mark.parametrize(("username", "limit"), [("jordan", 100), ("avery", 255)])
def test_the_new_ticket_form_counts_to_the_psas_limit(client, lakeside, username, limit) -> None:
    client.force_login(get_user_model().objects.get(username=username))
    html = client.get("/tickets/new/", headers={"HX-Request": "true"}).content.decode()
    assert f'name="summary" maxlength="{limit}"' in html
    assert f"/{limit}</small>" in html
