"""The ConnectWise Manage ``conditions`` language: the recursive-descent parser.

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
"""

from __future__ import annotations

from functools import lru_cache

from psa.simulator.conditions.lexer import Token, tokenize
from psa.simulator.conditions.patterns import PATTERN_OPERATORS, pattern_regex
from psa.simulator.conditions.tree import And, Comparison, ConditionError, Node, Not, Or


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def _peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def _advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "END":
            self.index += 1
        return token

    def _is_keyword(self, *words: str) -> bool:
        return self.current.kind == "KEYWORD" and self.current.value in words

    def _describe(self, token: Token) -> str:
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
