"""Changing the connection: one save path, every cached answer of the old tenant forgotten, and
member mappings held as "needs confirming" until an admin confirms them against the new tenant."""

from __future__ import annotations

import pytest

from psa.models import PSAConnection, PSAMemberMapping
from psa.selectors import member_for_user, reference_data_get
from psa.services import connection_save, member_mappings_confirm
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services
from tickets.row_cache import ticket_row_cached, ticket_rows_remember

pytestmark = pytest.mark.django_db


def _form(cw_sim, **changes) -> dict[str, str]:
    return {
        "site": cw_sim.root_url,
        "company_id": "baysideit",
        "public_key": "rfdemo-public",
        "private_key": "",
        "client_id": "rf",
        "codebase": "v4_6_release/",
        "api_version": "2025.8",
        "is_active": "on",
        **changes,
    }


NORTHSHORE = {
    "company_id": "northshore",
    "public_key": "nsdemo-public",
    "private_key": "nsdemo-private",
}


@pytest.fixture
def riley_as_hpark(demo) -> PSAMemberMapping:
    """A mapping whose identifier the other tenant also has (under another id)."""
    return PSAMemberMapping.objects.create(
        account=demo.bayside,
        user=demo.riley,
        member_id=9999,
        member_identifier="hpark",
        member_name="Harper Park",
    )


def test_repointing_the_connection_forgets_the_old_tenant_and_flags_mappings(
    client, demo, cw_sim, riley_as_hpark
) -> None:
    old_boards = {b.name for b in reference_data_get(account=demo.bayside).boards}
    row = ticket_selectors.ticket_get(account=demo.bayside, ticket_id=1000)
    ticket_rows_remember(account=demo.bayside, tickets=[row])
    client.force_login(demo.morgan)

    response = client.post("/account/integrations/connection/", _form(cw_sim, **NORTHSHORE))

    assert response.status_code == 302
    new_boards = {b.name for b in reference_data_get(account=demo.bayside).boards}
    assert new_boards != old_boards and "Projects & Network" in new_boards
    assert ticket_row_cached(account=demo.bayside, ticket_id=1000) is None
    flags = dict(
        PSAMemberMapping.objects.filter(account=demo.bayside).values_list(
            "user__username", "needs_confirming"
        )
    )
    assert flags == {"jordan": True, "morgan": True, "riley": True}
    # Nobody acts as a member of the old tenant meanwhile: notes are signed instead.
    assert member_for_user(account=demo.bayside, user=demo.jordan) is None
    page = client.get("/account/integrations/").content.decode()
    assert "needs confirming" in page and "Confirm all against the current ConnectWise" in page


def test_a_signed_note_while_the_mapping_needs_confirming(demo, cw_sim) -> None:
    PSAMemberMapping.objects.filter(user=demo.jordan).update(needs_confirming=True)

    submission = ticket_services.ticket_note_add(
        account=demo.bayside,
        user=demo.jordan,
        ticket_id=1000,
        text="Rebooted.",
        note_type="internal",
    )

    assert submission.note is not None
    assert "— via ResolutionFlow, Jordan Smith" in submission.note.text


def test_confirming_matches_members_by_identifier_in_the_new_tenant(
    client, demo, cw_sim, riley_as_hpark
) -> None:
    client.force_login(demo.morgan)
    client.post("/account/integrations/connection/", _form(cw_sim, **NORTHSHORE))

    response = client.post("/account/integrations/mappings/confirm/", follow=True)

    riley = PSAMemberMapping.objects.get(user=demo.riley)
    assert (riley.member_id, riley.needs_confirming) == (102, False)
    assert member_for_user(account=demo.bayside, user=demo.riley).identifier == "hpark"
    still = PSAMemberMapping.objects.filter(account=demo.bayside, needs_confirming=True)
    assert sorted(still.values_list("user__username", flat=True)) == ["jordan", "morgan"]
    assert "No matching member for" in response.content.decode()


def test_mapping_by_hand_confirms(client, demo, cw_sim) -> None:
    client.force_login(demo.morgan)
    client.post("/account/integrations/connection/", _form(cw_sim, **NORTHSHORE))

    client.post(f"/account/integrations/mappings/{demo.jordan.pk}/", {"member_id": 103})

    jordan = PSAMemberMapping.objects.get(user=demo.jordan)
    assert (jordan.member_identifier, jordan.needs_confirming) == ("oweiss", False)


def test_ids_that_swap_between_tenants_confirm_without_a_clash(demo, cw_sim) -> None:
    """Old jsmith held new mlee's id and the other way round: both confirm."""
    connection = PSAConnection.objects.get(account=demo.bayside)
    connection.company_id, connection.public_key = "northshore", "nsdemo-public"
    connection.private_key = "nsdemo-private"
    connection_save(connection=connection)
    PSAMemberMapping.objects.filter(user=demo.jordan).update(member_identifier="hpark")
    PSAMemberMapping.objects.filter(user=demo.morgan).update(member_identifier="cdiaz")
    hpark, cdiaz = 102, 101
    PSAMemberMapping.objects.filter(user=demo.jordan).update(member_id=cdiaz + 5000)
    PSAMemberMapping.objects.filter(user=demo.morgan).update(member_id=hpark)

    confirmed, unmatched = member_mappings_confirm(account=demo.bayside)
    assert len(confirmed) == 2

    assert unmatched == []
    ids = dict(
        PSAMemberMapping.objects.filter(account=demo.bayside).values_list(
            "user__username", "member_id"
        )
    )
    assert ids == {"jordan": hpark, "morgan": cdiaz}


def test_other_changes_keep_mappings_confirmed(client, demo, cw_sim) -> None:
    client.force_login(demo.morgan)

    response = client.post("/account/integrations/connection/", _form(cw_sim, client_id="rf-2"))

    assert response.status_code == 302
    assert not PSAMemberMapping.objects.filter(account=demo.bayside, needs_confirming=True).exists()


def test_the_admin_saves_through_the_same_path(admin_client, demo, cw_sim) -> None:
    connection = PSAConnection.objects.get(account=demo.bayside)
    url = f"/admin/psa/psaconnection/{connection.pk}/change/"
    form = {**_form(cw_sim, **NORTHSHORE), "provider": "connectwise"}

    response = admin_client.post(url, form, follow=True)

    assert response.status_code == 200
    assert PSAConnection.objects.get(pk=connection.pk).company_id == "northshore"
    assert PSAMemberMapping.objects.filter(account=demo.bayside, needs_confirming=True).count() == 2
    assert "mappings need confirming" in response.content.decode()


def test_admin_action_confirms_selected_mappings(
    admin_client, demo, cw_sim, riley_as_hpark
) -> None:
    connection = PSAConnection.objects.get(account=demo.bayside)
    connection.company_id, connection.public_key = "northshore", "nsdemo-public"
    connection.private_key = "nsdemo-private"
    connection_save(connection=connection)

    admin_client.post(
        "/admin/psa/psamembermapping/",
        {"action": "confirm_against_current_tenant", "_selected_action": [riley_as_hpark.pk]},
    )

    assert PSAMemberMapping.objects.get(pk=riley_as_hpark.pk).needs_confirming is False
