"""Issue 13 item 9: My Queue follows a change made from the panel it opened, without htmx
reporting a missing list row."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_my_queue_updates_after_a_status_change_from_its_panel(jordan_page) -> None:
    page = jordan_page
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.goto("/")
    row = page.locator("#my-queue a.queue-row").first
    expect(row).to_be_visible()
    ticket_id = row.locator(".t-id").inner_text().lstrip("#")
    row.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    select = page.locator("#status-control select")
    old = select.locator("option:checked").inner_text().strip()
    new = next(
        label.strip()
        for label in select.locator("option").all_inner_texts()
        if label.strip() != old and "(closed)" not in label
    )

    select.select_option(label=new)

    queue_row = page.locator("#my-queue a.queue-row", has_text=f"#{ticket_id}")
    expect(queue_row.locator(".badge")).to_have_text(new)
    assert not [p for p in problems if "oobErrorNoTarget" in p or "ticket-row" in p], problems
