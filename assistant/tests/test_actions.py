"""The [ACTIONS] marker parser: the spec's format, and everything a model gets slightly wrong."""

from __future__ import annotations

import json

import pytest

from assistant.actions import SPIN_OFF, ParsedAction, parse_actions, render_marker

SPEC_EXAMPLE = """Let's look at the VPN first.

[ACTIONS]
[
{
"label": "Create ticket: Printer offline on 2nd floor",
"command": "create_spin_off_ticket",
"description": "Printer offline on 2nd floor"
}
]
[/ACTIONS]"""

PRINTER = ParsedAction(
    label="Create ticket: Printer offline on 2nd floor",
    command=SPIN_OFF,
    description="Printer offline on 2nd floor",
)


def test_the_spec_example_becomes_one_spin_off_action_and_clean_text() -> None:
    text, actions = parse_actions(SPEC_EXAMPLE)
    assert text == "Let's look at the VPN first."
    assert actions == [PRINTER]


def test_a_reply_without_a_marker_is_unchanged() -> None:
    assert parse_actions("  Restart the spooler.\n") == ("Restart the spooler.", [])


def test_marker_in_the_middle_is_removed_and_the_text_around_it_kept() -> None:
    reply = 'Before.\n[ACTIONS][{"label": "L", "command": "create_spin_off_ticket", "description": "Wi-Fi down"}][/ACTIONS]\nAfter.'
    text, actions = parse_actions(reply)
    assert text == "Before.\n\nAfter."
    assert [a.description for a in actions] == ["Wi-Fi down"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[{not json}]", id="malformed-json"),
        pytest.param('[{"label": "x", "command": "create_spin_off_ticket"', id="truncated-json"),
        pytest.param('"just a string"', id="a-string"),
        pytest.param("42", id="a-number"),
        pytest.param("", id="empty"),
        pytest.param("[]", id="empty-list"),
        pytest.param('["a", 1, null, true]', id="items-not-objects"),
    ],
)
def test_malformed_markers_are_dropped_never_raised(body: str) -> None:
    text, actions = parse_actions(f"Answer.\n[ACTIONS]{body}[/ACTIONS]")
    assert text == "Answer."
    assert actions == []


def test_unknown_commands_are_dropped_and_known_ones_kept() -> None:
    items = [
        {"label": "Run script", "command": "run_powershell", "description": "Remove-Item C:\\"},
        {"label": "Open KB", "command": "open_kb_article", "description": "KB123"},
        {"label": "Create ticket: UPS beeping", "command": SPIN_OFF, "description": "UPS beeping"},
    ]
    _, actions = parse_actions(f"x [ACTIONS]{json.dumps(items)}[/ACTIONS]")
    assert [a.command for a in actions] == [SPIN_OFF]
    assert actions[0].description == "UPS beeping"


def test_fields_of_the_wrong_type_or_missing_are_tolerated() -> None:
    items = [
        {"label": 5, "command": SPIN_OFF, "description": "Scanner offline"},  # label: made up
        {"label": "Create ticket: Door badge reader dead", "command": SPIN_OFF},  # from label
        {"label": "", "command": SPIN_OFF, "description": ""},  # nothing to go on
        {"label": "L", "command": ["create_spin_off_ticket"], "description": "D"},  # not a string
    ]
    _, actions = parse_actions(f"[ACTIONS]{json.dumps(items)}[/ACTIONS]")
    assert actions == [
        ParsedAction("Create ticket: Scanner offline", SPIN_OFF, "Scanner offline"),
        ParsedAction("Create ticket: Door badge reader dead", SPIN_OFF, "Door badge reader dead"),
    ]


def test_a_single_object_code_fences_case_and_spacing_are_accepted() -> None:
    reply = (
        'Done.\n[ actions ]\n```json\n{"label": "Create ticket: NAS full", '
        '"command": "create_spin_off_ticket", "description": "NAS full"}\n```\n[ /Actions ]'
    )
    text, actions = parse_actions(reply)
    assert text == "Done."
    assert [a.description for a in actions] == ["NAS full"]


def test_an_unclosed_marker_never_shows_its_json() -> None:
    reply = 'Check the toner.\n[ACTIONS]\n[{"label": "Create ticket: x", "command": "create_sp'
    assert parse_actions(reply) == ("Check the toner.", [])


def test_a_stray_closing_tag_is_removed() -> None:
    assert parse_actions("All good. [/ACTIONS]") == ("All good.", [])


def test_two_markers_are_merged_and_duplicates_removed() -> None:
    one = json.dumps([{"label": "a", "command": SPIN_OFF, "description": "Printer offline"}])
    two = json.dumps(
        [
            {"label": "b", "command": SPIN_OFF, "description": "printer OFFLINE"},
            {"label": "c", "command": SPIN_OFF, "description": "Wi-Fi down"},
        ]
    )
    _, actions = parse_actions(f"[ACTIONS]{one}[/ACTIONS] mid [ACTIONS]{two}[/ACTIONS]")
    assert [a.description for a in actions] == ["Printer offline", "Wi-Fi down"]


def test_long_values_are_cut_and_whitespace_collapsed() -> None:
    item = {"label": "L " * 300, "command": SPIN_OFF, "description": "word\n\t  " * 200}
    _, [action] = parse_actions(f"[ACTIONS][{json.dumps(item)}][/ACTIONS]")
    assert len(action.label) <= 200 and len(action.description) <= 500
    assert "\n" not in action.description and "  " not in action.description


def test_not_a_string_is_an_empty_reply() -> None:
    assert parse_actions(None) == ("", [])  # type: ignore[arg-type]


def test_render_marker_round_trips() -> None:
    marker = render_marker([PRINTER])
    assert parse_actions(f"Text.\n\n{marker}") == ("Text.", [PRINTER])
    assert render_marker([]) == ""
