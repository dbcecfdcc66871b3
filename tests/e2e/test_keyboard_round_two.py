"""Issue 19 item 12: by keyboard. Esc leaves the search box (so j/k move through rows again);
two Tabs and Enter reach the first row (a skip link); focus lands on the changed control after
an assignee is added or removed; the New Ticket tabs are a WAI-ARIA tablist (arrow keys, one
Tab stop) and the modal opens on its first tab, Quick Create."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .test_panel import open_first_ticket

pytestmark = pytest.mark.e2e


def test_esc_leaves_the_search_box_and_j_moves_through_rows(jordan_page) -> None:
    page = jordan_page
    search = page.locator("#f-search")
    search.click()
    page.keyboard.type("back")
    expect(search).to_have_value("back")
    expect(page).to_have_url(re.compile(r"[?&]search=back"))  # the search has landed
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    sent_after_esc: list[str] = []
    page.on(
        "request",
        lambda request: sent_after_esc.append(request.url) if "/tickets/?" in request.url else None,
    )
    page.keyboard.press("Escape")
    expect(search).not_to_be_focused()
    expect(search).to_have_value("back")  # the search is kept

    page.keyboard.press("j")
    expect(search).to_have_value("back")  # not typed into the box
    expect(page.locator("li.ticket-row a.ticket-link").first).to_be_focused()
    # Leaving the box sends no second search: it would replace the row j has just focused.
    page.evaluate("() => new Promise(requestAnimationFrame)")
    assert sent_after_esc == []


def test_two_tabs_and_enter_reach_the_first_row(jordan_page) -> None:
    page = jordan_page
    page.goto("/tickets/")
    expect(page.locator("li.ticket-row").first).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the tickets")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("li.ticket-row a.ticket-link").first).to_be_focused()


def test_focus_follows_assignee_edits(jordan_page) -> None:
    page = jordan_page
    open_first_ticket(page)
    section = page.locator("#panel-resources")
    select = section.locator("select[name=member_id]")
    option = select.locator("option:not([value=''])").first
    name = option.inner_text().replace("◆", "").strip()
    select.select_option(value=option.get_attribute("value"))
    section.get_by_role("button", name="Add", exact=True).click()

    remove = page.locator(f"#panel-resources button[aria-label='Remove {name}']")
    expect(remove).to_be_focused()

    page.keyboard.press("Enter")
    expect(remove).to_have_count(0)
    expect(page.locator("#panel-resources select[name=member_id]")).to_be_focused()


def test_the_new_ticket_tabs_are_a_tablist(jordan_page) -> None:
    page = jordan_page
    page.locator("main h1").click()
    page.keyboard.press("n")
    modal = page.locator("#modal")
    quick, full = modal.locator("#tab-quick"), modal.locator("#tab-full")
    expect(quick).to_have_attribute("aria-selected", "true")  # opens on the first tab
    expect(modal.locator("#tabpanel-quick textarea[name=prompt]")).to_be_focused()
    expect(quick).to_have_attribute("tabindex", "0")
    expect(full).to_have_attribute("tabindex", "-1")  # one Tab stop

    quick.focus()
    page.keyboard.press("ArrowRight")
    expect(full).to_be_focused()
    expect(full).to_have_attribute("aria-selected", "true")
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    expect(modal.locator("#tabpanel-quick")).to_be_hidden()
    expect(full).to_have_attribute("tabindex", "0")
    expect(quick).to_have_attribute("tabindex", "-1")

    page.keyboard.press("ArrowRight")  # wraps around
    expect(quick).to_be_focused()
    page.keyboard.press("End")
    expect(full).to_be_focused()
    page.keyboard.press("Home")
    expect(quick).to_be_focused()
    expect(modal.locator("#tabpanel-quick")).to_be_visible()

    page.keyboard.press("Tab")  # from the tablist straight into the tab's content
    expect(modal.locator("#tabpanel-quick textarea[name=prompt]")).to_be_focused()


def test_a_full_form_draft_reopens_on_the_full_form(jordan_page) -> None:
    page = jordan_page
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    modal.locator("#tab-full").click()
    modal.locator("input[name=summary]").fill("Label printer offline")
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()

    page.click("[data-shortcut=n]")
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    expect(modal.locator("input[name=summary]")).to_have_value("Label printer offline")
    expect(modal.locator("input[name=summary]")).to_be_focused()
