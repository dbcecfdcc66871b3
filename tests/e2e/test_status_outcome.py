"""Issue 19 items 2 and 11: a status change is reported by what happened to the write, and a
change from a stale tab asks before overwriting the newer status."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from psa.registry import reset_provider_cache
from psa.selectors import provider_for_account
from tests.e2e.conftest import sign_in_with_session

from .test_panel import open_first_ticket

pytestmark = pytest.mark.e2e


def _other_status(select, *avoid: str) -> str:
    return next(
        label.strip()
        for label in select.locator("option").all_inner_texts()
        if label.strip() not in avoid and "(closed)" not in label
    )


def test_a_change_connectwise_took_is_never_reported_as_not_changed(
    jordan_page, e2e_demo, sim
) -> None:
    page = jordan_page
    ticket_id, row = open_first_ticket(page)
    expect(page.locator("ol#notes-outbox")).to_be_attached()
    select = page.locator("#status-control select")
    old = select.locator("option:checked").inner_text().strip()
    new = _other_status(select, old)
    # Two ConnectWise calls are left this minute: the ticket read and the write. Reading the
    # ticket back afterwards is rate limited.
    sim.reset_counters()
    sim.config(rate_limit=2)

    select.select_option(label=new)

    toast = page.locator("#toasts .toast").last
    expect(toast).to_contain_text(f"#{ticket_id}: set to “{new}”")
    expect(toast).to_contain_text("could not confirm")
    expect(toast).not_to_contain_text("not changed")
    expect(page.locator("#status-control select option:checked")).to_have_text(new)
    expect(page.locator("#status-control .status-notice")).to_contain_text("could not confirm")
    expect(row.locator(".t-status .badge")).to_have_text(new)
    assert sim.count("PATCH /service/tickets/{id}") == 1

    # ConnectWise really has it (asked past the client's rate-limit back-off).
    sim.config(rate_limit=0)
    cache.clear()
    reset_provider_cache()
    ticket = provider_for_account(account=e2e_demo.bayside).get_ticket(ticket_id=int(ticket_id))
    assert ticket.status_name == new


def test_a_status_change_from_a_stale_tab_asks_before_overwriting(
    jordan_page, e2e_demo, base_url, sim
) -> None:
    stale = jordan_page
    ticket_id, _ = open_first_ticket(stale)
    select = stale.locator("#status-control select")
    seen = select.locator("option:checked").inner_text().strip()

    # A second tab changes the status meanwhile.
    fresh = stale.context.new_page()
    sign_in_with_session(fresh, e2e_demo.jordan, base_url)
    fresh.goto(f"/tickets/?ticket={ticket_id}")
    meanwhile = _other_status(fresh.locator("#status-control select"), seen)
    fresh.locator("#status-control select").select_option(label=meanwhile)
    expect(fresh.locator("#toasts .toast").last).to_have_text(f"#{ticket_id}: {seen} → {meanwhile}")

    wanted = _other_status(select, seen, meanwhile)
    select.select_option(label=wanted)

    notice = stale.locator("#status-control .status-notice")
    expect(notice).to_contain_text(f"is now “{meanwhile}”")
    expect(stale.locator("#status-control select option:checked")).to_have_text(meanwhile)
    assert sim.count("PATCH /service/tickets/{id}") == 1  # only the other tab's

    notice.get_by_role("button", name=f"Set “{wanted}”").click()
    expect(stale.locator("#toasts .toast").last).to_have_text(
        f"#{ticket_id}: {meanwhile} → {wanted}"
    )
    expect(stale.locator("#status-control select option:checked")).to_have_text(wanted)
    expect(stale.locator("#status-control .status-notice")).to_have_count(0)


def test_keeping_the_newer_status_sends_nothing(jordan_page, e2e_demo, base_url, sim) -> None:
    stale = jordan_page
    ticket_id, _ = open_first_ticket(stale)
    select = stale.locator("#status-control select")
    seen = select.locator("option:checked").inner_text().strip()
    fresh = stale.context.new_page()
    sign_in_with_session(fresh, e2e_demo.jordan, base_url)
    fresh.goto(f"/tickets/?ticket={ticket_id}")
    meanwhile = _other_status(fresh.locator("#status-control select"), seen)
    fresh.locator("#status-control select").select_option(label=meanwhile)
    expect(fresh.locator("#toasts .toast").last).to_contain_text(meanwhile)

    select.select_option(label=_other_status(select, seen, meanwhile))
    notice = stale.locator("#status-control .status-notice")
    notice.get_by_role("button", name=f"Keep “{meanwhile}”").click()

    expect(notice).to_have_count(0)
    expect(stale.locator("#status-control select")).to_be_focused()
    expect(stale.locator("#status-control select option:checked")).to_have_text(meanwhile)
    assert sim.count("PATCH /service/tickets/{id}") == 1
