"""Issue 13 item 13: paging lands at the top of the new page, and the panel's history entries are
one per ticket opened, with none left behind by closing it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def results_top(page) -> float:
    box = page.locator("#results").bounding_box()
    assert box is not None
    return box["y"]


@pytest.mark.parametrize("viewport_height", [600, 900])
def test_next_and_prev_show_the_new_page_from_its_top(jordan_page, viewport_height: int) -> None:
    page = jordan_page
    page.set_viewport_size({"width": 1280, "height": viewport_height})
    head = page.locator("#results .results-head")
    expect(head).to_have_text(re.compile(r"Showing 1–25 of"))

    page.locator(".pager a[rel=next]").click()  # Playwright scrolls down to it, as a reader would

    expect(head).to_have_text(re.compile(r"Showing 26–50 of"))
    expect(head).to_be_focused()
    assert 0 <= results_top(page) <= 64  # just under the 48 px top bar, not left at the bottom
    page.keyboard.press("j")  # and the keyboard carries on from the new page's first row
    expect(page.locator("li.ticket-row a.ticket-link").first).to_be_focused()

    page.locator(".pager a[rel=prev]").click()

    expect(head).to_have_text(re.compile(r"Showing 1–25 of"))
    expect(head).to_be_focused()
    assert 0 <= results_top(page) <= 64


def test_closing_the_panel_leaves_no_duplicate_history_entry(jordan_page) -> None:
    page = jordan_page
    page.locator("#f-priority").select_option(index=1)
    chosen = page.locator("#f-priority option:checked").get_attribute("value")
    expect(page).to_have_url(re.compile(rf"priority={chosen}"))
    filtered = page.url
    page.locator("li.ticket-row a.ticket-link").first.click()
    expect(page).to_have_url(re.compile(r"[?&]ticket=\d+"))
    expect(page.locator("#panel")).to_be_visible()

    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    expect(page).to_have_url(filtered)

    page.go_back()  # one step back is the list before the priority filter, not the same list again

    expect(page).not_to_have_url(re.compile(r"priority="))
    expect(page.locator("#f-priority")).to_have_value("")


def test_closing_after_related_tickets_goes_back_to_the_list_in_one_step(jordan_page) -> None:
    page = jordan_page
    page.goto("/")
    page.goto("/tickets/")
    page.locator("#ticket-row-1858 a.ticket-link").click()
    expect(page.locator("#panel .t-id-copy")).to_have_text("#1858")
    page.locator("#panel-context a", has_text="#1867").click()
    expect(page.locator("#panel .t-id-copy")).to_have_text("#1867")
    expect(page).to_have_url(re.compile(r"[?&]ticket=1867"))

    page.get_by_role("button", name="Close ticket panel").click()
    expect(page.locator("#panel")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/tickets/$"))

    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page).not_to_have_url(re.compile(r"/tickets/"))


def test_back_closes_the_panel_in_place_and_forward_opens_it_again(jordan_page) -> None:
    page = jordan_page
    page.evaluate("window.samePage = true")  # gone if the page is reloaded
    link = page.locator("li.ticket-row a.ticket-link").nth(2)
    ticket_id = link.get_attribute("data-ticket-id")
    link.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")

    page.go_back()

    expect(page.locator("#panel")).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"ticket="))
    expect(link).to_be_focused()
    assert page.evaluate("window.samePage === true")

    page.go_forward()

    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page).to_have_url(re.compile(rf"[?&]ticket={ticket_id}(&|$)"))
    assert page.evaluate("window.samePage === true")

    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"ticket="))
