"""The conditions builder, checked by reading its output back with the simulator's real parser.

The property tests are the proof that user text can never leave its string literal and is
matched literally: for any text at all, the parsed structure is exactly the intended one, and
evaluated by the simulator (which applies ConnectWise's string rules: `[[]`, `*`, `%`, `_`,
`[...]`) the condition matches exactly the summaries that contain that text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from psa.providers.base import PSAValidationError, TicketFilters
from psa.providers.connectwise import conditions as c
from psa.providers.connectwise.ticket_query import (
    MAX_SEARCH_LENGTH,
    search_text,
    ticket_conditions,
    ticket_number,
)
from psa.simulator.conditions import And, Comparison, Not, Or, evaluate, parse, pattern_regex

# Text built from the pieces most likely to break out of a literal or act as a pattern, mixed
# with anything at all.
NASTY = [
    '"',
    "'",
    "\\",
    "(",
    ")",
    " OR ",
    " AND ",
    " or ",
    "not ",
    "[",
    "]",
    "[[]",
    "[*]",
    "[%]",
    "[^a]",
    "[a-z]",
    "^",
    "-",
    "*",
    "%",
    "_",
    "?",
    ",",
    "=",
    " contains ",
    "id",
    "1",
    "\n",
    "\t",
    "\r",
    "\x00",
    "\x1f",
    "\x7f",
    "\u2028",
    "\u00a0",
    "é",
    "É",
    "ß",
    "漢字",
    "🙂",
    "Ünterberg",
    "summary",
    " ",
]
any_text = st.one_of(st.text(), st.lists(st.sampled_from(NASTY), max_size=12).map("".join))
# Text every character of which can be written literally (no `"`, no control characters).
writable_text = any_text.filter(c.writable)
ids = st.integers(min_value=1, max_value=2**31 - 1)

UNSAFE = {"Cc", "Cs", "Zl", "Zp"}


def _contains_literally(summary: str, text: str) -> bool:
    """The oracle: `summary` holds `text` character for character, ignoring case."""
    return re.search(re.escape(text), summary, re.IGNORECASE) is not None


def _contains_with_any_one(summary: str, text: str) -> bool:
    """Like `_contains_literally`, but each unwritable character of `text` may be any one."""
    regex = "".join("." if not c.writable(ch) else re.escape(ch) for ch in text)
    return re.search(regex, summary, re.IGNORECASE | re.DOTALL) is not None


@st.composite
def text_and_summaries(draw, texts=any_text):
    """A search text and summaries around it: holding it, near misses, and anything at all."""
    text = draw(texts)
    pieces = st.sampled_from(NASTY) | st.text(max_size=4)
    summaries = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["holds", "case", "miss", "any"]))
        before, after = draw(pieces), draw(pieces)
        if kind == "holds":
            body = text
        elif kind == "case":
            body = text.swapcase()
        elif kind == "miss" and text:
            i = draw(st.integers(0, len(text) - 1))
            body = text[:i] + draw(st.sampled_from([*NASTY, ""])) + text[i + 1 :]
        else:
            body = draw(st.text(max_size=8))
        summaries.append(before + body + after)
    return text, summaries


# --- escaping ---------------------------------------------------------------------------------------


@given(any_text)
@example('" OR id>0 OR summary="')
@example('\\" OR 1=1 --')
@example("[Datto RMM] Agent offline")
def test_escaped_text_cannot_end_a_literal_and_is_always_a_valid_pattern(text):
    pattern = c.escape(text)
    assert '"' not in pattern
    assert all(unicodedata.category(ch) not in UNSAFE for ch in pattern)
    # A backslash only ever sits inside `[\\]`, so it can never escape the closing quote.
    assert pattern.count("\\") == pattern.count("[\\]")
    pattern_regex(pattern)  # never a 400 from ConnectWise's `[` rules


@given(any_text)
def test_any_text_round_trips_as_one_literal(text):
    assert parse(str(c.contains("summary", text))) == Comparison(
        "summary", "contains", c.escape(text)
    )
    assert parse(str(c.like("summary", c.escape(text)))) == Comparison(
        "summary", "like", c.escape(text)
    )
    # `=` keeps the documented form when only `[[]` is needed, else LIKE with its escapes.
    plain = text.replace("[", "[[]")
    expected = (
        Comparison("summary", "=", plain)
        if plain == c.escape(text)
        else Comparison("summary", "like", c.escape(text))
    )
    assert parse(str(c.eq("summary", text))) == expected


@given(text_and_summaries(writable_text))
@example(("[Datto RMM]", ["[Datto RMM] Agent offline", "[Datto RMM agent", "Datto RMM"]))
@example(("100%", ["CPU at 100%", "100 percent", "1000"]))
@example(("HOST_01", ["HOST_01 down", "HOSTX01 down", "host_01"]))
@example(("*urgent*", ["*URGENT* reboot", "urgent reboot", "*urgent"]))
@example(("a\\b", ["a\\b", "a/b", "ab"]))
@example(("[^a]", ["x[^a]", "xb"]))
def test_contains_matches_exactly_the_summaries_holding_the_text(case):
    text, summaries = case
    node = parse(str(c.contains("summary", text)))
    for summary in summaries:
        assert evaluate(node, {"summary": summary}) is _contains_literally(summary, text)


@given(text_and_summaries())
@example(('say "hi"', ['say "hi"', "say hi", "say 'hi'"]))
def test_unwritable_characters_stand_for_exactly_one_character(case):
    # `"` and control characters cannot be written in a ConnectWise literal: each matches any
    # one character at its place, never more, never a different length, and never fewer results.
    text, summaries = case
    node = parse(str(c.contains("summary", text)))
    for summary in summaries:
        found = evaluate(node, {"summary": summary})
        assert found is _contains_with_any_one(summary, text)
        if _contains_literally(summary, text):
            assert found


@given(text_and_summaries(writable_text))
def test_eq_matches_exactly_the_summaries_equal_to_the_text(case):
    text, summaries = case
    node = parse(str(c.eq("summary", text)))
    negated = parse(str(c.ne("summary", text)))
    for summary in [*summaries, text, text.swapcase()]:
        equal = re.fullmatch(re.escape(text), summary, re.IGNORECASE | re.DOTALL) is not None
        assert evaluate(node, {"summary": summary}) is equal
        assert evaluate(negated, {"summary": summary}) is not equal


@given(st.lists(writable_text, min_size=1, max_size=3), writable_text)
def test_in_matches_exactly_the_listed_texts(values, actual):
    node = parse(str(c.in_("summary", values)))
    equal = any(re.fullmatch(re.escape(v), actual, re.IGNORECASE | re.DOTALL) for v in values)
    assert evaluate(node, {"summary": actual}) is equal


# --- the ticket search ------------------------------------------------------------------------------


@given(
    text=any_text,
    board=st.none() | ids,
    status=st.none() | ids,
    company=st.none() | ids,
    include_closed=st.booleans(),
)
@example(text='" OR id>0 OR summary="', board=1, status=None, company=None, include_closed=False)
@example(text="1042", board=None, status=None, company=None, include_closed=False)
@example(text=" #77 ", board=2, status=3, company=4, include_closed=True)
def test_search_text_parses_to_exactly_the_intended_structure(
    text, board, status, company, include_closed
):
    filters = TicketFilters(
        search=text,
        board_id=board,
        status_id=status,
        company_id=company,
        include_closed=include_closed,
    )
    built = str(ticket_conditions(filters))

    expected: list = []
    literal = search_text(text)
    if literal:
        number = ticket_number(text)
        summary = Comparison("summary", "contains", c.escape(literal))
        expected.append(Or((summary, Comparison("id", "=", number))) if number else summary)
    if board is not None:
        expected.append(Comparison("board/id", "=", board))
    if status is not None:
        expected.append(Comparison("status/id", "=", status))
    if company is not None:
        expected.append(Comparison("company/id", "=", company))
    if not include_closed:
        expected.append(Comparison("closedFlag", "=", False))

    if not expected:
        assert built == ""
    elif len(expected) == 1:
        assert parse(built) == expected[0]
    else:
        assert parse(built) == And(tuple(expected))


@given(ids)
def test_a_number_also_matches_the_ticket_id(n):
    assert ticket_number(str(n)) == n
    assert ticket_number(f"#{n}") == n
    assert parse(str(ticket_conditions(TicketFilters(search=str(n), include_closed=True)))) == Or(
        (Comparison("summary", "contains", str(n)), Comparison("id", "=", n))
    )


@pytest.mark.parametrize("text", ["0", "2147483648", "12a", "1 2", "-5", "١٢", "1.5"])
def test_not_a_ticket_number(text):
    assert ticket_number(text) is None


def test_search_text_is_capped_without_changing_results():
    # Summaries hold at most 100 characters: anything past the cap could never match anyway.
    assert MAX_SEARCH_LENGTH > 100
    assert len(search_text("x" * 5000)) == MAX_SEARCH_LENGTH


def _member_clause(ident: str) -> Or:
    return Or(
        (
            Comparison("resources", "=", ident),
            Comparison("resources", "like", f"{ident}, *"),
            Comparison("resources", "like", f"*, {ident}"),
            Comparison("resources", "like", f"*, {ident}, *"),
        )
    )


def test_assigned_me_is_an_exact_list_member_match():
    built = str(ticket_conditions(TicketFilters(assigned="me", me_identifier="jsmith")))
    assert parse(built) == And((_member_clause("jsmith"), Comparison("closedFlag", "=", False)))


def test_assigned_member_uses_the_resolved_identifier():
    built = ticket_conditions(
        TicketFilters(assigned=17, include_closed=True), assigned_identifier="mlee"
    )
    assert parse(str(built)) == _member_clause("mlee")


def test_unassigned_is_null_or_empty_resources():
    built = str(ticket_conditions(TicketFilters(assigned="unassigned", include_closed=True)))
    assert parse(built) == Or(
        (Comparison("resources", "=", None), Comparison("resources", "=", ""))
    )


def test_me_without_an_identifier_is_a_validation_error():
    with pytest.raises(PSAValidationError) as info:
        ticket_conditions(TicketFilters(assigned="me"))
    assert "assigned" in info.value.fields


@given(
    ident=writable_text.filter(lambda t: t and "," not in t),
    others=st.lists(writable_text.filter(lambda t: t and "," not in t), max_size=3),
    where=st.integers(0, 3),
)
@example(ident="j_smith", others=["jxsmith"], where=0)
@example(ident="j*", others=["jsmith"], where=1)
@example(ident="[ops]", others=["o"], where=0)
def test_list_member_matches_exactly_that_item(ident, others, where):
    node = parse(str(c.list_member("resources", ident)))
    listed = [*others[:where], ident, *others[where:]]
    assert evaluate(node, {"resources": ", ".join(listed)})
    lowered = ident.casefold()
    if all(o.casefold() != lowered for o in others) and others:
        assert not evaluate(node, {"resources": ", ".join(others)})


@pytest.mark.parametrize("ident", ["a, b", "", '"', "a\nb"])
def test_identifiers_that_cannot_be_matched_exactly_are_refused(ident):
    with pytest.raises(PSAValidationError):
        ticket_conditions(TicketFilters(assigned="me", me_identifier=ident))


# --- the builder ------------------------------------------------------------------------------------


def test_literals_by_type():
    assert c.literal(True) == "true" and c.literal(False) == "false"
    assert c.literal(None) == "null"
    assert c.literal(42) == "42"
    assert c.literal(datetime(2026, 1, 1, 5, 0, tzinfo=timezone(timedelta(hours=5)))) == (
        "[2026-01-01T00:00:00Z]"
    )
    assert c.literal(date(2026, 3, 4)) == "[2026-03-04T00:00:00Z]"
    with pytest.raises(ValueError, match="aware"):
        c.literal(datetime(2026, 1, 1))
    with pytest.raises(TypeError):
        c.literal(1.5)  # type: ignore[arg-type]


def test_values_parse_back_with_their_types():
    when = datetime(2026, 1, 1, tzinfo=UTC)
    built = c.and_(
        c.eq("closedFlag", False),
        c.eq("id", 7),
        c.ne("_info/dateEntered", when),
        c.in_("status/id", [1, 2, 3]),
        c.is_null("resources"),
    )
    assert parse(str(built)) == And(
        (
            Comparison("closedFlag", "=", False),
            Comparison("id", "=", 7),
            Comparison("_info/dateEntered", "!=", when),
            Comparison("status/id", "in", (1, 2, 3)),
            Comparison("resources", "=", None),
        )
    )


def test_grouping_adds_parentheses_only_where_needed():
    a, b, x, y = (c.eq(f, 1) for f in ("a", "b", "x", "y"))
    assert str(c.and_(c.or_(a, b), x)) == "(a = 1 OR b = 1) AND x = 1"
    assert str(c.or_(c.and_(a, b), x)) == "(a = 1 AND b = 1) OR x = 1"
    assert str(c.and_(c.and_(a, b), x)) == "a = 1 AND b = 1 AND x = 1"
    assert str(c.and_(None, c.Condition(""), a)) == "a = 1"
    assert str(c.and_()) == ""
    assert parse(str(c.or_(c.and_(a, b), c.and_(x, y)))) == Or(
        (
            And((Comparison("a", "=", 1), Comparison("b", "=", 1))),
            And((Comparison("x", "=", 1), Comparison("y", "=", 1))),
        )
    )
    assert parse(str(c.not_(c.or_(a, b)))) == Not(
        Or((Comparison("a", "=", 1), Comparison("b", "=", 1)))
    )


@pytest.mark.parametrize("field", ["", "a b", "a/", "1a", 'a"', "a) OR (b", "summary--"])
def test_field_names_are_validated(field):
    with pytest.raises(ValueError, match="field name"):
        c.eq(field, 1)


def test_in_needs_values():
    with pytest.raises(ValueError):
        c.in_("id", [])
