"""The offline engine: troubleshooting for the common MSP problems, and spin-off detection."""

from __future__ import annotations

import pytest

from assistant.actions import SPIN_OFF, parse_actions
from assistant.llm import ChatContext, OfflineEngine, Turn
from assistant.llm.offline import summarize
from assistant.llm.topics import find_topics

ENGINE = OfflineEngine()
OUTLOOK_TICKET = ChatContext(
    linked_ticket_id=1180,
    linked_summary="Outlook not syncing for Ben Alvarez",
    company_name="BrightPath Realty",
    board_name="Service Desk",
)
UNLINKED = ChatContext()


def converse(messages: list[str], context: ChatContext = UNLINKED) -> list[tuple[str, list]]:
    """Each user message with the engine's (text, actions) reply, history carried along."""
    history: list[Turn] = []
    replies = []
    for message in messages:
        history.append(Turn("user", message))
        raw = ENGINE.reply(history=history, context=context)
        history.append(Turn("assistant", raw))
        replies.append(parse_actions(raw))
    return replies


def last(messages: list[str], context: ChatContext = UNLINKED) -> tuple[str, list]:
    return converse(messages, context)[-1]


def descriptions(messages: list[str], context: ChatContext = UNLINKED) -> list[str]:
    return [a.description for a in last(messages, context)[1]]


# --- troubleshooting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "heading", "expect"),
    [
        ("The printer on the 3rd floor shows offline", "printer", "Print Spooler"),
        ("Outlook isn't syncing for Dana since this morning", "email", "Outlook on the web"),
        ("User's VPN keeps disconnecting every 10 minutes", "VPN", "MFA"),
        ("No internet at the main office", "internet / Wi-Fi", "ipconfig /all"),
        ("Wi-Fi in the conference room is a dead zone", "internet / Wi-Fi", "access point"),
        ("Veeam backup job failed on FS01 last night", "backup", "vssadmin list writers"),
        ("Low disk space on CONTO-SRV01 (C: 4% free)", "disk space", "TreeSize"),
        ("Maria is locked out of her account", "password / sign-in", "4740"),
        ("Laptop running very slow for Andre", "slow computer", "Task Manager"),
        ("Teams calls keep dropping audio", "Teams / meeting audio", "Devices"),
        ("The S: drive mapping disappeared", "shared drive", "net use"),
        ("Desk phones show no dial tone", "phone", "PoE"),
        ("Second monitor stays black on the dock", "hardware", "known-good"),
    ],
)
def test_common_problems_get_practical_first_line_checks(
    message: str, heading: str, expect: str
) -> None:
    text, actions = last([message])
    assert f"**First-line checks — {heading}**" in text
    assert expect in text
    assert "\n1. " in text and "\n3. " in text  # ordered steps
    assert actions == []


def test_an_unrecognised_problem_gets_a_sensible_generic_answer() -> None:
    text, actions = last(["The accounting app shows a weird licence message"])
    assert "**First-line checks — general**" in text
    assert "exact error message" in text
    assert actions == []


def test_follow_ups_move_to_next_checks_then_escalation() -> None:
    first, second, third = converse(
        ["Outlook won't sync for Ben", "tried all that, still not syncing", "still nothing"],
        OUTLOOK_TICKET,
    )
    assert "**First-line checks — email**" in first[0]
    assert "**Next checks — email**" in second[0] and "message trace" in second[0]
    assert "escalate" in third[0] and "#1180" in third[0]


def test_a_fixed_problem_gets_wrap_up_advice_with_the_linked_ticket() -> None:
    _, (text, actions) = converse(
        ["Outlook won't sync", "That worked, it's syncing now!"], OUTLOOK_TICKET
    )
    assert "resolution note to #1180" in text
    assert actions == []


def test_greetings_and_thanks_get_short_answers() -> None:
    hello, thanks = converse(["hi", "thanks!"])
    assert "What are you working on?" in hello[0]
    assert thanks[0].startswith("You're welcome")


def test_the_engine_is_deterministic() -> None:
    history = [Turn("user", "Printer jammed. Also the VPN is down for everyone.")]
    assert ENGINE.reply(history=history, context=UNLINKED) == ENGINE.reply(
        history=history, context=UNLINKED
    )


# --- spin-off detection: a second, separate problem --------------------------------------------------------


def test_the_brief_example_in_a_session_linked_to_an_outlook_ticket() -> None:
    text, actions = last(
        [
            "Ben still can't get Outlook to sync after a restart. Oh, and the printer on the "
            "2nd floor is offline too."
        ],
        OUTLOOK_TICKET,
    )
    assert [(a.command, a.label, a.description) for a in actions] == [
        (
            SPIN_OFF,
            "Create ticket: Printer on the 2nd floor is offline",
            "Printer on the 2nd floor is offline",
        )
    ]
    # it still helps with the session's own problem, and says what it suggested
    assert "**First-line checks — email**" in text
    assert "spin-off ticket in the TaskLane" in text
    assert "[ACTIONS]" not in text


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        pytest.param(
            ["Outlook won't sync", "also the internet at the office keeps dropping"],
            ["Internet at the office keeps dropping"],
            id="also-later-message",
        ),
        pytest.param(
            ["The front desk printer is jammed", "By the way, Sarah's laptop is really slow."],
            ["Sarah's laptop is really slow"],
            id="by-the-way",
        ),
        pytest.param(
            [
                "Maria is locked out",
                "Another thing: the backup job failed on the file server last night.",
            ],
            ["Backup job failed on the file server last night"],
            id="another-thing",
        ),
        pytest.param(
            ["VPN keeps dropping for Ramon", "The scanner on the ground floor is jammed."],
            ["Scanner on the ground floor is jammed"],
            id="later-message-without-a-cue",
        ),
        pytest.param(
            ["Outlook still won't sync, and the Wi-Fi in the boardroom keeps dropping as well."],
            ["Wi-Fi in the boardroom keeps dropping"],
            id="as-well-in-the-first-message",
        ),
        pytest.param(
            ["Printer offline on 2nd floor", "Also, can you reset Maria's password?"],
            ["Reset Maria's password"],
            id="a-request",
        ),
        pytest.param(
            [
                "Outlook won't sync",
                "Oh and the printer is out of toner, and also the S: drive is gone for accounts.",
            ],
            ["Printer is out of toner", "S: drive is gone for accounts"],
            id="two-separate-problems",
        ),
    ],
)
def test_a_second_separate_problem_suggests_a_spin_off(
    messages: list[str], expected: list[str]
) -> None:
    assert descriptions(messages) == expected


@pytest.mark.parametrize(
    "messages",
    [
        pytest.param(
            ["The printer upstairs is offline", "also the printer still shows offline"],
            id="same-topic",
        ),
        pytest.param(
            ["Printer offline", "I tried printing from Outlook and nothing comes out"],
            id="tangential-mention-with-the-primary-topic",
        ),
        pytest.param(
            ["Outlook won't sync", "also, I checked the VPN and it's connected"],
            id="another-topic-but-not-a-problem",
        ),
        pytest.param(
            ["Outlook won't sync", "by the way, the VPN isn't the problem"],
            id="ruled-out",
        ),
        pytest.param(
            ["Outlook won't sync", "Also I rebooted the router"], id="reports-what-was-done"
        ),
        pytest.param(
            ["VPN keeps disconnecting", "also the internet keeps dropping at home"],
            id="related-topic-same-incident",
        ),
        pytest.param(["The printer and Outlook are both broken"], id="first-message-two-topics"),
        pytest.param(["Outlook keeps asking for a password"], id="one-problem"),
        pytest.param(["Outlook won't sync", "Oh, and the coffee machine is broken"], id="unknown"),
        pytest.param(["hi", "also the printer is offline"], id="no-first-problem-yet"),
        pytest.param(["Outlook won't sync", "still not working"], id="a-follow-up"),
    ],
)
def test_no_spin_off_for_the_same_problem_or_tangents(messages: list[str]) -> None:
    assert descriptions(messages) == []


def test_the_linked_ticket_is_the_first_problem() -> None:
    # A printer problem in a session about an Outlook ticket is separate even in the first message.
    assert descriptions(["The printer upstairs won't print."], OUTLOOK_TICKET) == [
        "Printer upstairs won't print"
    ]
    # ... and Outlook talk in it is not.
    assert descriptions(["Also Outlook is still failing to sync"], OUTLOOK_TICKET) == []


def test_the_same_separate_problem_is_not_suggested_twice() -> None:
    replies = converse(
        [
            "Outlook won't sync. Oh, and the printer on the 2nd floor is offline too.",
            "Also the printer on the 2nd floor is still offline",
            "still not syncing",
        ],
        UNLINKED,
    )
    assert [len(actions) for _, actions in replies] == [1, 0, 0]


def test_only_the_new_problem_is_answered_when_the_message_is_only_about_it() -> None:
    text, _ = last(["Outlook won't sync", "also the internet at the office keeps dropping"])
    assert "Let me know how the email problem is going." in text
    assert "**Separate issue: Internet at the office keeps dropping.**" in text
    assert "Scope it: one device" in text  # quick checks for the new problem


@pytest.mark.parametrize(
    ("clause", "summary"),
    [
        (
            "oh, and the printer on the 2nd floor is offline too.",
            "Printer on the 2nd floor is offline",
        ),
        ("btw I think the NAS is full", "NAS is full"),
        ("also, can you please reset Omar's password?", "Reset Omar's password"),
        ("the " + "very " * 40 + "slow laptop", "Very " + "very " * 14 + "very"),
    ],
)
def test_summaries_are_short_ticket_titles(clause: str, summary: str) -> None:
    result = summarize(clause)
    assert result == summary
    assert len(result) <= 80


def test_topics_are_found_in_the_order_mentioned() -> None:
    assert [t.key for t in find_topics("Site-to-site VPN down between offices")] == ["vpn"]
    assert [t.key for t in find_topics("Low disk space on CONTO-SRV01 (C: 4% free)")] == ["disk"]
    assert [t.key for t in find_topics("Scanner to email failing")] == ["printer", "email"]
    assert find_topics("Firewall rule request: allow SFTP to vendor") == []
