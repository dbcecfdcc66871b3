"""The REST routes: an authenticated request's path -> the schema's route -> a handler.

A path's numeric segments become the schema's placeholders (``Tickets/7001/Notes`` ->
``/Tickets/{parentId}/Notes``); a path the schema lacks is 404, a method it does not allow 405
(``DELETE Tickets/{id}``: Tickets and Companies cannot be deleted through the API [C]). Routes
the schema has but the simulator does not implement (e.g. ``POST Companies``) answer 501, so a
test never mistakes them for Autotask's behaviour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from psa.simulator.autotask import rules
from psa.simulator.autotask.errors import AtError, invalid
from psa.simulator.autotask.query import QueryError, Search, parse_search
from psa.simulator.autotask.schema import (
    CHILDREN,
    NOT_QUERYABLE,
    READ_ONLY,
    REFERENCES,
    REQUIRED,
    SERVED,
    allowed_methods,
    fields_of,
    model_name,
    text_length,
)
from psa.simulator.autotask.store import AtTenant

_CANONICAL = {name.lower(): name for name in (*SERVED, "ThresholdInformation")}
_CHILD_NAMES = {(p.lower(), c.lower()): (p, c) for p, c in CHILDREN}
_DATA_TYPES = {
    "integer": "integer",
    "string": "string",
    "datetime": "datetime",
    "boolean": "boolean",
    "number": "double",
    "list": "list",
}


@dataclass
class Call:
    """One authenticated API call, as the handlers see it."""

    method: str
    segments: list[str]
    params: dict[str, str]
    body: bytes
    api_root: str  # absolute ``.../ATServicesRest/V1.0``
    tenant: AtTenant
    actor: int  # the resource the write is attributed to
    impersonator: int | None

    def json(self) -> Any:
        if not self.body.strip():
            raise invalid("The request body is empty; send a JSON object.")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise invalid(f"The request body is not valid JSON: {error}") from None


def endpoint_of(segments: list[str]) -> str:
    """The endpoint a request counts against for the concurrency limit (its entity)."""
    return _CANONICAL.get(segments[0].lower(), segments[0]) if segments else ""


def pattern_of(segments: list[str]) -> str:
    """The schema's route pattern for a path: ``/Tickets/{id}``, ``/Tickets/{parentId}/Notes``,
    ``/Tickets/{parentId}/Notes/{id}``."""
    parts = list(segments)
    if len(parts) >= 2 and parts[1].isdigit():
        parts[1] = "{id}" if len(parts) == 2 else "{parentId}"
    if len(parts) == 4 and parts[3].isdigit():
        parts[3] = "{id}"
    return "/" + "/".join(parts)


def dispatch(call: Call) -> tuple[int, Any]:
    segments = call.segments
    pattern = pattern_of(segments)
    if pattern.lower().endswith(("/query/next", "/query/prev")):
        # The cursor URLs Autotask itself hands out in pageDetails (GET only).
        pattern = pattern.rsplit("/", 1)[0]
        methods = allowed_methods(pattern) & {"GET"}
    else:
        methods = allowed_methods(pattern)
    if not methods:
        raise AtError(404, [f"No route /{'/'.join(segments)} in the Autotask REST API v1.0."])
    if call.method not in methods:
        raise AtError(
            405,
            [f"The requested resource does not support http method '{call.method}'."],
            headers={"Allow": ", ".join(sorted(methods))},
        )
    head = _CANONICAL.get(segments[0].lower())
    if head == "ThresholdInformation":
        return 200, None  # answered by the app, which owns the limits
    assert head is not None
    entity, parent = head, None
    rest = segments[1:]
    if len(rest) >= 2 and rest[0].isdigit() and (head.lower(), rest[1].lower()) in _CHILD_NAMES:
        child, parent_field = CHILDREN[_CHILD_NAMES[(head.lower(), rest[1].lower())]]
        parent = (head, parent_field, int(rest[0]))
        entity, rest = child, rest[2:]
    if rest and rest[0].lower() == "entityinformation":
        return 200, _entity_information(call.tenant, entity, [r.lower() for r in rest[1:]])
    if rest and rest[0].lower() == "query":
        return 200, _query(call, entity, rest[1:])
    if parent is not None:
        return _child(call, entity, parent, rest)
    if len(rest) > 1:
        raise _not_implemented(call)  # a child the simulator does not hold (Charges, ...)
    if len(rest) == 1:
        record = call.tenant.get(entity, int(rest[0]))
        return 200, {"item": call.tenant.render_all(entity, [record], None)[0] if record else None}
    if entity == "Tickets" and call.method == "POST":
        ticket_id = rules.ticket_create(
            call.tenant, call.json(), actor=call.actor, impersonator=call.impersonator
        )
        return 200, {"itemId": ticket_id}
    if entity == "Tickets" and call.method in ("PATCH", "PUT"):
        full = call.method == "PUT"
        return 200, {
            "itemId": rules.ticket_update(call.tenant, call.json(), actor=call.actor, full=full)
        }
    raise _not_implemented(call)


def _not_implemented(call: Call) -> AtError:
    return AtError(
        501, [f"The simulator does not implement {call.method} /{'/'.join(call.segments)}."]
    )


def _child(
    call: Call, entity: str, parent: tuple[str, str, int], rest: list[str]
) -> tuple[int, Any]:
    parent_entity, parent_field, parent_id = parent
    owner = call.tenant.get(parent_entity, parent_id)
    if call.method == "GET":
        if owner is None and not rest:
            raise invalid(f"No {model_name(parent_entity)} with id {parent_id}.")
        if rest:
            record = call.tenant.get(entity, int(rest[0]))
            if record is None or record.get(parent_field) != parent_id:
                return 200, {"item": None}
            return 200, {"item": call.tenant.render_all(entity, [record], None)[0]}
        search = {"filter": [{"op": "eq", "field": parent_field, "value": parent_id}]}
        return 200, _page(call, entity, _parsed(call.tenant, entity, search), after=None)
    if owner is None:
        raise invalid(f"No {model_name(parent_entity)} with id {parent_id}.")
    tenant = call.tenant
    if entity == "TicketNotes" and call.method == "POST":
        note_id = rules.note_create(
            tenant, owner, call.json(), actor=call.actor, impersonator=call.impersonator
        )
        return 200, {"itemId": note_id}
    if entity == "TicketSecondaryResources" and call.method == "POST":
        return 200, {"itemId": rules.secondary_create(tenant, owner, call.json())}
    if entity == "TicketAdditionalConfigurationItems" and call.method == "POST":
        return 200, {"itemId": rules.configuration_item_add(tenant, owner, call.json())}
    if call.method == "DELETE" and entity in (
        "TicketSecondaryResources",
        "TicketAdditionalConfigurationItems",
    ):
        return 200, {"itemId": rules.child_delete(tenant, entity, owner, int(rest[0]))}
    raise _not_implemented(call)


# --------------------------------------------------------------------------- queries


def _parsed(tenant: AtTenant, entity: str, body: Any) -> Search:
    try:
        return parse_search(body, fields=fields_of(entity), udfs=tenant.udfs(entity))
    except QueryError as error:
        raise invalid(str(error)) from None


def _search_param(call: Call, name: str = "search") -> Any:
    raw = call.params.get(name)
    if raw is None:
        raise invalid(f"The {name} parameter is required: a JSON search object.")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise invalid(f"The {name} parameter is not valid JSON: {error}") from None


def _query(call: Call, entity: str, rest: list[str]) -> dict[str, Any]:
    tail = [r.lower() for r in rest]
    if tail in (["next"], ["prev"]) and call.method == "GET":
        search = _parsed(call.tenant, entity, _search_param(call))
        paging = _search_param(call, "paging")
        if not isinstance(paging, dict):
            raise invalid("The paging parameter is not valid.")
        if tail == ["next"]:
            return _page(call, entity, search, after=paging.get("lastIdRetrieved"))
        return _page(call, entity, search, after=None, before=paging.get("firstIdRetrieved"))
    body = call.json() if call.method == "POST" else _search_param(call)
    search = _parsed(call.tenant, entity, body)
    if tail == ["count"]:
        matches = [r for r in call.tenant.records(entity) if search.predicate(r)]
        return {"queryCount": len(matches)}
    if tail:
        raise AtError(404, [f"No route /{'/'.join(call.segments)} in the Autotask REST API v1.0."])
    return _page(call, entity, search, after=None)


def _page(
    call: Call, entity: str, search: Search, *, after: Any, before: Any = None
) -> dict[str, Any]:
    """One page in ascending id order; the cursor is the last (first) id of the page [C]."""
    for bound in (after, before):
        if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)):
            raise invalid("The paging parameter is not valid.")
    size = search.max_records
    matches = [r for r in call.tenant.records(entity) if search.predicate(r)]
    if before is not None:
        earlier = [r for r in matches if r["id"] < before]
        page = earlier[-size:]
    else:
        page = [r for r in matches if after is None or r["id"] > after][:size]
    base = f"{call.api_root}/{entity}/query"
    search_text = json.dumps(search.raw, separators=(",", ":"))

    def link(kind: str, key: str, value: int) -> str:
        paging = json.dumps({"pageSize": size, key: value}, separators=(",", ":"))
        return f"{base}/{kind}?" + urlencode({"paging": paging, "search": search_text})

    has_next = bool(page) and any(r["id"] > page[-1]["id"] for r in matches)
    has_prev = bool(page) and any(r["id"] < page[0]["id"] for r in matches)
    return {
        "items": call.tenant.render_all(entity, page, search.include_fields),
        "pageDetails": {
            "count": len(page),
            "requestCount": size,
            "prevPageUrl": link("prev", "firstIdRetrieved", page[0]["id"]) if has_prev else None,
            "nextPageUrl": link("next", "lastIdRetrieved", page[-1]["id"]) if has_next else None,
        },
    }


# --------------------------------------------------------------------------- entity information


def _entity_information(tenant: AtTenant, entity: str, rest: list[str]) -> dict[str, Any]:
    if rest == ["fields"]:
        return {"fields": [_field(tenant, entity, n, k) for n, k in fields_of(entity).items()]}
    if rest == ["userdefinedfields"]:
        return {
            "fields": [
                {
                    "name": name,
                    "dataType": kind,
                    "isRequired": False,
                    "isQueryable": True,
                    "isPickList": False,
                    "picklistValues": None,
                }
                for name, kind in tenant.udfs(entity).items()
            ]
        }
    writable = entity in (
        "Tickets",
        "TicketNotes",
        "TicketSecondaryResources",
        "TicketAdditionalConfigurationItems",
    )
    return {
        "info": {
            "name": model_name(entity),
            "canCreate": writable,
            "canDelete": entity
            in ("TicketSecondaryResources", "TicketAdditionalConfigurationItems"),
            "canQuery": True,
            "canUpdate": entity in ("Tickets",),
            "hasUserDefinedFields": bool(tenant.udfs(entity)),
            "supportsWebhookCallouts": entity
            in (
                "Tickets",
                "TicketNotes",
                "Companies",
                "Contacts",
                "ConfigurationItems",
            ),
            "userAccessForCreate": "All" if writable else "None",
            "userAccessForDelete": "None",
            "userAccessForQuery": "All",
            "userAccessForUpdate": "All" if writable else "None",
        }
    }


def _field(tenant: AtTenant, entity: str, name: str, kind: str) -> dict[str, Any]:
    options = tenant.picklist(entity, name)
    parent = "issueType" if (entity, name) == ("Tickets", "subIssueType") else ""
    return {
        "name": name,
        "dataType": _DATA_TYPES.get(kind, kind),
        "length": text_length(entity, name) if kind == "string" else 0,
        "isRequired": name in REQUIRED.get(entity, ()) or name == "id",
        "isReadOnly": name in READ_ONLY,
        "isQueryable": kind != "list" and name not in NOT_QUERYABLE,
        "isReference": name in REFERENCES,
        "referenceEntityType": _reference_model(name),
        "isPickList": options is not None,
        "picklistValues": [dict(o) for o in options] if options is not None else None,
        "picklistParentValueField": parent,
        "isSupportedWebhookField": False,
    }


def _reference_model(name: str) -> str:
    target = REFERENCES.get(name)
    return model_name(target) if target else ""
