"""The Tickets list reads the PSA's capabilities, not its vendor: the words ("Board" or "Queue",
the PSA's name) and where a status may be picked (per board, or from one global list).

Autotask is not wired into the registry here: its real provider, on the Autotask simulator,
supplies the reference data and capabilities the list's parts are given.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template

from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import ReferenceData
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.selectors import capabilities_for_account, reference_data_get
from psa.tests.factories import AccountFactory
from psa.tests.providers.at_samples import lakeside_provider
from tickets.filter_bar import filter_bar_build
from tickets.filters import TicketQuery


@pytest.fixture
def autotask(at_sim: Any) -> AutotaskProvider:
    return lakeside_provider(at_sim)


def _bar(reference: ReferenceData, query: TicketQuery, caps: Any) -> Any:
    return filter_bar_build(
        reference=reference,
        query=query,
        mapped_member_ids=frozenset(),
        has_mapping=False,
        capabilities=caps,
    )


def test_on_autotask_a_status_stands_without_a_queue_and_the_bar_says_queue(autotask):
    reference, caps = autotask.reference_data(), autotask.capabilities
    status = reference.statuses[0].id

    query = TicketQuery.parse(
        {"status": str(status)}, reference=reference, status_scope=caps.status_scope
    )
    bar = _bar(reference, query, caps)

    assert query.status == status  # one global list: no queue needed
    board, statuses = bar.items[1], bar.status
    assert (board.label, board.empty_label) == ("Queue", "All queues")
    assert statuses is not None and statuses.hint == ""
    ids = [o.value for o in statuses.options]
    assert len(ids) == len(set(ids)) == len({s.id for s in reference.statuses})


def test_on_autotask_a_closed_status_without_a_queue_gets_the_hint(autotask):
    reference, caps = autotask.reference_data(), autotask.capabilities
    closed = next(s for s in reference.statuses if s.closed)
    query = TicketQuery.parse(
        {"status": str(closed.id)}, reference=reference, status_scope=caps.status_scope
    )

    assert f"“{closed.name}” is a closed status" in _bar(reference, query, caps).closed_hint


@pytest.mark.django_db
def test_on_connectwise_a_status_still_needs_its_board(demo, cw_sim):
    reference = reference_data_get(account=demo.bayside)
    caps = capabilities_for_account(account=demo.bayside)
    status = reference.statuses_for(reference.boards[0].id)[0].id

    query = TicketQuery.parse(
        {"status": str(status)}, reference=reference, status_scope=caps.status_scope
    )
    bar = _bar(reference, query, caps)

    assert caps is ConnectWiseProvider.capabilities
    assert query.status is None
    assert bar.items[1].label == "Board" and bar.status is not None
    assert bar.status.options == [] and bar.status.hint == "Pick a board"


@pytest.mark.django_db
def test_an_account_without_a_connection_gets_the_default_psas_words():
    account = AccountFactory()

    assert capabilities_for_account(account=account).name == "ConnectWise"


def test_the_template_tag_prefers_the_capabilities_a_view_passed(autotask):
    template = Template(
        "{% load psa_capabilities %}{% psa_capabilities as psa %}"
        "{{ psa.name }} tickets · {{ psa.board_label }}"
    )

    html = template.render(Context({"psa_capabilities": autotask.capabilities}))

    assert html == "Autotask tickets · Queue"


@pytest.mark.django_db
def test_the_list_page_names_the_accounts_psa(client, demo):
    client.force_login(demo.jordan)

    html = client.get("/tickets/").content.decode()

    assert "ConnectWise tickets for" in html and "All boards" in html


def test_the_new_ticket_form_asks_for_the_board_by_the_psas_name_for_it():
    from tickets.forms import TicketDraftForm

    on_autotask = TicketDraftForm({"summary": "No queue"}, board_label="Queue")
    on_connectwise = TicketDraftForm({"summary": "No board"})

    assert not on_autotask.is_valid() and not on_connectwise.is_valid()
    assert on_autotask.errors["board_id"] == ["Choose a queue."]
    assert on_connectwise.errors["board_id"] == ["Choose a board."]
