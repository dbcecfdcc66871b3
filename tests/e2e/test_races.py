"""Issue 13: the last thing the engineer asked for wins, even when ConnectWise is slow."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.e2e

SLOW_MS = 1500


@pytest.fixture(autouse=True)
def _abandoned_reads_finish(sim):
    """A request the page called off runs on in the server; ConnectWise at full speed again and
    every call it got answered, so that read does not run on into the next test."""
    yield
    sim.config(latency_ms=0)
    wait_until(_all_answered(sim), what="ConnectWise to answer every call it got")


def _all_answered(sim):
    def check() -> bool:
        stats = sim.stats()
        return stats["total"] == sum(stats["statuses"].values())

    return check


def _panel_of(ticket_id: str):
    return lambda request: f"/tickets/{ticket_id}/panel/" in request.url


def _over(page, request) -> None:
    """Returns once `request` is over in the page: called off (aborted, so its answer can never
    land), or answered and handled by htmx. Waiting for the answer itself, not a guessed time:
    a slow machine cannot make this pass before the late answer would have done its harm."""
    response = request.response()  # None once the page has called it off
    if response is None:
        assert request.failure, "neither answered nor called off"
        return
    response.finished()
    # htmx takes `htmx-request` off the requesting element only after handling the answer.
    expect(page.locator(".htmx-request")).to_have_count(0)


def test_a_slow_related_ticket_never_replaces_the_row_opened_after_it(jordan_page, sim) -> None:
    page = jordan_page
    page.goto("/tickets/?ticket=1858")  # its parent #1867 is not on the list: opening it is slow
    expect(page.locator("#panel .t-id-copy")).to_have_text("#1858")
    related = page.locator("#panel-context a", has_text="#1867")
    expect(related).to_be_visible()
    row = page.locator("li.ticket-row a.ticket-link").first
    row_id = row.get_attribute("data-ticket-id")
    assert row_id != "1867"

    sim.config(latency_ms=SLOW_MS)
    with page.expect_request(_panel_of("1867")) as slow:
        related.click()
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    row.click()  # listed, so it answers at once
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{row_id}")

    _over(page, slow.value)  # the related ticket's request is over: it cannot land later
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{row_id}")
    expect(page).to_have_url(re.compile(rf"[?&]ticket={row_id}(&|$)"))


def test_closing_the_panel_while_it_loads_keeps_it_closed(jordan_page, sim) -> None:
    page = jordan_page
    page.goto("/tickets/?ticket=1858")
    related = page.locator("#panel-context a", has_text="#1867")
    expect(related).to_be_visible()

    sim.config(latency_ms=SLOW_MS)
    with page.expect_request(_panel_of("1867")) as slow:
        related.click()
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()

    _over(page, slow.value)
    expect(page.locator("#panel")).to_be_hidden()
    assert "ticket=" not in page.url


def test_a_slow_page_answer_never_replaces_the_filter_chosen_after_it(jordan_page, sim) -> None:
    page = jordan_page
    next_link = page.locator(".pager a[rel=next]")
    sim.config(latency_ms=SLOW_MS)
    before = sim.stats()["total"]
    with page.expect_request(lambda r: "page=2" in r.url) as slow:
        next_link.click()  # slow: the list is read from ConnectWise
    # Its ConnectWise calls are under way (arrived, held by the latency) before ConnectWise speeds up.
    wait_until(lambda: sim.stats()["total"] > before, what="page 2's first ConnectWise call")
    sim.config(latency_ms=0)
    page.locator("#f-priority").select_option(index=1)
    chosen = page.locator("#f-priority option:checked").get_attribute("value")
    expect(page).to_have_url(re.compile(rf"priority={chosen}"))
    # The first page of the new filter (a single page shows no pager, so read "Showing 1–").
    showing = page.locator("#results").get_by_text(re.compile(r"^Showing "))
    expect(showing).to_have_text(re.compile(r"^Showing 1–"))

    _over(page, slow.value)
    expect(showing).to_have_text(re.compile(r"^Showing 1–"))
    expect(page).to_have_url(re.compile(rf"priority={chosen}"))
    assert "page=2" not in page.url
