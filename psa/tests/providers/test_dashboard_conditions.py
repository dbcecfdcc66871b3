"""The conditions the dashboard's searches add (several boards, "mine or nobody's", "updated
since"), read back with the simulator's real parser and evaluated on records."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from psa.providers.base import PSAValidationError, TicketFilters
from psa.providers.connectwise import conditions as c
from psa.providers.connectwise.ticket_query import ticket_conditions
from psa.simulator.conditions import And, Comparison, evaluate, parse

SINCE = datetime(2026, 12, 1, 9, 30, 15, tzinfo=UTC)


def test_several_boards_are_one_in_list() -> None:
    built = str(ticket_conditions(TicketFilters(board_ids=(4, 1, 4), include_closed=True)))
    assert parse(built) == Comparison("board/id", "in", (1, 4))


def test_updated_since_is_a_bracketed_utc_moment() -> None:
    local = SINCE.astimezone(datetime.now().astimezone().tzinfo)  # any zone: sent as UTC
    built = str(ticket_conditions(TicketFilters(updated_since=local, include_closed=True)))
    assert built == "_info/lastUpdated >= [2026-12-01T09:30:15Z]"
    node = parse(built)
    assert evaluate(node, {"_info": {"lastUpdated": "2026-12-01T09:30:15Z"}})
    assert not evaluate(node, {"_info": {"lastUpdated": "2026-12-01T09:30:14Z"}})


def test_a_moment_without_a_zone_is_refused() -> None:
    with pytest.raises(PSAValidationError) as info:
        ticket_conditions(TicketFilters(updated_since=datetime(2026, 12, 1)))
    assert "updated_since" in info.value.fields


@pytest.mark.parametrize(
    ("resources", "matches"),
    [
        ("jsmith", True),
        ("lmartin, jsmith", True),
        ("", True),
        (None, True),
        ("jsmithson", False),
        ("lmartin", False),
    ],
)
def test_me_or_unassigned_is_my_tickets_and_nobodys(resources: str | None, matches: bool) -> None:
    built = ticket_conditions(TicketFilters(assigned="me_or_unassigned", me_identifier="jsmith"))
    node = parse(str(built))
    assert isinstance(node, And)  # the OR is grouped before `AND closedFlag = false`
    assert evaluate(node, {"resources": resources, "closedFlag": False}) is matches
    assert not evaluate(node, {"resources": resources, "closedFlag": True})


def test_me_or_unassigned_needs_my_identifier() -> None:
    with pytest.raises(PSAValidationError):
        ticket_conditions(TicketFilters(assigned="me_or_unassigned"))


def test_ge_compares_numbers_and_dates_only() -> None:
    assert str(c.ge("id", 5)) == "id >= 5"
    assert str(c.ge("_info/dateEntered", date(2026, 1, 2))) == (
        "_info/dateEntered >= [2026-01-02T00:00:00Z]"
    )
    for value in ("2026-01-01", True, None):
        with pytest.raises(TypeError):
            c.ge("_info/lastUpdated", value)  # type: ignore[arg-type]
