"""/account/integrations/: health, the connection form and member mappings, by role."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from psa.models import PSAConnection, PSAMemberMapping

pytestmark = pytest.mark.django_db


def test_engineer_sees_health_and_own_mapping_but_no_settings(client, demo) -> None:
    client.force_login(demo.jordan)
    html = client.get("/account/integrations/").content.decode()

    assert "Jordan Smith" in html and "jsmith" in html
    assert "Connection settings" not in html and "Member mappings" not in html


def test_engineer_cannot_change_the_connection_or_mappings(client, demo) -> None:
    client.force_login(demo.jordan)
    assert client.post("/account/integrations/connection/", {"site": "x"}).status_code == 403
    assert (
        client.post(
            f"/account/integrations/mappings/{demo.riley.pk}/", {"member_id": 20}
        ).status_code
        == 403
    )
    assert not PSAMemberMapping.objects.filter(user=demo.riley).exists()


def test_admin_maps_a_user_to_a_member_from_connectwise(client, demo) -> None:
    client.force_login(demo.morgan)
    page = client.get("/account/integrations/").content.decode()
    assert "Kai Chen (kchen)" in page  # the live member list

    client.post(f"/account/integrations/mappings/{demo.riley.pk}/", {"member_id": 21})

    mapping = PSAMemberMapping.objects.get(user=demo.riley)
    assert (mapping.member_identifier, mapping.match_method) == ("kchen", "manual")


def test_admin_cannot_map_users_of_another_account(client, demo) -> None:
    client.force_login(demo.morgan)
    response = client.post(f"/account/integrations/mappings/{demo.casey.pk}/", {"member_id": 21})
    assert response.status_code == 404


def test_test_connection_shows_connectwises_own_error(client, demo) -> None:
    connection = demo.bayside.psa_connection
    connection.private_key = "wrong-key"
    connection.save()
    client.force_login(demo.morgan)

    response = client.post("/account/integrations/test/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "Failing" in html
    connection.refresh_from_db()
    assert "ConnectWise refused the API credentials" in connection.last_error
    assert escape(connection.last_error) in html


def test_saving_credentials_tests_them_first(client, demo, cw_sim) -> None:
    client.force_login(demo.morgan)
    form = {
        "site": cw_sim.root_url,
        "company_id": "baysideit",
        "public_key": "rfdemo-public",
        "private_key": "not-the-key",
        "client_id": "rf",
        "codebase": "v4_6_release/",
        "api_version": "2025.8",
        "is_active": "on",
    }
    refused = client.post("/account/integrations/connection/", form)
    assert refused.status_code == 400
    assert "ConnectWise refused these settings" in refused.content.decode()
    assert PSAConnection.objects.get(account=demo.bayside).private_key == "rfdemo-private"

    form["private_key"] = ""  # blank keeps the stored key
    form["client_id"] = "rf-new"
    assert client.post("/account/integrations/connection/", form).status_code == 302
    connection = PSAConnection.objects.get(account=demo.bayside)
    assert (connection.client_id, connection.private_key) == ("rf-new", "rfdemo-private")


def test_auto_match_by_email(client, demo) -> None:
    demo.riley.email = "kchen@baysideit.example"
    demo.riley.save()
    client.force_login(demo.morgan)

    client.post("/account/integrations/mappings/auto-match/")

    mapping = PSAMemberMapping.objects.get(user=demo.riley)
    assert (mapping.member_identifier, mapping.match_method) == ("kchen", "email")


def test_admin_change_form_picks_the_member_from_connectwise(admin_client, demo) -> None:
    mapping = PSAMemberMapping.objects.get(user=demo.jordan)
    url = f"/admin/psa/psamembermapping/{mapping.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "Morgan Lee (mlee)" in page and f'value="{demo.bayside.pk}:17" selected' in page

    response = admin_client.post(
        url, {"account": demo.bayside.pk, "user": demo.jordan.pk, "member": f"{demo.bayside.pk}:21"}
    )
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.member_identifier == "kchen"


def test_admin_refuses_a_member_from_another_accounts_connectwise(admin_client, demo) -> None:
    mapping = PSAMemberMapping.objects.get(user=demo.jordan)
    response = admin_client.post(
        f"/admin/psa/psamembermapping/{mapping.pk}/change/",
        {"account": demo.bayside.pk, "user": demo.jordan.pk, "member": f"{demo.northshore.pk}:17"},
    )
    assert response.status_code == 200
    assert "another account" in response.content.decode()
