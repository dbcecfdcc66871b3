"""Dates in conditions and orderBy, as the dashboard's "Recently updated" asks for them: written
in square brackets, compared as moments, ordered newest first; anything else about a date field
is refused (the rule and its source are in ``psa/simulator/schema.py``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from psa.simulator.app import SimulatorApp
from psa.simulator.store import DATA_DIR
from psa.simulator.testing import SimClient


@pytest.fixture(scope="module")
def sim():
    return SimClient(SimulatorApp())


@pytest.fixture(scope="module")
def tickets():
    return json.loads((DATA_DIR / "baysideit.json").read_text(encoding="utf-8"))["tickets"]


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_last_updated_since_a_moment_finds_exactly_those_tickets(sim, tickets) -> None:
    since = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    expected = {t["id"] for t in tickets if _moment(t["_info"]["lastUpdated"]) >= since}
    assert 0 < len(expected) < len(tickets)

    rows = sim.get(
        "/service/tickets",
        params={
            "conditions": "_info/lastUpdated >= [2026-11-18T12:00:00Z]",
            "fields": "id",
            "pageSize": 1000,
        },
    ).json

    assert {r["id"] for r in rows} == expected


def test_newest_update_first_with_id_breaking_ties(sim, tickets) -> None:
    rows = sim.get(
        "/service/tickets",
        params={
            "orderBy": "_info/lastUpdated desc, id desc",
            "fields": "id,_info/lastUpdated",
            "pageSize": 50,
        },
    ).json
    expected = sorted(
        tickets, key=lambda t: (_moment(t["_info"]["lastUpdated"]), t["id"]), reverse=True
    )[:50]
    assert [r["id"] for r in rows] == [t["id"] for t in expected]


@pytest.mark.parametrize(
    "conditions",
    [
        '_info/lastUpdated >= "2026-11-18T12:00:00Z"',  # a date written as text
        "_info/dateEntered > 20261118",  # a date written as a number
        "_info/lastUpdated in ([2026-11-18T12:00:00Z], 5)",
        'closedDate < "2026-11-18"',  # a datetime of the model itself
        "closedFlag = false AND (id = 1 OR _info/lastUpdated >= true)",  # nested
    ],
)
def test_a_date_compared_with_anything_but_a_date_is_refused(sim, conditions: str) -> None:
    for path in ("/service/tickets", "/service/tickets/count"):
        resp = sim.get(path, params={"conditions": conditions})
        assert resp.status == 400, resp.json
        assert resp.json["errors"][0]["field"] == "conditions"
        assert "square brackets" in resp.json["message"]


@pytest.mark.parametrize(
    "conditions",
    [
        "_info/lastUpdated = null",
        "_info/lastUpdated != null AND closedDate = null",
        "_info/LASTUPDATED < [2026-01-01T00:00:00Z]",  # names ignore case, as elsewhere
        'summary >= "M"',  # not a date: text compares as text
    ],
)
def test_dates_null_and_other_fields_are_still_accepted(sim, conditions: str) -> None:
    assert sim.get("/service/tickets/count", params={"conditions": conditions}).status == 200
