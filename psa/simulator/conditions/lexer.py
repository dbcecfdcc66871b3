"""The ``conditions`` tokenizer: names, operators, keywords, strings, numbers and ``[dates]``.

The grammar the tokens feed is in ``parser``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from psa.simulator.conditions.tree import ConditionError


@dataclass(frozen=True)
class Token:
    kind: str  # FIELD, KEYWORD, OP, STRING, NUMBER, DATE, LPAREN, RPAREN, COMMA, END
    value: Any
    pos: int
    text: str


_KEYWORDS = frozenset({"and", "or", "not", "contains", "like", "in", "true", "false", "null"})
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER_RE = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_SYMBOL_OPS = ("!=", "<=", ">=", "<>", "=", "<", ">")


def parse_date(raw: str, pos: int) -> datetime:
    text = raw.strip()
    if not text:
        raise ConditionError(f"Empty date literal at position {pos}")
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        raise ConditionError(
            f"Invalid date [{raw}] at position {pos}: use [2026-01-01T00:00:00Z]"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if ch in "\"'":
            end = text.find(ch, i + 1)
            if end < 0:
                raise ConditionError(f"Unterminated string starting at position {start}")
            tokens.append(Token("STRING", text[i + 1 : end], start, text[start : end + 1]))
            i = end + 1
        elif ch == "[":
            end = text.find("]", i + 1)
            if end < 0:
                raise ConditionError(f"Unterminated date starting at position {start}")
            raw = text[i + 1 : end]
            tokens.append(Token("DATE", parse_date(raw, start), start, text[start : end + 1]))
            i = end + 1
        elif ch == "(":
            tokens.append(Token("LPAREN", ch, start, ch))
            i += 1
        elif ch == ")":
            tokens.append(Token("RPAREN", ch, start, ch))
            i += 1
        elif ch == ",":
            tokens.append(Token("COMMA", ch, start, ch))
            i += 1
        elif ch in "!<>=":
            for op in _SYMBOL_OPS:
                if text.startswith(op, i):
                    tokens.append(Token("OP", "!=" if op == "<>" else op, start, op))
                    i += len(op)
                    break
            else:
                raise ConditionError(f"Unexpected character {ch!r} at position {start}")
        elif ch.isdigit() or (
            ch in "-." and i + 1 < n and (text[i + 1].isdigit() or text[i + 1] == ".")
        ):
            match = _NUMBER_RE.match(text, i)
            if not match:
                raise ConditionError(f"Invalid number at position {start}")
            raw = match.group(0)
            number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
            i = match.end()
            if i < n and (text[i].isalnum() or text[i] == "_"):
                raise ConditionError(f"Invalid number {text[start : i + 1]!r} at position {start}")
            tokens.append(Token("NUMBER", number, start, raw))
        elif ch.isalpha() or ch == "_":
            match = _NAME_RE.match(text, i)
            assert match is not None
            word = match.group(0)
            i = match.end()
            if i < n and text[i] == "/":
                raise ConditionError(f"Invalid field name {word + '/'!r} at position {start}")
            lowered = word.lower()
            if lowered in _KEYWORDS:
                tokens.append(Token("KEYWORD", lowered, start, word))
            else:
                tokens.append(Token("FIELD", word, start, word))
        else:
            raise ConditionError(f"Unexpected character {ch!r} at position {start}")
    tokens.append(Token("END", None, n, ""))
    return tokens
