"""The integrations page for an Autotask account: it asks for what Autotask needs, tests and saves
it under the same key-binding rules as ConnectWise, and maps engineers to Autotask resources."""

from __future__ import annotations

import pytest

from psa.models import PSAConnection, PSAMemberMapping
from psa.providers.autotask.provider import AutotaskProvider
from psa.selectors import provider_for_account
from psa.tests.loopback import listening

pytestmark = pytest.mark.django_db


def _autotask_form(site: str, **changes: str) -> dict[str, str]:
    return {
        "provider": "autotask",
        "site": site,
        "username": "rfdemo@lakesideit.example",
        "private_key": "",
        "integration_code": "RFDEMO",
        "zone_override": "",
        "is_active": "on",
        **changes,
    }


def test_the_form_asks_for_what_autotask_needs(client, lakeside):
    client.force_login(lakeside.memberships.get(user__username="blake").user)
    page = client.get("/account/integrations/").content.decode()
    for name in ("username", "integration_code", "zone_override", "private_key", "provider"):
        assert f'name="{name}"' in page
    for name in ("company_id", "public_key", "client_id", "codebase"):
        assert f'name="{name}"' not in page
    assert "Secret" in page and "Autotask" in page
    # The member mapping lists Autotask resources (list_members through the reference data).
    assert "abrooks" in page and "Autotask resource" in page and "ConnectWise member" not in page


def test_choosing_autotask_redraws_the_form_with_its_fields(client, demo):
    client.force_login(demo.morgan)
    connectwise = client.get("/account/integrations/").content.decode()
    assert 'name="company_id"' in connectwise and 'name="username"' not in connectwise
    autotask = client.get("/account/integrations/?provider=autotask").content.decode()
    assert 'name="username"' in autotask and 'name="company_id"' not in autotask
    assert "https://webservices.autotask.net" in autotask  # discovery host by default


def test_test_connection_works_for_autotask(client, lakeside):
    client.force_login(lakeside.memberships.get(user__username="blake").user)
    assert client.post("/account/integrations/test/").status_code == 302
    connection = PSAConnection.objects.get(account=lakeside)
    assert connection.last_checked_at is not None and connection.last_error == ""


def test_a_connectwise_account_can_be_moved_to_autotask_with_its_secret(client, demo, at_sim):
    client.force_login(demo.morgan)
    refused = client.post(
        "/account/integrations/connection/",
        _autotask_form(at_sim.root_url, private_key="not-the-secret"),
    )
    assert refused.status_code == 400
    assert "Autotask refused these settings" in refused.content.decode()
    assert PSAConnection.objects.get(account=demo.bayside).provider == "connectwise"

    saved = client.post(
        "/account/integrations/connection/",
        _autotask_form(at_sim.root_url, private_key="rfdemo-secret"),
    )
    assert saved.status_code == 302
    connection = PSAConnection.objects.get(account=demo.bayside)
    assert connection.provider == "autotask" and connection.key_is_bound_here
    assert isinstance(provider_for_account(account=demo.bayside), AutotaskProvider)
    # Bayside's ConnectWise members name another tenant now: confirmed before they sign notes.
    assert all(m.needs_confirming for m in PSAMemberMapping.objects.filter(account=demo.bayside))


@pytest.mark.parametrize(
    "change",
    [
        {"username": "someone@else.example"},
        {"integration_code": "THEIRS"},
        {"site": "attacker"},
        {"zone_override": "attacker"},
    ],
)
def test_moving_the_secret_without_retyping_it_is_refused_and_sends_nothing(
    client, lakeside, change, settings
):
    settings.PSA_INSECURE_HOSTS = ["127.0.0.1", "localhost"]
    client.force_login(lakeside.memberships.get(user__username="blake").user)
    before = PSAConnection.objects.get(account=lakeside)
    with listening() as attacker:
        where = f"http://localhost:{attacker.port}"
        typed = {k: where if v == "attacker" else v for k, v in change.items()}
        response = client.post(
            "/account/integrations/connection/", _autotask_form(**{"site": before.site, **typed})
        )
        client.post("/account/integrations/test/")  # still only the saved tenant
    assert response.status_code == 400
    assert "Re-enter the Secret" in response.content.decode()
    assert attacker.connections == 0
    after = PSAConnection.objects.get(account=lakeside)
    assert (after.site, after.username, after.integration_code, after.zone_override) == (
        before.site,
        "rfdemo@lakesideit.example",
        "RFDEMO",
        "",
    )


def test_a_zone_override_to_an_internal_address_is_refused(client, lakeside, settings):
    client.force_login(lakeside.memberships.get(user__username="blake").user)
    connection = PSAConnection.objects.get(account=lakeside)
    response = client.post(
        "/account/integrations/connection/",
        _autotask_form(
            connection.site, private_key="rfdemo-secret", zone_override="https://10.0.0.5"
        ),
    )
    assert response.status_code == 400
    assert "private address" in response.content.decode()
    assert PSAConnection.objects.get(account=lakeside).zone_override == ""
