"""Issue 13 item 5: a region waiting on ConnectWise says so (aria-busy, a visible dim) until the
answer is in, so old rows are never taken for the new ones."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_list_is_marked_busy_while_a_board_filter_loads(jordan_page, sim) -> None:
    page = jordan_page
    sim.config(latency_ms=800)
    page.select_option("select[name=board]", label="Onboarding")

    results = page.locator("#results")
    expect(results).to_have_attribute("aria-busy", "true", timeout=500)
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.getElementById('results')).opacity) < 1",
        timeout=700,
    )

    expect(page.locator("li.ticket-row .t-board").first).to_have_text("Onboarding")
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    sim.config(latency_ms=0)


def test_the_open_panel_is_marked_busy_while_another_ticket_loads(jordan_page, sim) -> None:
    page = jordan_page
    page.goto("/tickets/?ticket=1858")
    related = page.locator("#panel-context a", has_text="#1867")
    expect(related).to_be_visible()
    sim.config(latency_ms=800)
    related.click()

    expect(page.locator("#panel")).to_have_attribute("aria-busy", "true", timeout=500)
    expect(page.locator("#panel .t-id-copy")).to_have_text("#1867")
    expect(page.locator("#panel")).not_to_have_attribute("aria-busy", "true")
    sim.config(latency_ms=0)
