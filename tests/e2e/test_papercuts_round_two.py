"""Issue 19 item 14: the papercuts a person sees. A rate-limited section's Retry counts down
and waits; its message is said once; panel error boxes sit inside the panel's gutters; the
"Esc" hint is not shown on a phone; Jordan Smith and Jamie Smithson have distinct avatars."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_rate_limited_section_counts_down_its_retry(jordan_page, sim) -> None:
    page = jordan_page
    sim.reset_counters()
    sim.config(rate_limit=1)  # the panel's sections are refused, with a wait
    page.locator("li.ticket-row a.ticket-link").first.click()
    error = page.locator("#panel .psa-error").first
    expect(error).to_be_visible()
    expect(error).to_contain_text("slow down")
    assert error.inner_text().count("ConnectWise asked us to slow down.") == 1

    retry = error.get_by_role("button", name=re.compile(r"^Retry \(wait \d+ s\)$"))
    expect(retry).to_be_disabled()
    first = int(re.search(r"\d+", retry.inner_text()).group())
    expect(retry).to_have_text(f"Retry (wait {first - 1} s)")  # it counts down
    expect(retry).to_be_disabled()

    # Inside the panel's gutters, not edge to edge.
    box, panel = error.bounding_box(), page.locator("#panel .panel-inner").bounding_box()
    assert box is not None and panel is not None
    assert box["x"] >= panel["x"] + 12
    assert box["x"] + box["width"] <= panel["x"] + panel["width"] - 12


def test_no_esc_hint_on_a_phone(jordan_page) -> None:
    page = jordan_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("li.ticket-row a.ticket-link").first.click()
    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#panel [data-close-panel]")).to_be_visible()
    expect(page.locator("#panel [data-close-panel] kbd")).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("#panel [data-close-panel] kbd")).to_be_visible()


def test_jordan_and_jamie_have_distinct_avatars(jordan_page) -> None:
    page = jordan_page
    page.goto("/tickets/?search=&assigned=")
    avatars = page.locator("li.ticket-row .avatar")
    expect(avatars.first).to_be_visible()
    letters = {
        avatars.nth(i).get_attribute("title"): avatars.nth(i).inner_text()
        for i in range(avatars.count())
    }
    if "Jordan Smith" in letters and "Jamie Smithson" in letters:
        assert letters["Jordan Smith"] != letters["Jamie Smithson"]
    assert letters.get("Jordan Smith", "JoS") == "JoS"
