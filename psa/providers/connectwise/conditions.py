"""Build ConnectWise `conditions` strings from typed values.

ConnectWise's condition language: strings in double quotes, numbers bare, booleans bare
(`true`/`false`), `null`, datetimes in square brackets (`[2026-01-01T00:00:00Z]`), `AND`/`OR`,
parentheses, `contains`, `like` (with `*`/`%` wildcards), `in (..)`, nested fields with `/`.

ConnectWise documents **no escape sequence** inside a string literal, so a user's text cannot be
carried through verbatim if it contains a double quote. `sanitize()` therefore *removes* the
characters that could end or confuse a literal instead of trying to escape them:

* `"` and `\\` become a space (a backslash is removed too, in case a server treats it as an escape);
* control characters, line/paragraph separators and surrogates become a space;
* runs of whitespace collapse to one space, and the ends are trimmed.

The result can never leave its string literal, whatever the input: a search for
`" OR id>0 OR summary="` is the literal text `OR id>0 OR summary=`. The price is that a search
cannot match a summary on a literal double quote — an acceptable loss for free-text search.

Everything returned here is a `Condition`: a small value that knows whether it is a single
comparison or an `AND`/`OR` group, so combining never needs to guess where parentheses go.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

__all__ = [
    "Condition",
    "Value",
    "and_",
    "contains",
    "eq",
    "in_",
    "is_null",
    "like",
    "list_member",
    "literal",
    "ne",
    "not_",
    "or_",
    "quote",
    "sanitize",
]

Value = str | int | bool | datetime | date | None

_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_WILDCARDS = ("*", "%")


@dataclass(frozen=True, slots=True)
class Condition:
    """A piece of a conditions string. `op` says how it is grouped at its top level."""

    text: str
    op: Literal["", "AND", "OR"] = ""

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


# --- literals ---------------------------------------------------------------------------------------


def sanitize(text: str) -> str:
    """Make `text` safe to sit inside a `"…"` literal (see the module docstring)."""
    out = []
    for ch in text:
        if ch in '"\\' or unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def quote(text: str) -> str:
    """A double-quoted string literal holding the sanitised `text`."""
    return f'"{sanitize(text)}"'


def literal(value: Value) -> str:
    """Render a typed value the way ConnectWise expects it."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("conditions need timezone-aware datetimes")
        return f"[{value.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}]"
    if isinstance(value, date):
        return f"[{value.isoformat()}T00:00:00Z]"
    if isinstance(value, str):
        return quote(value)
    raise TypeError(f"cannot use {type(value).__name__} in a ConnectWise condition")


def _field(name: str) -> str:
    if not _FIELD_RE.match(name):
        raise ValueError(f"not a ConnectWise field name: {name!r}")
    return name


# --- comparisons ------------------------------------------------------------------------------------


def _compare(field: str, op: str, value: Value) -> Condition:
    return Condition(f"{_field(field)} {op} {literal(value)}")


def eq(field: str, value: Value) -> Condition:
    return _compare(field, "=", value)


def ne(field: str, value: Value) -> Condition:
    return _compare(field, "!=", value)


def is_null(field: str) -> Condition:
    return Condition(f"{_field(field)} = null")


def contains(field: str, text: str) -> Condition:
    return Condition(f"{_field(field)} contains {quote(text)}")


def like(field: str, pattern: str) -> Condition:
    """`field like "pattern"`. The caller owns the wildcards: `pattern` is sanitised, not escaped."""
    return Condition(f"{_field(field)} like {quote(pattern)}")


def in_(field: str, values: Iterable[Value]) -> Condition:
    rendered = [literal(v) for v in values]
    if not rendered:
        raise ValueError("in_() needs at least one value")
    return Condition(f"{_field(field)} in ({', '.join(rendered)})")


def list_member(field: str, item: str, *, separator: str = ", ") -> Condition:
    """`field` (a `separator`-joined list such as a ticket's `resources`) holds exactly `item`.

    A bare `contains` would let `jsmith` match `jsmithson`, so match the four exact positions:
    the whole value, first, last, or between two separators.

    `item` must not contain wildcard characters (ConnectWise has no way to escape them).
    """
    clean = sanitize(item)
    if not clean or any(w in clean for w in _WILDCARDS) or separator.strip() in clean:
        raise ValueError(f"cannot match list item {item!r} exactly")
    return or_(
        eq(field, clean),
        like(field, f"{clean}{separator}*"),
        like(field, f"*{separator}{clean}"),
        like(field, f"*{separator}{clean}{separator}*"),
    )


# --- grouping ---------------------------------------------------------------------------------------


def _join(op: Literal["AND", "OR"], parts: Iterable[Condition | None]) -> Condition:
    present = [p for p in parts if p is not None and p]
    if not present:
        return Condition("")
    if len(present) == 1:
        return present[0]  # a lone operand keeps its own grouping
    pieces = [f"({p.text})" if p.op and p.op != op else p.text for p in present]
    return Condition(f" {op} ".join(pieces), op)


def and_(*parts: Condition | None) -> Condition:
    """All of `parts` (empty parts and `None` are skipped)."""
    return _join("AND", parts)


def or_(*parts: Condition | None) -> Condition:
    """Any of `parts` (empty parts and `None` are skipped)."""
    return _join("OR", parts)


def not_(part: Condition) -> Condition:
    if not part:
        raise ValueError("not_() needs a condition")
    inner = f"({part.text})" if part.op else part.text
    return Condition(f"not {inner}")
