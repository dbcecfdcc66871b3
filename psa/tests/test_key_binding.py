"""The stored private key goes only to the site it was saved with; only owners/admins test it; every
change lands in the account's activity log."""

from __future__ import annotations

import pytest

from psa.models import PSAConnection
from psa.tests.loopback import listening
from resolutionflow.activity import ActivityEvent

pytestmark = pytest.mark.django_db


def _form(site: str, **changes: str) -> dict[str, str]:
    return {
        "site": site,
        "company_id": "baysideit",
        "public_key": "rfdemo-public",
        "private_key": "",
        "client_id": "rf",
        "codebase": "v4_6_release/",
        "api_version": "2025.8",
        "is_active": "on",
        **changes,
    }


@pytest.fixture
def loopback_sites(settings):
    settings.PSA_INSECURE_HOSTS = ["127.0.0.1", "localhost"]


def _no_credentials_reached(listener) -> None:
    assert listener.connections == 0
    assert all("Authorization" not in seen.headers for seen in listener.seen)


@pytest.mark.parametrize("active", ["on", ""])
@pytest.mark.parametrize(
    "change", [{}, {"company_id": "someone-else"}, {"public_key": "their-public"}]
)
def test_moving_the_connection_without_retyping_the_key_is_refused_and_sends_nothing(
    client, demo, loopback_sites, active, change
):
    client.force_login(demo.morgan)
    before = PSAConnection.objects.get(account=demo.bayside)
    with listening() as attacker:
        site = f"http://localhost:{attacker.port}"
        response = client.post(
            "/account/integrations/connection/", _form(site, is_active=active, **change)
        )
        # And "Test connection" afterwards still talks to the saved site only.
        client.post("/account/integrations/test/")

    assert response.status_code == 400
    assert "Re-enter the private key" in response.content.decode()
    _no_credentials_reached(attacker)
    after = PSAConnection.objects.get(account=demo.bayside)
    assert (after.site, after.company_id, after.public_key) == (
        before.site,
        before.company_id,
        before.public_key,
    )
    refused = ActivityEvent.objects.filter(
        account=demo.bayside, action=ActivityEvent.Action.CONNECTION_REFUSED
    ).get()
    assert refused.actor == demo.morgan and refused.ip == "127.0.0.1"


def test_same_tenant_on_a_new_site_with_the_key_retyped_is_saved(client, demo, cw_sim):
    client.force_login(demo.morgan)
    site = cw_sim.root_url.replace("127.0.0.1", "localhost")

    response = client.post(
        "/account/integrations/connection/", _form(site, private_key="rfdemo-private")
    )

    assert response.status_code == 302
    connection = PSAConnection.objects.get(account=demo.bayside)
    assert connection.site == site and connection.key_is_bound_here


def test_a_stored_key_is_not_sent_to_a_site_it_was_not_saved_for(client, demo, loopback_sites):
    """Even if the site changes by some other way than the form, a test sends nothing there."""
    client.force_login(demo.morgan)
    with listening() as attacker:
        PSAConnection.objects.filter(account=demo.bayside).update(
            site=f"http://localhost:{attacker.port}", is_active=False
        )
        response = client.post("/account/integrations/test/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Re-enter the private key" in response.headers["HX-Trigger"]
    _no_credentials_reached(attacker)


def test_engineers_cannot_run_connection_tests(client, demo, cw_sim):
    client.force_login(demo.jordan)
    checked_before = PSAConnection.objects.get(account=demo.bayside).last_checked_at

    response = client.post("/account/integrations/test/")

    assert response.status_code == 403
    assert PSAConnection.objects.get(account=demo.bayside).last_checked_at == checked_before
    assert not ActivityEvent.objects.filter(action=ActivityEvent.Action.CONNECTION_TESTED).exists()


def test_credential_views_hide_the_private_key_from_error_reports(client, demo, cw_sim):
    client.force_login(demo.morgan)

    response = client.post(
        "/account/integrations/connection/", _form(cw_sim.root_url, private_key="typed-secret")
    )

    assert response.wsgi_request.sensitive_post_parameters == ("private_key",)


def test_changes_and_sign_ins_are_listed_for_owners_and_admins_only(client, demo, cw_sim):
    client.post(
        "/accounts/login/",
        {"username": "morgan", "password": "wrong"},
        REMOTE_ADDR="198.51.100.7",
    )
    client.post(
        "/accounts/login/",
        {"username": "morgan", "password": "resolutionflow"},
        REMOTE_ADDR="203.0.113.9",
    )
    client.post(
        "/account/integrations/connection/",
        _form(cw_sim.root_url, private_key="rfdemo-private"),
        REMOTE_ADDR="203.0.113.9",
    )

    page = client.get("/account/integrations/").content.decode()

    actions = list(
        ActivityEvent.objects.filter(account=demo.bayside).values_list("action", "ip", "actor_name")
    )
    assert actions[0] == (ActivityEvent.Action.CONNECTION_SAVED, "203.0.113.9", "morgan")
    assert (ActivityEvent.Action.LOGIN, "203.0.113.9", "morgan") in actions
    assert any(
        action == ActivityEvent.Action.LOGIN_FAILED and ip == "198.51.100.7"
        for action, ip, _ in actions
    )
    assert 'id="activity"' in page and "203.0.113.9" in page and "Failed sign-in" in page

    client.force_login(demo.jordan)
    assert 'id="activity"' not in client.get("/account/integrations/").content.decode()


def test_the_admin_connection_form_hides_the_private_key_from_error_reports(admin_client, demo):
    connection = PSAConnection.objects.get(account=demo.bayside)

    response = admin_client.post(
        f"/admin/psa/psaconnection/{connection.pk}/change/", {"private_key": "typed-secret"}
    )

    assert response.wsgi_request.sensitive_post_parameters == ("private_key",)
