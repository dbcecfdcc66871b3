"""An account connected to Autotask reaches AutotaskProvider through the registry, with the same
key binding and egress rules as ConnectWise; the seeded Lakeside demo works end to end."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from psa.models import PSAConnection, PSAMemberMapping
from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import TicketFilters
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.registry import autotask_zone_url, build_provider
from psa.selectors import provider_for_account
from psa.services import connection_check
from psa.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

ABROOKS = 29682900


def _autotask(**changes: object) -> PSAConnection:
    fields = {
        "account": AccountFactory(),
        "provider": PSAConnection.Provider.AUTOTASK,
        "site": "https://webservices.autotask.net",
        "username": "rfdemo@lakesideit.example",
        "private_key": "rfdemo-secret",
        "integration_code": "RFDEMO",
        **changes,
    }
    return PSAConnection.objects.create(**fields)


def test_the_registry_builds_the_provider_of_the_connections_psa(demo):
    assert isinstance(build_provider(demo.bayside.psa_connection), ConnectWiseProvider)
    connection = _autotask(zone_override="https://webservices5.autotask.net")
    provider = build_provider(connection)
    try:
        assert isinstance(provider, AutotaskProvider)
        config = provider.client.config
        assert (config.username, config.secret, config.integration_code) == (
            "rfdemo@lakesideit.example",
            "rfdemo-secret",
            "RFDEMO",
        )
        assert config.discovery_root == "https://webservices.autotask.net"
        assert config.zone_url == "https://webservices5.autotask.net/atservicesrest/"
    finally:
        provider.close()


def test_without_a_zone_override_the_zone_is_discovered():
    assert autotask_zone_url(_autotask()) == ""


def test_a_zone_override_obeys_the_egress_rules(settings):
    settings.PSA_INSECURE_HOSTS = ["127.0.0.1"]
    connection = _autotask(site="http://127.0.0.1:9", zone_override="https://169.254.169.254")
    with pytest.raises(ValidationError) as refused:
        connection.clean()
    assert "metadata" in str(refused.value.message_dict["zone_override"])


@pytest.mark.parametrize(
    "change",
    [
        {"username": "someone@else.example"},
        {"integration_code": "THEIRS"},
        {"zone_override": "https://webservices5.autotask.net"},
        {"site": "https://attacker.example"},
    ],
)
def test_a_stored_secret_is_bound_to_the_tenant_it_was_typed_for(change):
    connection = _autotask()
    assert connection.key_is_bound_here
    for name, value in change.items():
        setattr(connection, name, value)
    assert not connection.key_is_bound_here
    status = connection_check(connection=connection, shared=False)
    assert not status.ok and status.details["code"] == "key_not_bound"
    assert "Re-enter the Secret" in status.message


def test_connectwise_rows_keep_their_key_identity(demo):
    connection = demo.bayside.psa_connection
    assert connection.provider == PSAConnection.Provider.CONNECTWISE
    assert connection.key_identity == "|".join(
        (connection.site.lower().rstrip("/"), "baysideit", "rfdemo-public")
    )


def test_the_demo_alone_does_not_seed_lakeside(demo):
    assert not PSAConnection.objects.filter(provider=PSAConnection.Provider.AUTOTASK).exists()


def test_lakeside_is_seeded_on_autotask_with_avery_mapped_to_abrooks(lakeside, at_sim):
    connection = lakeside.psa_connection
    assert connection.provider == PSAConnection.Provider.AUTOTASK
    assert (connection.username, connection.integration_code) == (
        "rfdemo@lakesideit.example",
        "RFDEMO",
    )
    assert connection.private_key == "rfdemo-secret" and connection.key_is_bound_here
    mapping = PSAMemberMapping.objects.get(account=lakeside, user__username="avery")
    assert (mapping.member_id, mapping.member_identifier) == (ABROOKS, "abrooks")
    assert not PSAMemberMapping.objects.filter(account=lakeside, user__username="blake").exists()
    assert lakeside.memberships.get(user__username="blake").role == "owner"


def test_lakeside_is_idempotent(lakeside, at_sim, demo):
    from io import StringIO

    from django.core.management import call_command

    before = PSAConnection.objects.get(account=lakeside).updated_at
    call_command(
        "seed_demo",
        cw_url=demo.bayside.psa_connection.site,
        at_url=at_sim.root_url,
        sessions=False,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert PSAConnection.objects.get(account=lakeside).updated_at == before
    assert PSAMemberMapping.objects.filter(account=lakeside).count() == 1


def test_lakeside_talks_to_autotask_and_averys_note_is_signed_through_impersonation(
    lakeside, at_sim
):
    provider = provider_for_account(account=lakeside)
    assert isinstance(provider, AutotaskProvider)
    assert provider.health_check().ok

    page = provider.search_tickets(filters=TicketFilters(), page=1, page_size=25)
    stored = {t["id"] for t in at_sim.app.tenant.records("Tickets")}
    assert page.items and {t.id for t in page.items} <= stored

    avery = PSAMemberMapping.objects.get(account=lakeside, user__username="avery")
    ticket_id = page.items[0].id
    note = provider.add_note(
        ticket_id=ticket_id,
        text="Checked the switch.",
        note_type="internal",
        member_id=avery.member_id,
    )
    saved = at_sim.app.tenant.get("TicketNotes", note.id)
    assert saved["creatorResourceID"] == ABROOKS
    assert saved["impersonatorCreatorResourceID"] == at_sim.app.tenant.api_resource_id
    assert note.author_identifier == "abrooks"
