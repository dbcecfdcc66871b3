"""The field names ConnectWise knows per route, and the refusals that follow from them.

``data/schema.json`` is a copy of the shared ``connectwise/schema.json``: for every route we use,
the field paths ConnectWise's OpenAPI models define (``/`` separates a reference's fields) plus
the few that live responses show and the models lack (``from_live_samples``). ``_info`` is a
free-form object, so any ``_info/...`` path is known.

Every rule below refuses a name the schema does not list. Principle: when unsure, be stricter
than ConnectWise, never more lenient. Each rule names its source:

* the status and body shape of a refusal - 400 with ``{"code", "message", "errors": [{"code",
  "message", "resource", "field"}]}`` - is ConnectWise's: bodies refused by ConnectWise are quoted
  in https://github.com/christaylorcodes/ConnectWiseManageAPI/issues/30 and
  https://docs.xyte.io/docs/kb-5017 (``"code": "InvalidObject"``, ``"message": "<resource> object
  is invalid"``), which refused bodies here use too. Refused query parameters keep the code the
  query engine already used (``BadRequest``); their exact code and all message texts are ours.
* unknown names in ``fields``, ``conditions``, ``childConditions`` and ``orderBy`` - the field
  names ConnectWise documents for these parameters are its model's
  (https://developer.connectwise.com/Best_Practices/PSA_API_Requests); that it answers an
  unknown one with 400 rather than ignoring it: stricter than ConnectWise: unconfirmed.
* ``fields=*`` - ConnectWise 2018.4 answered it with only ``id``
  (https://github.com/sgtoj/PSConnectWise/issues/48); refused: stricter than ConnectWise.
* references, arrays and ``_info`` as a whole in ``conditions``/``orderBy`` (``board = 1``,
  ``orderBy=board``) - stricter than ConnectWise: unconfirmed.
* ``childConditions`` filter on the items of a record's collections (array fields; e.g.
  https://docs.zynk.com/workflow/documentation/connectwise/export-companies.html); the schema
  does not describe array items, so a name that is known but not inside an array is refused too:
  stricter than ConnectWise.
* ``customFieldConditions`` - the simulator does not evaluate custom fields, and ignoring a
  filter would answer more records than ConnectWise: refused, stricter than ConnectWise.
* a POST body or PATCH ``path`` naming a field the model lacks - ConnectWise's JSON binding may
  well ignore unknown properties: stricter than ConnectWise: unconfirmed.
* bare ``dateEntered``/``lastUpdated`` in a ticket's ``conditions`` and ``orderBy`` mean
  ``_info/dateEntered``/``_info/lastUpdated`` (same values, same date rule): the models do not
  list them, but long-lived public integrations filter and sort tickets by them -
  KerkhoffTechnologies/django-connectwise (``djconnectwise/sync.py``: ``lastUpdated > [...]`` on
  service tickets, for years), PowerShell and sync scripts (``conditions=lastUpdated>[...]``,
  ``orderBy=dateEntered desc`` on ``/service/tickets``). Confirmed for tickets only, so only
  tickets accept them, and only there (not in ``fields``, bodies or ``childConditions``).
* a date field (a ``datetime`` of the model, ``_info/dateEntered``, ``_info/lastUpdated``)
  compared with anything but a ``[2026-01-01T00:00:00Z]`` date or ``null`` - dates in
  conditions are written in square brackets (DESIGN.md); what ConnectWise makes of
  ``_info/lastUpdated > "2026-01-01"`` is undocumented, and comparing it as text would answer
  by accident: stricter than ConnectWise: unconfirmed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from psa.simulator.conditions import (
    And,
    Comparison,
    ConditionError,
    Node,
    Not,
    Or,
    fields_of,
    parse,
)
from psa.simulator.errors import ApiError, FieldError, invalid_object

SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "schema.json"

INFO = "_info"
# The dates ConnectWise keeps in a record's free-form `_info` (lower case, as resolved).
_INFO_DATES = frozenset({INFO + "/dateentered", INFO + "/lastupdated"})
# Bare names ConnectWise accepts for a ticket's `_info` dates in conditions and orderBy (sources
# in the module docstring); the alias resolves to the `_info` path, so values are the same.
_TICKET_DATE_ALIASES = {"dateentered": INFO + "/dateEntered", "lastupdated": INFO + "/lastUpdated"}
_TICKETS = "/service/tickets"
# Types whose value is no scalar: a condition or an order on them as a whole is refused.
_WHOLE_ONLY = {"reference", "array", "object"}

# The ``resource`` ConnectWise names in the errors of each model (the rest: model in camelCase).
_RESOURCES = {
    "ConfigurationReference": "configuration",
    "CompanyConfiguration": "configuration",
    "BoardStatus": "status",
    "BoardType": "type",
}

_PLACEHOLDER = re.compile(r"/\{\w+\}$")


class RouteSchema:
    """The field paths of one route's model, matched case-insensitively."""

    def __init__(self, entity: str, model: str, types: dict[str, str]) -> None:
        self.entity = entity
        self.model = model
        self.resource = _RESOURCES.get(model, model[:1].lower() + model[1:])
        self.types = types
        self._canonical: dict[str, str] = {}
        for path in types:
            self._canonical.setdefault(path.lower(), path)

    def resolve(self, path: str) -> str | None:
        """The schema's spelling of ``path``, or None when the model has no such field."""
        lowered = path.strip().lower()
        found = self._canonical.get(lowered)
        if found is not None:
            return found
        if lowered.startswith(INFO + "/") and len(lowered) > len(INFO) + 1:
            return INFO + path.strip()[len(INFO) :]  # _info is free-form
        return None

    def resolve_filter(self, path: str) -> str | None:
        """Like :meth:`resolve`, for ``conditions`` and ``orderBy``: tickets also accept the bare
        ``dateEntered``/``lastUpdated`` that ConnectWise integrations use."""
        resolved = self.resolve(path)
        if resolved is None and self.entity == _TICKETS:
            return _TICKET_DATE_ALIASES.get(path.strip().lower())
        return resolved

    def type_of(self, path: str) -> str | None:
        resolved = self.resolve(path)
        if resolved is None:
            return None
        return self.types.get(resolved, "string" if resolved.startswith(INFO + "/") else None)

    def in_array(self, path: str) -> bool:
        """Whether ``path`` names something inside an array field (an item of a collection)."""
        parts = path.strip().split("/")
        return any(
            self.types.get(self.resolve("/".join(parts[:n])) or "") == "array"
            for n in range(1, len(parts))
        )


@cache
def _entities() -> dict[str, RouteSchema]:
    raw = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    schemas = {}
    for entity, spec in raw["entities"].items():
        types = dict(spec["fields"])
        for path in spec.get("from_live_samples", []):
            types.setdefault(path, "string")
        schemas[entity.lower()] = RouteSchema(entity, spec["model"], types)
    return schemas


def entity_of(pattern: str) -> str:
    """The schema entity a simulator route pattern answers for: ``/service/tickets/{id}`` and
    ``/service/tickets/count`` are ``/service/tickets``."""
    entity = pattern.rstrip("/").removesuffix("/count")
    return _PLACEHOLDER.sub("", entity)


def schema_for(pattern: str) -> RouteSchema | None:
    """The schema of a route, or None when the shared schema does not describe it."""
    return _entities().get(entity_of(pattern).lower())


# --------------------------------------------------------------------------- refusals


def _refusal(message: str, resource: str, parameter: str) -> ApiError:
    # The same code and shape as the query engine's other parameter errors (query.py).
    return ApiError(
        400, "BadRequest", message, [FieldError("InvalidField", message, resource, parameter)]
    )


def _unknown(path: str, schema: RouteSchema | None, parameter: str) -> ApiError:
    where = schema.resource if schema else "this resource"
    return _refusal(
        f"Unknown field '{path}' in {parameter}: {where} has no such field.",
        schema.resource if schema else "",
        parameter,
    )


def _known(path: str, schema: RouteSchema | None, parameter: str) -> str:
    if schema is None:
        resolved = None
    elif parameter in ("conditions", "orderBy"):
        resolved = schema.resolve_filter(path)
    else:
        resolved = schema.resolve(path)
    if resolved is None:
        raise _unknown(path, schema, parameter)
    return resolved


def _scalar(path: str, schema: RouteSchema | None, parameter: str) -> None:
    _known(path, schema, parameter)
    assert schema is not None
    kind = schema.type_of(path)
    if kind in _WHOLE_ONLY:
        raise _refusal(
            f"'{path}' is a {kind} on {schema.resource}, not a value {parameter} can use; "
            f"name one of its fields (like '{path}/id').",
            schema.resource,
            parameter,
        )


def check_fields(fields: str, schema: RouteSchema | None) -> None:
    for raw in fields.split(","):
        path = raw.strip()
        if path:
            _known(path, schema, "fields")


def check_conditions(text: str, schema: RouteSchema | None) -> None:
    try:
        node = parse(text)
    except ConditionError:
        return  # syntax errors are the query engine's to report, with their position
    for path in fields_of(node):
        _scalar(path, schema, "conditions")
    if schema is None:
        return  # unreachable: `_scalar` refuses every field of a route without a schema
    for comparison in _comparisons(node):
        if _is_date(comparison.field, schema) and not _date_operand(comparison.value):
            raise _refusal(
                f"'{comparison.field}' is a date: compare it with a date in square brackets, "
                f"like [2026-01-01T00:00:00Z], or null.",
                schema.resource,
                "conditions",
            )


def _comparisons(node: Node) -> Iterator[Comparison]:
    if isinstance(node, Comparison):
        yield node
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from _comparisons(operand)
    elif isinstance(node, Not):
        yield from _comparisons(node.operand)


def _is_date(path: str, schema: RouteSchema) -> bool:
    resolved = schema.resolve_filter(path) or ""
    return resolved.lower() in _INFO_DATES or schema.type_of(path) == "datetime"


def _date_operand(value: object) -> bool:
    if isinstance(value, tuple | list):  # `in (...)`: every item
        return all(_date_operand(item) for item in value)
    return value is None or isinstance(value, datetime)


def check_child_conditions(text: str, schema: RouteSchema | None) -> None:
    try:
        paths = list(fields_of(parse(text)))
    except ConditionError as error:
        raise _refusal(
            f"Invalid childConditions: {error.message}",
            schema.resource if schema else "",
            "childConditions",
        ) from None
    for path in paths:
        _known(path, schema, "childConditions")
        assert schema is not None
        if not schema.in_array(path):
            raise _refusal(
                f"childConditions filter on the items of a collection; '{path}' is none.",
                schema.resource,
                "childConditions",
            )


def check_order_by(order_by: str, schema: RouteSchema | None) -> None:
    for chunk in order_by.split(","):
        words = chunk.split()
        if words:
            _scalar(words[0], schema, "orderBy")


def check_query(params: dict[str, str], schema: RouteSchema | None) -> None:
    """Refuse a GET whose parameters name a field the route's model does not have."""
    if params.get("fields"):
        check_fields(params["fields"], schema)
    if params.get("conditions"):
        check_conditions(params["conditions"], schema)
    if params.get("childconditions"):
        check_child_conditions(params["childconditions"], schema)
    if params.get("customfieldconditions"):
        raise _refusal(
            "The simulator does not evaluate customFieldConditions.",
            schema.resource if schema else "",
            "customFieldConditions",
        )
    if params.get("orderby"):
        check_order_by(params["orderby"], schema)


def _body_unknown(path: str, schema: RouteSchema | None) -> ApiError:
    resource = schema.resource if schema else "object"
    message = f"Unknown field '{path}' on {resource}."
    return invalid_object(resource, [FieldError("InvalidField", message, resource, path)])


def check_body(body: object, schema: RouteSchema | None) -> None:
    """Refuse a POST body naming a field (or a reference's field) the model does not have."""
    if not isinstance(body, dict):
        return  # the handler answers with what it expects
    for name, value in body.items():
        resolved = schema.resolve(str(name)) if schema else None
        if resolved is None:
            raise _body_unknown(str(name), schema)
        assert schema is not None
        if schema.types.get(resolved) == "reference" and isinstance(value, dict):
            for key in value:
                if schema.resolve(f"{resolved}/{key}") is None:
                    raise _body_unknown(f"{name}/{key}", schema)


def check_patch(body: object, schema: RouteSchema | None) -> None:
    """Refuse PATCH operations whose ``path`` names a field the model does not have."""
    if not isinstance(body, list):
        return  # the handler answers with what it expects
    for op in body:
        path = op.get("path") if isinstance(op, dict) else None
        if not isinstance(path, str) or not path.strip("/"):
            continue  # the handler names the missing path
        name = path.strip("/")
        resolved = schema.resolve(name) if schema else None
        if resolved is None:
            raise _body_unknown(name, schema)
        value = op.get("value")
        if schema and schema.types.get(resolved) == "reference" and isinstance(value, dict):
            for key in value:
                if schema.resolve(f"{resolved}/{key}") is None:
                    raise _body_unknown(f"{name}/{key}", schema)


def check_request(
    method: str, params: dict[str, str], body: Any, schema: RouteSchema | None
) -> None:
    """Every schema rule for one API request (``body`` is the parsed JSON, or None)."""
    check_query(params, schema)
    if method == "POST":
        check_body(body, schema)
    elif method in ("PATCH", "PUT"):
        check_patch(body, schema)
