"""The Tickets page selector: one call returns the page's data; rows are cached once, not per load."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.core.cache import cache

from psa.selectors import reference_data_get
from tickets import selectors
from tickets.filters import PAGE_SIZE, TicketQuery
from tickets.list_page import ticket_list_page_get
from tickets.row_cache import ticket_row_cached, ticket_rows_remember

pytestmark = pytest.mark.django_db


def _stats(cw_sim: Any) -> dict[str, Any]:
    import requests

    return requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()


def test_one_call_returns_filter_bar_results_and_counts(demo, cw_sim) -> None:
    reference_data_get(account=demo.bayside)  # warm, as on a running server
    before = _stats(cw_sim)["total"]

    page = ticket_list_page_get(
        account=demo.bayside,
        user=demo.jordan,
        params={"board": "2", "assigned": "me"},
        page_size=PAGE_SIZE,
    )

    assert _stats(cw_sim)["total"] - before == 2  # the page and its count, nothing else
    assert page.error is None and page.result is not None
    assert [item.spec.key for item in page.filter_bar.items][:3] == ["search", "board", "status"]
    assigned = next(item for item in page.filter_bar.items if item.spec.key == "assigned")
    assert "me" in [o.value for o in assigned.options]  # jordan is mapped
    assert page.first == (1 if page.result.total else 0)
    assert page.last == min(PAGE_SIZE, page.result.total)
    assert page.has_prev is False
    assert page.has_next == (page.result.total > PAGE_SIZE)
    assert any(name.startswith("assigned") for name in page.filter_bar.active)
    for ticket in page.result.items:
        assert ticket.board_name == "Network Operations"
        assert "jsmith" in [a.identifier for a in ticket.assignees]
        assert all(a.name for a in ticket.assignees)  # names filled from the member list


def test_queries_per_list_request_are_bounded(demo, cw_sim, django_assert_max_num_queries) -> None:
    reference_data_get(account=demo.bayside)
    with django_assert_max_num_queries(2):  # the member mappings + the active connection
        ticket_list_page_get(account=demo.bayside, user=demo.jordan, params={}, page_size=PAGE_SIZE)


def test_unmapped_user_gets_no_me_option_and_a_notice_for_me(demo, cw_sim, sim_stats) -> None:
    before = sim_stats()["routes"].get("GET /service/tickets", 0)
    page = ticket_list_page_get(
        account=demo.bayside, user=demo.riley, params={"assigned": "me"}, page_size=25
    )
    assigned = next(item for item in page.filter_bar.items if item.spec.key == "assigned")
    assert "me" not in [o.value for o in assigned.options]
    assert page.result is None and page.error is None  # not a ConnectWise failure: no Retry
    assert "not mapped" in page.notice
    assert sim_stats()["routes"].get("GET /service/tickets", 0) == before


def test_status_from_another_board_is_dropped(demo, cw_sim) -> None:
    page = ticket_list_page_get(
        account=demo.bayside,
        user=demo.jordan,
        params={"board": "2", "status": "100"},
        page_size=25,
    )
    assert page.query.status is None and page.result is not None


def test_typed_company_name_resolves_to_its_id(demo, cw_sim) -> None:
    company = reference_data_get(account=demo.bayside).companies[0]
    page = ticket_list_page_get(
        account=demo.bayside,
        user=demo.jordan,
        params={"company_q": company.name},
        page_size=25,
    )
    assert page.query.company == company.id and page.query.company_name == company.name
    assert page.result is not None
    assert {t.company_id for t in page.result.items} <= {company.id}


def test_rows_are_written_once_and_rewritten_only_when_changed(demo, cw_sim) -> None:
    page = ticket_list_page_get(account=demo.bayside, user=demo.jordan, params={}, page_size=25)
    rows = list(page.result.items)
    first = rows[0]
    assert ticket_row_cached(account=demo.bayside, ticket_id=first.id) == first

    # The same rows again (the next list load): nothing is re-pickled.
    assert ticket_rows_remember(account=demo.bayside, tickets=rows) == 0
    # One row changed in ConnectWise: only that one is written.
    changed = replace(first, status_name="Escalated")
    assert ticket_rows_remember(account=demo.bayside, tickets=[changed, *rows[1:]]) == 1
    assert ticket_row_cached(account=demo.bayside, ticket_id=first.id) == changed


def test_rows_are_written_again_when_the_cache_lost_them(demo, cw_sim) -> None:
    page = ticket_list_page_get(account=demo.bayside, user=demo.jordan, params={}, page_size=25)
    rows = list(page.result.items)
    cache.clear()  # e.g. Redis restarted: the process must not trust what it stored before

    assert ticket_rows_remember(account=demo.bayside, tickets=rows) == len(rows)
    assert ticket_row_cached(account=demo.bayside, ticket_id=rows[0].id) == rows[0]


def test_panel_ticket_falls_back_to_connectwise_when_not_listed(demo, cw_sim) -> None:
    page = ticket_list_page_get(account=demo.bayside, user=demo.jordan, params={}, page_size=25)
    ticket_id = page.result.items[0].id
    cache.clear()
    before = _stats(cw_sim)["total"]
    ticket = selectors.ticket_row_get(account=demo.bayside, ticket_id=ticket_id)
    assert ticket.id == ticket_id
    assert _stats(cw_sim)["total"] - before >= 1
    assert ticket_row_cached(account=demo.bayside, ticket_id=ticket_id) == ticket


def test_rows_escape_connectwise_text_and_link_to_the_panel_over_the_filters() -> None:
    from datetime import UTC, datetime, timedelta

    from psa.providers.base import PSAAssignee, PSATicket
    from tickets.templatetags.tickets import ticket_row, ticket_rows

    ticket = PSATicket(
        id=42,
        summary='<script>alert("x")</script> & more',
        company_id=1,
        company_name="O'Brien & Sons",
        board_id=2,
        board_name="Service <Desk>",
        status_id=3,
        status_name="Waiting on Client",
        priority_id=4,
        priority_name="Priority 2 - High",
        priority_sort=2,
        assignees=(PSAAssignee(identifier="jsmith", name="Jordan Smith"),),
        date_entered=datetime.now(UTC) - timedelta(hours=3),
        closed=True,
    )
    html = str(ticket_rows([ticket], TicketQuery(board=2, search="a b")))

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "O&#x27;Brien &amp; Sons" in html and "Service &lt;Desk&gt;" in html
    assert 'id="ticket-row-42" class="ticket-row is-closed"' in html
    assert 'href="/tickets/?search=a+b&amp;board=2&amp;ticket=42"' in html
    assert 'hx-get="/tickets/42/panel/"' in html
    assert 'class="prio-dot prio-2"' in html and 'class="badge badge-muted"' in html
    assert '<span class="avatar" title="Jordan Smith">JS</span>' in html
    assert '<span class="t-age muted"' in html and ">3h</span>" in html
    assert "hx-swap-oob" not in html
    assert 'hx-swap-oob="true"' in str(ticket_row(ticket, TicketQuery(), oob=True))
