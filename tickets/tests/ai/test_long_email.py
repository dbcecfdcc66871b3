"""Every email regex linear on adversarial text as long as a pasted email thread."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tickets.ai.email_text import EmailText, read_email
from tickets.ai.offline import extract
from tickets.tests.ai.conftest import _reference

# --- adversarial text: every email regex stays linear -----------------------------------------------
# Each input is one the first version of a regex took quadratic time on (13 s for the address
# pattern on 20,000 characters), or the worst shape for a pattern that scans the whole paste. No
# timer: a regression shows as a test that takes minutes. Each case also checks the answer.

N = 20_000 - 200  # room for the headers around each run
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

    email = read_email(text)
    found = extract(text, _reference())

    assert email is not None and check(email)
    assert found.description == text.strip()
