"""ConnectWise failing: inline, retryable messages and no lost work, never a blank page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_connectwise_down_shows_an_inline_retryable_message(jordan_page, sim) -> None:
    page = jordan_page
    sim.config(fail_rate=1.0)

    page.select_option("select[name=board]", label="Onboarding")

    error = page.locator("#results .psa-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("ConnectWise had a problem on its side.")  # answered 500
    expect(page.locator("#filters")).to_be_visible()  # the page is still there
    expect(page.locator("li.ticket-row")).to_have_count(0)
    retry = error.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()

    sim.config(fail_rate=0.0)
    retry.click()

    expect(page.locator("#results .psa-error")).to_have_count(0)
    expect(page.locator("#results .results-head")).to_contain_text(re.compile(r"Showing 1–"))
    assert set(page.locator("li.ticket-row .t-board").all_inner_texts()) == {"Onboarding"}
    expect(page.locator("#filters")).to_have_count(1)  # not a page inside the page
    expect(page.locator("main h1")).to_have_count(1)


def test_full_page_load_while_down_is_a_page_with_the_message(jordan_page, sim) -> None:
    page = jordan_page
    sim.config(fail_rate=1.0)

    response = page.goto("/tickets/?board=3")

    assert response is not None and response.status < 500
    expect(page.locator("main h1")).to_have_text("Tickets")
    expect(page.locator("#results .psa-error")).to_contain_text(
        "ConnectWise had a problem on its side."
    )
    expect(page.locator("body")).not_to_contain_text("Traceback")

    sim.config(fail_rate=0.0)
    page.locator("#results .psa-error").get_by_role("button", name="Retry").click()

    expect(page.locator("#results .results-head")).to_contain_text(re.compile(r"Showing 1–"))
    expect(page.locator("main h1")).to_have_count(1)


def test_panel_opens_from_the_row_while_connectwise_is_down(jordan_page, sim) -> None:
    page = jordan_page
    link = page.locator("li.ticket-row a.ticket-link").first
    ticket_id = link.get_attribute("data-ticket-id")
    summary = link.locator(".t-summary").inner_text()
    sim.config(fail_rate=1.0)

    link.click()

    # the shell comes from the row: no ConnectWise call needed
    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#panel-title")).to_have_text(summary)
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page.locator("#panel .psa-error").first).to_contain_text(
        "ConnectWise had a problem on its side."
    )
    # Both sections (assignees and context) fail on their own, after their own retries.
    expect(page.locator("#panel .psa-error")).to_have_count(2)

    sim.config(fail_rate=0.0)
    # Element handles, not nth() locators: the first retry can land (and remove its error)
    # before the second click, which would shift nth(1) onto nothing.
    retries = page.locator("#panel .psa-error").get_by_role("button", name="Retry").all()
    for button in [retry.element_handle() for retry in retries]:
        button.click()

    expect(page.locator("#notes-feed li.note").first).to_be_visible()
    expect(page.locator("#panel .psa-error")).to_have_count(0)
    expect(page.locator("#panel-resources select[name=member_id]")).to_be_visible()


def test_a_hanging_connectwise_costs_one_deadline_per_section(jordan_page, sim, settings) -> None:
    """Before: each panel section waited read timeout x attempts (over 60 s with the defaults)."""
    settings.PSA_READ_TIMEOUT = 2.0  # x 3 attempts + backoff would be ~7.5 s per section
    settings.PSA_REQUEST_DEADLINE = 1.5
    page = jordan_page
    link = page.locator("li.ticket-row a.ticket-link").first
    sim.config(hang_rate=1.0, hang_seconds=10)

    link.click()

    errors = page.locator("#panel .psa-error")
    expect(errors).to_have_count(2, timeout=4500)  # both sections, each within its deadline
    expect(errors.first).to_contain_text(re.compile("did not answer within|answering too slowly"))
    expect(errors.first.get_by_role("button", name="Retry")).to_be_visible()

    sim.config(hang_rate=0.0)
    # Hold each button itself: a locator's nth(1) would be the second *remaining* error, and the
    # first Retry may already have answered and taken its error away.
    for button in errors.get_by_role("button", name="Retry").element_handles():
        button.click()
    expect(page.locator("#panel .psa-error")).to_have_count(0)
