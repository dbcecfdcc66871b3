"""allNotes with its /notes fallback, the schedule type sent with assignments, and the
newest-first search that finds a ticket whose create answer was lost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses import matchers

from psa.providers.base import PSANotFound
from psa.tests.providers import cw_samples as cw
from psa.tests.providers.cw_samples import API

TIME_ENTRY = {
    "id": 5001000,
    "ticketId": 1000,
    "text": "Remote session, replaced the driver.",
    "detailDescriptionFlag": True,
    "internalAnalysisFlag": False,
    "resolutionFlag": False,
    "member": {"id": 17, "identifier": "jsmith", "name": "Jordan Smith"},
    "_info": {
        "dateEntered": "2026-07-05T11:00:00Z",
        "noteType": "TimeEntryNote",
        "timeStart": "2026-07-05T10:00:00Z",
        "timeEnd": "2026-07-05T10:45:00Z",
    },
}


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def provider():
    p = cw.make_provider()
    yield p
    p.close()


def _context_neighbours(rsps):
    rsps.get(f"{API}/service/tickets/1000", json=cw.ticket(contact=None, parentTicketId=None))
    rsps.get(f"{API}/service/tickets/1000/configurations", json=[])
    rsps.get(f"{API}/service/tickets", json=[])


def _calls(rsps, suffix):
    return [c for c in rsps.calls if c.request.url.split("?")[0].endswith(suffix)]


# --- notes --------------------------------------------------------------------------------------


def test_time_entries_from_all_notes_are_marked_with_their_span(rsps, provider):
    _context_neighbours(rsps)
    rsps.get(
        f"{API}/service/tickets/1000/allNotes",
        json=[cw.NOTE, TIME_ENTRY],
        match=[
            matchers.query_param_matcher({"orderBy": "id asc", "page": "1", "pageSize": "1000"})
        ],
    )
    notes = provider.get_ticket_context(ticket_id=1000).notes
    by_kind = {n.kind: n for n in notes}
    assert set(by_kind) == {"note", "time_entry"}
    entry = by_kind["time_entry"]
    assert (entry.author_identifier, entry.type) == ("jsmith", "discussion")
    assert entry.time_start == datetime(2026, 7, 5, 10, 0, tzinfo=UTC)
    assert entry.time_end == datetime(2026, 7, 5, 10, 45, tzinfo=UTC)
    assert by_kind["note"].time_start is None
    assert not _calls(rsps, "/notes")


@pytest.mark.parametrize("status", [403, 404])
def test_a_tenant_refusing_all_notes_falls_back_to_notes_once(rsps, provider, status):
    _context_neighbours(rsps)
    rsps.get(f"{API}/service/tickets/1000/allNotes", status=status, json={"message": "no"})
    rsps.get(f"{API}/service/tickets/1000/notes", json=[cw.NOTE])
    first = provider.get_ticket_context(ticket_id=1000)
    second = provider.get_ticket_context(ticket_id=1000)
    assert [n.id for n in first.notes] == [n.id for n in second.notes] == [cw.NOTE["id"]]
    assert all(n.kind == "note" for n in second.notes)
    assert len(_calls(rsps, "/allNotes")) == 1  # remembered for this connection
    assert len(_calls(rsps, "/notes")) == 2


def test_a_missing_ticket_is_not_taken_for_a_refused_all_notes(rsps, provider):
    rsps.get(f"{API}/service/tickets/1000", status=404, json={"message": "gone"})
    rsps.get(f"{API}/service/tickets/1000/allNotes", status=404, json={"message": "gone"})
    rsps.get(f"{API}/service/tickets/1000/notes", status=404, json={"message": "gone"})
    rsps.get(f"{API}/service/tickets/1000/configurations", status=404, json={"message": "gone"})
    rsps.get(f"{API}/service/tickets", json=[])
    with pytest.raises(PSANotFound):
        provider.get_ticket_context(ticket_id=1000)
    assert provider.all_notes_refused is False


# --- schedule type ------------------------------------------------------------------------------


def _assignment_calls(rsps, ticket_id=1000):
    rsps.get(f"{API}/service/tickets/{ticket_id}", json={"id": ticket_id})
    rsps.get(f"{API}/schedule/entries", json=[])
    rsps.post(
        f"{API}/schedule/entries",
        status=201,
        json=dict(cw.ENTRY, member={"id": 17, "identifier": "jsmith", "name": "Jordan Smith"}),
        match=[
            matchers.json_params_matcher(
                {"objectId": ticket_id, "type": {"id": 4, "identifier": "S"}, "member": {"id": 17}}
            )
        ],
    )


def test_assignments_send_the_schedule_type_looked_up_once(rsps, provider):
    rsps.get(
        f"{API}/schedule/types",
        json=[cw.SCHEDULE_TYPE],
        match=[
            matchers.query_param_matcher(
                {
                    "conditions": 'identifier = "S"',
                    "fields": "id,identifier,name",
                    "page": "1",
                    "pageSize": "5",
                }
            )
        ],
    )
    _assignment_calls(rsps)
    provider.add_resource(ticket_id=1000, member_id=17)
    provider.add_resource(ticket_id=1000, member_id=17)
    assert len(_calls(rsps, "/schedule/types")) == 1
    assert len([c for c in rsps.calls if c.request.method == "POST"]) == 2


def test_cached_reference_data_spares_the_lookup(rsps, provider):
    _assignment_calls(rsps)
    provider.remember_reference(cw.REFERENCE_WITH_SCHEDULE_TYPE)
    provider.add_resource(ticket_id=1000, member_id=17)
    assert not _calls(rsps, "/schedule/types")


def test_reference_data_carries_the_schedule_type_and_survives_without_it(rsps, provider):
    rsps.get(f"{API}/service/boards", json=[])
    rsps.get(f"{API}/service/priorities", json=[cw.PRIORITY])
    rsps.get(f"{API}/system/members", json=[cw.MEMBER])
    rsps.get(f"{API}/company/companies", json=[cw.COMPANY])
    rsps.get(f"{API}/schedule/types", json=[cw.SCHEDULE_TYPE])
    assert provider.reference_data().schedule_type == cw.REFERENCE_WITH_SCHEDULE_TYPE.schedule_type

    refused = cw.make_provider()
    rsps.replace("GET", f"{API}/schedule/types", status=403, json={"message": "no"})
    assert refused.reference_data().schedule_type is None


# --- newest first, within the window ------------------------------------------------------------


def _row(ticket_id: int, entered: str) -> dict:
    return cw.ticket(ticket_id, _info={"dateEntered": entered})


def test_recent_tickets_are_read_newest_first_and_stop_at_the_window(rsps, provider):
    rsps.get(
        f"{API}/service/tickets",
        json=[_row(1300, "2026-07-05T10:02:00Z"), _row(1299, "2026-07-05T10:00:30Z")]
        + [_row(1298 - i, "2026-07-05T09:00:00Z") for i in range(48)],
        match=[
            matchers.query_param_matcher(
                {
                    "conditions": "company/id = 257 AND board/id = 2",
                    "orderBy": "id desc",
                    "fields": (
                        "id,summary,company,board,status,priority,resources,_info,slaStatus,"
                        "closedFlag,parentTicketId,contact,owner,hasChildTicket,type,severity,"
                        "impact"
                    ),
                    "page": "1",
                    "pageSize": "50",
                }
            )
        ],
    )
    since = datetime(2026, 7, 5, 10, 0, tzinfo=UTC)
    found = provider.find_recent_tickets(company_id=257, board_id=2, since=since)
    assert [t.id for t in found] == [1300, 1299]
    assert len(rsps.calls) == 1  # the older rows end the search: no second page
