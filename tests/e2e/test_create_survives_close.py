"""Issue 19 item 1: closing the New Ticket dialog never abandons a Create on its way.

ConnectWise answers slowly (2.5 s): the engineer presses Create, then Esc. The ticket is filed
once, the engineer is told "#ID created" even though the dialog is closed, and reopening while
it is still on its way shows the same draft (same idempotency key, still "Creating…"), never a
fresh one whose Create would file a second ticket."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tickets.models import TicketCreateRequest

from .test_new_ticket import CREATED, fill_full_form, open_modal

pytestmark = pytest.mark.e2e


def _create_then_escape(page, sim) -> tuple[str, str]:
    modal = open_modal(page)
    summary = f"Badge reader at the loading dock {uuid.uuid4().hex[:6]}"
    fill_full_form(modal, summary)
    key = modal.locator("#ticket-form input[name=idempotency_key]").input_value()
    sim.config(latency_ms=2500)
    modal.locator("#ticket-form button[type=submit]").click()
    expect(modal.locator("#ticket-form button[type=submit]")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()
    return summary, key


def test_esc_while_creating_still_says_created_and_files_one_ticket(jordan_page, sim) -> None:
    page = jordan_page
    summary, _ = _create_then_escape(page, sim)

    toast = page.locator("#toasts .toast", has_text="created in ConnectWise")
    expect(toast).to_have_text(CREATED, timeout=20_000)
    assert sim.count("POST /service/tickets") == 1

    # Landed: the next New Ticket is a fresh, empty draft with a new key.
    sim.config(latency_ms=0)
    modal = open_modal(page)
    expect(modal.locator("input[name=summary]")).to_have_value("")
    assert TicketCreateRequest.objects.filter(summary=summary).count() == 1


def test_reopening_while_creating_shows_the_same_draft_and_never_files_twice(
    jordan_page, sim
) -> None:
    page = jordan_page
    summary, key = _create_then_escape(page, sim)

    page.keyboard.press("n")
    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    expect(modal.locator("input[name=summary]")).to_have_value(summary)
    expect(modal.locator("#ticket-form input[name=idempotency_key]")).to_have_value(key)
    expect(modal.locator("#ticket-form button[type=submit]")).to_be_disabled()

    toast = page.locator("#toasts .toast", has_text="created in ConnectWise")
    expect(toast).to_have_text(CREATED, timeout=20_000)
    expect(modal).to_be_hidden()  # the dialog closes when the ticket is created
    assert sim.count("POST /service/tickets") == 1
    ticket_id = re.search(r"#(\d+)", toast.inner_text())
    assert ticket_id is not None


def test_a_create_whose_answer_was_lost_is_retried_with_the_same_key(jordan_page, sim) -> None:
    """The key is kept across close and reopen until the create has an answer: an outage
    answer keeps the draft's key, so the retry settles the first attempt, never files twice."""
    page = jordan_page
    modal = open_modal(page)
    summary = f"UPS alarm in the server room {uuid.uuid4().hex[:6]}"
    fill_full_form(modal, summary)
    key = modal.locator("#ticket-form input[name=idempotency_key]").input_value()
    sim.config(fail_rate=1)
    modal.locator("#ticket-form button[type=submit]").click()
    expect(page.locator("#toasts .toast-error")).to_contain_text("Ticket not created")
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()

    sim.config(fail_rate=0)
    page.keyboard.press("n")
    expect(modal.locator("input[name=summary]")).to_have_value(summary)
    expect(modal.locator("#ticket-form input[name=idempotency_key]")).to_have_value(key)
