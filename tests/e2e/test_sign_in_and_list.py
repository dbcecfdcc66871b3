"""Signing in, filtering, paging and the back button on the Tickets page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COUNT_RE = re.compile(r"Showing (\d+)–(\d+) of ([\d,]+) tickets?")


def count_text(page) -> str:
    return str(page.locator("#results .results-head").inner_text()).strip()


def total(page) -> int:
    match = COUNT_RE.search(count_text(page))
    assert match, count_text(page)
    return int(match.group(3).replace(",", ""))


def row_ids(page) -> list[str]:
    return list(
        page.locator("li.ticket-row a.ticket-link").evaluate_all(
            "links => links.map(a => a.dataset.ticketId)"
        )
    )


def test_sign_in_as_jordan_lands_on_the_tickets_asked_for(page) -> None:
    page.goto("/tickets/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/tickets/"))

    page.fill("input[name=username]", "jordan")
    page.fill("input[name=password]", "resolutionflow")
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(r"/tickets/$"))
    expect(page.locator(".topbar-user")).to_contain_text("Jordan Smith")
    expect(page.locator("#results")).to_contain_text(COUNT_RE)
    expect(page.locator("li.ticket-row")).to_have_count(25)


def test_wrong_password_stays_on_the_login_page(page) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "jordan")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("li.ticket-row")).to_have_count(0)


def test_filter_by_board_then_status_updates_url_count_and_rows(jordan_page) -> None:
    page = jordan_page
    everything = count_text(page)
    status = page.locator("#f-status")
    expect(status).to_be_disabled()  # statuses follow the board

    page.select_option("select[name=board]", label="Network Operations")

    expect(page).to_have_url(re.compile(r"[?&]board=2(&|$)"))
    expect(page.locator("#results .results-head")).not_to_have_text(everything)
    by_board = count_text(page)
    assert total(page) < 174
    expect(page.locator("li.ticket-row .t-board").first).to_have_text("Network Operations")
    boards = page.locator("li.ticket-row .t-board").all_inner_texts()
    assert set(boards) == {"Network Operations"}

    expect(status).to_be_enabled()
    # the board's own statuses, and only those
    expect(status.locator("option")).to_contain_text(["Any status", "New", "Waiting on Client"])
    waiting = status.locator("option", has_text="Waiting on Client").get_attribute("value")
    page.select_option("#f-status", label="Waiting on Client")

    expect(page).to_have_url(re.compile(rf"[?&]status={waiting}(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]board=2(&|$)"))
    expect(page.locator("#results .results-head")).not_to_have_text(by_board)
    n = total(page)
    assert 0 < n <= 25
    expect(page.locator("#results .results-head")).to_have_text(f"Showing 1–{n} of {n} tickets")
    expect(page.locator("li.ticket-row")).to_have_count(n)
    assert set(page.locator("li.ticket-row .t-status .badge").all_inner_texts()) == {
        "Waiting on Client"
    }


def test_page_forward_and_back_restores_the_previous_view(jordan_page) -> None:
    page = jordan_page
    expect(page.locator("#results .results-head")).to_have_text("Showing 1–25 of 174 tickets")
    first_page = row_ids(page)

    page.click("a[rel=next]")

    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    expect(page.locator("#results .results-head")).to_have_text("Showing 26–50 of 174 tickets")
    expect(page.locator("li.ticket-row")).to_have_count(25)
    second_page = row_ids(page)
    assert not set(first_page) & set(second_page)

    page.go_back()

    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(page.locator("#results .results-head")).to_have_text("Showing 1–25 of 174 tickets")
    expect(page.locator("a[rel=next]")).to_be_visible()
    assert row_ids(page) == first_page

    page.go_forward()

    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    expect(page.locator("#results .results-head")).to_have_text("Showing 26–50 of 174 tickets")
    assert row_ids(page) == second_page


def test_back_button_restores_a_filtered_page(jordan_page) -> None:
    page = jordan_page
    page.select_option("select[name=board]", label="Service Desk")
    expect(page).to_have_url(re.compile(r"[?&]board=1(&|$)"))
    expect(page.locator("#results .results-head")).not_to_have_text(re.compile(r"of 174 "))
    filtered = count_text(page)
    page.click("a[rel=next]")
    expect(page).to_have_url(re.compile(r"board=1.*page=2|page=2.*board=1"))
    expect(page.locator("#results .results-head")).to_contain_text("Showing 26–50")

    page.go_back()

    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(page).to_have_url(re.compile(r"[?&]board=1(&|$)"))
    expect(page.locator("#results .results-head")).to_have_text(filtered)
    expect(page.locator("select[name=board]")).to_have_value("1")
    assert set(page.locator("li.ticket-row .t-board").all_inner_texts()) == {"Service Desk"}


def test_search_with_no_match_names_the_filter(jordan_page) -> None:
    page = jordan_page
    page.fill("#f-search", "zzzz-no-such-ticket")

    expect(page).to_have_url(re.compile(r"search=zzzz-no-such-ticket"))
    expect(page.locator("#results")).to_contain_text("No tickets match")
    expect(page.locator("#results")).to_contain_text("zzzz-no-such-ticket")
    expect(page.locator("li.ticket-row")).to_have_count(0)


def test_a_filter_change_goes_back_to_page_one(jordan_page) -> None:
    page = jordan_page
    page.click("a[rel=next]")
    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))

    page.select_option("select[name=priority]", index=1)

    expect(page).to_have_url(re.compile(r"[?&]priority=\d+"))
    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(page.locator("#results .results-head")).to_contain_text(re.compile(r"Showing 1–"))


def test_company_filter_picks_from_the_combobox(jordan_page) -> None:
    page = jordan_page
    page.locator("#f-company-q").fill("Northwind")
    # (focusing the box first lists every company; the typed text then narrows it)
    option = page.locator("#f-company-list .combobox-option", has_text="Northwind").first
    expect(option).to_be_visible()
    company = option.get_attribute("data-label")
    company_id = option.get_attribute("data-value")

    option.click()

    expect(page).to_have_url(re.compile(rf"/tickets/\?.*company={company_id}(&|$)"))
    expect(page.locator("#f-company-q")).to_have_value(company or "")
    expect(page.locator("#f-company-list")).to_be_hidden()  # picking closes the list
    expect(page.locator("#results .results-head")).not_to_have_text(re.compile(r"of 174 "))
    assert set(page.locator("li.ticket-row .t-company").all_inner_texts()) == {company}
    expect(page.locator("#f-company-list")).to_be_hidden()

    page.reload()  # the URL alone restores the view, the company's name included
    expect(page.locator("#f-company-q")).to_have_value(company or "")
    assert set(page.locator("li.ticket-row .t-company").all_inner_texts()) == {company}

    page.go_back()  # searching companies left no history entries of its own
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    expect(page.locator("#results .results-head")).to_have_text("Showing 1–25 of 174 tickets")
