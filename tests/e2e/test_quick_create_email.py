"""Issue 23: a client's email pasted into Quick Create, or dropped / picked as an .eml file,
becomes the reviewed form: the sender's address settles the company and contact (Kevin Wong is
a contact at two companies; his address says which), the subject is the summary and the
description keeps the whole email."""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

EMAIL = """From: Kevin Wong <kevin.wong@greenleaflaw.example>
To: support@baysideit.example
Subject: RE: RE: Scanner not sending to email

Hi team,

Still broken this morning, the scanner says SMTP error. Urgent please.

Thanks,
Kevin Wong

On Mon, Nov 2, 2026 at 4:40 PM Anika Patel <apatel@baysideit.example> wrote:
> Can you try again now? Acme Corp had the same.
"""


def eml_bytes() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Kevin Wong <kevin.wong@quickfixauto.example>"
    msg["To"] = "support@baysideit.example"
    msg["Subject"] = "Fwd: Shop PC won't print invoices"
    msg.set_content(
        "Hello,\n\nThe shop PC won't print invoices since this morning.\n\nKevin Wong\n"
    )
    msg.add_alternative("<p>HTML copy that must not be read</p>", subtype="html")
    return bytes(msg)


def open_quick_create(page):
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    expect(modal.locator("#ticket-form")).to_be_attached()
    modal.locator("[data-tab=quick]").click()
    return modal


def expect_review(modal, *, company: str, contact: str, summary: str) -> None:
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")
    expect(modal.locator("#new-company-q")).to_have_value(re.compile(company))
    expect(modal.locator("#draft-resolved")).to_contain_text(f"Contact: {contact}")
    expect(modal.locator("#ticket-form input[name=summary]")).to_have_value(summary)


def test_a_pasted_email_becomes_the_reviewed_form(jordan_page) -> None:
    modal = open_quick_create(jordan_page)
    modal.locator("#quick-form textarea[name=prompt]").fill(EMAIL)
    modal.locator("#quick-form button[type=submit]").click()

    expect_review(
        modal, company="Greenleaf", contact="Kevin Wong", summary="Scanner not sending to email"
    )
    priority = modal.locator("select[name=priority_id] option:checked")
    expect(priority).to_contain_text("Emergency")
    description = modal.locator("#ticket-form textarea[name=description]")
    expect(description).to_have_value(re.compile(r"^From: Kevin Wong <kevin\.wong@greenleaflaw"))
    expect(description).to_have_value(re.compile("Acme Corp had the same"))


def test_a_picked_eml_file_becomes_the_reviewed_form(jordan_page, tmp_path: Path) -> None:
    modal = open_quick_create(jordan_page)
    path = tmp_path / "kevin.eml"
    path.write_bytes(eml_bytes())
    modal.locator("#quick-form input[name=eml]").set_input_files(path)

    expect_review(
        modal,
        company="Quick Fix",
        contact="Kevin Wong",
        summary="Shop PC won't print invoices",
    )
    description = modal.locator("#ticket-form textarea[name=description]")
    expect(description).not_to_have_value(re.compile("HTML copy"))
    # the file is forgotten once read: the next parse reads the box
    expect(modal.locator("#quick-form input[name=eml]")).to_have_value("")


def test_a_dropped_eml_file_becomes_the_reviewed_form(jordan_page) -> None:
    page = jordan_page
    modal = open_quick_create(page)
    box = modal.locator("#quick-form textarea[name=prompt]")
    files = page.evaluate_handle(
        """(text) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], "kevin.eml", {type: "message/rfc822"}));
            return dt;
        }""",
        eml_bytes().decode(),
    )
    box.dispatch_event("dragover", {"dataTransfer": files})
    box.dispatch_event("drop", {"dataTransfer": files})

    expect_review(
        modal,
        company="Quick Fix",
        contact="Kevin Wong",
        summary="Shop PC won't print invoices",
    )
