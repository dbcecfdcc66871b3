"""Issue 19 item 11: two tabs on the same ticket. A note added (or an assignee changed) in one
shows in the other's open panel. (The stale status change is in test_status_outcome.py; a
removal another tab already made, named not numbered, in tickets/tests/test_status_outcomes.py.)"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

from .test_panel import open_first_ticket

pytestmark = pytest.mark.e2e


def _second_tab(page, e2e_demo, base_url, ticket_id: str):
    other = page.context.new_page()
    sign_in_with_session(other, e2e_demo.jordan, base_url)
    other.goto(f"/tickets/?ticket={ticket_id}")
    expect(other.locator("#notes-feed")).to_be_visible()
    expect(other.locator("#panel-resources")).to_have_attribute("aria-busy", "false")
    return other


def test_a_note_added_in_one_tab_shows_in_the_other(jordan_page, e2e_demo, base_url) -> None:
    page = jordan_page
    ticket_id, _ = open_first_ticket(page)
    other = _second_tab(page, e2e_demo, base_url, ticket_id)
    other.locator("#composer textarea[name=text]").fill("Half-typed in the other tab")

    text = f"Swapped the patch cable {uuid.uuid4().hex[:6]}"
    page.bring_to_front()
    page.locator("#composer textarea[name=text]").fill(text)
    page.locator("#composer button[type=submit]").click()
    expect(page.locator("#notes-feed")).to_contain_text(text)

    expect(other.locator("#notes-feed")).to_contain_text(text)
    # What the other tab was typing is its own.
    expect(other.locator("#composer textarea[name=text]")).to_have_value(
        "Half-typed in the other tab"
    )


def test_an_assignee_removed_in_one_tab_goes_from_the_other(
    jordan_page, e2e_demo, base_url
) -> None:
    page = jordan_page
    ticket_id, _ = open_first_ticket(page)
    chips = page.locator("#panel-resources .chip")
    if chips.count() == 0:
        page.locator("#panel-resources select[name=member_id]").select_option(index=2)
        page.locator("#panel-resources button[type=submit]").click()
        expect(chips).to_have_count(1)
    name = chips.first.locator("span").first.inner_text().strip()
    other = _second_tab(page, e2e_demo, base_url, ticket_id)

    other.locator(f"#panel-resources button[aria-label='Remove {name}']").click()
    expect(other.locator("#toasts .toast").last).to_contain_text(f"Removed {name}")

    # The first tab heard of it and shows the assignees as they are now.
    expect(page.locator(f"#panel-resources button[aria-label='Remove {name}']")).to_have_count(0)
