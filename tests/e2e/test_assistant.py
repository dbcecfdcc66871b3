"""ResolutionAssist: a session linked to a ticket, a second problem, a spin-off ticket from the TaskLane."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e

CREATED = re.compile(r"^Ticket #(\d+) created in ConnectWise$")
SECOND_PROBLEM = (
    "Ben still can't get Outlook to sync after a restart. Oh, and the printer on the 2nd floor "
    "is offline too."
)
SPIN_OFF = "Printer on the 2nd floor is offline"


def test_second_problem_becomes_a_spin_off_ticket_from_the_tasklane(
    page, e2e_demo, base_url, sim
) -> None:
    from assistant.models import SuggestedAction
    from tickets.selectors import ticket_get

    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.goto("/assistant/")
    expect(page.locator(".nav-item.is-active")).to_have_text("Assistant")

    # start a session linked to the ticket being worked
    page.get_by_label("ConnectWise ticket #").fill("1180")
    page.get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/assistant/\d+/$"))
    header = page.locator("#chat-header")
    expect(header.locator(".chat-linked")).to_contain_text(
        "#1180 · Outlook not syncing for Ben Alvarez"
    )
    expect(header.locator(".chat-linked")).to_contain_text("BrightPath Realty")
    modal = page.locator("#modal")

    # the header's New Ticket: the Full Form with the linked ticket's company; dismissed
    header.get_by_role("link", name="New Ticket").click()
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    expect(modal.locator("#new-company-q")).to_have_value("BrightPath Realty")
    expect(modal.locator("select[name=board_id] option:checked")).to_have_text("Service Desk")
    modal.get_by_role("button", name="Close").click()
    expect(modal).to_be_hidden()

    # a message with a second, separate problem
    composer = page.locator("#composer-text")
    composer.fill(SECOND_PROBLEM)
    composer.press("Enter")
    reply = page.locator("#message-list .msg-assistant:not(.is-pending)")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("First-line checks — email")
    expect(reply).to_contain_text("spin-off ticket in the TaskLane")
    expect(page.locator("#message-list .msg-user")).to_contain_text(SECOND_PROBLEM)
    expect(composer).to_have_value("")
    action = page.locator("#tasklane .lane-item")
    expect(action).to_have_count(1)
    expect(action.locator(".lane-label")).to_have_text(f"Create ticket: {SPIN_OFF}")

    # opening the modal and dismissing it leaves the action
    action.get_by_role("link", name="Create ticket").click()
    expect(modal.locator("#tabpanel-quick")).to_be_visible()
    prompt = modal.locator("#quick-form textarea[name=prompt]")
    expect(prompt).to_have_value(SPIN_OFF)
    modal.get_by_role("button", name="Close").click()
    expect(modal).to_be_hidden()
    expect(action).to_have_count(1)

    # again: the engineer runs the AI step and reviews before anything is created
    action.get_by_role("link", name="Create ticket").click()
    expect(prompt).to_have_value(SPIN_OFF)
    modal.locator("#quick-form button[type=submit]").click()
    expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    expect(modal.locator("#new-company-q")).to_have_value("BrightPath Realty")
    expect(modal.locator("#ticket-form input[name=summary]")).not_to_have_value("")
    expect(modal.locator("select[name=board_id]")).not_to_have_value("")
    assert sim.count("POST /service/tickets") == 0

    modal.locator("#ticket-form").get_by_role("button", name="Create ticket").click()

    toast = page.locator("#toasts .toast", has_text="created in ConnectWise")
    expect(toast).to_have_text(CREATED)
    match = CREATED.match(toast.inner_text().strip())
    assert match
    ticket_id = int(match.group(1))
    expect(modal).to_be_hidden()
    expect(page.locator("#tasklane .lane-item")).to_have_count(0)
    expect(page.locator("#tasklane .lane-done")).to_contain_text(f"#{ticket_id}")
    assert sim.count("POST /service/tickets") == 1

    # done for good, and the ticket is at the linked ticket's company
    done = SuggestedAction.objects.get()
    assert (done.status, done.created_ticket_id) == ("done", ticket_id)
    assert ticket_get(account=e2e_demo.bayside, ticket_id=ticket_id).company_id == 266
    page.reload()
    expect(page.locator("#tasklane .lane-done")).to_contain_text(f"#{ticket_id}")
    expect(page.locator("#tasklane .lane-item")).to_have_count(0)
