"""Prefetch: a row that keeps focus loads its panel sections once; opening it costs no ConnectWise
wait; rows skipped over quickly fetch nothing."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _notes_calls(sim) -> int:
    routes = sim.stats()["routes"]
    return sum(n for route, n in routes.items() if "otes" in route)


def _settle(sim, *, seconds: float = 1.5) -> int:
    """The simulator's total once nothing more arrives for a while."""
    last, deadline = sim.stats()["total"], time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = sim.stats()["total"]
        if now != last:
            last, deadline = now, time.monotonic() + seconds
    return last


def test_focused_row_prefetches_once_and_opens_without_calling_connectwise(jordan_page, sim):
    page = jordan_page
    links = page.locator("li.ticket-row a.ticket-link")
    page.locator("main h1").click()
    _settle(sim)
    sim.reset_counters()

    # j j j in quick succession: only the row focus rests on is prefetched.
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(links.nth(2)).to_be_focused()
    before_open = _settle(sim)
    assert _notes_calls(sim) == 1  # one prefetch, for the third row only
    assert before_open > 0

    page.keyboard.press("Enter")
    expect(page.locator("#notes-feed")).to_be_visible()
    expect(page.locator("#panel-resources[aria-busy=false]")).to_be_visible()
    assert _settle(sim) == before_open  # shell from the row cache, sections from the prefetch
    # The swapped-in sections are live htmx: the add-assignee form posts through htmx.
    add_form = page.locator("#panel-resources form.add-resource")
    assert add_form.evaluate("el => Boolean(el['htmx-internal-data'])")

    # Back to the list and onto the same row again: still fresh, nothing fetched again.
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    page.keyboard.press("k")
    page.keyboard.press("j")
    time.sleep(0.5)
    assert _settle(sim) == before_open
