"""Note types are offered as the account's PSA can store them (its capabilities' `note_kinds`):
the API's `type` choices and the panel's composer; ConnectWise keeps all three."""

from __future__ import annotations

import pytest

from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.connectwise.provider import ConnectWiseProvider
from tickets.notes_api import TicketNotesApi
from tickets.panel_views import note_types_offered


def test_the_api_refuses_a_note_type_the_psa_cannot_store():
    kinds = AutotaskProvider.capabilities.note_kinds
    refused = TicketNotesApi.InputSerializer(
        data={"text": "Fixed.", "type": "resolution"}, note_kinds=kinds
    )
    taken = TicketNotesApi.InputSerializer(
        data={"text": "Fixed.", "type": "internal"}, note_kinds=kinds
    )

    assert not refused.is_valid() and "type" in refused.errors
    assert taken.is_valid(), taken.errors


def test_connectwise_takes_all_three_types():
    kinds = ConnectWiseProvider.capabilities.note_kinds
    for kind in ("discussion", "internal", "resolution"):
        data = TicketNotesApi.InputSerializer(data={"text": "x", "type": kind}, note_kinds=kinds)
        assert data.is_valid(), data.errors


@pytest.mark.django_db
def test_the_composer_offers_the_connectwise_accounts_three_types(demo):
    assert [v for v, _ in note_types_offered(demo.bayside)] == [
        "discussion",
        "internal",
        "resolution",
    ]


@pytest.mark.django_db
def test_the_service_refuses_a_type_outside_the_psas_kinds(demo):
    from psa.providers.base import PSAValidationError
    from tickets.services import ticket_note_add

    with pytest.raises(PSAValidationError) as refused:
        ticket_note_add(
            account=demo.bayside, user=demo.jordan, ticket_id=1180, text="x", note_type="summary"
        )
    assert refused.value.fields["type"] == ["Choose discussion, internal or resolution."]
