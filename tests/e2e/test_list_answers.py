"""Issue 13 items 3 and 11: a search ConnectWise cannot run is answered with a message, never
with every ticket; a page past the end shows the last page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("text", ['"', "\\", '" \\ "', "printer " * 30])
def test_a_search_that_cannot_run_says_so_instead_of_listing_everything(
    jordan_page, text: str
) -> None:
    page = jordan_page
    page.fill("#f-search", text)

    notice = page.locator("#results [role=status]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(re.compile("200 characters|quotes and backslashes", re.I))
    expect(page.locator("#results li.ticket-row")).to_have_count(0)
    expect(page.locator("#f-search")).to_have_value(text.strip() if len(text) < 200 else text)


def test_a_search_that_cannot_run_says_so_on_a_full_page_load(jordan_page) -> None:
    page = jordan_page
    page.goto("/tickets/?search=%22")
    expect(page.locator("#results [role=status]")).to_be_visible()
    expect(page.locator("#results li.ticket-row")).to_have_count(0)


def test_a_page_past_the_end_shows_the_last_page(jordan_page) -> None:
    page = jordan_page
    page.goto("/tickets/?page=99")

    pager = page.locator(".pager .muted")
    expect(pager).to_have_text(re.compile(r"^Page (\d+) of \1$"))
    last = re.match(r"Page (\d+)", pager.inner_text()).group(1)
    expect(page.locator("#results .results-head")).to_have_text(
        re.compile(r"Showing \d[\d,]*–\d[\d,]* of [\d,]+ tickets")
    )
    expect(page.locator("#results li.ticket-row").first).to_be_visible()
    expect(page).to_have_url(re.compile(rf"[?&]page={last}(&|$)"))
    head = page.locator("#results .results-head").inner_text()
    first, shown_last, total = (int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", head))
    assert first <= shown_last == total
