"""Issue 19 item 5: history entries follow opened tickets. One entry per ticket opened; Back
and Forward open, switch and close the panel as a person expects, one press a step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def shows(page, ticket_id: str) -> None:
    expect(page).to_have_url(re.compile(rf"[?&]ticket={ticket_id}(&|$)"))
    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page.locator("#notes-feed")).to_be_visible()


def shows_the_list(page) -> None:
    expect(page.locator("#panel")).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"[?&]ticket="))
    expect(page.locator("li.ticket-row").first).to_be_visible()


def test_back_and_forward_through_opened_tickets(jordan_page) -> None:
    page = jordan_page
    links = page.locator("li.ticket-row a.ticket-link")
    ids = [links.nth(i).get_attribute("data-ticket-id") for i in range(3)]
    start = page.evaluate("history.length")

    links.first.click()
    shows(page, ids[0])
    page.keyboard.press("j")
    shows(page, ids[1])
    page.keyboard.press("j")
    shows(page, ids[2])
    assert page.evaluate("history.length") == start + 3  # one entry per ticket opened

    page.go_back()
    shows(page, ids[1])
    page.go_back()
    shows(page, ids[0])
    page.go_back()
    shows_the_list(page)
    assert page.evaluate("history.length") == start + 3  # Back added nothing

    page.go_forward()
    shows(page, ids[0])
    page.go_forward()
    shows(page, ids[1])
    page.go_forward()
    shows(page, ids[2])
    assert page.evaluate("history.length") == start + 3


def test_closing_the_panel_then_back_leaves_the_list(jordan_page) -> None:
    page = jordan_page
    page.goto("/tickets/?board=1")
    expect(page.locator("li.ticket-row").first).to_be_visible()
    page.locator("li.ticket-row a.ticket-link").first.click()
    expect(page.locator("#panel")).to_be_visible()
    page.keyboard.press("Escape")
    shows_the_list(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/tickets/$"))
