"""Ticket rows carry the URLs app.js uses (the panel and the two sections it prefetches), reversed
by the server so they follow wherever the app is mounted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import get_script_prefix, set_script_prefix

from psa.providers.base import PSATicket
from tickets.filters import TicketQuery
from tickets.templatetags.tickets import ticket_rows


def _ticket(ticket_id: int) -> PSATicket:
    return PSATicket(
        id=ticket_id,
        summary="Printer offline",
        company_id=1,
        company_name="Acme",
        board_id=2,
        board_name="Service Desk",
        status_id=3,
        status_name="New",
        priority_id=4,
        priority_name="Priority 3 - Normal",
        priority_sort=6,
    )


@pytest.fixture
def restore_prefix() -> Iterator[None]:
    before = get_script_prefix()
    yield
    set_script_prefix(before)


def test_each_row_links_its_panel_and_prefetched_sections() -> None:
    html = str(ticket_rows([_ticket(42), _ticket(7)], TicketQuery()))

    assert 'hx-get="/tickets/42/panel/"' in html
    assert 'data-context-url="/tickets/42/context/"' in html
    assert 'data-resources-url="/tickets/42/resources/"' in html
    assert 'data-context-url="/tickets/7/context/"' in html


def test_row_urls_follow_the_script_prefix(restore_prefix: None) -> None:
    str(ticket_rows([_ticket(42)], TicketQuery()))  # reversed once at the root first

    set_script_prefix("/rf/")
    html = str(ticket_rows([_ticket(42)], TicketQuery()))

    assert 'hx-get="/rf/tickets/42/panel/"' in html
    assert 'data-context-url="/rf/tickets/42/context/"' in html
    assert 'data-resources-url="/rf/tickets/42/resources/"' in html


def test_list_links_follow_the_script_prefix(restore_prefix: None) -> None:
    set_script_prefix("/rf/")
    html = str(ticket_rows([_ticket(42)], TicketQuery(page=2)))

    # The row's own address (href, pushed URL) and the pager's keep the prefix too.
    assert 'href="/rf/tickets/?page=2&amp;ticket=42"' in html
    assert TicketQuery(page=3).url() == "/rf/tickets/?page=3"
