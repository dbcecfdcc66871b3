import pytest
import requests

from psa.providers.base import PSARateLimited
from psa.selectors import provider_for_account

pytestmark = pytest.mark.django_db


def _allow_one_request_per_minute(sim) -> None:
    requests.post(f"{sim.root_url}/_sim/config", json={"rate_limit": 1}, timeout=5)
    requests.post(f"{sim.root_url}/_sim/reset", json={}, timeout=5)  # forget the seeding calls


def test_a_429_makes_every_caller_wait_without_calling_connectwise(demo, cw_sim) -> None:
    _allow_one_request_per_minute(cw_sim)
    provider = provider_for_account(account=demo.bayside)
    provider.get_ticket(ticket_id=1000)
    with pytest.raises(PSARateLimited) as first:
        provider.get_ticket(ticket_id=1000)
    calls = requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()["total"]

    from psa.registry import reset_provider_cache

    reset_provider_cache()  # another process or node: a fresh provider, the same shared cache
    with pytest.raises(PSARateLimited) as second:
        provider_for_account(account=demo.bayside).get_ticket(ticket_id=1000)

    assert requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()["total"] == calls
    assert 0 < second.value.retry_after <= first.value.retry_after
    assert "Try again in" in second.value.message


def test_the_cooldown_is_per_tenant(demo, cw_sim) -> None:
    _allow_one_request_per_minute(cw_sim)
    provider = provider_for_account(account=demo.bayside)
    provider.get_ticket(ticket_id=1000)
    with pytest.raises(PSARateLimited):
        provider.get_ticket(ticket_id=1000)
    requests.post(f"{cw_sim.root_url}/_sim/config", json={"rate_limit": 0}, timeout=5)

    assert provider_for_account(account=demo.northshore).list_priorities()
