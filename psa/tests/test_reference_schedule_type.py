"""The "S" schedule type travels with the cached reference data to every provider instance."""

from __future__ import annotations

import pytest
import requests

from psa.registry import reset_provider_cache
from psa.selectors import provider_for_account, reference_data_get
from psa.tasks import refresh_reference_data
from tickets import services

pytestmark = pytest.mark.django_db


def _count(cw_sim, route: str) -> int:
    stats = requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()
    return int(stats["routes"].get(route, 0))


def test_the_refresh_task_caches_the_schedule_type(demo, cw_sim) -> None:
    result = refresh_reference_data.delay(demo.bayside.pk).get()
    assert result["schedule_type_id"] == 4
    assert reference_data_get(account=demo.bayside).schedule_type.identifier == "S"


def test_a_fresh_process_assigns_without_looking_the_type_up_again(demo, cw_sim) -> None:
    refresh_reference_data.delay(demo.bayside.pk).get()
    reset_provider_cache()  # as on another web node: a new provider, the shared cache
    requests.post(f"{cw_sim.root_url}/_sim/reset", json={}, timeout=5)  # zero the counters

    services.ticket_resource_add(
        account=demo.bayside, user=demo.morgan, ticket_id=1000, member_id=17
    )

    assert _count(cw_sim, "GET /schedule/types") == 0
    assert _count(cw_sim, "POST /schedule/entries") == 1
    provider = provider_for_account(account=demo.bayside)
    assert "jsmith" in {r.member_identifier for r in provider.list_resources(ticket_id=1000)}
