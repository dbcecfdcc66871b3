"""The slide-out ticket panel: notes, status, assignees, notes composer."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def open_first_ticket(page):
    """Click the first row; returns (ticket id, row locator) once the panel's context loaded."""
    link = page.locator("li.ticket-row a.ticket-link").first
    ticket_id = link.get_attribute("data-ticket-id")
    summary = link.locator(".t-summary").inner_text()
    link.click()
    panel = page.locator("#panel")
    expect(panel).to_be_visible()
    expect(page.locator("#panel-title")).to_have_text(summary)
    expect(page).to_have_url(re.compile(rf"[?&]ticket={ticket_id}(&|$)"))
    expect(page.locator("#notes-feed")).to_be_visible()
    expect(page.locator("#panel-resources")).to_have_attribute("aria-busy", "false")
    return ticket_id, page.locator(f"#ticket-row-{ticket_id}")


def test_open_panel_shows_the_row_then_loads_notes(jordan_page) -> None:
    page = jordan_page
    ticket_id, _ = open_first_ticket(page)

    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    notes = page.locator("#notes-feed li.note")
    expect(notes.first).to_be_visible()
    expect(notes.first.locator(".badge")).to_have_text(
        re.compile(r"^(Discussion|Internal|Resolution)$")
    )
    expect(page.locator("#panel-context")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#panel .skeleton")).to_have_count(0)


def test_deep_link_opens_the_panel_server_side(jordan_page) -> None:
    page = jordan_page
    ticket_id = page.locator("li.ticket-row a.ticket-link").nth(2).get_attribute("data-ticket-id")

    page.goto(f"/tickets/?ticket={ticket_id}")

    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page.locator("#notes-feed li.note").first).to_be_visible()


def test_change_status_toasts_and_updates_the_row_badge(jordan_page) -> None:
    page = jordan_page
    ticket_id, row = open_first_ticket(page)
    select = page.locator("#status-control select")
    old = select.locator("option:checked").inner_text().strip()
    expect(row.locator(".t-status .badge")).to_have_text(old)
    new = next(
        label.strip()
        for label in select.locator("option").all_inner_texts()
        if label.strip() not in (old,) and "(closed)" not in label
    )

    select.select_option(label=new)

    expect(page.locator("#toasts .toast").last).to_have_text(f"#{ticket_id}: {old} → {new}")
    expect(row.locator(".t-status .badge")).to_have_text(new)
    expect(page.locator("#status-control select option:checked")).to_have_text(new)
    expect(page.locator("#status-control select")).to_be_enabled()

    page.reload()  # ConnectWise really has it
    expect(page.locator(f"#ticket-row-{ticket_id} .t-status .badge")).to_have_text(new)


def test_add_and_remove_an_assignee(jordan_page) -> None:
    page = jordan_page
    ticket_id, row = open_first_ticket(page)
    resources = page.locator("#panel-resources")
    chips = resources.locator(".chip")
    before = chips.count()
    add = resources.locator("select[name=member_id]")
    name = add.locator("optgroup[label='Other ConnectWise members'] option").first.inner_text()
    name = name.strip()

    add.select_option(label=name)
    resources.locator("button[type=submit]", has_text="Add").click()

    expect(page.locator("#toasts .toast").last).to_have_text(f"{name} assigned to #{ticket_id}.")
    expect(chips.filter(has_text=name)).to_have_count(1)
    expect(chips).to_have_count(before + 1)
    initials = (name.split()[0][0] + name.split()[-1][0]).upper()
    avatars = row.locator(".t-assignees .avatar")
    expect(avatars).to_have_count(before + 1)
    expect(avatars.filter(has_text=re.compile(rf"^{initials}$"))).to_have_count(1)
    # the member is no longer offered twice
    expect(
        page.locator("#panel-resources select[name=member_id] option", has_text=name)
    ).to_have_count(0)

    page.get_by_role("button", name=f"Remove {name}").click()

    expect(page.locator("#toasts .toast").last).to_have_text(f"Removed {name} from #{ticket_id}.")
    expect(page.locator("#panel-resources .chip").filter(has_text=name)).to_have_count(0)
    expect(page.locator("#panel-resources .chip")).to_have_count(before)
    expect(avatars).to_have_count(before)
    expect(avatars.filter(has_text=re.compile(rf"^{initials}$"))).to_have_count(0)


def test_add_an_internal_note_shows_it_in_the_feed(jordan_page) -> None:
    page = jordan_page
    ticket_id, _ = open_first_ticket(page)
    feed = page.locator("#notes-feed li.note")
    before = feed.count()
    text = f"Swapped the PSU, watching it overnight ({uuid.uuid4().hex[:8]})"

    composer = page.locator("#composer")
    composer.locator("input[name=type][value=internal]").check()
    composer.locator("textarea[name=text]").fill(text)
    composer.get_by_role("button", name="Add note").click()

    expect(page.locator("#toasts .toast").last).to_have_text(
        f"Internal note added to #{ticket_id}."
    )
    expect(feed).to_have_count(before + 1)
    added = feed.filter(has_text=text)
    expect(added).to_have_count(1)
    expect(added.locator(".badge")).to_have_text("Internal")
    expect(added).to_contain_text("Jordan")
    expect(page.locator("#composer textarea[name=text]")).to_have_value("")

    page.reload()  # it is in ConnectWise, not only on the page
    expect(page.locator("#notes-feed li.note").filter(has_text=text)).to_have_count(1)


def test_a_note_written_while_connectwise_fails_is_queued_then_lands_once(jordan_page, sim) -> None:
    from tickets.outbox import outbox_drain

    page = jordan_page
    open_first_ticket(page)
    text = f"Customer says it broke after the Tuesday patch ({uuid.uuid4().hex[:8]})"
    composer = page.locator("#composer")
    composer.locator("input[name=type][value=internal]").check()
    composer.locator("textarea[name=text]").fill(text)

    sim.config(fail_rate=1.0)
    composer.get_by_role("button", name="Add note").click()

    queued = page.locator("#notes-outbox li").filter(has_text=text)
    expect(queued).to_contain_text("Queued — will post when ConnectWise answers")
    expect(page.locator("#toasts .toast").last).to_contain_text("queued")
    expect(page.locator("#composer textarea[name=text]")).to_have_value("")
    expect(page.locator("#notes-feed li.note").filter(has_text=text)).to_have_count(0)

    sim.config(fail_rate=0.0)  # ConnectWise is back; nobody clicks anything
    assert outbox_drain(now=timezone.now() + timedelta(minutes=5))["posted"] == 1

    # The outbox list polls every 10 s: the note moves into the feed by itself.
    expect(page.locator("#notes-feed li.note").filter(has_text=text)).to_have_count(
        1, timeout=15_000
    )
    expect(page.locator("#notes-outbox li")).to_have_count(0)
    page.reload()
    expect(page.locator("#notes-feed li.note").filter(has_text=text)).to_have_count(1)
    assert sim.count("POST /service/tickets/{id}/notes") == 2  # the 500, then the one that landed


def test_a_note_connectwise_refuses_keeps_the_typed_draft(jordan_page, cw_sim) -> None:
    page = jordan_page
    ticket_id, _ = open_first_ticket(page)
    text = "Rolling back KB5034441"
    composer = page.locator("#composer")
    composer.locator("input[name=type][value=internal]").check()
    composer.locator("textarea[name=text]").fill(text)
    store = cw_sim.app.registry.store("baysideit")
    with store.lock:  # someone deleted the ticket in ConnectWise meanwhile: a 404, for good
        store.delete("tickets", int(ticket_id))

    composer.get_by_role("button", name="Add note").click()

    expect(page.locator("#toasts .toast.toast-error").last).to_contain_text("Note not added")
    expect(page.locator("#composer .error-text")).to_contain_text("Your note is still here.")
    expect(page.locator("#composer textarea[name=text]")).to_have_value(text)
    expect(page.locator("#composer input[name=type][value=internal]")).to_be_checked()


def test_a_failed_status_change_reverts_and_says_why(jordan_page, sim) -> None:
    page = jordan_page
    _, row = open_first_ticket(page)
    select = page.locator("#status-control select")
    old = select.locator("option:checked").inner_text().strip()
    new = next(
        label.strip()
        for label in select.locator("option").all_inner_texts()
        if label.strip() != old and "(closed)" not in label
    )
    sim.config(fail_rate=1.0)

    select.select_option(label=new)

    expect(page.locator("#toasts .toast.toast-error")).to_contain_text("Status not changed")
    expect(page.locator("#status-control select option:checked")).to_have_text(old)
    expect(row.locator(".t-status .badge")).to_have_text(old)


def test_on_a_phone_the_panel_is_full_screen(jordan_page) -> None:
    page = jordan_page
    page.set_viewport_size({"width": 390, "height": 844})
    open_first_ticket(page)

    box = page.locator("#panel").bounding_box()
    assert box is not None
    assert (box["x"], box["width"]) == (0, 390)
    page.get_by_role("button", name="Close ticket panel").click()
    expect(page.locator("#panel")).to_be_hidden()
