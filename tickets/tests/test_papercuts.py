"""Issue 13's papercuts where the logic is in Python: the SLA line read as a due time, the hint
for a closed status, related-ticket links that keep the list's filters, who was removed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from psa.providers.base import PSAStatus, ReferenceData
from tickets.filter_bar import closed_status_hint
from tickets.filters import TicketQuery
from tickets.sla import overdue_text, sla_state

HX = {"HX-Request": "true"}
ENTERED = datetime(2026, 11, 15, 22, 54, tzinfo=UTC)


# --- the SLA line ---------------------------------------------------------------------------------


def test_a_due_time_that_went_by_reads_overdue_in_days() -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    state = sla_state(text="Resolve by Mon 11/16 06:54 AM UTC", entered=ENTERED, now=now)

    assert state.due == datetime(2026, 11, 16, 6, 54, tzinfo=UTC)
    assert state.overdue == "Overdue by 14 days"


def test_a_due_time_still_ahead_is_not_overdue() -> None:
    now = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)

    state = sla_state(text="Resolve by Mon 11/16 06:54 AM UTC", entered=ENTERED, now=now)

    assert state.due is not None and state.overdue == ""


def test_the_year_is_the_one_after_the_ticket_was_entered_across_new_year() -> None:
    entered = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)

    state = sla_state(
        text="Respond by Fri 01/01 12:30 AM UTC", entered=entered, now=entered + timedelta(days=3)
    )

    assert state.due == datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    assert state.overdue == "Overdue by 2 days"


def test_the_weekday_decides_between_years() -> None:
    # 07/05 is a Sunday in 2026 and a Saturday in 2025: "Sun" means 2026 even near 2025.
    state = sla_state(
        text="Resolve by Sun 07/05 07:31 PM UTC",
        entered=datetime(2025, 12, 1, tzinfo=UTC),
        now=datetime(2026, 7, 6, 19, 31, tzinfo=UTC),
    )

    assert state.due == datetime(2026, 7, 5, 19, 31, tzinfo=UTC)
    assert state.overdue == "Overdue by 1 day"


@pytest.mark.parametrize(
    ("late", "text"),
    [
        (timedelta(minutes=5), "Overdue by 5 minutes"),
        (timedelta(hours=1, minutes=5), "Overdue by 1 hour"),
        (timedelta(hours=30), "Overdue by 1 day"),
        (timedelta(days=14, hours=3), "Overdue by 14 days"),
        (timedelta(seconds=20), "Overdue by 1 minute"),
        (timedelta(0), ""),
    ],
)
def test_overdue_is_said_in_the_largest_whole_unit(late, text) -> None:
    assert overdue_text(late) == text


@pytest.mark.parametrize(
    "text",
    ["", "Resolved", "Waiting", "Respond by 13/40 10:00 AM UTC", "Plan by Mon 11/16 06:54 AM EST"],
)
def test_text_without_a_readable_utc_time_is_shown_as_is_never_overdue(text) -> None:
    state = sla_state(text=text, entered=ENTERED, now=ENTERED + timedelta(days=400))

    assert (state.due, state.overdue, state.text) == (None, "", text)


def test_a_closed_ticket_is_never_overdue() -> None:
    state = sla_state(
        text="Resolve by Mon 11/16 06:54 AM UTC",
        entered=ENTERED,
        now=ENTERED + timedelta(days=30),
        closed=True,
    )

    assert state.overdue == ""


# --- the closed-status hint -----------------------------------------------------------------------


def _reference() -> ReferenceData:
    return ReferenceData(
        boards=(),
        statuses=(
            PSAStatus(id=1, name="New", board_id=1, sort_order=0, closed=False),
            PSAStatus(id=7, name="Closed", board_id=1, sort_order=9, closed=True),
        ),
        priorities=(),
        members=(),
        companies=(),
    )


def test_a_closed_status_without_include_closed_gets_a_hint() -> None:
    hint = closed_status_hint(reference=_reference(), query=TicketQuery(board=1, status=7))

    assert "Closed tickets are hidden" in hint and "“Closed” is a closed status" in hint
    assert "Include closed" in hint


@pytest.mark.parametrize(
    "query",
    [
        TicketQuery(board=1, status=7, closed=True),  # closed ones are included
        TicketQuery(board=1, status=1),  # an open status
        TicketQuery(board=1),  # no status
        TicketQuery(board=2, status=7),  # not this board's status
    ],
)
def test_no_hint_when_the_status_is_not_a_hidden_closed_one(query) -> None:
    assert closed_status_hint(reference=_reference(), query=query) == ""


# --- views ----------------------------------------------------------------------------------------


@pytest.fixture
def jordan(client, demo):
    client.force_login(demo.jordan)
    return client


@pytest.mark.django_db
def test_the_list_says_why_a_closed_status_shows_nothing(jordan) -> None:
    html = jordan.get(
        "/tickets/?board=1&status=107", headers={**HX, "HX-Target": "results"}
    ).content.decode()

    assert "data-closed-hint" in html and "“Closed” is a closed status" in html
    assert 'href="/tickets/?board=1&amp;status=107&amp;closed=true"' in html

    html = jordan.get("/tickets/?board=1&status=107&closed=true").content.decode()
    assert "data-closed-hint" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "http://testserver/tickets/?board=1&search=Adobe&page=2",
            "/tickets/?search=Adobe&board=1&page=2&ticket=1867",
        ),
        ("http://testserver/tickets/?board=nonsense&ticket=1858", "/tickets/?ticket=1867"),
        ("http://testserver/", "/tickets/?ticket=1867"),  # another page: the plain list
    ],
)
def test_related_ticket_links_keep_the_lists_filters(jordan, page, expected) -> None:
    html = jordan.get(
        "/tickets/1858/context/", headers={**HX, "HX-Current-URL": page}
    ).content.decode()

    link = re.search(
        r'<a href="([^"]+)" hx-get="/tickets/1867/panel/"[^>]*hx-push-url="([^"]+)"', html
    )
    assert link, html
    assert link.group(1).replace("&amp;", "&") == expected
    assert link.group(2) == link.group(1)


@pytest.mark.django_db
def test_a_prefetched_context_keeps_the_filters_from_its_referer(jordan) -> None:
    html = jordan.get(
        "/tickets/1858/context/", headers={**HX, "Referer": "http://testserver/tickets/?board=1"}
    ).content.decode()

    assert 'href="/tickets/?board=1&amp;ticket=1867"' in html


@pytest.mark.django_db
def test_removing_an_assignee_toasts_their_name(jordan) -> None:
    ticket = jordan.get("/tickets/2158/resources/", headers=HX).content.decode()
    assert "Brooke Williams" in ticket

    response = jordan.post("/tickets/2158/resources/23/remove/", headers=HX)

    toast = json.loads(response.headers["HX-Trigger"])["toast"]
    assert toast["message"] == "Removed Brooke Williams from #2158."
