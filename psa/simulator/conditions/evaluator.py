"""Evaluating a parsed ``conditions`` tree against a record, with SQL's three-valued logic.

A comparison against a missing or null field is *unknown*; ``NOT`` keeps it unknown and it never
matches, except ``field = null`` / ``field != null``. ``compile_predicate`` builds the same test
once for scanning many records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from psa.simulator.conditions.lexer import parse_date
from psa.simulator.conditions.patterns import matches, pattern_regex
from psa.simulator.conditions.tree import And, Comparison, ConditionError, Node, Not, Or

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
            return parse_date(value, 0)
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
        found = matches(op, str(actual), str(expected))
        return not found if op.startswith("not") else found
    if op in ("=", "!=") and isinstance(expected, str) and isinstance(actual, str):
        equal = matches("=", actual, expected)
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
