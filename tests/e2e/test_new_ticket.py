"""The New Ticket modal: Quick Create (AI) and the Full Form, and one ticket per double click."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CREATED = re.compile(r"^Ticket #(\d+) created in ConnectWise$")


def open_modal(page):
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    expect(modal.locator("#ticket-form")).to_be_attached()
    return modal


def created_ticket_id(page) -> str:
    toast = page.locator("#toasts .toast", has_text="created in ConnectWise")
    expect(toast).to_have_text(CREATED)
    match = CREATED.match(toast.inner_text().strip())
    assert match
    return match.group(1)


def find_in_list(page, ticket_id: str, summary: str) -> None:
    """Search the list by the summary; exactly the new ticket comes back."""
    page.fill("#f-search", summary)
    expect(page).to_have_url(re.compile(r"[?&]search="))
    expect(page.locator("#results .results-head")).to_have_text("Showing 1–1 of 1 ticket")
    row = page.locator("li.ticket-row")
    expect(row).to_have_count(1)
    expect(row.locator(".t-id")).to_have_text(f"#{ticket_id}")
    expect(row.locator(".t-summary")).to_have_text(summary)


def fill_full_form(modal, summary: str, company: str = "Northwind", board: str = "Service Desk"):
    modal.locator("#tab-full").click()  # the modal opens on Quick Create
    modal.locator("input[name=summary]").fill(summary)
    modal.locator("#new-company-q").fill(company)
    # (focusing the box first lists every company; the typed text then narrows it)
    option = modal.locator("#new-company-list .combobox-option", has_text=company).first
    expect(option).to_be_visible()
    picked = option.get_attribute("data-label")
    option.click()
    expect(modal.locator("#new-company-q")).to_have_value(picked or "")
    expect(modal.locator("input[name=company_id]")).not_to_have_value("")
    expect(modal.locator("#new-company-list")).to_be_hidden()  # picking closes the list
    modal.locator("select[name=board_id]").select_option(label=board)
    expect(modal.locator("#new-status")).to_be_enabled()
    return picked


def test_quick_create_prompt_review_create_and_find_it(jordan_page, sim) -> None:
    page = jordan_page
    modal = open_modal(page)
    modal.locator("[data-tab=quick]").click()
    prompt = modal.locator("#quick-form textarea[name=prompt]")
    expect(prompt).to_be_visible()
    tag = uuid.uuid4().hex[:6]
    prompt.fill(
        f"Northwind internet is down at the main office ref {tag}, emergency, give it to Anika"
    )

    modal.locator("#quick-form button[type=submit]").click()

    # the review form: filled in from the sentence, nothing created yet
    expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    summary_input = modal.locator("#ticket-form input[name=summary]")
    expect(summary_input).not_to_have_value("")
    expect(modal.locator("#new-company-q")).to_have_value(re.compile("Northwind"))
    expect(modal.locator("select[name=assigned_member_id] option:checked")).to_contain_text("Anika")
    assert sim.count("POST /service/tickets") == 0
    expect(modal.locator("select[name=board_id] option:checked")).to_have_text("Network Operations")
    # an open ticket like it at the same company is offered, as a link to it
    expect(modal.locator("#draft .duplicates a").first).to_have_attribute(
        "href", re.compile(r"/tickets/\?ticket=\d+")
    )
    summary = f"Northwind internet down {tag}"
    summary_input.fill(summary)

    modal.get_by_role("button", name="Create ticket").click()

    ticket_id = created_ticket_id(page)
    expect(page.locator("#modal")).to_be_hidden()
    find_in_list(page, ticket_id, summary)
    row = page.locator(f"#ticket-row-{ticket_id}")
    expect(row.locator(".t-company")).to_contain_text("Northwind")


def test_full_form_company_combobox_board_summary_create_and_find_it(jordan_page) -> None:
    page = jordan_page
    expect(page.locator("#results .results-head")).to_have_text("Showing 1–25 of 174 tickets")
    modal = open_modal(page)
    expect(modal.locator("#tabpanel-quick")).to_be_visible()  # the first tab, the default
    summary = f"Front desk printer jams on every page {uuid.uuid4().hex[:6]}"
    expect(modal.locator("#summary-count")).to_have_text("0")

    company = fill_full_form(modal, summary, company="Contoso", board="Service Desk")
    expect(modal.locator("#summary-count")).to_have_text(str(len(summary)))
    modal.get_by_role("button", name="Create ticket").click()

    ticket_id = created_ticket_id(page)
    expect(page.locator("#modal")).to_be_hidden()
    # the list refreshed itself behind the modal
    expect(page.locator("#results .results-head")).to_have_text("Showing 1–25 of 175 tickets")
    find_in_list(page, ticket_id, summary)
    row = page.locator(f"#ticket-row-{ticket_id}")
    expect(row.locator(".t-company")).to_have_text(company or "")
    expect(row.locator(".t-board")).to_have_text("Service Desk")


def test_full_form_server_validation_is_inline_and_keeps_the_draft(jordan_page, sim) -> None:
    page = jordan_page
    modal = open_modal(page)
    modal.locator("#tab-full").click()
    modal.locator("input[name=summary]").fill("Missing its company and board")

    # the browser would stop an empty required field; the server must say it too
    modal.locator("#ticket-form").evaluate("form => form.noValidate = true")
    modal.get_by_role("button", name="Create ticket").click()

    expect(
        modal.locator("#draft .error-text", has_text="Choose the client company.")
    ).to_be_visible()
    expect(modal.locator("#draft .error-text", has_text="Choose a board.")).to_be_visible()
    expect(modal.locator("input[name=summary]")).to_have_value("Missing its company and board")
    expect(page.locator("#modal")).to_be_visible()
    assert sim.count("POST /service/tickets") == 0


def test_double_clicking_create_makes_one_ticket(jordan_page, sim) -> None:
    page = jordan_page
    modal = open_modal(page)
    summary = f"Double click guard {uuid.uuid4().hex[:6]}"
    fill_full_form(modal, summary, company="Acme", board="Service Desk")
    sim.reset_counters()

    modal.get_by_role("button", name="Create ticket").dblclick()

    ticket_id = created_ticket_id(page)
    expect(page.locator("#toasts .toast", has_text="created in ConnectWise")).to_have_count(1)
    expect(page.locator("#modal")).to_be_hidden()
    find_in_list(page, ticket_id, summary)
    assert sim.count("POST /service/tickets") == 1
