"""The browser bug behind issue 9: Full Form -> Create while ConnectWise hangs -> "try again";
after ConnectWise recovers, Create again used to file a second ticket."""

from __future__ import annotations

import time
import uuid

import pytest
from playwright.sync_api import expect

from .test_new_ticket import created_ticket_id, fill_full_form, find_in_list, open_modal

pytestmark = pytest.mark.e2e


def test_create_while_connectwise_hangs_then_create_again_files_one_ticket(
    jordan_page, sim, settings
) -> None:
    from psa.registry import reset_provider_cache

    settings.PSA_READ_TIMEOUT = 1.0
    settings.PSA_MAX_RETRIES = 0
    reset_provider_cache()
    page = jordan_page
    modal = open_modal(page)
    summary = f"Label printer offline {uuid.uuid4().hex[:6]}"
    fill_full_form(modal, summary)

    sim.config(hang_rate=1.0, hang_seconds=2.0)
    modal.locator("#ticket-form button[type=submit]").click()
    expect(page.locator("#toasts .toast.toast-error").last).to_contain_text("Ticket not created")
    expect(modal.locator("input[name=summary]")).to_have_value(summary)  # the draft is kept

    sim.config(hang_rate=0.0)
    time.sleep(2.2)  # ConnectWise finishes the stalled create on its side
    modal.locator("#ticket-form button[type=submit]").click()

    ticket_id = created_ticket_id(page)
    assert sim.count("POST /service/tickets") == 1
    find_in_list(page, ticket_id, summary)  # exactly one ticket with that summary
