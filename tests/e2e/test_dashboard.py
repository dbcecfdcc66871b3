"""Issue 14: the dashboard as the engineer's start page, in Chromium.

jordan: active sessions (the seeded one), My Queue and both widgets of the dashboard section load;
a panel opened from a widget changes a status and every widget showing that ticket follows,
without leaving the dashboard. riley (no member mapping): every widget asks for the mapping.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e

AUTH = ("baysideit+rfdemo-public", "rfdemo-private")


def _client_replies(cw_sim: Any, ticket_id: int) -> None:
    """A note on the ticket, as a client's emailed reply lands in ConnectWise."""
    requests.post(
        f"{cw_sim.base_url}/service/tickets/{ticket_id}/notes",
        json={"text": "Still happening this morning.", "detailDescriptionFlag": True},
        auth=AUTH,
        headers={"clientId": "tests"},
        timeout=10,
    ).raise_for_status()


def _other_open_status(page: Any) -> str:
    select = page.locator("#status-control select")
    current = select.locator("option:checked").inner_text().strip()
    return next(
        label.strip()
        for label in select.locator("option").all_inner_texts()
        if label.strip() != current and "(closed)" not in label
    )


def test_jordan_starts_from_the_dashboard(page, e2e_demo, base_url, cw_sim) -> None:
    from tickets.selectors import my_queue

    top = my_queue(account=e2e_demo.bayside, user=e2e_demo.jordan, limit=1).items[0]
    _client_replies(cw_sim, top.id)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    sign_in_with_session(page, e2e_demo.jordan, base_url)

    page.goto("/")

    # Active sessions first: the seeded session about jordan's most urgent ticket.
    sessions = page.locator("#active-sessions")
    expect(sessions.locator(".active-session")).to_have_count(1)
    chip = sessions.locator(".ticket-chip")
    expect(chip).to_have_text(f"#{top.id} · {top.summary}")
    expect(sessions.get_by_role("link", name=re.compile("^Resume"))).to_have_attribute(
        "href", re.compile(r"^/assistant/\d+/$")
    )
    expect(sessions.locator("time")).to_have_attribute("title", re.compile(r"^\d{4}-\d\d-\d\d "))

    # My Queue, then the dashboard section's two widgets, each loaded by itself.
    queue = page.locator("#my-queue")
    unassigned = page.locator("#unassigned")
    recent = page.locator("#recent")
    expect(queue.locator("a.queue-row").first).to_be_visible()
    expect(unassigned.locator("a.queue-row")).to_have_count(5)
    expect(unassigned).to_contain_text("unassigned on your boards.")
    expect(unassigned.get_by_role("link", name="View all →")).to_have_attribute(
        "href", "/tickets/?assigned=unassigned"
    )
    expect(recent.locator("a.queue-row").first).to_contain_text(f"#{top.id}")
    expect(recent.locator(".t-updated").first).to_have_text(re.compile(r"now|ago"))
    for widget in (queue, unassigned, recent):
        expect(widget).not_to_have_attribute("aria-busy", "true")

    # The session's chip opens the panel in place.
    chip.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{top.id}")
    expect(page).to_have_url(f"{base_url}/")
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()

    # From "Recently updated": a ticket that My Queue shows too. Both follow the change.
    recent.locator("a.queue-row", has_text=f"#{top.id}").click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{top.id}")
    new = _other_open_status(page)
    page.locator("#status-control select").select_option(label=new)
    expect(recent.locator("a.queue-row", has_text=f"#{top.id}").locator(".badge")).to_have_text(new)
    expect(queue.locator("a.queue-row", has_text=f"#{top.id}").locator(".badge")).to_have_text(new)
    expect(recent.locator("a.queue-row").first).to_contain_text(f"#{top.id}")  # newest still
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()

    # From "Unassigned on your boards": the widget shows the new status; not jordan's ticket,
    # so it does not appear among his recent updates.
    row = unassigned.locator("a.queue-row").first
    ticket_id = row.locator(".t-id").inner_text().lstrip("#")
    row.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    new = _other_open_status(page)
    page.locator("#status-control select").select_option(label=new)
    expect(
        unassigned.locator("a.queue-row", has_text=f"#{ticket_id}").locator(".badge")
    ).to_have_text(new)
    expect(recent.locator("a.queue-row", has_text=f"#{ticket_id}")).to_have_count(0)

    expect(page).to_have_url(f"{base_url}/")  # never left the dashboard
    assert not [p for p in problems if "oobErrorNoTarget" in p or "ticket-row" in p], problems


def test_riley_is_asked_to_map_a_member_in_every_widget(page, e2e_demo, base_url) -> None:
    sign_in_with_session(page, e2e_demo.riley, base_url)

    page.goto("/")

    for dom_id, prompt in [
        ("my-queue", "Map your PSA member to see your queue"),
        ("unassigned", "Map your PSA member to see the unassigned tickets on your boards"),
        ("recent", "Map your PSA member to see your recently updated tickets"),
    ]:
        link = page.locator(f"#{dom_id}").get_by_role("link", name=prompt)
        expect(link).to_have_attribute("href", "/account/integrations/")
    expect(page.locator(".queue-row")).to_have_count(0)
    expect(page.locator("#active-sessions")).to_contain_text("No open sessions")
    expect(
        page.locator("#active-sessions").get_by_role("button", name="Start a session")
    ).to_be_visible()
