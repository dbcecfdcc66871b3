"""Issue 13 items 6 and 8: Esc never throws away typed work, and closes only what is on top."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def open_row(page, index: int = 0) -> str:
    link = page.locator("li.ticket-row a.ticket-link").nth(index)
    ticket_id = link.get_attribute("data-ticket-id")
    link.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page.locator("#notes-feed")).to_be_visible()
    return ticket_id


def test_esc_in_the_note_box_keeps_the_note_for_that_ticket(jordan_page) -> None:
    page = jordan_page
    first = open_row(page)
    box = page.locator("#composer textarea[name=text]")
    box.fill("Rebooted the switch, link is back")
    box.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()

    open_row(page, 1)  # another ticket's box is its own
    expect(page.locator("#composer textarea[name=text]")).to_have_value("")
    page.keyboard.press("Escape")

    open_row(page)
    assert first == page.locator("#panel .t-id-copy").inner_text().lstrip("#")
    expect(page.locator("#composer textarea[name=text]")).to_have_value(
        "Rebooted the switch, link is back"
    )


def test_a_note_that_was_added_is_not_restored(jordan_page) -> None:
    page = jordan_page
    open_row(page)
    box = page.locator("#composer textarea[name=text]")
    box.fill("Checked the cabling")
    page.locator("#composer button[type=submit]").click()
    expect(page.locator("#notes-feed")).to_contain_text("Checked the cabling")
    page.keyboard.press("Escape")
    open_row(page)
    expect(page.locator("#composer textarea[name=text]")).to_have_value("")


def test_esc_in_the_new_ticket_description_keeps_the_draft(jordan_page) -> None:
    page = jordan_page
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    modal.locator("#tab-full").click()
    modal.locator("input[name=summary]").fill("Scanner on floor 2 jams")
    description = modal.locator("textarea[name=description]")
    description.fill("Every third page jams since the firmware update")
    description.press("Escape")
    expect(modal).to_be_hidden()

    page.click("[data-shortcut=n]")
    expect(modal.locator("textarea[name=description]")).to_have_value(
        "Every third page jams since the firmware update"
    )
    expect(modal.locator("input[name=summary]")).to_have_value("Scanner on floor 2 jams")


def test_esc_keeps_the_full_forms_picks_with_its_text(jordan_page) -> None:
    page = jordan_page
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    modal.locator("#tab-full").click()
    modal.locator("input[name=summary]").fill("Badge reader offline")
    modal.locator("#new-company-q").fill("Acme")
    modal.locator("#new-company-list .combobox-option", has_text="Acme Corp").first.click()
    expect(modal.locator("input[name=company_id]")).to_have_value("250")
    modal.locator("select[name=board_id]").select_option(label="Network Operations")
    status = modal.locator("#new-status")
    expect(status).to_be_enabled()
    status.select_option(label="Scheduled")
    modal.locator("select[name=priority_id]").select_option(index=2)
    priority = modal.locator("select[name=priority_id] option:checked").inner_text()
    modal.locator("input[name=summary]").press("Escape")
    expect(modal).to_be_hidden()

    page.click("[data-shortcut=n]")
    expect(modal.locator("input[name=summary]")).to_have_value("Badge reader offline")
    expect(modal.locator("#new-company-q")).to_have_value("Acme Corp")
    expect(modal.locator("input[name=company_id]")).to_have_value("250")
    expect(modal.locator("select[name=board_id] option:checked")).to_have_text("Network Operations")
    # The board's own statuses, fetched again, with the one picked chosen.
    expect(modal.locator("#new-status option:checked")).to_have_text("Scheduled")
    expect(modal.locator("select[name=priority_id] option:checked")).to_have_text(priority)


def test_esc_with_the_help_open_over_a_panel_closes_only_the_help(jordan_page) -> None:
    page = jordan_page
    open_row(page)
    page.locator("#panel-title").focus()
    page.keyboard.press("?")
    help_dialog = page.locator("#shortcuts")
    expect(help_dialog).to_be_visible()

    page.keyboard.press("Escape")

    expect(help_dialog).to_be_hidden()
    expect(page.locator("#panel")).to_be_visible()
