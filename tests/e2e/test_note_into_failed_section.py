"""Issue 19 item 9: a note added while the panel's notes section shows an error appears in the
panel (the section is loaded again, with the note), instead of going nowhere."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_note_added_under_a_failed_notes_section_shows_up(jordan_page, sim) -> None:
    page = jordan_page
    link = page.locator("li.ticket-row a.ticket-link").first
    sim.config(fail_rate=1)
    link.click()  # the panel opens from the listed row; its sections cannot load
    expect(page.locator("#panel .psa-error").first).to_be_visible()
    # The notes section itself has answered with its error (its loading placeholder is gone):
    # the first error shown may be the assignees section's while the notes are still retrying.
    expect(page.locator("#panel-context")).to_have_count(0)
    expect(page.locator("#notes-feed")).to_have_count(0)
    expect(page.locator("ol#notes-outbox")).to_be_attached()

    sim.config(fail_rate=0)
    text = f"Reseated the SFP module {uuid.uuid4().hex[:6]}"
    page.locator("#composer textarea[name=text]").fill(text)
    page.locator("#composer button[type=submit]").click()

    expect(page.locator("#toasts .toast").last).to_contain_text("note added")
    expect(page.locator("#notes-feed")).to_contain_text(text)
    expect(page.locator("#notes-feed .note-text", has_text=text)).to_have_count(1)
