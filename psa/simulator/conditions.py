"""The ConnectWise Manage ``conditions`` language: tokenizer, recursive-descent parser, evaluator.

Grammar (keywords are case-insensitive)::

    expression  := or_expr
    or_expr     := and_expr ( "OR" and_expr )*
    and_expr    := unary ( "AND" unary )*
    unary       := "NOT" unary | primary
    primary     := "(" expression ")" | comparison
    comparison  := FIELD operator operand
    operator    := "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "like" | "in"
                 | "not" ( "contains" | "like" | "in" )
    operand     := value | "(" value ( "," value )* ")"      -- the list form only after (not) in
    value       := STRING | NUMBER | "true" | "false" | "null" | DATE

* ``FIELD`` is a path of names joined by ``/`` (``board/id``, ``_info/dateEntered``).
* ``STRING`` is ``"..."`` or ``'...'``. There are no escape sequences: a string ends at the
  first closing quote of the kind that opened it, so ``'say "hi"'`` is the text ``say "hi"``.
* ``DATE`` is ``[2026-01-01T00:00:00Z]`` (any ISO 8601 form; naive values are read as UTC).
* ``AND`` binds tighter than ``OR``. A chain of the same operator at one level becomes one
  node with all its operands; parentheses are kept as written (``(a AND b) AND c`` is
  ``And((And((a, b)), c))``) and a single operand is never wrapped.

Evaluation follows SQL semantics, because ConnectWise turns conditions into SQL: string
comparisons ignore case, and a comparison against a missing or null field is *unknown*, which
``NOT`` keeps unknown and which never matches, except ``field = null`` / ``field != null``.

String patterns: what ConnectWise documents, and what we chose where it is silent
---------------------------------------------------------------------------------
Sources, as found with the search tools (stored copies of public pages):

* ConnectWise, "PSA API Requests" (developer.connectwise.com, last updated 2023-03-31; copy at
  gitea.resolutionflow.com/chihlasm/resolutionflow docs/connectwise/best-practices/): a malformed
  request is "400 Bad Request ... The client SHOULD NOT repeat the request without
  modifications". The copy reachable here is cut before its conditions section, so its words on
  strings are not quoted. The error body ``{"code", "message", "errors"}`` is from DESIGN.md.
* ConnectWise documentation, as recorded in our DESIGN.md: "a literal ``[`` in a parameter is
  written ``[[]`` and ``*`` is a wildcard".
* Infrascale, "ConnectWise Manage: Expression rules for matching" (docs.infrascale.com, third
  party): operators ``= != < <= > >= contains like in not``; ``like`` "requires use of ``%``
  (any character)" before, after or on both sides of the text.
* Rewst, "Querying and filtering in ConnectWise PSA actions" (third party): the same operators,
  strings in double quotes, nested fields with ``/``.
* Microsoft Learn, ODBC "LIKE predicate escape character": in LIKE, ``%`` matches zero or more
  characters and ``_`` any one; SQL Server's native form for a literal one is a bracket set,
  ``LIKE '[%]AAA%'``. Microsoft's "LIKE (Transact-SQL)" (from memory, not fetched here):
  ``[abc]``/``[a-f]`` is one character of a set or range, ``[^abc]`` one not in it, and ``[``
  itself is matched as ``[[]`` -- exactly ConnectWise's documented escape, which is why strings
  are read here as SQL Server LIKE patterns.

The rules this simulator applies to a string operand of ``=``, ``!=``, ``in``, ``not in``,
``like``, ``not like``, ``contains`` and ``not contains`` (``<``/``>`` compare plain text):

1. ``*`` matches any run of characters. Source: ConnectWise (DESIGN.md).
2. ``%`` matches any run of characters, ``_`` exactly one. Source: SQL Server LIKE, which
   ``like``/``contains`` map to (Infrascale shows ``%`` in ``like``). That ``=``/``in`` strings are
   patterns too is *stricter than ConnectWise: unconfirmed* -- the documented ``[[]``/``*`` rules
   are stated for "a parameter", not per operator; reading every string as a pattern means a
   client that forgets to escape ``_`` in an ``=`` over-matches here and is caught by tests.
3. ``[...]`` is one character of a set: ``[[]`` is a literal ``[`` (source: ConnectWise);
   ``[%]``, ``[_]``, ``[*]``, ``[\\]`` are literal ``%``, ``_``, ``*``, backslash; ``[^...]``
   negates and ``a-z`` is a range (source: SQL Server LIKE). That ConnectWise keeps a bracketed
   ``*`` as ``*`` (rather than rewriting it to ``%`` first) is *unconfirmed*.
4. A ``[`` with no ``]`` after it, an empty ``[]``, a negated empty ``[^]`` or a backwards range
   ``[z-a]`` is a 400 (*stricter than ConnectWise: unconfirmed*; what SQL Server or ConnectWise,
   whose dates are also bracketed, make of such a bracket is nothing to rely on).
5. ``]`` outside brackets is an ordinary character (source: SQL Server LIKE, from memory).
6. ``contains "p"`` is ``like "%p%"``; ``like`` and ``=`` match the whole value.
7. No escape sequence inside a literal: a string ends at the first closing quote of the kind
   that opened it (ConnectWise documents none, so a client must never rely on one), and a
   backslash is an ordinary character -- so a client cannot write ``"`` inside ``"..."``.
8. Matching ignores case (SQL Server's default collations; Python's ``re.IGNORECASE``).

Public API (imported by the provider's property-based tests; keep it stable)::

    parse(text) -> Node          raises ConditionError on any malformed input
    evaluate(node, record) -> bool
    Comparison(field, op, value), And(operands), Or(operands), Not(operand)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any

__all__ = [
    "PATTERN_OPERATORS",
    "And",
    "Comparison",
    "ConditionError",
    "Node",
    "Not",
    "Or",
    "compile_predicate",
    "evaluate",
    "fields_of",
    "map_fields",
    "parse",
    "pattern_regex",
]


class ConditionError(ValueError):
    """A conditions string that is not valid ConnectWise syntax (or names an unknown field)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Comparison:
    field: str
    op: str
    value: object


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


Node = Comparison | And | Or | Not

OPERATORS = frozenset(
    {
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "contains",
        "like",
        "in",
        "not contains",
        "not like",
        "not in",
    }
)

# --------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class _Token:
    kind: str  # FIELD, KEYWORD, OP, STRING, NUMBER, DATE, LPAREN, RPAREN, COMMA, END
    value: Any
    pos: int
    text: str


_KEYWORDS = frozenset({"and", "or", "not", "contains", "like", "in", "true", "false", "null"})
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER_RE = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_SYMBOL_OPS = ("!=", "<=", ">=", "<>", "=", "<", ">")


def _parse_date(raw: str, pos: int) -> datetime:
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


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
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
            tokens.append(_Token("STRING", text[i + 1 : end], start, text[start : end + 1]))
            i = end + 1
        elif ch == "[":
            end = text.find("]", i + 1)
            if end < 0:
                raise ConditionError(f"Unterminated date starting at position {start}")
            raw = text[i + 1 : end]
            tokens.append(_Token("DATE", _parse_date(raw, start), start, text[start : end + 1]))
            i = end + 1
        elif ch == "(":
            tokens.append(_Token("LPAREN", ch, start, ch))
            i += 1
        elif ch == ")":
            tokens.append(_Token("RPAREN", ch, start, ch))
            i += 1
        elif ch == ",":
            tokens.append(_Token("COMMA", ch, start, ch))
            i += 1
        elif ch in "!<>=":
            for op in _SYMBOL_OPS:
                if text.startswith(op, i):
                    tokens.append(_Token("OP", "!=" if op == "<>" else op, start, op))
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
            tokens.append(_Token("NUMBER", number, start, raw))
        elif ch.isalpha() or ch == "_":
            match = _NAME_RE.match(text, i)
            assert match is not None
            word = match.group(0)
            i = match.end()
            if i < n and text[i] == "/":
                raise ConditionError(f"Invalid field name {word + '/'!r} at position {start}")
            lowered = word.lower()
            if lowered in _KEYWORDS:
                tokens.append(_Token("KEYWORD", lowered, start, word))
            else:
                tokens.append(_Token("FIELD", word, start, word))
        else:
            raise ConditionError(f"Unexpected character {ch!r} at position {start}")
    tokens.append(_Token("END", None, n, ""))
    return tokens


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _peek(self, offset: int = 1) -> _Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "END":
            self.index += 1
        return token

    def _is_keyword(self, *words: str) -> bool:
        return self.current.kind == "KEYWORD" and self.current.value in words

    def _describe(self, token: _Token) -> str:
        return "end of conditions" if token.kind == "END" else f"{token.text!r}"

    def _error(self, expected: str) -> ConditionError:
        token = self.current
        return ConditionError(
            f"Expected {expected} but found {self._describe(token)} at position {token.pos}"
        )

    def parse(self) -> Node:
        if self.current.kind == "END":
            raise ConditionError("Conditions are empty")
        node = self._or()
        if self.current.kind != "END":
            raise self._error("AND, OR or end of conditions")
        return node

    def _or(self) -> Node:
        operands = [self._and()]
        while self._is_keyword("or"):
            self._advance()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def _and(self) -> Node:
        operands = [self._unary()]
        while self._is_keyword("and"):
            self._advance()
            operands.append(self._unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _unary(self) -> Node:
        if self._is_keyword("not"):
            self._advance()
            return Not(self._unary())
        return self._primary()

    def _primary(self) -> Node:
        token = self.current
        if token.kind == "LPAREN":
            self._advance()
            node = self._or()
            if self.current.kind != "RPAREN":
                raise self._error("')'")
            self._advance()
            return node
        if token.kind == "FIELD":
            return self._comparison()
        if token.kind == "KEYWORD" and token.value not in ("and", "or", "not"):
            raise ConditionError(
                f"Expected a field name but found the keyword {token.text!r} at position {token.pos}"
            )
        raise self._error("a field name, NOT or '('")

    def _comparison(self) -> Comparison:
        field_token = self._advance()
        op = self._operator()
        value_token = self.current
        if op in ("in", "not in"):
            value: object = self._value_list()
        else:
            value = self._value()
        if op in PATTERN_OPERATORS:
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, str):
                    try:
                        pattern_regex(item)
                    except ConditionError as error:
                        raise ConditionError(
                            f"{error.message} in the value at position {value_token.pos}"
                        ) from None
        return Comparison(field_token.value, op, value)

    def _operator(self) -> str:
        token = self.current
        if token.kind == "OP":
            self._advance()
            return str(token.value)
        if token.kind == "KEYWORD" and token.value in ("contains", "like", "in"):
            self._advance()
            return str(token.value)
        if token.kind == "KEYWORD" and token.value == "not":
            following = self._peek()
            if following.kind == "KEYWORD" and following.value in ("contains", "like", "in"):
                self._advance()
                self._advance()
                return f"not {following.value}"
            raise ConditionError(
                f"Expected contains, like or in after 'not' at position {following.pos}"
            )
        raise self._error("an operator (=, !=, <, <=, >, >=, contains, like, in, not)")

    def _value(self) -> object:
        token = self.current
        if token.kind in ("STRING", "NUMBER", "DATE"):
            self._advance()
            return token.value
        if token.kind == "KEYWORD" and token.value in ("true", "false", "null"):
            self._advance()
            return {"true": True, "false": False, "null": None}[token.value]
        if token.kind == "FIELD":
            raise ConditionError(
                f"Expected a value but found {token.text!r} at position {token.pos}: "
                "strings must be quoted"
            )
        raise self._error("a value")

    def _value_list(self) -> tuple[object, ...]:
        if self.current.kind != "LPAREN":
            raise self._error("'(' to open the list after in")
        self._advance()
        values = [self._value()]
        while self.current.kind == "COMMA":
            self._advance()
            values.append(self._value())
        if self.current.kind != "RPAREN":
            raise self._error("',' or ')' in the list")
        self._advance()
        return tuple(values)


def parse(text: str) -> Node:
    """Parse a conditions string into an AST; raise ConditionError if it is malformed."""
    if not isinstance(text, str):
        raise ConditionError("Conditions must be a string")
    return _parse_cached(text)


@lru_cache(maxsize=512)
def _parse_cached(text: str) -> Node:
    return _Parser(text).parse()


# --------------------------------------------------------------------------- helpers over the AST


def fields_of(node: Node) -> Iterator[str]:
    """Every field path the expression mentions, in order."""
    if isinstance(node, Comparison):
        yield node.field
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from fields_of(operand)
    else:
        yield from fields_of(node.operand)


def map_fields(node: Node, mapper: Callable[[str], str]) -> Node:
    """A copy of the expression with every field path replaced by ``mapper(path)``."""
    if isinstance(node, Comparison):
        return Comparison(mapper(node.field), node.op, node.value)
    if isinstance(node, And):
        return And(tuple(map_fields(o, mapper) for o in node.operands))
    if isinstance(node, Or):
        return Or(tuple(map_fields(o, mapper) for o in node.operands))
    return Not(map_fields(node.operand, mapper))


# --------------------------------------------------------------------------- evaluation

_MISSING = object()


def _lookup(record: object, parts: tuple[str, ...]) -> object:
    """Resolve a path in a record; names match case-insensitively; lists match any element."""
    current: object = record
    for index, part in enumerate(parts):
        if isinstance(current, list):
            return [_lookup(item, parts[index:]) for item in current]
        if not isinstance(current, dict):
            return _MISSING
        if part in current:
            current = current[part]
            continue
        lowered = part.lower()
        for key, value in current.items():
            if key.lower() == lowered:
                current = value
                break
        else:
            return _MISSING
    return current


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            return _parse_date(value, 0)
        except ConditionError:
            return None
    return None


def _normalise(actual: object, expected: object) -> tuple[object, object] | None:
    """Bring a record value and a literal to comparable types, or None if they cannot be."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        if isinstance(expected, bool) and isinstance(actual, bool):
            return actual, expected
        return None
    if isinstance(expected, datetime):
        moment = _as_datetime(actual)
        return None if moment is None else (moment, expected)
    if isinstance(expected, int | float):
        if isinstance(actual, int | float):
            return actual, expected
        if isinstance(actual, str):
            try:
                return float(actual), expected
            except ValueError:
                return None
        return None
    if isinstance(expected, str):
        if isinstance(actual, str):
            return actual.casefold(), expected.casefold()
        if isinstance(actual, int | float):
            try:
                return actual, float(expected)
            except ValueError:
                return str(actual).casefold(), expected.casefold()
        return None
    return None


# Operators whose string operand is a pattern (see "String patterns" in the module docstring).
PATTERN_OPERATORS = frozenset(
    {"=", "!=", "in", "not in", "like", "not like", "contains", "not contains"}
)


def _bracket_class(content: str) -> str:
    """A regex class for the inside of a ``[...]`` (rule 3), or ConditionError (rule 4)."""
    negated = content.startswith("^")
    body = content[1:] if negated else content
    if not body:
        raise ConditionError(f"Empty character set [{content}]")
    pieces, i = [], 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            low, high = body[i], body[i + 2]
            if low > high:
                raise ConditionError(f"Backwards range [{low}-{high}]")
            pieces.append(f"{re.escape(low)}-{re.escape(high)}")
            i += 3
        else:
            pieces.append(re.escape(body[i]))
            i += 1
    return "[" + ("^" if negated else "") + "".join(pieces) + "]"


@lru_cache(maxsize=1024)
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """The regex for a ConnectWise string pattern (rules 1-5), matched with ``fullmatch``."""
    parts, i, n = [], 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch in "*%":
            parts.append(".*")
        elif ch == "_":
            parts.append(".")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise ConditionError(
                    f"Unclosed '[' at offset {i} of {pattern!r}: write a literal '[' as '[[]'"
                )
            parts.append(_bracket_class(pattern[i + 1 : end]))
            i = end
        else:
            parts.append(re.escape(ch))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _matches(op: str, text: str, pattern: str) -> bool:
    regex = pattern_regex(pattern)
    if op.endswith("contains"):
        # ``contains "p"`` is ``like "%p%"`` (rule 6): the pattern anywhere in the text.
        return regex.search(text) is not None
    return regex.fullmatch(text) is not None


def _compare_scalar(op: str, actual: object, expected: object) -> bool | None:
    """Three-valued comparison of one record value against one literal."""
    if expected is None:
        if op == "=":
            return actual is None
        if op == "!=":
            return actual is not None
        return None
    if actual is None:
        return None
    if op in ("contains", "not contains", "like", "not like"):
        if not isinstance(actual, str | int | float) or isinstance(actual, bool):
            return None
        found = _matches(op, str(actual), str(expected))
        return not found if op.startswith("not") else found
    if op in ("=", "!=") and isinstance(expected, str) and isinstance(actual, str):
        equal = _matches("=", actual, expected)
        return equal if op == "=" else not equal
    pair = _normalise(actual, expected)
    if pair is None:
        return None
    left, right = pair
    try:
        if op == "=":
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right  # type: ignore[operator]
        if op == "<=":
            return left <= right  # type: ignore[operator]
        if op == ">":
            return left > right  # type: ignore[operator]
        if op == ">=":
            return left >= right  # type: ignore[operator]
    except TypeError:
        return None
    raise ConditionError(f"Unknown operator {op!r}")


def _compare(op: str, actual: object, expected: object) -> bool | None:
    if actual is _MISSING:
        actual = None
    if isinstance(actual, list):
        # A path through a list matches when any element matches.
        results = [_compare(op, item, expected) for item in actual]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) or not results else False
    if op in ("in", "not in"):
        assert isinstance(expected, tuple)
        results = [_compare_scalar("=", actual, item) for item in expected]
        if any(r is True for r in results):
            found: bool | None = True
        elif any(r is None for r in results):
            found = None
        else:
            found = False
        if op == "not in":
            return None if found is None else not found
        return found
    return _compare_scalar(op, actual, expected)


_Predicate3 = Callable[[dict[str, Any]], bool | None]


def _junction(operands: Sequence[_Predicate3], *, decisive: bool) -> _Predicate3:
    """SQL's three-valued AND (``decisive=False``) or OR (``decisive=True``).

    The first operand that gives the decisive value settles it; otherwise one unknown operand
    makes the whole unknown.
    """

    def junction(record: dict[str, Any]) -> bool | None:
        unknown = False
        for operand in operands:
            result = operand(record)
            if result is decisive:
                return decisive
            if result is None:
                unknown = True
        return None if unknown else not decisive

    return junction


def _evaluate3(node: Node, record: dict[str, Any]) -> bool | None:
    if isinstance(node, Comparison):
        parts = tuple(node.field.split("/"))
        return _compare(node.op, _lookup(record, parts), node.value)
    if isinstance(node, And | Or):
        operands = [partial(_evaluate3, operand) for operand in node.operands]
        return _junction(operands, decisive=isinstance(node, Or))(record)
    if isinstance(node, Not):
        result = _evaluate3(node.operand, record)
        return None if result is None else not result
    raise TypeError(f"Not a condition node: {node!r}")


def evaluate(node: Node, record: dict[str, Any]) -> bool:
    """True when the record matches the expression (unknown counts as no match, as in SQL)."""
    return _evaluate3(node, record) is True


def _compile_lookup(parts: tuple[str, ...]) -> Callable[[Any], object]:
    """Exact-key lookups first (fields are usually canonical), the general walk otherwise."""
    if len(parts) == 1:
        (key,) = parts

        def one(record: Any) -> object:
            if isinstance(record, dict) and key in record:
                return record[key]
            return _lookup(record, parts)

        return one

    def many(record: Any) -> object:
        current = record
        for part in parts:
            if isinstance(current, dict) and part in current:
                current = current[part]
            else:
                return _lookup(record, parts)
        return current

    return many


def _compile_comparison(n: Comparison) -> Callable[[dict[str, Any]], bool | None]:
    lookup = _compile_lookup(tuple(n.field.split("/")))
    op, expected = n.op, n.value
    # Fast paths for the common shapes; anything unusual takes the general comparison.
    if op == "=" and isinstance(expected, bool):

        def eq_bool(record: dict[str, Any]) -> bool | None:
            actual = lookup(record)
            if isinstance(actual, bool):
                return actual is expected
            return _compare(op, actual, expected)

        return eq_bool
    if op == "=" and isinstance(expected, int):

        def eq_int(record: dict[str, Any]) -> bool | None:
            actual = lookup(record)
            if type(actual) is int:
                return actual == expected
            return _compare(op, actual, expected)

        return eq_int
    if op in ("contains", "not contains") and isinstance(expected, str):
        search, negate = pattern_regex(expected).search, op == "not contains"

        def contains(record: dict[str, Any]) -> bool | None:
            actual = lookup(record)
            if isinstance(actual, str):
                return (search(actual) is not None) is not negate
            return _compare(op, actual, expected)

        return contains
    return lambda record: _compare(op, lookup(record), expected)


def compile_predicate(node: Node) -> Callable[[dict[str, Any]], bool]:
    """A fast predicate for filtering many records with one expression."""

    def build(n: Node) -> _Predicate3:
        if isinstance(n, Comparison):
            return _compile_comparison(n)
        if isinstance(n, And | Or):
            return _junction([build(o) for o in n.operands], decisive=isinstance(n, Or))
        inner = build(n.operand)

        def neg(record: dict[str, Any]) -> bool | None:
            result = inner(record)
            return None if result is None else not result

        return neg

    compiled = build(node)
    return lambda record: compiled(record) is True
