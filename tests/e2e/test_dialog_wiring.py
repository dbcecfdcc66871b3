"""What is typed or picked in a dialog the moment it opens is acted on.

htmx wires newly swapped content (`hx-get`, `hx-trigger`, ...) in its settle step, after the swap.
The panel and the New Ticket modal must not be shown before that has happened: a search typed
into a dialog that is open but not wired yet is never sent. Each test widens that gap to 3 s
(htmx's settle delay) so the race is decided the same way on every run.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HARBORVIEW = "Harborview Hotel & Suites"
SLOW_SETTLE = "htmx.config.defaultSettleDelay = 3000"


def test_the_new_ticket_company_search_works_as_soon_as_the_modal_shows(jordan_page) -> None:
    page = jordan_page
    page.evaluate(SLOW_SETTLE)

    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    modal.get_by_role("tab", name="Full Form").click()
    modal.locator("#new-company-q").fill("Harb")

    expect(modal.locator("#new-company-list .combobox-option", has_text=HARBORVIEW)).to_be_visible()


def test_a_status_picked_as_soon_as_the_panel_shows_is_saved(jordan_page) -> None:
    page = jordan_page
    page.evaluate(SLOW_SETTLE)

    page.locator("li.ticket-row a.ticket-link").first.click()
    expect(page.locator("#panel")).to_be_visible()
    select = page.locator("#status-control select")
    current = select.locator("option:checked").inner_text().strip()
    other = next(
        label.strip()
        for label in select.locator("option").all_inner_texts()
        if label.strip() != current and "(closed)" not in label
    )

    with page.expect_response("**/status/**") as answer:
        select.select_option(label=other)

    assert answer.value.ok
    expect(select.locator("option:checked")).to_have_text(other)
