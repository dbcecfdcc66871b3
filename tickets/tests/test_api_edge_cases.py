"""Regression tests for inputs that once reached a 500 (or would, on PostgreSQL): each is now a
4xx with the usual `{"error": {...}}` body, and nothing reaches ConnectWise or the audit log."""

from __future__ import annotations

from dataclasses import replace

import pytest

from psa.providers.base import PSANotFound
from psa.providers.connectwise.provider import ConnectWiseProvider
from tickets import services
from tickets.ai.limits import MAX_PROMPT_CHARS
from tickets.models import TicketAuditEntry, TicketCreateRequest

pytestmark = pytest.mark.django_db

BASE = "/api/integrations/psa"
ACME, SERVICE_DESK = 250, 1
TOO_BIG = 2**31  # one past ConnectWise's (and the audit log's) largest id


# --- `assigned` member ids --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "assigned",
    [
        "²",  # str.isdigit() is True, int() refuses it: was a 500
        "9" * 5000,  # int() refuses more than 4300 digits: was a 500
        "١٢",  # Arabic-Indic digits: not a ConnectWise member id
        "0",
        str(TOO_BIG),
        "-3",
        "me please",
    ],
)
def test_assigned_must_be_a_keyword_or_a_plain_member_id(jordan_api, assigned) -> None:
    response = jordan_api.get(f"{BASE}/tickets/search", {"assigned": assigned})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["assigned"] == [
        "Use me, unassigned, all or a member id."
    ]


def test_blank_assigned_means_all_like_any_blank_query_parameter(jordan_api) -> None:
    everyone = jordan_api.get(f"{BASE}/tickets/search").json()["total"]
    for query in ({"assigned": ""}, {"assigned": " "}, {"include_closed": ""}, {"board_id": ""}):
        response = jordan_api.get(f"{BASE}/tickets/search", query)
        assert response.status_code == 200, query
        assert response.json()["total"] == everyone, query


def test_assigned_member_id_still_filters(jordan_api) -> None:
    body = jordan_api.get(f"{BASE}/tickets/search", {"assigned": "17", "page_size": 100}).json()
    assert body["total"] > 0
    assert all("jsmith" in [a["identifier"] for a in t["assignees"]] for t in body["items"])


# --- Idempotency-Key --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["draft\x00one", "tab\there", "k" * 129])
def test_unusable_idempotency_key_is_a_400_before_anything_is_created(
    jordan_api, sim_stats, key
) -> None:
    """A NUL byte in the key was a 500 on PostgreSQL (text columns refuse it); an over-long key
    used to be cut to 128 characters, so two different keys could meet."""
    response = jordan_api.post(
        f"{BASE}/tickets",
        {"summary": "Key check", "company_id": ACME, "board_id": SERVICE_DESK},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert "POST /service/tickets" not in sim_stats()["routes"]
    assert not TicketCreateRequest.objects.exists()


def test_uuid_and_blank_idempotency_keys_are_fine(jordan_api) -> None:
    body = {"summary": "Key check", "company_id": ACME, "board_id": SERVICE_DESK}
    key = "0b9d7c0e-8f0e-4a51-9d55-6a1f5d3c2b10"
    first = jordan_api.post(f"{BASE}/tickets", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = jordan_api.post(f"{BASE}/tickets", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    blank = jordan_api.post(f"{BASE}/tickets", body, format="json", HTTP_IDEMPOTENCY_KEY="  ")
    assert blank.status_code == 201 and blank.json()["id"] != first.json()["id"]


# --- ids ConnectWise cannot have ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"{BASE}/tickets/{TOO_BIG}", None),
        ("get", f"{BASE}/tickets/{TOO_BIG}/context", None),
        ("get", f"{BASE}/tickets/{TOO_BIG}/resources", None),
        ("post", f"{BASE}/tickets/{TOO_BIG}/resources", {"member_id": 17}),
        ("delete", f"{BASE}/tickets/{TOO_BIG}/resources/17", None),
        ("delete", f"{BASE}/tickets/1000/resources/{TOO_BIG}", None),
        ("post", f"{BASE}/tickets/{TOO_BIG}/notes", {"text": "hello"}),
        ("patch", f"{BASE}/tickets/{TOO_BIG}/status", {"status_id": 100}),
        ("patch", f"{BASE}/tickets/0/status", {"status_id": 100}),
        ("get", f"{BASE}/boards/{TOO_BIG}/statuses", None),
        ("get", f"{BASE}/tickets/99999999999999999999999999/context", None),
    ],
)
def test_out_of_range_path_id_is_a_404_without_calling_connectwise(
    jordan_api, sim_stats, method, path, body
) -> None:
    """Such a ticket id in the audit log's integer column was a 500 on PostgreSQL ("integer out
    of range") for notes, resources and status changes."""
    before = sim_stats()["total"]
    response = getattr(jordan_api, method)(path, body, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "was not found in ConnectWise" in response.json()["error"]["message"]
    assert sim_stats()["total"] == before
    assert not TicketAuditEntry.objects.exists()


def test_services_refuse_out_of_range_ticket_ids_before_auditing(demo) -> None:
    """The HTML views call the same services: they get a PSANotFound (a 404), not a DB error."""
    who = {"account": demo.bayside, "user": demo.jordan}
    calls = [
        lambda: services.ticket_note_add(**who, ticket_id=TOO_BIG, text="x", note_type="internal"),
        lambda: services.ticket_status_update(**who, ticket_id=TOO_BIG, status_id=100),
        lambda: services.ticket_resource_add(**who, ticket_id=TOO_BIG, member_id=17),
        lambda: services.ticket_resource_remove(**who, ticket_id=-1, member_id=17),
    ]
    for call in calls:
        with pytest.raises(PSANotFound):
            call()
    assert not TicketAuditEntry.objects.exists()


# --- strings must be strings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"{BASE}/tickets/ai-parse", {"prompt": 0}, "prompt"),
        (f"{BASE}/tickets/1000/notes", {"text": 12.5}, "text"),
        (
            f"{BASE}/tickets",
            {"summary": 404, "company_id": ACME, "board_id": SERVICE_DESK},
            "summary",
        ),
        (
            f"{BASE}/tickets",
            {"summary": "ok", "company_id": ACME, "board_id": SERVICE_DESK, "description": 7},
            "description",
        ),
    ],
)
def test_a_number_where_text_belongs_is_a_wrong_type(jordan_api, path, body, field) -> None:
    response = jordan_api.post(path, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == ["Not a valid string."]


# --- ConnectWise text the database cannot store -----------------------------------------------------


def test_nul_in_connectwise_text_does_not_break_the_audit_log(jordan_api, monkeypatch) -> None:
    """PostgreSQL refuses NUL in text and jsonb: an audit row carrying ConnectWise's own text
    must not turn a status change ConnectWise already made into a 500."""
    original = ConnectWiseProvider.get_ticket

    def get_ticket(self, *, ticket_id):
        ticket = original(self, ticket_id=ticket_id)
        return replace(ticket, status_name=f"{ticket.status_name}\x00", board_name="Net\x00Ops")

    monkeypatch.setattr(ConnectWiseProvider, "get_ticket", get_ticket)
    response = jordan_api.patch(f"{BASE}/tickets/1000/status", {"status_id": 115}, format="json")

    assert response.status_code == 200
    entry = TicketAuditEntry.objects.get(ticket_id=1000)
    assert entry.outcome == TicketAuditEntry.Outcome.SUCCESS
    assert "\x00" not in entry.before["status"] and "\x00" not in entry.after["status"]


# --- a double click racing itself -------------------------------------------------------------------


def test_create_already_in_progress_is_a_409_not_a_502(demo, jordan_api, sim_stats) -> None:
    """The same draft sent while its first request is still running: the client's doing, so a
    409 (it used to fall through to the 502 of an unknown PSA error)."""
    TicketCreateRequest.objects.create(account=demo.bayside, user=demo.jordan, key="draft-7")
    response = jordan_api.post(
        f"{BASE}/tickets",
        {"summary": "Racing", "company_id": ACME, "board_id": SERVICE_DESK},
        format="json",
        HTTP_IDEMPOTENCY_KEY="draft-7",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "create_in_progress"
    assert "POST /service/tickets" not in sim_stats()["routes"]


def test_a_text_over_its_limit_is_refused_even_when_trimming_would_fit(jordan_api) -> None:
    # Found by the schemathesis fuzz: DRF trims before it checks the length, so a leading
    # whitespace character let one character more than the documented limit through.
    prompt = "\x85" + "x" * MAX_PROMPT_CHARS

    response = jordan_api.post(f"{BASE}/tickets/ai-parse", {"prompt": prompt}, format="json")

    assert response.status_code == 400
    assert "prompt" in response.json()["error"]["fields"]
