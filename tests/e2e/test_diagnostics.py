"""Run diagnostics on /account/integrations/: the results table replaces the placeholder."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e


def test_an_admin_runs_diagnostics_and_sees_one_row_per_check(page, e2e_demo, base_url, sim):
    sign_in_with_session(page, e2e_demo.morgan, base_url)
    page.goto("/account/integrations/")
    page.get_by_role("button", name="Run diagnostics").click()

    table = page.locator("#diagnostics table")
    expect(table).to_be_visible()
    expect(page.locator("#diagnostics")).to_contain_text(re.compile(r"(\d+)/\1 checks passed"))
    assert table.locator("tbody tr").count() >= 10
    expect(table.locator("tr", has_text="GET /service/tickets/{id}/allNotes")).to_contain_text(
        "Pass"
    )
    expect(page.locator("main h1")).to_have_count(1)  # a partial, not a page inside the page


def test_a_failing_call_shows_its_fix(page, e2e_demo, base_url, sim):
    sign_in_with_session(page, e2e_demo.morgan, base_url)
    page.goto("/account/integrations/")
    sim.config(fail_rate=1.0)
    page.get_by_role("button", name="Run diagnostics").click()
    row = page.locator("#diagnostics tr", has_text="GET /system/info")
    expect(row).to_contain_text("500")
    expect(row).to_contain_text("Fix:")
