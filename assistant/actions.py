"""The `[ACTIONS] … [/ACTIONS]` marker: a JSON array of {label, command, description} in a reply.

`parse_actions(reply)` returns the reply without its markers and the actions it suggested.
It never raises: malformed JSON, items that are not objects and unknown commands are dropped
(and logged), so a model that gets the format slightly wrong costs a suggestion, never a reply.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

SPIN_OFF = "create_spin_off_ticket"
KNOWN_COMMANDS = frozenset({SPIN_OFF})
MAX_ACTIONS = 3
LABEL_MAX = 200
DESCRIPTION_MAX = 500

_OPEN = r"\[\s*ACTIONS\s*\]"
_CLOSE = r"\[\s*/\s*ACTIONS\s*\]"
_MARKER = re.compile(rf"{_OPEN}(?P<body>.*?){_CLOSE}", re.IGNORECASE | re.DOTALL)
_UNCLOSED = re.compile(rf"{_OPEN}(?P<body>.*)\Z", re.IGNORECASE | re.DOTALL)
_STRAY = re.compile(rf"{_OPEN}|{_CLOSE}", re.IGNORECASE)
_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*|\s*```\s*$")


@dataclass(frozen=True, slots=True)
class ParsedAction:
    label: str
    command: str
    description: str


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:limit].strip()


def _items(body: str) -> list[Any]:
    body = _FENCE.sub("", body.strip())
    if not body:
        return []
    try:
        data = json.loads(body)
    except ValueError:
        log.info("dropping an [ACTIONS] marker that is not JSON: %.80r", body)
        return []
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        log.info("dropping an [ACTIONS] marker that is not a JSON array")
        return []
    return data


def _action(item: Any) -> ParsedAction | None:
    if not isinstance(item, dict):
        return None
    command = _text(item.get("command"), 64)
    if command not in KNOWN_COMMANDS:
        log.info("dropping an unknown action command %r", command)
        return None
    label = _text(item.get("label"), LABEL_MAX)
    description = _text(item.get("description"), DESCRIPTION_MAX)
    if not description:
        # The description is what pre-fills the ticket prompt; a label alone still says it.
        description = re.sub(r"^create (a )?(spin-off )?ticket:\s*", "", label, flags=re.I)
    if not description:
        return None
    if not label:
        label = f"Create ticket: {description}"[:LABEL_MAX]
    return ParsedAction(label=label, command=command, description=description)


def _unique(actions: Iterable[ParsedAction]) -> list[ParsedAction]:
    seen: set[tuple[str, str]] = set()
    result = []
    for action in actions:
        key = (action.command, action.description.casefold())
        if key not in seen:
            seen.add(key)
            result.append(action)
    return result[:MAX_ACTIONS]


def _clean(text: str) -> str:
    text = _STRAY.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def parse_actions(reply: str) -> tuple[str, list[ParsedAction]]:
    """(the reply without markers, its known actions in order, without duplicates)."""
    if not isinstance(reply, str):
        return "", []
    bodies: list[str] = []

    def take(match: re.Match[str]) -> str:
        bodies.append(match.group("body"))
        return "\n"

    text = _MARKER.sub(take, reply)
    # A reply cut off inside its marker (max tokens) must not show the raw JSON to the engineer.
    text = _UNCLOSED.sub(take, text)
    actions = [a for body in bodies for item in _items(body) if (a := _action(item)) is not None]
    return _clean(text), _unique(actions)


def render_marker(actions: Iterable[ParsedAction]) -> str:
    """The marker for `actions`, as a model writes it (for replaying history to a model)."""
    payload = [
        {"label": a.label, "command": a.command, "description": a.description} for a in actions
    ]
    if not payload:
        return ""
    return "[ACTIONS]\n" + json.dumps(payload, ensure_ascii=False, indent=1) + "\n[/ACTIONS]"
