"""Issue 13 items 1 and 7: a Quick Create re-parse replaces what the last parse filled; the
review marks exactly what is missing; an empty prompt is answered where it was typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def parse(modal, prompt: str) -> None:
    modal.locator("[data-tab=quick]").click()
    modal.locator("#quick-form textarea[name=prompt]").fill(prompt)
    modal.locator("#quick-form button[type=submit]").click()
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")


def test_a_re_parse_replaces_the_fields_the_first_parse_filled(jordan_page) -> None:
    page = jordan_page
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    expect(modal.locator("#ticket-form")).to_be_attached()

    parse(modal, "Northwind internet is down, emergency, give it to Anika")
    expect(modal.locator("#new-company-q")).to_have_value(re.compile("Northwind"))
    expect(modal.locator("select[name=assigned_member_id] option:checked")).to_contain_text("Anika")
    first_priority = modal.locator("select[name=priority_id] option:checked").inner_text()
    assert "Emergency" in first_priority or "Priority 1" in first_priority

    parse(modal, "Ransomware suspected on VERTE-LT02 at Vertex Engineering")
    expect(modal.locator("#new-company-q")).to_have_value(re.compile("Vertex"))
    # nothing of the first sentence survives that the second one did not say again
    expect(modal.locator("select[name=assigned_member_id] option:checked")).to_have_text(
        "Unassigned"
    )
    assert modal.locator("select[name=priority_id] option:checked").inner_text() != first_priority
    # and a field flagged missing is one that is empty
    for box in modal.locator("#ticket-form .is-missing").all():
        control = box.locator("select, input[type=hidden][name=company_id]").first
        assert control.input_value() == "", box.inner_text()


def test_an_empty_prompt_is_answered_in_the_quick_create_tab(jordan_page) -> None:
    page = jordan_page
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    modal.locator("[data-tab=quick]").click()
    modal.locator("#quick-form button[type=submit]").click()

    error = modal.locator("#tabpanel-quick [role=alert]")
    expect(error).to_be_visible()
    expect(error).to_have_text(re.compile("Describe the problem"))
    expect(modal.locator("#tabpanel-quick")).to_be_visible()
    expect(modal.locator("#tabpanel-full [role=alert]")).to_have_count(0)
