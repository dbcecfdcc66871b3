"""The conditions builder, checked by reading its output back with the simulator's real parser.

The property tests are the proof that user text can never leave its string literal: for any text
at all, the parsed structure is exactly the intended one, holding exactly the sanitised literal.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from psa.providers.base import PSAValidationError, TicketFilters
from psa.providers.connectwise import conditions as c
from psa.providers.connectwise.provider import (
    MAX_SEARCH_LENGTH,
    search_text,
    ticket_conditions,
    ticket_number,
)
from psa.simulator.conditions import And, Comparison, Not, Or, parse

# Text built from the pieces most likely to break out of a literal, mixed with anything at all.
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
    "*",
    "%",
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
    "漢字",
    "🙂",
    "Ünterberg",
    "summary",
    " ",
]
any_text = st.one_of(st.text(), st.lists(st.sampled_from(NASTY), max_size=12).map("".join))
ids = st.integers(min_value=1, max_value=2**31 - 1)


def _safe(ch: str) -> bool:
    return ch not in '"\\' and unicodedata.category(ch) not in {"Cc", "Cs", "Zl", "Zp"}


# --- sanitising -------------------------------------------------------------------------------------


@given(any_text)
@example('" OR id>0 OR summary="')
@example('\\" OR 1=1 --')
def test_sanitised_text_cannot_end_a_literal_and_keeps_everything_else(text):
    clean = c.sanitize(text)
    assert '"' not in clean and "\\" not in clean
    assert all(unicodedata.category(ch) not in {"Cc", "Cs", "Zl", "Zp"} for ch in clean)
    assert clean == clean.strip() and "  " not in clean
    assert all(not ch.isspace() or ch == " " for ch in clean)
    # Nothing but the unsafe characters and whitespace layout is lost, in order.
    assert "".join(clean.split()) == "".join(ch for ch in text if _safe(ch) and not ch.isspace())
    assert c.sanitize(clean) == clean


@given(any_text)
def test_any_text_round_trips_as_one_literal(text):
    for build, op in ((c.contains, "contains"), (c.eq, "="), (c.like, "like")):
        assert parse(str(build("summary", text))) == Comparison("summary", op, c.sanitize(text))


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
        summary = Comparison("summary", "contains", literal)
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


@pytest.mark.parametrize("ident", ["j*smith", "50%", "a, b", "", '"'])
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
