"""A pasted email with its whole quoted thread: read through the JSON API and the modal up to
one limit (`tickets.ai.limits`), and every email regex linear on adversarial text that long.

Bayside tenant: Grace Wong (contact 1043) at Cypress Accounting (264)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tickets.ai.email_text import EmailText, read_email
from tickets.ai.limits import MAX_DESCRIPTION_CHARS, MAX_PROMPT_CHARS
from tickets.ai.offline import extract
from tickets.ai.resolver import DESCRIPTION_CUT
from tickets.tests.ai.conftest import _reference

BASE = "/api/integrations/psa"
CYPRESS, GRACE_WONG = 264, 1043

NEWEST = """From: Grace Wong <grace.wong@cypresscpa.example>
Sent: Monday, November 30, 2026 8:14 AM
To: support@baysideit.example
Cc: Martin Cole <martin.cole@cypresscpa.example>
Subject: RE: RE: RE: Outlook keeps freezing

Hi team,

Outlook is freezing again whenever I open a PDF attachment, same as before the update.

Thanks,
Grace Wong
Office Manager
Cypress Accounting
"""

# What was tried, one step per round of the thread (Anika asks, Grace answers).
_STEPS = (
    ("restart Outlook in safe mode (hold Ctrl while opening it)", "it opened fine in safe mode"),
    ("turn off the PDF preview handler under Trust Center", "that helped for a day or two"),
    ("run the Office quick repair from Apps & features", "the repair finished without errors"),
    ("clear the Outlook cache in %localappdata%", "I cleared it, it froze again by lunch"),
    ("update Adobe Reader to the latest version", "Reader is on the newest version now"),
    ("create a new Outlook profile from Mail in Control Panel", "the new profile froze as well"),
    ("send us the Event Viewer entries from this morning", "I attached a screenshot of them"),
    ("check whether it happens on Martin's PC too", "Martin has no problem on his machine"),
)


def _round(week: int, ask: str, answer: str) -> str:
    return f"""
-----Original Message-----
From: Grace Wong <grace.wong@cypresscpa.example>
Sent: Friday, October {week + 1}, 2026 4:02 PM
To: Anika Patel <apatel@baysideit.example>
Subject: RE: Outlook keeps freezing

Hi Anika,

I tried what you said: {answer}. This is urgent for us, month end is close and the partners
need the statements out of Outlook every morning. I am at my desk all day if you want to
remote in, the TeamViewer ID is on the sticker under the monitor as usual.

Thanks,
Grace

-----Original Message-----
From: Anika Patel <apatel@baysideit.example>
Sent: Friday, October {week}, 2026 11:40 AM
To: Grace Wong <grace.wong@cypresscpa.example>
Subject: RE: Outlook keeps freezing

Hi Grace,

Thanks for the details. Could you {ask} and let me know whether Outlook still freezes when
you open an attachment? If it does, we will look at the add-ins next and, failing that,
reinstall Office on that PC after hours so nobody loses any work.

Kind regards,
Anika Patel
Service Desk, Bayside IT
"""


def thread(rounds: int) -> str:
    return NEWEST + "".join(_round(w, *_STEPS[w % len(_STEPS)]) for w in range(1, rounds + 1))


# --- through the JSON API and the modal ------------------------------------------------------------


@pytest.mark.django_db
def test_a_reply_with_its_quoted_thread_is_read_whole_through_the_api(jordan_api) -> None:
    email = thread(rounds=6)
    assert 4000 < len(email) < MAX_DESCRIPTION_CHARS  # refused by the old 4,000 limit

    response = jordan_api.post(f"{BASE}/tickets/ai-parse", {"prompt": email}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["company_id"], body["contact_id"]) == (CYPRESS, GRACE_WONG)
    assert body["summary"] == "Outlook keeps freezing"
    assert body["priority_id"] is None  # "This is urgent" is last month's, quoted
    assert body["description"] == email.strip()
    assert DESCRIPTION_CUT not in body["warnings"]


@pytest.mark.django_db
def test_a_thread_longer_than_a_ticket_holds_keeps_its_newest_part(jordan_api) -> None:
    email = thread(rounds=12)
    assert MAX_DESCRIPTION_CHARS < len(email) <= MAX_PROMPT_CHARS

    response = jordan_api.post(f"{BASE}/tickets/ai-parse", {"prompt": email}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["company_id"] == CYPRESS
    assert body["description"] == email[:MAX_DESCRIPTION_CHARS].rstrip()
    assert DESCRIPTION_CUT in body["warnings"]


@pytest.mark.django_db
def test_the_modal_reads_a_paste_longer_than_the_limit_as_far_as_the_api_would(
    client, demo
) -> None:
    client.force_login(demo.jordan)
    email = thread(rounds=30)
    assert len(email) > MAX_PROMPT_CHARS

    response = client.post(
        "/tickets/new/parse/",
        {"prompt": email, "idempotency_key": "long-thread"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Cypress Accounting"' in html
    assert DESCRIPTION_CUT in html


# --- adversarial text: every email regex stays linear -----------------------------------------------
# Each input is one the first version of a regex took quadratic time on (13 s for the address
# pattern on 20,000 characters), or the worst shape for a pattern that scans the whole paste. No
# timer: a regression shows as a test that takes minutes. Each case also checks the answer.

N = MAX_PROMPT_CHARS - 200  # room for the headers around each run
HEAD = "From: Grace Wong <grace.wong@cypresscpa.example>\nSubject: Help\n\n"


def _no_address(email: EmailText) -> bool:
    return email.senders[0].address == ""


ADVERSARIAL: dict[str, tuple[str, Callable[[EmailText], bool]]] = {
    "a From with no @ in a long run of address characters": (
        "From: " + "a." * (N // 2),
        _no_address,
    ),
    "a From whose domain never ends": ("From: a@" + "b-" * (N // 2) + "@", _no_address),
    "a Cc of address characters before the real address": (
        "Subject: x\nCc: " + "a." * (N // 2) + " martin.cole@cypresscpa.example",
        lambda e: e.cc == ("martin.cole@cypresscpa.example",),
    ),
    "a subject prefix without its colon": (
        "Subject: re" + " " * N + "x",
        lambda e: e.subject.startswith("re") and e.subject.endswith("x"),
    ),
    "a subject prefix with a bracket that never closes": (
        "Subject: re" + " " * N + "[1",
        lambda e: e.subject.endswith("[1"),
    ),
    "bold-header stars with no colon": (
        HEAD + "**From" + "*" * N,
        lambda e: e.ask.startswith("**From"),
    ),
    "dashes that never say forwarded": (
        HEAD + "-" * N + "forwarded",
        lambda e: e.ask.endswith("forwarded"),
    ),
    "an 'On ...' line that never says wrote": (
        HEAD + "On " + "x " * (N // 2),
        lambda e: e.ask.startswith("On x"),
    ),
    "a greeting followed by a sea of spaces": (
        HEAD + "Hi " + "a" * 40 + " " * N + "\nThe printer is jammed.",
        lambda e: e.ask.endswith("The printer is jammed."),
    ),
    "a sign-off line that turns out not to be one": (
        HEAD + "The printer is jammed.\n\nThanks" + " " * N + "x",
        lambda e: e.ask.startswith("The printer is jammed.") and e.ask.endswith("x"),
    ),
    "thousands of quoted lines": (
        HEAD + "> old news\n\n" * (N // 12) + "The printer is jammed.",
        lambda e: e.ask == "The printer is jammed.",
    ),
    "thousands of signature name lines": (
        HEAD
        + "The printer is jammed.\n\nThanks,\n"
        + "Grace Wong Cypress Accounting\n" * (N // 30),
        lambda e: e.ask == "The printer is jammed.",
    ),
}


@pytest.mark.parametrize("case", ADVERSARIAL, ids=list(ADVERSARIAL))
def test_adversarial_email_text_of_the_full_limit_is_read(case: str) -> None:
    text, check = ADVERSARIAL[case]
    assert len(text) <= MAX_PROMPT_CHARS

    email = read_email(text)
    found = extract(text, _reference())

    assert email is not None and check(email)
    assert found.description == text.strip()
