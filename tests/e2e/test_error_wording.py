"""Issue 13 item 10: an error names what happened, and offers Retry only when it can help."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e


def test_an_unmapped_engineer_asking_for_my_tickets_is_told_why_without_a_retry(
    page, e2e_demo, base_url
) -> None:
    sign_in_with_session(page, e2e_demo.riley, base_url)
    page.goto("/tickets/?assigned=me")

    results = page.locator("#results")
    expect(results).to_contain_text("not mapped to a ConnectWise member")
    expect(results).not_to_contain_text("could not be reached")
    expect(results).not_to_contain_text("ConnectWise did not accept")
    expect(results.get_by_role("button", name=re.compile("Retry"))).to_have_count(0)
    expect(results.get_by_role("link", name="Show all tickets")).to_be_visible()


def test_a_rate_limit_says_so_with_its_wait(jordan_page, sim) -> None:
    page = jordan_page
    sim.config(rate_limit=1)
    page.select_option("select[name=board]", label="Onboarding")

    error = page.locator("#results .psa-error")
    expect(error).to_contain_text("ConnectWise asked us to slow down.")
    expect(error.get_by_role("button", name=re.compile(r"Retry \(wait \d+ s\)"))).to_be_visible()
    sim.config(rate_limit=0)


def test_a_refused_filter_value_names_the_field_without_a_retry(jordan_page) -> None:
    page = jordan_page
    page.goto("/tickets/?assigned=999999")

    results = page.locator("#results")
    expect(results).not_to_contain_text("could not be reached")
    expect(results.get_by_role("button", name=re.compile("Retry"))).to_have_count(0)
