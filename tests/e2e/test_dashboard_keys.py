"""Issue 13 item 13 and issue 14 item 3: `n`, `/` and `?` work on the dashboard (and every signed-in
page), not only on the Tickets page; never while typing in a field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e


@pytest.fixture
def dashboard(page, e2e_demo, base_url):
    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.goto("/")
    expect(page.locator("#my-queue a.queue-row").first).to_be_visible()
    page.locator("main h1").click()  # nothing that takes text is focused
    return page


def test_question_mark_on_the_dashboard_shows_the_shortcuts(dashboard) -> None:
    page = dashboard

    page.keyboard.press("?")

    help_dialog = page.locator("#shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Search tickets")
    expect(help_dialog).to_contain_text("New ticket")
    # j/k only make sense where there is a list: the help says where they work.
    expect(help_dialog.locator("dt", has_text="j")).to_be_visible()
    expect(help_dialog).to_contain_text("On a ticket list")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()


def test_n_on_the_dashboard_opens_the_new_ticket_modal(dashboard) -> None:
    page = dashboard

    page.keyboard.press("n")

    modal = page.locator("#modal")
    expect(modal.locator("#modal-title")).to_have_text("New ConnectWise ticket")
    expect(modal.locator("#tabpanel-quick textarea[name=prompt]")).to_be_focused()
    expect(modal.locator("input[name=summary]")).to_have_value("")  # "n" was not typed
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/$"))


def test_slash_on_the_dashboard_goes_to_the_ticket_search(dashboard) -> None:
    page = dashboard

    page.keyboard.press("/")

    expect(page).to_have_url(re.compile(r"/tickets/$"))  # no leftover fragment either
    expect(page.locator("#f-search")).to_be_focused()
    expect(page.locator("#f-search")).to_have_value("")
    page.keyboard.type("printer")
    expect(page.locator("#f-search")).to_have_value("printer")


def test_shortcuts_wait_while_typing_in_a_field(page, e2e_demo, base_url) -> None:
    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.goto("/assistant/")
    box = page.get_by_label("ConnectWise ticket #")
    box.click()

    page.keyboard.type("n/?")

    expect(box).to_have_value("n/?")
    expect(page.locator("#modal")).to_be_hidden()
    expect(page.locator("#shortcuts")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/assistant/$"))

    page.locator("main h1").click()  # and once out of the field, they work on this page too
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
