"""The parsed form of a ``conditions`` string: its nodes, its error, and walks over it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


class ConditionError(ValueError):
    """A conditions string that is not valid ConnectWise syntax (or names an unknown field)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
