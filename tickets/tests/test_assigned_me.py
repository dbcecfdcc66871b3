"""`assigned=me` means the engineer's member as `psa.selectors.member_for_user` gives it.

A mapping that needs confirming names a member of the tenant the connection used to point at:
nothing is done as that member until an admin confirms it, so "my tickets" are nobody's yet,
on the page and in the API alike (the dashboard already asks to confirm).
"""

from __future__ import annotations

import pytest

from psa.models import PSAMemberMapping

pytestmark = pytest.mark.django_db


def test_the_list_refuses_my_tickets_while_my_mapping_needs_confirming(client, demo) -> None:
    PSAMemberMapping.objects.filter(user=demo.jordan).update(needs_confirming=True)
    client.force_login(demo.jordan)

    html = client.get("/tickets/?assigned=me").content.decode()

    assert "You are not mapped to a ConnectWise member" in html
    assert 'class="ticket-row' not in html


def test_the_api_refuses_my_tickets_while_my_mapping_needs_confirming(client, demo) -> None:
    PSAMemberMapping.objects.filter(user=demo.jordan).update(needs_confirming=True)
    client.force_login(demo.jordan)

    response = client.get("/api/integrations/psa/tickets/search", {"assigned": "me"})

    assert response.status_code == 400


def test_a_confirmed_mapping_lists_my_tickets(client, demo) -> None:
    client.force_login(demo.jordan)

    html = client.get("/tickets/?assigned=me").content.decode()

    assert 'class="ticket-row' in html
    assert "You are not mapped" not in html
