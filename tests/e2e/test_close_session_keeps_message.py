"""Issue 19 item 10: Close session never drops a message typed but not sent without a word: the
closed session says it was not sent and shows it, to copy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_closing_a_session_with_an_unsent_message_keeps_it(jordan_page) -> None:
    page = jordan_page
    page.goto("/assistant/")
    page.get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/assistant/\d+/$"))
    page.locator("#composer-text").fill("The VPN drops every 20 minutes since Monday")

    page.get_by_role("button", name="Close session").click()

    expect(page.locator(".composer-closed")).to_be_visible()
    expect(page.locator("#composer-error")).to_contain_text("Your message was not sent")
    expect(page.locator("#closed-draft")).to_have_value(
        "The VPN drops every 20 minutes since Monday"
    )

    page.reload()  # said once; the closed session is just closed afterwards
    expect(page.locator(".composer-closed")).to_be_visible()
    expect(page.locator("#closed-draft")).to_have_count(0)


def test_closing_with_nothing_typed_says_nothing_about_a_message(jordan_page) -> None:
    page = jordan_page
    page.goto("/assistant/")
    page.get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/assistant/\d+/$"))
    page.get_by_role("button", name="Close session").click()
    expect(page.locator(".composer-closed")).to_be_visible()
    expect(page.locator("#composer-error")).to_have_count(0)
