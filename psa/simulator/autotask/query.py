"""Autotask's query language: parse and check a search object, then match records against it.

``{"filter": [...], "MaxRecords": n, "IncludeFields": [...]}`` (README "The query language", from
Autotask's "Basic query calls" documentation and long-lived clients). Every refusal raises
:class:`QueryError`, answered as ``{"errors": [...]}`` with HTTP 500 like Autotask's other
validation errors. Rules, each with its source (C = confirmed, U = unconfirmed, so stricter):

* the 13 operators, ``and``/``or`` groups nestable, top-level items AND-ed [C];
* ``eq noteq gt gte lt lte beginsWith endsWith contains`` take one value, ``exist notExist`` none
  (a value given anyway is refused [U]), ``in notIn`` a non-empty list (empty refused [U]) [C];
* a filter is required and may not be empty [C idiom; U that Autotask refuses it - refused];
* an unknown field, a field that is not queryable, an unknown operator, or a value of the wrong
  type (a string for an integer field, ``"true"`` for a boolean: booleans are literal [C], a date
  that is not ISO-8601 [C]) is refused [U shape]; a date with an offset other than UTC is
  refused too (Autotask's dates are UTC [C]; whether it converts another offset is [U]);
* ``beginsWith endsWith contains`` only on string fields, ``gt/gte/lt/lte`` not on booleans [U];
* ``"udf": true`` names a user-defined field of the entity; one UDF per query ("You can only
  query by one user-defined field at a time": Autotask's UserDefinedFieldDefinitions entity
  page, developer help) [C];
* ``MaxRecords`` 1..500, default 500 [C]; ``IncludeFields`` names known fields [U refuse unknown];
* at most 500 conditions in one query, each value of an ``in``/``notIn`` list counting as one
  ("Queries are limited to 500 or fewer 'OR' conditions": Autotask's SOAP thresholds page) [C for
  SOAP, U for REST and for lists];
* field names are matched exactly as Autotask spells them (camelCase): the schema notes that
  Autotask matches them case-insensitively, unconfirmed for every field - stricter;
* string comparisons ignore case (Autotask's SQL Server collation) [U];
* a null field matches no comparison, ``noteq`` and ``notIn`` included (SQL's NULL semantics)
  [U]: a client that wants the nulls asks for them with ``notExist`` in an ``or`` group, which
  works whichever way Autotask treats them; only ``exist``/``notExist`` test for null.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from psa.simulator.autotask.schema import NOT_QUERYABLE

MAX_RECORDS = 500
MAX_CONDITIONS = 500
ONE_VALUE = {"eq", "noteq", "gt", "gte", "lt", "lte", "beginsWith", "endsWith", "contains"}
NO_VALUE = {"exist", "notExist"}
LIST_VALUE = {"in", "notIn"}
OPERATORS = ONE_VALUE | NO_VALUE | LIST_VALUE
GROUPS = {"and", "or"}
TEXT_ONLY = {"beginsWith", "endsWith", "contains"}
ORDERED = {"gt", "gte", "lt", "lte"}
# Autotask's own examples write these keys both ways ("filter"/"Filter"); nothing else is known.
TOP_KEYS = {
    "filter": "filter",
    "maxrecords": "MaxRecords",
    "includefields": "IncludeFields",
}


class QueryError(Exception):
    """A refused query: the message goes into Autotask's ``{"errors": [...]}``."""


Predicate = Callable[[dict[str, Any]], bool]


@dataclass
class Search:
    predicate: Predicate
    max_records: int = MAX_RECORDS
    include_fields: list[str] | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def parse_datetime(value: object) -> datetime | None:
    """An ISO-8601 date or date-time in UTC (``Z``, ``+00:00`` or no offset, as Autotask's are);
    None for anything else, another offset included."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment if moment.utcoffset() == timedelta(0) else None


def has_type(kind: str, value: Any) -> bool:
    """Whether a JSON value is one of the schema's field kinds: integers are JSON integers,
    booleans literal, dates UTC ISO-8601 strings (the query language and writes share it)."""
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "datetime":
        return parse_datetime(value) is not None
    return kind == "list" and isinstance(value, list)


def _check_value(name: str, kind: str, value: Any) -> None:
    if not has_type(kind, value):
        raise QueryError(
            f"Invalid value {value!r} for field {name}: expected a value of type {kind}."
        )


def _key(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        moment = parse_datetime(value)
        return None if moment is None else moment.timestamp()
    if kind == "string":
        return str(value).casefold()
    return value


def _record_value(record: dict[str, Any], name: str, udf: bool) -> Any:
    if not udf:
        return record.get(name)
    for item in record.get("userDefinedFields") or []:
        if item.get("name") == name:
            return item.get("value")
    return None


class _Parser:
    def __init__(self, fields: dict[str, str], udfs: dict[str, str]) -> None:
        self.fields = fields
        self.udfs = udfs
        self.conditions = 0
        self.udf_names: set[str] = set()

    def items(self, items: Any, where: str) -> list[Predicate]:
        if not isinstance(items, list) or not items:
            raise QueryError(f"{where} must be a non-empty list of filter conditions.")
        return [self.item(item) for item in items]

    def item(self, item: Any) -> Predicate:
        if not isinstance(item, dict):
            raise QueryError("Each filter condition must be an object with op, field and value.")
        op = item.get("op")
        if op in GROUPS:
            extra = set(item) - {"op", "items"}
            if extra:
                raise QueryError(f"Unknown key(s) in an {op} group: {', '.join(sorted(extra))}.")
            parts = self.items(item.get("items"), f"The items of an {op} group")
            if op == "and":
                return lambda record: all(part(record) for part in parts)
            return lambda record: any(part(record) for part in parts)
        if op not in OPERATORS:
            raise QueryError(f"Unknown operator: {op!r}.")
        extra = set(item) - {"op", "field", "value", "udf"}
        if extra:
            raise QueryError(f"Unknown key(s) in a filter condition: {', '.join(sorted(extra))}.")
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise QueryError(f"A query may have at most {MAX_CONDITIONS} conditions.")
        return self.condition(op, item)

    def condition(self, op: str, item: dict[str, Any]) -> Predicate:
        name = item.get("field")
        udf = item.get("udf", False)
        if not isinstance(udf, bool):
            raise QueryError("udf must be true or false.")
        if not isinstance(name, str) or not name:
            raise QueryError("Each filter condition needs a field.")
        if udf:
            if name not in self.udfs:
                raise QueryError(f"Unknown user-defined field: {name}.")
            self.udf_names.add(name)
            if len(self.udf_names) > 1:
                raise QueryError("Only one user-defined field may be queried per call.")
            kind = self.udfs[name]
        else:
            if name not in self.fields:
                raise QueryError(f"Unknown field: {name}.")
            if name in NOT_QUERYABLE or self.fields[name] == "list":
                raise QueryError(f"The field {name} is not queryable.")
            kind = self.fields[name]
        if op in TEXT_ONLY and kind != "string":
            raise QueryError(f"The operator {op} applies to text fields only, not {name}.")
        if op in ORDERED and kind == "boolean":
            raise QueryError(f"The operator {op} does not apply to the boolean field {name}.")
        value = item.get("value")
        if op in NO_VALUE:
            if value is not None:
                raise QueryError(f"The operator {op} takes no value.")
            present = op == "exist"
            return lambda record: (_record_value(record, name, udf) is not None) == present
        if op in LIST_VALUE:
            if not isinstance(value, list) or not value:
                raise QueryError(f"The operator {op} needs a non-empty list of values.")
            # Each listed value counts as one condition towards the 500 (an `in` is a run of
            # ORs to the database) [U: stricter].
            self.conditions += len(value) - 1
            if self.conditions > MAX_CONDITIONS:
                raise QueryError(f"A query may have at most {MAX_CONDITIONS} conditions.")
            for entry in value:
                _check_value(name, kind, entry)
            keys = {_key(kind, entry) for entry in value}
            inside = op == "in"

            def member(record: dict[str, Any]) -> bool:
                actual = _key(kind, _record_value(record, name, udf))
                return actual is not None and (actual in keys) == inside

            return member
        if "value" not in item or value is None:
            raise QueryError(f"The operator {op} needs a value (use exist/notExist for null).")
        _check_value(name, kind, value)
        return _compare(op, kind, value, lambda record: _record_value(record, name, udf))


def _compare(op: str, kind: str, value: Any, read: Callable[[dict[str, Any]], Any]) -> Predicate:
    wanted = _key(kind, value)

    def predicate(record: dict[str, Any]) -> bool:
        actual = _key(kind, read(record))
        if actual is None:
            return False  # SQL: NULL compares as unknown, also for noteq (module docstring)
        if op == "noteq":
            return bool(actual != wanted)
        if op == "eq":
            return bool(actual == wanted)
        if op == "gt":
            return bool(actual > wanted)
        if op == "gte":
            return bool(actual >= wanted)
        if op == "lt":
            return bool(actual < wanted)
        if op == "lte":
            return bool(actual <= wanted)
        if op == "beginsWith":
            return str(actual).startswith(wanted)
        if op == "endsWith":
            return str(actual).endswith(wanted)
        return wanted in str(actual)  # contains

    return predicate


def parse_search(body: Any, *, fields: dict[str, str], udfs: dict[str, str]) -> Search:
    """Check a search object against an entity's fields and UDFs; raise QueryError if refused."""
    if not isinstance(body, dict):
        raise QueryError("The search must be a JSON object with a filter.")
    normalised: dict[str, Any] = {}
    for key, value in body.items():
        canonical = TOP_KEYS.get(str(key).lower())
        if canonical is None or canonical in normalised:
            raise QueryError(f"Unknown or repeated key in the search: {key}.")
        normalised[canonical] = value
    if "filter" not in normalised:
        raise QueryError("A query needs at least one filter condition.")
    parser = _Parser(fields, udfs)
    parts = parser.items(normalised["filter"], "filter")
    max_records = normalised.get("MaxRecords", MAX_RECORDS)
    if (
        not isinstance(max_records, int)
        or isinstance(max_records, bool)
        or not 1 <= max_records <= MAX_RECORDS
    ):
        raise QueryError(f"MaxRecords must be a whole number from 1 to {MAX_RECORDS}.")
    include = normalised.get("IncludeFields")
    if include is not None:
        if not isinstance(include, list) or not all(isinstance(n, str) for n in include):
            raise QueryError("IncludeFields must be a list of field names.")
        unknown = [n for n in include if n not in fields]
        if unknown:
            raise QueryError(f"Unknown field(s) in IncludeFields: {', '.join(unknown)}.")
        include = include or None
    return Search(
        predicate=lambda record: all(part(record) for part in parts),
        max_records=max_records,
        include_fields=include,
        raw=normalised,
    )
