"""Issue 13 items 12 and 13 (parts): the URL drops what no longer applies; j/k move on from the
ticket that is open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_changing_board_drops_the_old_status_from_the_url(jordan_page) -> None:
    page = jordan_page
    page.select_option("select[name=board]", label="Network Operations")
    expect(page).to_have_url(re.compile(r"[?&]board=2(&|$)"))
    page.select_option("#f-status", label="Waiting on Client")
    expect(page).to_have_url(re.compile(r"[?&]status=\d+"))

    page.select_option("select[name=board]", label="Onboarding")

    expect(page.locator("li.ticket-row .t-board").first).to_have_text("Onboarding")
    expect(page).not_to_have_url(re.compile(r"[?&]board=2(&|$)"))
    assert "status=" not in page.url
    expect(page.locator("#f-status option:checked")).to_have_text("Any status")


def test_j_with_a_panel_open_moves_to_the_row_after_the_open_ticket(jordan_page) -> None:
    page = jordan_page
    links = page.locator("li.ticket-row a.ticket-link")
    third = links.nth(2)
    third.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(
        f"#{third.get_attribute('data-ticket-id')}"
    )
    expect(page.locator("#panel-title")).to_be_focused()

    page.keyboard.press("j")

    # The panel is modal (the list behind it is inert): j shows the next row's ticket in it, and
    # closing the panel leaves focus on that row.
    expect(page.locator("#panel .t-id-copy")).to_have_text(
        f"#{links.nth(3).get_attribute('data-ticket-id')}"
    )
    page.keyboard.press("Escape")
    expect(links.nth(3)).to_be_focused()


def test_an_empty_result_shows_no_counts_and_no_pager(jordan_page) -> None:
    page = jordan_page
    page.fill("#f-search", "zzzz-no-such-thing")

    expect(page.locator("#results .empty-state")).to_contain_text("No tickets match")
    expect(page.locator("#results .results-head")).to_have_count(0)
    expect(page.locator("#results .pager")).to_have_count(0)
