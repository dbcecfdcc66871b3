"""Issue 13 item 10 (rest): a ConnectWise 500 reads as ConnectWise answering with an error, not as
"could not be reached"; a slow ConnectWise as not answering in time; refused credentials point at
the connection without a Retry that cannot help."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_500_reads_as_an_error_on_connectwises_side(jordan_page, sim) -> None:
    page = jordan_page
    sim.config(fail_rate=1.0)

    page.select_option("select[name=board]", label="Onboarding")

    error = page.locator("#results .psa-error")
    expect(error).to_contain_text("ConnectWise had a problem on its side.")
    expect(error).to_contain_text("ConnectWise answered with an error (HTTP 500).")
    expect(error).not_to_contain_text("could not be reached")
    expect(error).not_to_contain_text("did not answer")
    expect(error.get_by_role("button", name="Retry")).to_be_visible()
    sim.config(fail_rate=0.0)


def test_a_write_answered_500_says_so_in_its_toast(jordan_page, sim) -> None:
    page = jordan_page
    page.locator("li.ticket-row a.ticket-link").first.click()
    select = page.locator("#status-control select")
    expect(page.locator("#panel-resources")).to_have_attribute("aria-busy", "false")
    other = select.locator("option:not(:checked)").first.inner_text().strip()
    sim.config(fail_rate=1.0)

    select.select_option(label=other)

    toast = page.locator("#toasts .toast.toast-error").last
    expect(toast).to_contain_text(
        re.compile(r"^Status not changed: ConnectWise answered with an error \(HTTP 500\)")
    )
    sim.config(fail_rate=0.0)


def test_a_hanging_connectwise_did_not_answer_in_time(jordan_page, sim, settings) -> None:
    settings.PSA_READ_TIMEOUT = 0.5
    settings.PSA_REQUEST_DEADLINE = 1.5
    page = jordan_page
    sim.config(hang_rate=1.0, hang_seconds=5)

    page.select_option("select[name=board]", label="Onboarding")

    error = page.locator("#results .psa-error")
    expect(error).to_contain_text("ConnectWise did not answer in time.")
    expect(error).not_to_contain_text("could not be reached")
    expect(error.get_by_role("button", name="Retry")).to_be_visible()
    sim.config(hang_rate=0.0)


def test_refused_credentials_offer_the_connection_not_a_retry(jordan_page, sim) -> None:
    page = jordan_page
    sim.config(auth_fail_rate=1.0)

    page.select_option("select[name=board]", label="Onboarding")

    error = page.locator("#results .psa-error")
    expect(error).to_contain_text("ConnectWise refused our credentials.")
    expect(error.get_by_role("link", name="Check the connection")).to_be_visible()
    expect(error.get_by_role("button", name=re.compile("Retry"))).to_have_count(0)
    sim.config(auth_fail_rate=0.0)
