"""Equality indexes over a tenant's collections, so a 100k-ticket tenant answers like a small one.

ConnectWise answers ``board/id=1 AND closedFlag=false`` from an indexed database; scanning every
record in Python per request would make the simulator, not our app, the thing a benchmark
measures. An index maps one field path's value to the records holding it (in id order). A list
request whose conditions are an ``AND`` with ``path = <int or bool>`` on an indexed path scans
only the smallest such bucket; the full predicate still runs over those candidates, so an index
can only narrow the scan, never change an answer.

Only int and bool values are bucketed. Records holding anything else at the path (a string, a
list, a float) go to a "loose" list that every lookup includes, because the comparison rules may
match them; records without the field (None) can never equal an int or a bool.
The store keeps the indexes current on insert, in-place change (``touched``) and delete.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Iterable
from typing import Any

from psa.simulator.conditions import And, Comparison, ConditionError, Node, parse

# The paths our provider (and ConnectWise integrations generally) filter on by equality.
INDEXED_PATHS: dict[str, tuple[str, ...]] = {
    "tickets": ("closedFlag", "board/id", "parentTicketId", "company/id"),
    "ticketNotes": ("ticketId",),
    "scheduleEntries": ("objectId",),
    "contacts": ("company/id",),
    "configurations": ("company/id",),
}

_NONE = object()  # the key of records without the field
_LOOSE = object()  # the key of records whose value is not an int or a bool


def _key(record: dict[str, Any], parts: tuple[str, ...]) -> object:
    current: Any = record
    for part in parts:
        if not isinstance(current, dict):
            return _LOOSE
        current = current.get(part)
        if current is None:
            return _NONE
    return current if type(current) in (int, bool) else _LOOSE


def _record_id(record: dict[str, Any]) -> int:
    return int(record["id"])


class PathIndex:
    """Records of one collection bucketed by the value at one path."""

    def __init__(self, path: str, records: Iterable[dict[str, Any]]) -> None:
        self.parts = tuple(path.split("/"))
        self.buckets: dict[object, list[dict[str, Any]]] = {}
        self.key_of: dict[int, object] = {}
        for record in records:  # records come in id order, so every bucket is in id order
            key = _key(record, self.parts)
            self.buckets.setdefault(key, []).append(record)
            self.key_of[record["id"]] = key

    def add(self, record: dict[str, Any]) -> None:
        key = _key(record, self.parts)
        insort(self.buckets.setdefault(key, []), record, key=_record_id)
        self.key_of[record["id"]] = key

    def remove(self, record_id: int) -> None:
        key = self.key_of.pop(record_id, _NONE)
        bucket = self.buckets.get(key, [])
        for index, candidate in enumerate(bucket):
            if candidate["id"] == record_id:
                del bucket[index]
                return

    def changed(self, record: dict[str, Any]) -> None:
        if self.key_of.get(record["id"]) != _key(record, self.parts):
            self.remove(record["id"])
            self.add(record)

    def lookup(self, value: int | bool) -> list[dict[str, Any]]:
        exact = self.buckets.get(value, [])
        loose = self.buckets.get(_LOOSE, [])
        if not loose:
            return exact
        return sorted([*exact, *loose], key=_record_id)


class CollectionIndexes:
    """Every index of one tenant, built lazily per (collection, path) on first use."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[str, str], PathIndex] = {}

    def clear(self) -> None:
        self._indexes.clear()

    def _of(self, collection: str) -> list[PathIndex]:
        return [index for (name, _), index in self._indexes.items() if name == collection]

    def index(self, collection: str, path: str, records: list[dict[str, Any]]) -> PathIndex:
        index = self._indexes.get((collection, path))
        if index is None:
            index = self._indexes[(collection, path)] = PathIndex(path, records)
        return index

    def inserted(self, collection: str, record: dict[str, Any]) -> None:
        for index in self._of(collection):
            index.add(record)

    def changed(self, collection: str, record: dict[str, Any]) -> None:
        for index in self._of(collection):
            index.changed(record)

    def deleted(self, collection: str, record_id: int) -> None:
        for index in self._of(collection):
            index.remove(record_id)


def equality_terms(node: Node) -> list[Comparison]:
    """The ``path = int|bool`` terms every match must satisfy (top-level AND only)."""
    terms = node.operands if isinstance(node, And) else (node,)
    return [
        term
        for term in terms
        if isinstance(term, Comparison) and term.op == "=" and type(term.value) in (int, bool)
    ]


def id_terms(node: Node, resolve: Callable[[str], str | None]) -> list[set[int]]:
    """The id sets of top-level ``id = n`` / ``id in (..)`` terms (ints only) every match meets."""
    terms = node.operands if isinstance(node, And) else (node,)
    found: list[set[int]] = []
    for term in terms:
        if not isinstance(term, Comparison) or resolve(term.field) != "id":
            continue
        values = term.value if term.op == "in" else (term.value,) if term.op == "=" else None
        if isinstance(values, tuple) and values and all(type(v) is int for v in values):
            found.append(set(values))
    return found


def parsed(conditions: str | None) -> Node | None:
    if not conditions:
        return None
    try:
        return parse(conditions)
    except ConditionError:
        return None  # the list handler reports it with ConnectWise's error body


class ConfigurationLinks(list[dict[str, int]]):
    """The tenant's ticket-to-configuration links, with the configuration ids of each ticket.

    A plain list to every writer (append, remove, slice assignment all work); any change drops
    the index, which the next read rebuilds once, instead of every read scanning every link.
    """

    def __init__(self, links: Iterable[dict[str, int]] = ()) -> None:
        super().__init__(links)
        self._by_ticket: dict[int, list[int]] | None = None

    def configuration_ids(self, ticket_id: int) -> list[int]:
        if self._by_ticket is None:
            by_ticket: dict[int, list[int]] = {}
            for link in self:
                by_ticket.setdefault(link["ticketId"], []).append(link["configurationId"])
            self._by_ticket = by_ticket
        return list(self._by_ticket.get(ticket_id, ()))


def _dropping_index(name: str) -> Any:
    method = getattr(list, name)

    def changed(self: ConfigurationLinks, *args: Any, **kwargs: Any) -> Any:
        self._by_ticket = None
        return method(self, *args, **kwargs)

    changed.__name__ = name
    return changed


for _name in (
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
    "__iadd__",
    "__imul__",
):
    setattr(ConfigurationLinks, _name, _dropping_index(_name))
