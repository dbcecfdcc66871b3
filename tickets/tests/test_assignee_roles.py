"""Assignees where the PSA's assignments carry a role (Autotask): the panel offers the chosen
resource's roles, the one picked is the one stored, and a role the resource lacks is refused with
the roles it has. Where assignments have no role (ConnectWise), none is offered and one is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tickets.tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
BASE = "/api/integrations/psa"
ABROOKS, CNGUYEN_LIKE = 29682900, 29682901
UNASSIGNED_OPEN = 7036


@pytest.fixture
def avery(client: Any, lakeside: Any) -> Any:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="avery"))
    return client


def _role_ids(html: str) -> dict[str, str]:
    return dict(
        (name, value)
        for value, name in re.findall(
            r'<option value="(\d+)"[^>]*>([^<(]+?)(?: \(default\))?<', html
        )
    )


def test_the_panel_offers_the_chosen_resources_roles_default_first(avery) -> None:
    section = avery.get(f"/tickets/{UNASSIGNED_OPEN}/resources/", headers=HX).content.decode()
    assert 'name="role_id"' in section and "Their default role" in section
    assert "Add a resource…" in section
    roles = avery.get(
        f"/tickets/options/roles/?member_id={ABROOKS}&field_id=add-role-{UNASSIGNED_OPEN}",
        headers=HX,
    ).content.decode()
    assert f'id="add-role-{UNASSIGNED_OPEN}"' in roles
    assert re.search(r'<option value="\d+" selected>Tier 1 Technician \(default\)', roles)
    assert "Tier 2 Engineer" in roles


def test_the_role_picked_is_the_one_autotask_stores_and_the_panel_shows(avery, at_sim) -> None:
    roles = _role_ids(
        avery.get(f"/tickets/options/roles/?member_id={ABROOKS}", headers=HX).content.decode()
    )
    avery.post(
        f"/tickets/{UNASSIGNED_OPEN}/resources/add/", {"member_id": CNGUYEN_LIKE}, headers=HX
    )
    added = avery.post(
        f"/tickets/{UNASSIGNED_OPEN}/resources/add/",
        {"member_id": ABROOKS, "role_id": roles["Tier 2 Engineer"]},
        headers=HX,
    ).content.decode()
    stored = next(
        s
        for s in at_sim.app.tenant.records("TicketSecondaryResources")
        if s["ticketID"] == UNASSIGNED_OPEN and s["resourceID"] == ABROOKS
    )
    assert stored["roleID"] == int(roles["Tier 2 Engineer"])
    assert "· Tier 2 Engineer" in added and ">primary<" in added


def test_a_role_the_resource_does_not_hold_is_refused_with_the_ones_it_does(lakeside) -> None:
    from django.contrib.auth import get_user_model

    api = api_client_for(get_user_model().objects.get(username="avery"))
    response = api.post(
        f"{BASE}/tickets/{UNASSIGNED_OPEN}/resources",
        {"member_id": ABROOKS, "role_id": 4242},
        format="json",
    )
    assert response.status_code == 400
    assert "Tier 1 Technician" in response.json()["error"]["fields"]["role_id"][0]
    assert api.get(f"{BASE}/tickets/{UNASSIGNED_OPEN}/resources").json() == []


def test_connectwise_offers_no_role_and_refuses_one(client, demo) -> None:
    client.force_login(demo.jordan)
    section = client.get("/tickets/1000/resources/", headers=HX).content.decode()
    assert 'name="role_id"' not in section and "Add a member…" in section
    response = api_client_for(demo.jordan).post(
        f"{BASE}/tickets/1000/resources", {"member_id": 18, "role_id": 3}, format="json"
    )
    assert response.status_code == 400 and "role_id" in response.json()["error"]["fields"]
