"""Build ConnectWise `conditions` strings from typed values.

ConnectWise's condition language: strings in double quotes, numbers bare, booleans bare
(`true`/`false`), `null`, datetimes in square brackets (`[2026-01-01T00:00:00Z]`), `AND`/`OR`,
parentheses, `contains`, `like`, `in (..)`, nested fields with `/`.

Strings are patterns. ConnectWise documents that a literal `[` is written `[[]` and that `*` is
a wildcard; `like`/`contains` become SQL Server `LIKE`, where `%` is any run, `_` any one
character and `[...]` a set (the rules and their sources are in `psa/simulator/conditions/patterns.py`).
So every user text goes through `escape()`, which turns it into a pattern matching exactly that
text, using the one escape SQL Server `LIKE` has -- a one-character set:

* `[` `*` `%` `_` become `[[]` `[*]` `[%]` `[_]`; a backslash becomes `[\\]` (a literal backslash
  under `LIKE`, and never followed by a quote, so even a server that read backslash escapes could
  not be tricked into ending the literal early). `]` alone is an ordinary character.
* `"` cannot be written at all: ConnectWise documents no escape inside a `"..."` literal, and a
  `["]` would still end it. It becomes `_`, one arbitrary character at that place, so a search for
  `say "hi"` finds `say "hi"` (and also `say 'hi'`). Control characters, line/paragraph separators
  and lone surrogates become `_` too (they cannot travel safely in a URL parameter). This is the
  only place a search is broader than its text, and it is broader *in the condition itself*, so
  ConnectWise's paging and `/count` stay consistent with what is shown.
* Everything else, non-ASCII included, is sent as it is (requests percent-encodes it as UTF-8).

The result can never leave its string literal, whatever the input: a search for
`" OR id>0 OR summary="` is the pattern `_ OR id>0 OR summary=_`.

Equality uses the documented form only where it is unambiguous: `eq(field, text)` is
`field = "text"` when the text needs no escape but `[[]`, and `field like "<escaped>"` otherwise,
because whether ConnectWise's `=` honours `%`/`_`/`[*]` is undocumented while `LIKE`'s rules are
SQL Server's. `like()` takes a pattern whose wildcards the caller owns; build it from `escape()`d
pieces.

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
    "escape",
    "ge",
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
    "writable",
]

Value = str | int | bool | datetime | date | None

_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


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

# The one escape SQL Server LIKE has: a one-character set. `]` alone needs none.
_ESCAPES = {"[": "[[]", "*": "[*]", "%": "[%]", "_": "[_]", "\\": "[\\]"}
_BACKSLASH = re.compile(r"\[\\\]|\\")
_ANY_ONE = "_"  # for what cannot be written at all (see the module docstring)


def _unwritable(ch: str) -> bool:
    return ch == '"' or unicodedata.category(ch) in _UNSAFE_CATEGORIES


def escape(text: str) -> str:
    """A pattern matching exactly `text` (a `"` or control character: any one character)."""
    return "".join(_ESCAPES.get(ch) or (_ANY_ONE if _unwritable(ch) else ch) for ch in text)


def writable(text: str) -> bool:
    """True when `escape(text)` matches `text` and nothing else (case aside)."""
    return not any(_unwritable(ch) for ch in text)


def _plain(text: str) -> str | None:
    """`text` in the documented `=` form (only `[` -> `[[]`), or None if it needs LIKE escapes."""
    simple = text.replace("[", "[[]")
    return simple if escape(text) == simple else None


def sanitize(text: str) -> str:
    """`text` with quotes, backslashes and control characters spaced out and whitespace collapsed.

    Not needed before any builder here (they escape); kept for callers that want tidy text.
    """
    out = []
    for ch in text:
        if ch in '"\\' or unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def quote(text: str) -> str:
    """A double-quoted pattern literal matching exactly `text` (see `escape`)."""
    return f'"{escape(text)}"'


def _quote_pattern(pattern: str) -> str:
    """A caller's pattern in quotes: its wildcards kept, only what could end the literal replaced."""
    # A backslash stays only as an escaped `[\\]` (as `escape()` writes it); a bare one becomes that.
    kept = _BACKSLASH.sub("[\\\\]", pattern)
    return '"' + "".join(_ANY_ONE if _unwritable(ch) else ch for ch in kept) + '"'


def literal(value: Value) -> str:
    """Render a typed value the way ConnectWise expects it.

    A string must be plain (see `_plain`): anything needing a LIKE escape goes through `eq()`,
    `ne()`, `contains()` or `like()`, which choose the operator that honours the escape.
    """
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
        plain = _plain(value)
        if plain is None:
            raise ValueError(f"{value!r} needs LIKE escapes: use eq(), ne() or contains()")
        return f'"{plain}"'
    raise TypeError(f"cannot use {type(value).__name__} in a ConnectWise condition")


def _field(name: str) -> str:
    if not _FIELD_RE.match(name):
        raise ValueError(f"not a ConnectWise field name: {name!r}")
    return name


# --- comparisons ------------------------------------------------------------------------------------


def _equality(field: str, value: Value, *, negate: bool) -> Condition:
    if isinstance(value, str) and _plain(value) is None:
        # `%`, `_`, `*`, `\\`, `"`: only LIKE has documented escapes for them.
        return Condition(f"{_field(field)} {'not like' if negate else 'like'} {quote(value)}")
    return Condition(f"{_field(field)} {'!=' if negate else '='} {literal(value)}")


def eq(field: str, value: Value) -> Condition:
    """`field` equals `value`; a string matches exactly that text (case aside)."""
    return _equality(field, value, negate=False)


def ne(field: str, value: Value) -> Condition:
    return _equality(field, value, negate=True)


def ge(field: str, value: int | datetime | date) -> Condition:
    """`field >= value` for a number or a moment. Strings are refused: how ConnectWise orders text
    (collation, patterns) is nothing to rely on."""
    if isinstance(value, bool) or not isinstance(value, int | datetime | date):
        raise TypeError(f"ge() compares numbers and dates, not {type(value).__name__}")
    return Condition(f"{_field(field)} >= {literal(value)}")


def is_null(field: str) -> Condition:
    return Condition(f"{_field(field)} = null")


def contains(field: str, text: str) -> Condition:
    """`field` contains exactly `text` (case aside; see `escape` for `"`)."""
    return Condition(f"{_field(field)} contains {quote(text)}")


def like(field: str, pattern: str) -> Condition:
    """`field like "pattern"`. The caller owns the wildcards: build `pattern` from `escape()`d text."""
    return Condition(f"{_field(field)} like {_quote_pattern(pattern)}")


def in_(field: str, values: Iterable[Value]) -> Condition:
    listed = list(values)
    if not listed:
        raise ValueError("in_() needs at least one value")
    if any(isinstance(v, str) and _plain(v) is None for v in listed):
        return or_(*(eq(field, v) for v in listed))
    return Condition(f"{_field(field)} in ({', '.join(literal(v) for v in listed)})")


def list_member(field: str, item: str, *, separator: str = ", ") -> Condition:
    """`field` (a `separator`-joined list such as a ticket's `resources`) holds exactly `item`.

    A bare `contains` would let `jsmith` match `jsmithson`, so match the four exact positions:
    the whole value, first, last, or between two separators. `item` is escaped, so `j_smith`
    cannot match `jxsmith`; an item holding the separator, a quote or a control character cannot
    be matched exactly and is refused.
    """
    if not item or not writable(item) or separator.strip() in item:
        raise ValueError(f"cannot match list item {item!r} exactly")
    pattern = escape(item)
    return or_(
        eq(field, item),
        like(field, f"{pattern}{separator}*"),
        like(field, f"*{separator}{pattern}"),
        like(field, f"*{separator}{pattern}{separator}*"),
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
