"""What the provider knows of its own identity and of a ticket's author, as the notes outbox and
create reconciliation use them: `_info.enteredBy`, the API member, the ticket's own notes."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from psa.providers.base import PSANotFound, TicketCreatePayload
from psa.providers.connectwise.client import ConnectWiseClient
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider


@pytest.fixture
def provider(cw_sim: Any) -> ConnectWiseProvider:
    config = ConnectWiseConfig(
        site_url=cw_sim.root_url,
        company_id="baysideit",
        public_key="rfdemo-public",
        private_key="rfdemo-private",
        client_id="resolutionflow-tests",
    )
    return ConnectWiseProvider(client=ConnectWiseClient(config))


def test_the_api_member_is_unknown_until_a_write_shows_it(provider) -> None:
    assert provider.api_member_identifier == ""
    ticket = provider.create_ticket(
        payload=TicketCreatePayload(summary="Who am I", company_id=250, board_id=1)
    )
    # The simulator stamps what ConnectWise does: the API member entered the ticket.
    assert ticket.entered_by == "rfapi" and provider.api_member_identifier == "rfapi"


def test_a_note_posted_without_a_member_shows_the_api_member(provider) -> None:
    note = provider.add_note(ticket_id=1000, text="Signed note", note_type="discussion")
    assert note.author_identifier == "rfapi" and provider.api_member_identifier == "rfapi"


def test_listed_tickets_carry_who_entered_them(provider) -> None:
    made = provider.create_ticket(
        payload=TicketCreatePayload(summary="Entered by us", company_id=250, board_id=1)
    )
    recent = provider.find_recent_tickets(
        company_id=250, board_id=1, since=made.date_entered, limit=10
    )
    assert [(t.id, t.entered_by) for t in recent if t.id == made.id] == [(made.id, "rfapi")]


def test_ticket_notes_are_listed_oldest_first_without_time_entries(provider, cw_sim) -> None:
    first = provider.add_note(ticket_id=1000, text="First", note_type="internal", member_id=17)
    second = provider.add_note(ticket_id=1000, text="Second", note_type="discussion", member_id=17)
    notes = provider.list_ticket_notes(ticket_id=1000)

    assert [n.id for n in notes][-2:] == [first.id, second.id]
    assert {n.kind for n in notes} == {"note"}
    assert notes[-1].author_identifier == "jsmith" and notes[-2].type == "internal"
    stats = requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()["routes"]
    assert "GET /service/tickets/{id}/allNotes" not in stats


def test_notes_of_a_missing_ticket_are_not_found(provider) -> None:
    with pytest.raises(PSANotFound, match="#999999"):
        provider.list_ticket_notes(ticket_id=999999)
