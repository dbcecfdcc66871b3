"""The conditions parser and evaluator: grammar edge cases and SQL-like matching."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psa.simulator.conditions import (
    And,
    Comparison,
    ConditionError,
    Not,
    Or,
    compile_predicate,
    evaluate,
    parse,
)


def cmp(field, op, value):
    return Comparison(field, op, value)


# --- structure -----------------------------------------------------------------------------------


def test_and_binds_tighter_than_or():
    assert parse("a=1 OR b=2 AND c=3") == Or(
        (cmp("a", "=", 1), And((cmp("b", "=", 2), cmp("c", "=", 3))))
    )
    assert parse("a=1 AND b=2 OR c=3") == Or(
        (And((cmp("a", "=", 1), cmp("b", "=", 2))), cmp("c", "=", 3))
    )


def test_parentheses_override_precedence_and_are_kept_as_written():
    assert parse("(a=1 OR b=2) AND c=3") == And(
        (Or((cmp("a", "=", 1), cmp("b", "=", 2))), cmp("c", "=", 3))
    )
    # A chain at one level is one node; a parenthesised group stays a nested node.
    assert parse("a=1 AND b=2 AND c=3") == And(
        (cmp("a", "=", 1), cmp("b", "=", 2), cmp("c", "=", 3))
    )
    assert parse("(a=1 AND b=2) AND c=3") == And(
        (And((cmp("a", "=", 1), cmp("b", "=", 2))), cmp("c", "=", 3))
    )
    assert parse("((a=1))") == cmp("a", "=", 1)


@pytest.mark.parametrize("text", ["a=1 and b=2", "a=1 AND b=2", "a=1 And b=2", "a=1 aNd b=2"])
def test_keywords_are_case_insensitive(text):
    assert parse(text) == And((cmp("a", "=", 1), cmp("b", "=", 2)))


def test_operator_keywords_are_case_insensitive_and_lower_cased():
    assert parse('summary CONTAINS "x"') == cmp("summary", "contains", "x")
    assert parse('summary Not Like "x*"') == cmp("summary", "not like", "x*")
    assert parse("id NOT IN (1, 2)") == cmp("id", "not in", (1, 2))


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("a=1", "="),
        ("a!=1", "!="),
        ("a<1", "<"),
        ("a<=1", "<="),
        ("a>1", ">"),
        ("a>=1", ">="),
        ("a <> 1", "!="),
    ],
)
def test_symbol_operators(text, op):
    assert parse(text) == cmp("a", op, 1)


def test_both_quote_styles_and_no_escapes():
    assert parse('summary = "hello"') == cmp("summary", "=", "hello")
    assert parse("summary = 'hello'") == cmp("summary", "=", "hello")
    # A double quote inside single quotes (and the reverse) is just a character.
    assert parse("""summary contains 'say "hi"'""") == cmp("summary", "contains", 'say "hi"')
    assert parse('''summary contains "O'Brien"''') == cmp("summary", "contains", "O'Brien")
    # No escape sequences: a backslash is an ordinary character and the string ends at the quote.
    assert parse(r'summary = "a\"') == cmp("summary", "=", "a\\")


def test_a_string_cannot_be_left_by_injected_syntax():
    assert parse('summary contains " OR id>0 OR summary="') == cmp(
        "summary", "contains", " OR id>0 OR summary="
    )


def test_value_types():
    assert parse("a = 12") == cmp("a", "=", 12)
    assert parse("a = -3") == cmp("a", "=", -3)
    assert parse("a = 1.5") == cmp("a", "=", 1.5)
    assert parse("a = TRUE") == cmp("a", "=", True)
    assert parse("a = false") == cmp("a", "=", False)
    assert parse("a = null") == cmp("a", "=", None)
    assert parse("a != NULL") == cmp("a", "!=", None)
    assert parse('a = ""') == cmp("a", "=", "")


def test_dates_are_aware_utc_datetimes():
    expected = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse("_info/dateEntered > [2026-01-01T00:00:00Z]") == cmp(
        "_info/dateEntered", ">", expected
    )
    assert parse("d > [2026-01-01T02:00:00+02:00]") == cmp("d", ">", expected)
    assert parse("d > [2026-01-01]") == cmp("d", ">", expected)
    value = parse("d < [2026-06-30T12:34:56Z]").value
    assert isinstance(value, datetime) and value.tzinfo is not None


def test_in_lists_and_not_variants():
    assert parse('status/name in ("New", "Assigned")') == cmp(
        "status/name", "in", ("New", "Assigned")
    )
    assert parse("id in (7)") == cmp("id", "in", (7,))
    assert parse('summary not contains "x"') == cmp("summary", "not contains", "x")
    assert parse("not (a=1 or b=2)") == Not(Or((cmp("a", "=", 1), cmp("b", "=", 2))))
    assert parse("NOT a=1 AND b=2") == And((Not(cmp("a", "=", 1)), cmp("b", "=", 2)))


def test_nested_field_paths_keep_their_spelling():
    assert parse("owner/identifier = 'jsmith'") == cmp("owner/identifier", "=", "jsmith")
    assert parse("_info/dateEntered = null") == cmp("_info/dateEntered", "=", None)


def test_nodes_are_frozen_and_hashable():
    node = parse("a=1 AND b in (1,2)")
    assert hash(node) == hash(parse("a=1 AND b in (1,2)"))
    with pytest.raises(AttributeError):
        node.operands = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a=",
        "a = b",  # an unquoted string
        "(a=1",
        "a=1)",
        "a==1",
        '"x" = 1',
        "a in 1",
        "a in ()",
        "a in (1,)",
        "a not = 1",
        'a = "unterminated',
        "a = 'unterminated",
        "a = [2026-13-45]",
        "a = [2026-01-01",
        "and = 1",
        "a=1 AND",
        "a=1 OR OR b=2",
        "a=1 b=2",
        "a = 1 # 2",
        "a/ = 1",
        "a = 12abc",
        "not",
    ],
)
def test_malformed_input_raises_condition_error(text):
    with pytest.raises(ConditionError) as info:
        parse(text)
    assert info.value.message


def test_condition_error_for_non_strings():
    with pytest.raises(ConditionError):
        parse(None)  # type: ignore[arg-type]


# --- evaluation ----------------------------------------------------------------------------------

TICKET = {
    "id": 1042,
    "summary": "Printer jams on 2nd floor",
    "closedFlag": False,
    "resources": "jsmith, mlee",
    "board": {"id": 1, "name": "Service Desk"},
    "owner": None,
    "priority": {"id": 4, "sort": 6},
    "_info": {"dateEntered": "2026-07-03T19:31:47Z"},
    "types": [{"id": 1, "name": "Client"}, {"id": 2, "name": "Vendor"}],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('summary contains "PRINTER"', True),  # case-insensitive like SQL Server
        ('summary = "printer jams on 2nd floor"', True),
        ('summary like "printer*"', True),
        ('summary like "%2nd%"', True),
        ('summary like "jams*"', False),
        ('summary not like "printer*"', False),
        ('summary not contains "scanner"', True),
        ("board/id = 1 AND closedFlag = false", True),
        ("board/id = 2 OR priority/sort < 10", True),
        ("id in (1, 1042)", True),
        ("id not in (1, 1042)", False),
        ("id >= 1042 AND id <= 1042", True),
        ('id = "1042"', True),
        ("_info/dateEntered > [2026-07-01T00:00:00Z]", True),
        ("_info/dateEntered < [2026-07-01T00:00:00Z]", False),
        ('resources like "*, mlee"', True),
        ('resources = "mlee"', False),
        ('types/name = "Vendor"', True),
        ("not (board/id = 1)", False),
        ('BOARD/NAME = "service desk"', True),  # field names match case-insensitively
    ],
)
def test_evaluate(text, expected):
    assert evaluate(parse(text), TICKET) is expected


def test_nulls_follow_sql_semantics():
    assert evaluate(parse("owner = null"), TICKET)
    assert not evaluate(parse("owner != null"), TICKET)
    assert evaluate(parse("missing = null"), TICKET)
    # Any comparison with a null is unknown: neither it nor its negation matches.
    assert not evaluate(parse('owner/identifier = "jsmith"'), TICKET)
    assert not evaluate(parse('owner/identifier != "jsmith"'), TICKET)
    assert not evaluate(parse('not owner/identifier = "jsmith"'), TICKET)
    assert evaluate(parse('owner/identifier = "x" OR id = 1042'), TICKET)


# --- the server's compiled predicate agrees with evaluate() --------------------------------------

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(["", "a", "A", "ab", "b", "Printer"]),
)
records = st.fixed_dictionaries(
    {"x": values, "y": values, "nested": st.one_of(st.none(), st.fixed_dictionaries({"x": values}))}
)
literals = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(["a", "A", "b", "ab", "*", "a*", "%b"]),
)
comparisons = st.builds(
    Comparison,
    st.sampled_from(["x", "y", "nested/x", "X", "missing"]),
    st.sampled_from(["=", "!=", "<", ">=", "contains", "not contains", "like", "not like"]),
    literals,
) | st.builds(
    Comparison,
    st.sampled_from(["x", "nested/x"]),
    st.sampled_from(["in", "not in"]),
    st.lists(literals, min_size=1, max_size=3).map(tuple),
)
expressions = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: And(tuple(ops))),
        st.lists(inner, min_size=2, max_size=3).map(lambda ops: Or(tuple(ops))),
        inner.map(Not),
    ),
    max_leaves=6,
)


@given(expressions, records)
def test_compiled_predicate_matches_evaluate(node, record):
    assert compile_predicate(node)(record) is evaluate(node, record)


# --- string patterns (the rules and their sources are in the module docstring) -----------------

MSP = {"summary": "[Datto RMM] Agent offline on HOST_01 at 100% *urgent*"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # rule 3: `[[]` is a literal `[` (ConnectWise)
        ('summary contains "[[]Datto RMM]"', True),
        ('summary like "[[]datto*"', True),
        ('summary contains "[[]Datto RMM agent"', False),
        # rule 1: `*` is a wildcard (ConnectWise); `[*]` a literal star (SQL Server)
        ('summary like "*offline*"', True),
        ('summary contains "[*]urgent[*]"', True),
        ('summary contains "[*]offline"', False),
        # rule 2: `%` any run, `_` one character (SQL Server LIKE)
        ('summary contains "100[%]"', True),
        ('summary contains "HOST[_]01"', True),
        ('summary contains "HOST_01"', True),
        ('summary contains "HOSTX01"', False),
        ('summary like "%agent%"', True),
        # rule 3: sets, negated sets and ranges
        ('summary contains "HOST_0[0-9]"', True),
        ('summary contains "HOST_0[^1]"', False),
        # rule 5: `]` alone is an ordinary character
        ('summary contains "RMM]"', True),
        # rule 2 for `=` / `in` (stricter reading): strings are patterns there too
        ('summary = "[[]datto rmm] agent offline on host[_]01 at 100[%] [*]urgent[*]"', True),
        ('summary = "[[]Datto*"', True),
        ('summary != "[[]Datto*"', False),
        ('summary in ("nope", "*HOST[_]01*")', True),
        ('summary not in ("*HOST[_]01*")', False),
        # `<` / `>` compare plain text
        ('summary > "[A"', True),
    ],
)
def test_string_patterns(text, expected):
    assert evaluate(parse(text), MSP) is expected
    assert compile_predicate(parse(text))(MSP) is expected


@pytest.mark.parametrize(
    "text",
    [
        'summary contains "[Datto RMM"',  # rule 4: no closing bracket
        'summary like "[]"',  # empty set
        'summary like "x[^]"',  # negated empty set
        'summary = "[z-a]"',  # backwards range
        'summary in ("ok", "[bad")',
        'summary not contains "["',
    ],
)
def test_malformed_patterns_are_refused(text):
    with pytest.raises(ConditionError) as info:
        parse(text)
    assert "position" in info.value.message


def test_brackets_outside_pattern_operators_are_plain_text():
    # `<` and `>` are not pattern operators: their string is compared as written.
    assert parse('summary < "["') == cmp("summary", "<", "[")
