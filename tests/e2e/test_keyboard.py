"""Keyboard shortcuts: / j k Enter Esc n ?"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_slash_focuses_the_search_box(jordan_page) -> None:
    page = jordan_page
    page.locator("main h1").click()  # nothing focused that takes text
    page.keyboard.press("/")

    expect(page.locator("#f-search")).to_be_focused()
    expect(page.locator("#f-search")).to_have_value("")  # the slash was not typed into it


def test_j_k_enter_opens_the_panel_and_esc_closes_it(jordan_page) -> None:
    page = jordan_page
    links = page.locator("li.ticket-row a.ticket-link")
    page.locator("main h1").click()

    page.keyboard.press("j")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(links.nth(1)).to_be_focused()

    second_id = links.nth(1).get_attribute("data-ticket-id")
    page.keyboard.press("Enter")

    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{second_id}")
    expect(page).to_have_url(re.compile(rf"[?&]ticket={second_id}(&|$)"))
    expect(page.locator("#panel-title")).to_be_focused()  # focus moved into the panel
    expect(page.locator("#notes-feed")).to_be_visible()

    page.keyboard.press("Escape")

    expect(page.locator("#panel")).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"ticket="))
    expect(links.nth(1)).to_be_focused()  # and back to the row it came from


def test_n_opens_new_ticket_and_esc_closes_it(jordan_page) -> None:
    page = jordan_page
    page.locator("main h1").click()

    page.keyboard.press("n")

    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    expect(modal.locator("#modal-title")).to_have_text("New ConnectWise ticket")
    expect(modal.locator("#tabpanel-quick textarea[name=prompt]")).to_be_focused()
    expect(modal.locator("input[name=summary]")).to_have_value("")  # "n" was not typed

    page.keyboard.press("Escape")

    expect(modal).to_be_hidden()


def test_question_mark_shows_the_shortcuts(jordan_page) -> None:
    page = jordan_page
    page.locator("main h1").click()

    page.keyboard.press("?")

    help_dialog = page.locator("#shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Search tickets")
    expect(help_dialog).to_contain_text("New ticket")

    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()


def test_shortcuts_do_not_fire_while_typing(jordan_page) -> None:
    page = jordan_page
    page.locator("#f-search").click()

    page.keyboard.type("nj?")

    expect(page.locator("#f-search")).to_have_value("nj?")
    expect(page.locator("#modal")).to_be_hidden()
    expect(page.locator("#shortcuts")).to_be_hidden()
