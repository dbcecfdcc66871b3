"""List queries as ConnectWise answers them: conditions, orderBy, fields, paging, Link header.

* ``page``/``pageSize`` (default 25, capped at 1000) with an RFC 5988 ``Link`` header carrying
  ``first``/``prev``/``next``/``last`` URLs that keep every other query parameter.
* Forward-only paging: with the request header ``pagination-type: forward-only`` the results
  are ordered by id, ``pageId`` acts as ``id > pageId``, ``page`` is ignored, and the ``Link``
  header holds only ``rel="next"`` (with the next ``pageId``) while more records remain.
* ``fields`` projects records (nested paths like ``board/name``); ``_info`` only comes back when
  it is listed.
* Field names are the route's schema's (``schema.py``), which refuses unknown ones first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from psa.simulator.conditions import ConditionError, compile_predicate, map_fields, parse
from psa.simulator.errors import ApiError, FieldError
from psa.simulator.schema import RouteSchema

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class ListQuery:
    conditions: str | None = None
    order_by: str | None = None
    fields: str | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    page_id: int | None = None
    forward_only: bool = False


def _int_param(params: dict[str, str], name: str, default: int | None) -> int | None:
    raw = params.get(name.lower())
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(
            400,
            "BadRequest",
            f"The value '{raw}' is not valid for {name}.",
            [FieldError("InvalidField", f"{name} must be an integer.", "", name)],
        ) from None


def list_query(params: dict[str, str], *, forward_only: bool) -> ListQuery:
    """Read the list parameters (names case-insensitive) of one request."""
    page = _int_param(params, "page", 1) or 1
    page_size = _int_param(params, "pageSize", DEFAULT_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    return ListQuery(
        conditions=params.get("conditions") or None,
        order_by=params.get("orderby") or None,
        fields=params.get("fields") or None,
        page=max(page, 1),
        page_size=min(max(page_size, 1), MAX_PAGE_SIZE),
        page_id=_int_param(params, "pageId", None),
        forward_only=forward_only,
    )


def _condition_error(message: str, resource: str) -> ApiError:
    return ApiError(
        400,
        "BadRequest",
        f"Invalid conditions: {message}",
        [FieldError("InvalidField", message, resource, "conditions")],
    )


def predicate(
    conditions: str | None, schema: RouteSchema, resource: str
) -> Callable[[dict[str, Any]], bool] | None:
    """A filter for ``conditions`` checked against the collection's fields, or None."""
    if not conditions:
        return None
    try:
        node = parse(conditions)
    except ConditionError as error:
        raise _condition_error(error.message, resource) from None

    def canonical(path: str) -> str:
        resolved = schema.resolve_filter(path)
        if resolved is None:
            raise _condition_error(f"Unknown field '{path}' on {resource}.", resource)
        return resolved

    return compile_predicate(map_fields(node, canonical))


def _lookup(record: Any, parts: tuple[str, ...]) -> Any:
    current = record
    for part in parts:
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _sort_key(value: Any) -> tuple[int, int, Any]:
    # SQL Server orders NULL first; strings compare without case.
    if value is None:
        return (0, 0, 0)
    if isinstance(value, bool):
        return (1, 0, int(value))
    if isinstance(value, int | float):
        return (1, 0, value)
    if isinstance(value, str):
        return (1, 1, value.casefold())
    return (1, 2, str(value))


def order_keys(
    order_by: str | None, schema: RouteSchema, resource: str
) -> list[tuple[tuple[str, ...], bool]]:
    """Parse ``orderBy`` (``priority/sort asc, id desc``) into (path parts, descending) pairs."""
    if not order_by:
        return []
    keys: list[tuple[tuple[str, ...], bool]] = []
    for chunk in order_by.split(","):
        words = chunk.split()
        if not words:
            raise _order_error(f"Empty orderBy term in '{order_by}'.", resource)
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise _order_error(f"Invalid orderBy term '{chunk.strip()}'.", resource)
        resolved = schema.resolve_filter(words[0])
        if resolved is None:
            raise _order_error(f"Unknown field '{words[0]}' on {resource}.", resource)
        keys.append((tuple(resolved.split("/")), len(words) == 2 and words[1].lower() == "desc"))
    return keys


def _order_error(message: str, resource: str) -> ApiError:
    return ApiError(
        400, "BadRequest", message, [FieldError("InvalidField", message, resource, "orderBy")]
    )


def apply_order(records: list[dict[str, Any]], keys: list[tuple[tuple[str, ...], bool]]) -> None:
    """Sort in place by several keys (records are expected in id order to break ties)."""
    for parts, descending in reversed(keys):
        records.sort(key=lambda r, p=parts: _sort_key(_lookup(r, p)), reverse=descending)


# --------------------------------------------------------------------------- fields projection


def _field_tree(fields: str, schema: RouteSchema) -> dict[str, Any] | None:
    tree: dict[str, Any] = {}
    for raw in fields.split(","):
        path = raw.strip()
        if not path:
            continue
        if path == "*":
            return None
        resolved = schema.resolve(path) or path
        node = tree
        parts = resolved.split("/")
        for index, part in enumerate(parts):
            if index == len(parts) - 1:
                node[part] = {}
            else:
                child = node.get(part)
                if child == {} and part in node:
                    break  # the whole parent is already selected
                node = node.setdefault(part, {})
    return tree


def _project(value: Any, tree: dict[str, Any]) -> Any:
    if not tree:
        return value
    if isinstance(value, list):
        return [_project(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, subtree in tree.items():
        if key in value:
            out[key] = _project(value[key], subtree)
    return out


def projector(
    fields: str | None, schema: RouteSchema
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    tree = _field_tree(fields, schema) if fields else None
    if tree is None:
        return lambda record: record
    return lambda record: _project(record, tree)


# --------------------------------------------------------------------------- paging


def _query_without(raw_query: str, names: set[str]) -> list[str]:
    kept = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        name = unquote_plus(piece.split("=", 1)[0]).lower()
        if name not in names:
            kept.append(piece)
    return kept


def _url(base_url: str, pieces: list[str]) -> str:
    return f"{base_url}?{'&'.join(pieces)}" if pieces else base_url


def navigable_link(
    base_url: str, raw_query: str, page: int, page_size: int, total: int
) -> str | None:
    last = max((total + page_size - 1) // page_size, 1)
    pieces = _query_without(raw_query, {"page", "pageid"})
    links = []
    if page > 1:
        links.append((1, "first"))
        links.append((min(page - 1, last), "prev"))
    if page < last:
        links.append((page + 1, "next"))
        links.append((last, "last"))
    if not links:
        return None
    return ", ".join(f'<{_url(base_url, [*pieces, f"page={n}"])}>; rel="{rel}"' for n, rel in links)


def forward_link(base_url: str, raw_query: str, next_page_id: int) -> str:
    pieces = _query_without(raw_query, {"page", "pageid"})
    return f'<{_url(base_url, [*pieces, f"pageId={next_page_id}"])}>; rel="next"'


@dataclass
class Page:
    items: list[dict[str, Any]]
    link: str | None


def run_list(
    records: list[dict[str, Any]],
    query: ListQuery,
    schema: RouteSchema,
    resource: str,
    *,
    base_url: str,
    raw_query: str,
) -> Page:
    """Filter, order, page and project ``records`` (which must be in id order)."""
    keep = predicate(query.conditions, schema, resource)
    matched = [r for r in records if keep(r)] if keep else list(records)
    project = projector(query.fields, schema)
    if query.forward_only:
        if query.page_id is not None:
            matched = [r for r in matched if r["id"] > query.page_id]
        window = matched[: query.page_size]
        link = None
        if len(matched) > len(window) and window:
            link = forward_link(base_url, raw_query, window[-1]["id"])
        return Page([project(r) for r in window], link)
    keys = order_keys(query.order_by, schema, resource)
    apply_order(matched, keys)
    start = (query.page - 1) * query.page_size
    window = matched[start : start + query.page_size]
    link = navigable_link(base_url, raw_query, query.page, query.page_size, len(matched))
    return Page([project(r) for r in window], link)


def run_count(
    records: list[dict[str, Any]], conditions: str | None, schema: RouteSchema, resource: str
) -> int:
    keep = predicate(conditions, schema, resource)
    return sum(1 for r in records if keep(r)) if keep else len(records)
