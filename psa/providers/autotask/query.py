"""Autotask's JSON filter language, built from plain Python values.

`{"filter": [...], "MaxRecords": n, "IncludeFields": [...]}`: a condition is
`{"op", "field", "value"}`, a group `{"op": "and"|"or", "items": [...]}`; top-level items are
AND-ed (README "The query language" [C]). User text only ever travels as a JSON string value,
so, unlike ConnectWise's `conditions`, there is no quoting to get wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

MAX_RECORDS = 500
# "≤ 500 'or' conditions per query" [C for SOAP, U for REST]; each value of an `in` counts.
MAX_CONDITIONS = 500
# Autotask refuses an empty filter; "every record" is written as this (README [C idiom]).
EVERYTHING: dict[str, Any] = {"op": "gte", "field": "id", "value": 0}

Condition = dict[str, Any]


def cond(*, op: str, field: str, value: Any = None) -> Condition:
    if op in ("exist", "notExist"):
        return {"op": op, "field": field}
    return {"op": op, "field": field, "value": value}


def eq(*, field: str, value: Any) -> Condition:
    return cond(op="eq", field=field, value=value)


def in_(*, field: str, values: Iterable[int]) -> Condition:
    """`field in [...]`, de-duplicated and ordered so equal queries are equal JSON."""
    unique = sorted(set(values))
    if not unique:
        raise ValueError("an `in` needs at least one value (Autotask refuses an empty list)")
    if len(unique) > MAX_CONDITIONS:
        raise ValueError(f"an `in` takes at most {MAX_CONDITIONS} values")
    return {"op": "in", "field": field, "value": unique}


def any_of(*items: Condition) -> Condition:
    return {"op": "or", "items": list(items)}


def all_of(*items: Condition) -> Condition:
    return {"op": "and", "items": list(items)}


def utc(moment: datetime) -> str:
    """Autotask dates are UTC ISO-8601; a naive datetime is refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError("a datetime sent to Autotask must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def search(
    *,
    filters: Sequence[Condition],
    include_fields: Sequence[str] = (),
    max_records: int = MAX_RECORDS,
) -> dict[str, Any]:
    if not 1 <= max_records <= MAX_RECORDS:
        raise ValueError(f"MaxRecords must be 1..{MAX_RECORDS}")
    body: dict[str, Any] = {"filter": list(filters) or [EVERYTHING], "MaxRecords": max_records}
    if include_fields:
        # `id` always: paging and every caller key on it.
        body["IncludeFields"] = ["id", *(f for f in include_fields if f != "id")]
    return body


def chunks(values: Sequence[int], *, size: int = MAX_CONDITIONS) -> list[list[int]]:
    """Ids in groups an `in` can carry (each value counts as one condition)."""
    unique = sorted(set(values))
    return [unique[i : i + size] for i in range(0, len(unique), size)]
