"""What the product says names the account's own PSA, in that PSA's words (issue 22).

Lakeside runs Autotask, whose people are resources and whose boards are queues: its engineers
must never be told about a ConnectWise member. Bayside's wording is covered where it is used.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from psa.providers.autotask.provider import CAPABILITIES as AUTOTASK
from psa.providers.base import TicketFilters
from psa.providers.connectwise.provider import CAPABILITIES as CONNECTWISE
from psa.selectors import provider_for_account
from tickets.outbox import ConnectionChanged
from tickets.selectors import not_mapped_message

pytestmark = pytest.mark.django_db


def _user(name: str):
    return get_user_model().objects.get(username=name)


def test_the_not_mapped_notice_uses_each_psas_words() -> None:
    assert "You are not mapped to an Autotask resource," in not_mapped_message(AUTOTASK)
    assert "You are not mapped to a ConnectWise member," in not_mapped_message(CONNECTWISE)


def test_an_unmapped_autotask_owner_is_told_about_resources(client, lakeside) -> None:
    client.force_login(_user("blake"))

    html = client.get("/tickets/?assigned=me").content.decode()
    api = client.get("/api/integrations/psa/tickets/search", {"assigned": "me"})

    assert "You are not mapped to an Autotask resource" in html
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["assigned"] == ["You have no Autotask resource mapping."]
    assert "ConnectWise" not in html + api.content.decode()


def test_an_impossible_ticket_number_is_not_found_in_autotask(client, lakeside) -> None:
    client.force_login(_user("avery"))

    response = client.get("/api/integrations/psa/tickets/99999999999999")

    assert response.status_code == 404
    assert (
        response.json()["error"]["message"] == "Ticket #99999999999999 was not found in Autotask."
    )


def test_the_panel_offers_to_add_a_resource(client, lakeside) -> None:
    ticket = (
        provider_for_account(account=lakeside)
        .search_tickets(filters=TicketFilters(assigned="all"), page=1, page_size=1)
        .items[0]
    )
    client.force_login(_user("avery"))

    html = client.get(f"/tickets/{ticket.id}/resources/").content.decode()

    assert "Add a resource…" in html and "Other Autotask resources" in html
    assert "Add a member" not in html and "ConnectWise" not in html


def test_a_held_note_names_the_psa_whose_connection_changed() -> None:
    said = ConnectionChanged(psa_name=AUTOTASK.name).message
    assert said.startswith("Not posted: the Autotask connection changed")
