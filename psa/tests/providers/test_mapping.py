"""ConnectWise JSON -> our dataclasses: tolerant of what ConnectWise omits, strict about ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from psa.providers.base import PSAAssignee, PSAResponseError
from psa.providers.connectwise import mapping
from psa.tests.providers import cw_samples as cw


def test_full_ticket():
    t = mapping.ticket_from_cw(cw.ticket(parentTicketId=900))
    assert (t.id, t.company_id, t.board_id, t.status_id, t.priority_id) == (1000, 257, 2, 112, 4)
    assert (t.status_name, t.priority_name, t.priority_sort) == (
        "Scheduled",
        "Priority 3 - Normal Response",
        6,
    )
    assert t.assignees == (PSAAssignee("lmartin"), PSAAssignee("jsmithson"))
    assert t.date_entered == datetime(2026, 7, 3, 19, 31, 47, tzinfo=UTC)
    assert t.last_updated == datetime(2026, 7, 8, 9, 31, 47, tzinfo=UTC)
    assert (t.contact_id, t.contact_name, t.owner_identifier) == (1020, "Paul Alvarez", "lmartin")
    assert (t.parent_ticket_id, t.type_name, t.severity, t.impact) == (
        900,
        "Change",
        "Medium",
        "High",
    )


def test_minimal_ticket_without_info_or_optional_references():
    t = mapping.ticket_from_cw({"id": 5, "summary": "bare"})
    assert (t.company_id, t.board_id, t.status_id, t.priority_sort) == (None, None, None, None)
    assert (t.date_entered, t.assignees, t.closed, t.company_name) == (None, (), False, "")


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ("", ()),
        (None, ()),
        ("jsmith", ("jsmith",)),
        ("jsmith, jsmithson", ("jsmith", "jsmithson")),
        (" a ,b,, a ", ("a", "b")),
    ],
)
def test_resources_string(resources, expected):
    assert tuple(a.identifier for a in mapping.assignees_from_resources(resources)) == expected


def test_assignee_names_can_be_filled_in():
    names = {"jsmith": "Jordan Smith"}
    assert mapping.assignees_from_resources("jsmith, mlee", names) == (
        PSAAssignee("jsmith", "Jordan Smith"),
        PSAAssignee("mlee", ""),
    )


@pytest.mark.parametrize("bad", [{"summary": "x"}, {"id": "7"}, {"id": True}, ["id"], None])
def test_records_without_an_integer_id_are_response_errors(bad):
    with pytest.raises(PSAResponseError):
        mapping.ticket_from_cw(bad)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"detailDescriptionFlag": True}, "discussion"),
        ({"internalAnalysisFlag": True}, "internal"),
        ({"resolutionFlag": True}, "resolution"),
        ({}, "discussion"),
    ],
)
def test_note_type_from_flags(flags, expected):
    assert mapping.note_from_cw({"id": 1, **flags}).type == expected
    if flags:
        assert mapping.note_flags(expected) == {
            "detailDescriptionFlag": expected == "discussion",
            "internalAnalysisFlag": expected == "internal",
            "resolutionFlag": expected == "resolution",
        }


def test_note_author_from_member_then_contact_then_created_by():
    member = mapping.note_from_cw(cw.NOTE)
    assert (member.author_name, member.author_identifier) == ("Lucia Martin", "lmartin")
    contact = mapping.note_from_cw(
        {"id": 2, "ticketId": 9, "contact": {"id": 1, "name": "Ivy Dubois"}, "createdBy": "rfapi"}
    )
    assert (contact.author_name, contact.author_identifier, contact.ticket_id) == (
        "Ivy Dubois",
        "",
        9,
    )
    bare = mapping.note_from_cw({"id": 3, "createdBy": "rfapi"}, ticket_id=4)
    assert (bare.author_name, bare.author_identifier, bare.ticket_id) == ("rfapi", "rfapi", 4)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-07-03T19:31:47Z", datetime(2026, 7, 3, 19, 31, 47, tzinfo=UTC)),
        ("2026-07-03T19:31:47", datetime(2026, 7, 3, 19, 31, 47, tzinfo=UTC)),
        ("2026-07-03T21:31:47+02:00", datetime(2026, 7, 3, 19, 31, 47, tzinfo=UTC)),
        ("not a date", None),
        (None, None),
        (12, None),
    ],
)
def test_dates(raw, expected):
    assert mapping.parse_datetime(raw) == expected


def test_reference_records():
    status = mapping.status_from_cw(dict(cw.STATUS, closedStatus=True, defaultFlag=False))
    assert (status.board_id, status.closed, status.default) == (1, True, False)
    assert mapping.status_from_cw({"id": 9, "name": "x"}, board_id=4).board_id == 4
    assert mapping.priority_from_cw(cw.PRIORITY).sort == 1
    assert mapping.priority_from_cw({"id": 4, "name": "P3", "sort": 6}).sort == 6
    member = mapping.member_from_cw(
        {
            "id": 1,
            "identifier": "x",
            "firstName": "A",
            "lastName": "B",
            "primaryEmail": "a@b",
            "inactiveFlag": True,
        }
    )
    assert (member.name, member.email, member.inactive) == ("A B", "a@b", True)
    assert mapping.board_from_cw({"id": 3, "name": "Onboarding", "inactiveFlag": True}).inactive


def test_contact_prefers_default_email_and_tolerates_no_items():
    contact = mapping.contact_from_cw(
        dict(
            cw.CONTACT,
            communicationItems=[
                {"communicationType": "Email", "value": "old@x", "defaultFlag": False},
                {"communicationType": "Email", "value": "main@x", "defaultFlag": True},
            ],
        )
    )
    assert (contact.email, contact.phone) == ("main@x", "")
    assert mapping.contact_from_cw({"id": 1, "firstName": "Solo"}).name == "Solo"


def test_configuration_reference_uses_device_identifier():
    config = mapping.configuration_from_cw({"id": 5001, "deviceIdentifier": "ACMEC-LT01"})
    assert (config.name, config.type_name) == ("ACMEC-LT01", "")


def test_schedule_entry_without_member_is_a_response_error():
    with pytest.raises(PSAResponseError):
        mapping.resource_from_entry({"id": 1, "objectId": 2})
