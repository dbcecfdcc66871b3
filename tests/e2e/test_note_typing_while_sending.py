"""Issue 19 item 3: text typed into the note box while a note is sending is never thrown away.

ConnectWise answers slowly (1.5 s). The engineer adds a note with Ctrl+Enter and goes on typing
the next one; when the first note's answer replaces the composer, the next one is still there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_panel import open_first_ticket

pytestmark = pytest.mark.e2e


def test_typing_on_while_a_note_is_added_keeps_the_next_draft(jordan_page, sim) -> None:
    page = jordan_page
    open_first_ticket(page)
    expect(page.locator("ol#notes-outbox")).to_be_attached()
    box = page.locator("#composer textarea[name=text]")
    box.fill("Replaced the toner")
    sim.config(latency_ms=1500)

    box.press("Control+Enter")
    expect(page.locator("#composer button[type=submit]")).to_be_disabled()
    page.keyboard.type("Next: check the fuser")

    expect(page.locator("#toasts .toast").last).to_contain_text("note added")
    expect(page.locator("#notes-feed .note-text").last).to_have_text("Replaced the toner")
    expect(page.locator("#composer textarea[name=text]")).to_have_value("Next: check the fuser")
    expect(page.locator("#composer textarea[name=text]")).to_be_focused()

    # It is this ticket's draft now: it survives closing and reopening the panel.
    sim.config(latency_ms=0)
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    open_first_ticket(page)
    expect(page.locator("#composer textarea[name=text]")).to_have_value("Next: check the fuser")


def test_going_on_with_the_same_sentence_keeps_only_the_new_words(jordan_page, sim) -> None:
    page = jordan_page
    open_first_ticket(page)
    expect(page.locator("ol#notes-outbox")).to_be_attached()
    box = page.locator("#composer textarea[name=text]")
    box.fill("Customer says")
    sim.config(latency_ms=1500)

    box.press("Control+Enter")
    expect(page.locator("#composer button[type=submit]")).to_be_disabled()
    page.keyboard.type(" it works now")

    expect(page.locator("#toasts .toast").last).to_contain_text("note added")
    expect(page.locator("#notes-feed .note-text").last).to_have_text("Customer says")
    # What was sent is in the feed; the next draft is what was typed after it.
    expect(page.locator("#composer textarea[name=text]")).to_have_value("it works now")
