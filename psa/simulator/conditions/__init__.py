"""The ConnectWise Manage ``conditions`` language, as the simulator reads it.

``lexer`` (tokens) -> ``parser`` (the grammar, into a ``tree``) -> ``evaluator`` (SQL semantics),
with string operands matched by ``patterns`` (the rules and their sources are written there).

Public API (imported by the provider's property-based tests; keep it stable)::

    parse(text) -> Node          raises ConditionError on any malformed input
    evaluate(node, record) -> bool
    Comparison(field, op, value), And(operands), Or(operands), Not(operand)
"""

from psa.simulator.conditions.evaluator import compile_predicate, evaluate
from psa.simulator.conditions.parser import parse
from psa.simulator.conditions.patterns import PATTERN_OPERATORS, pattern_regex
from psa.simulator.conditions.tree import (
    And,
    Comparison,
    ConditionError,
    Node,
    Not,
    Or,
    fields_of,
    map_fields,
)

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
