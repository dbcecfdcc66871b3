import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from psa.models import PSAConnection, PSAMemberMapping
from resolutionflow.models import Account, Membership

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return {
        "accounts": list(Account.objects.values_list("slug", "name")),
        "users": list(get_user_model().objects.values_list("username", "password", "is_superuser")),
        "memberships": list(
            Membership.objects.values_list("user__username", "account__slug", "role")
        ),
        "connections": list(
            PSAConnection.objects.values_list("account__slug", "site", "company_id", "updated_at")
        ),
        "mappings": list(
            PSAMemberMapping.objects.values_list(
                "user__username", "member_id", "member_identifier", "updated_at"
            )
        ),
    }


def test_seed_demo_creates_the_demo_identities(demo) -> None:
    assert demo.jordan.check_password("resolutionflow")
    assert demo.admin.is_superuser
    mappings = dict(PSAMemberMapping.objects.values_list("user__username", "member_identifier"))
    assert mappings == {"jordan": "jsmith", "morgan": "mlee", "casey": "cdiaz"}
    assert demo.jordan.membership.account == demo.bayside
    assert demo.casey.membership.account == demo.northshore
    assert PSAConnection.objects.get(account=demo.northshore).company_id == "northshore"


def test_seed_demo_twice_changes_nothing(demo, cw_sim) -> None:
    before = _snapshot()
    call_command("seed_demo", cw_url=cw_sim.root_url)
    assert _snapshot() == before


def test_seed_demo_repoints_connections_at_a_new_simulator_url(demo) -> None:
    call_command("seed_demo", cw_url="http://127.0.0.1:9999")
    assert set(PSAConnection.objects.values_list("site", flat=True)) == {"http://127.0.0.1:9999"}
