"""The JSON API against the simulator, as a client (token auth) would use it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tickets.models import TicketAuditEntry
from tickets.tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

BASE = "/api/integrations/psa"
ACME, NETWORK_OPS, SERVICE_DESK = 250, 2, 1
NEW_SERVICE_DESK, IN_PROGRESS_NETWORK, CLOSED_NETWORK = 100, 110, 115
P1, P3 = 8, 4
JSMITH, MLEE, APATEL, PWALSH = 17, 18, 19, None


ENDPOINTS = [
    ("get", f"{BASE}/tickets/search"),
    ("post", f"{BASE}/tickets"),
    ("get", f"{BASE}/tickets/1000"),
    ("get", f"{BASE}/tickets/1000/context"),
    ("patch", f"{BASE}/tickets/1000/status"),
    ("get", f"{BASE}/tickets/1000/resources"),
    ("post", f"{BASE}/tickets/1000/resources"),
    ("delete", f"{BASE}/tickets/1000/resources/17"),
    ("post", f"{BASE}/tickets/1000/notes"),
    ("post", f"{BASE}/tickets/ai-parse"),
    ("get", f"{BASE}/boards"),
    ("get", f"{BASE}/boards/1/statuses"),
    ("get", f"{BASE}/tickets/statuses?board_id=1"),
    ("get", f"{BASE}/priorities"),
    ("get", f"{BASE}/members"),
    ("get", f"{BASE}/companies?search=acme"),
    ("get", f"{BASE}/member-mappings"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_refuses_anonymous_requests(method, path) -> None:
    response = getattr(APIClient(), method)(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_search_returns_a_page_with_total_most_urgent_first(jordan_api) -> None:
    body = jordan_api.get(f"{BASE}/tickets/search").json()

    assert set(body) == {"items", "total", "page", "page_size", "ordered"}
    assert body["ordered"] is None  # ConnectWise sorts every match itself
    assert body["page"] == 1 and body["page_size"] == 25 and len(body["items"]) == 25
    assert body["total"] > 25
    order = [(t["priority_sort"], -t["id"]) for t in body["items"]]
    assert order == sorted(order)
    assert all(not t["closed"] for t in body["items"])
    row = body["items"][0]
    for key in (
        "company_id",
        "company_name",
        "board_id",
        "board_name",
        "status_id",
        "status_name",
        "priority_id",
        "priority_name",
        "assignees",
        "date_entered",
        "sla_status",
    ):
        assert key in row


def test_search_filters_by_board_status_and_company(jordan_api) -> None:
    body = jordan_api.get(
        f"{BASE}/tickets/search",
        {"board_id": NETWORK_OPS, "include_closed": "true", "page_size": 100},
    ).json()
    assert body["items"] and {t["board_id"] for t in body["items"]} == {NETWORK_OPS}

    by_company = jordan_api.get(f"{BASE}/tickets/search", {"company_id": ACME}).json()
    assert {t["company_id"] for t in by_company["items"]} == {ACME}


def test_assigned_to_me_is_an_exact_member_match(jordan_api) -> None:
    body = jordan_api.get(f"{BASE}/tickets/search", {"assigned": "me", "page_size": 100}).json()

    assert body["total"] > 0
    for ticket in body["items"]:
        assert "jsmith" in [a["identifier"] for a in ticket["assignees"]]  # never jsmithson alone
    legacy = jordan_api.get(
        f"{BASE}/tickets/search", {"assigned_to_me": "true", "page_size": 100}
    ).json()
    assert legacy["total"] == body["total"]


def test_assigned_me_without_a_mapping_says_how_to_fix_it(demo) -> None:
    response = api_client_for(demo.riley).get(f"{BASE}/tickets/search", {"assigned": "me"})
    assert response.status_code == 400
    assert "assigned" in response.json()["error"]["fields"]


def test_page_size_is_capped_and_bad_params_are_field_errors(jordan_api) -> None:
    response = jordan_api.get(f"{BASE}/tickets/search", {"page_size": 101, "board_id": "abc"})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "page_size" in fields and "board_id" in fields


def test_search_text_with_quotes_is_just_text(jordan_api) -> None:
    response = jordan_api.get(f"{BASE}/tickets/search", {"search": '" OR id>0 OR summary="'})
    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_accounts_never_see_each_other(demo) -> None:
    casey = api_client_for(demo.casey)
    companies = {c["name"] for c in casey.get(f"{BASE}/companies").json()}
    assert "Acme Corp" not in companies
    items = casey.get(f"{BASE}/tickets/search", {"page_size": 100}).json()["items"]
    assert items and not any(t["company_name"] == "Acme Corp" for t in items)


def test_get_ticket_includes_company_and_board_ids(jordan_api) -> None:
    body = jordan_api.get(f"{BASE}/tickets/1000").json()
    assert body["id"] == 1000 and body["company_id"] == 257 and body["board_id"] == NETWORK_OPS
    assert jordan_api.get(f"{BASE}/tickets/999999").status_code == 404


def test_context_has_notes_contact_configurations_and_related(jordan_api) -> None:
    body = jordan_api.get(f"{BASE}/tickets/1000/context").json()
    assert body["ticket"]["id"] == 1000
    assert body["contact"]["name"] == "Paul Alvarez"
    assert body["notes"] and {n["type"] for n in body["notes"]} <= {
        "discussion",
        "internal",
        "resolution",
    }
    assert isinstance(body["configurations"], list) and isinstance(body["related"], list)


def _create(client, **overrides):
    payload = {
        "summary": "Printer offline on 2nd floor",
        "company_id": ACME,
        "board_id": SERVICE_DESK,
    }
    payload.update(overrides)
    return client.post(f"{BASE}/tickets", payload, format="json")


def test_create_applies_defaults_and_returns_the_spec_shape(jordan_api, demo) -> None:
    response = _create(jordan_api, description="Since this morning.", assigned_member_id=JSMITH)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "summary",
        "board_name",
        "status_name",
        "priority_name",
        "company_name",
        "resources",
    }
    assert body["status_name"] == "New" and body["priority_name"] == "Priority 3 - Normal Response"
    assert body["resources"] == [
        {
            "member_id": JSMITH,
            "member_name": "Jordan Smith",
            "member_identifier": "jsmith",
            "is_rf_user": True,
            "primary": False,
            "role": "",
        }
    ]
    notes = jordan_api.get(f"{BASE}/tickets/{body['id']}/context").json()["notes"]
    assert notes[0]["text"] == "Since this morning."
    entry = TicketAuditEntry.objects.get(action="create")
    assert (
        entry.ticket_id == body["id"] and entry.user == demo.jordan and entry.outcome == "success"
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"summary": "x" * 101}, "summary"),
        ({"company_id": 99999}, "company_id"),
        ({"board_id": 99}, "board_id"),
        ({"status_id": IN_PROGRESS_NETWORK}, "status_id"),
        ({"priority_id": 999}, "priority_id"),
        ({"assigned_member_id": 9999}, "assigned_member_id"),
        ({"company_id": "acme"}, "company_id"),
        ({"configuration_ids": [987654321]}, "configuration_ids"),
    ],
)
def test_create_rejects_bad_input_with_field_errors(
    jordan_api, sim_stats, overrides, field
) -> None:
    response = _create(jordan_api, **overrides)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    # No half-made ticket to clean up: ConnectWise refused the create itself, or (a device it
    # does not have) it was never asked to create one.
    assert sim_stats()["routes"].get("POST /service/tickets", 0) <= 1
    if field == "configuration_ids":
        assert "POST /service/tickets" not in sim_stats()["routes"]


def test_same_idempotency_key_creates_one_ticket(jordan_api, sim_stats) -> None:
    first = jordan_api.post(
        f"{BASE}/tickets",
        {"summary": "Dup check", "company_id": ACME, "board_id": 1},
        format="json",
        HTTP_IDEMPOTENCY_KEY="draft-1",
    )
    second = jordan_api.post(
        f"{BASE}/tickets",
        {"summary": "Dup check", "company_id": ACME, "board_id": 1},
        format="json",
        HTTP_IDEMPOTENCY_KEY="draft-1",
    )

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert sim_stats()["routes"].get("POST /service/tickets") == 1


def test_status_update_reports_previous_and_new(jordan_api) -> None:
    response = jordan_api.patch(
        f"{BASE}/tickets/1000/status", {"status_id": CLOSED_NETWORK}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "ticket_id": 1000,
        "previous_status": "Scheduled",
        "new_status": "Closed",
        "confirmed": True,
        "unconfirmed_because": "",
    }
    assert jordan_api.get(f"{BASE}/tickets/1000").json()["closed"] is True


def test_status_from_another_board_is_refused(jordan_api) -> None:
    response = jordan_api.patch(
        f"{BASE}/tickets/1000/status", {"status_id": NEW_SERVICE_DESK}, format="json"
    )
    assert response.status_code == 400
    assert "status_id" in response.json()["error"]["fields"]


def test_resources_add_list_remove(jordan_api) -> None:
    added = jordan_api.post(f"{BASE}/tickets/1000/resources", {"member_id": MLEE}, format="json")
    assert added.status_code == 201
    assert added.json() == {
        "member_id": MLEE,
        "member_name": "Morgan Lee",
        "member_identifier": "mlee",
        "is_rf_user": True,
        "primary": False,
        "role": "",
    }

    listed = jordan_api.get(f"{BASE}/tickets/1000/resources").json()
    assert MLEE in [r["member_id"] for r in listed]
    assert "mlee" in [
        a["identifier"] for a in jordan_api.get(f"{BASE}/tickets/1000").json()["assignees"]
    ]

    assert jordan_api.delete(f"{BASE}/tickets/1000/resources/{MLEE}").status_code == 204
    assert MLEE not in [
        r["member_id"] for r in jordan_api.get(f"{BASE}/tickets/1000/resources").json()
    ]


def test_notes_are_attributed_to_the_engineers_member(jordan_api) -> None:
    response = jordan_api.post(
        f"{BASE}/tickets/1000/notes",
        {"text": "Rebooted the firewall.", "type": "internal"},
        format="json",
    )

    assert response.status_code == 201
    note = response.json()
    assert note["type"] == "internal" and note["author_name"] == "Jordan Smith"


def test_unmapped_engineers_sign_their_notes(demo) -> None:
    response = api_client_for(demo.riley).post(
        f"{BASE}/tickets/1000/notes", {"text": "Checked cabling."}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["text"].endswith("— via ResolutionFlow, Riley Quinn")


def test_reference_endpoints(jordan_api) -> None:
    boards = {b["name"] for b in jordan_api.get(f"{BASE}/boards").json()}
    assert boards == {
        "Service Desk",
        "Network Operations",
        "Onboarding",
        "Monitoring Alerts",
        "Escalations",
    }
    statuses = jordan_api.get(f"{BASE}/boards/{NETWORK_OPS}/statuses").json()
    assert statuses and {s["board_id"] for s in statuses} == {NETWORK_OPS}
    assert jordan_api.get(f"{BASE}/tickets/statuses", {"board_id": NETWORK_OPS}).json() == statuses
    priorities = jordan_api.get(f"{BASE}/priorities").json()
    assert priorities[0]["name"] == "Priority 1 - Emergency Response"
    members = jordan_api.get(f"{BASE}/members").json()
    assert [m["identifier"] for m in members[:2]] == ["jsmith", "mlee"]  # mapped users first
    assert [
        c["identifier"] for c in jordan_api.get(f"{BASE}/companies", {"search": "acme"}).json()
    ] == ["AcmeCorp", "AcmeLabs"]
    mappings = jordan_api.get(f"{BASE}/member-mappings").json()
    assert {m["member_identifier"] for m in mappings} == {"jsmith", "mlee"}


def test_ai_parse_prefills_without_creating(jordan_api, sim_stats) -> None:
    response = jordan_api.post(
        f"{BASE}/tickets/ai-parse",
        {"prompt": "New ticket for Acme Corp, Outlook not syncing, high priority, assign to me"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["company_id"] == ACME and body["assigned_member_id"] == JSMITH
    assert "outlook" in body["summary"].lower()
    assert "board_id" in body["missing_fields"]
    assert isinstance(body["possible_duplicates"], list)
    assert "POST /service/tickets" not in sim_stats()["routes"]


def test_connectwise_outage_is_a_503_with_a_message(jordan_api, sim_config) -> None:
    sim_config(fail_rate=1.0)
    response = jordan_api.get(f"{BASE}/tickets/search")
    assert response.status_code == 503
    assert "ConnectWise" in response.json()["error"]["message"]
    assert response["Retry-After"]


def test_connectwise_rate_limit_is_a_503_with_retry_after(jordan_api, sim_config) -> None:
    jordan_api.get(f"{BASE}/boards")  # warm the reference cache
    sim_config(rate_limit=1)
    jordan_api.get(f"{BASE}/tickets/1000")
    response = jordan_api.get(f"{BASE}/tickets/1000")
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1


def test_refused_credentials_are_a_502_naming_the_psa(jordan_api, demo) -> None:
    connection = demo.bayside.psa_connection
    connection.private_key = "wrong"
    connection.save()
    response = jordan_api.get(f"{BASE}/tickets/search")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "psa_auth_failed"


def test_no_connection_is_a_409_saying_how_to_connect(jordan_api, demo) -> None:
    demo.bayside.psa_connection.delete()
    response = jordan_api.get(f"{BASE}/tickets/search")
    assert response.status_code == 409
    assert "/account/integrations/" in response.json()["error"]["message"]


def test_failed_mutations_are_audited(jordan_api, sim_config) -> None:
    jordan_api.get(f"{BASE}/tickets/1000")
    jordan_api.get(f"{BASE}/boards")
    sim_config(fail_rate=1.0)
    jordan_api.post(f"{BASE}/tickets/1000/notes", {"text": "x"}, format="json")
    entry = TicketAuditEntry.objects.get(action="note")
    assert entry.outcome == "failed" and entry.ticket_id == 1000 and entry.message


def test_assignees_carry_member_names(jordan_api) -> None:
    ticket = jordan_api.get(f"{BASE}/tickets/1000").json()
    assert ticket["assignees"] == [{"identifier": "lmartin", "name": "Lucia Martin"}]


def test_unknown_api_paths_answer_in_the_api_error_shape(jordan_api) -> None:
    response = jordan_api.get(f"{BASE}/tickets/not-a-number")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_html_list_ignores_a_malformed_assigned_filter(client, demo) -> None:
    client.force_login(demo.jordan)
    for value in ("²", "9" * 5000, " "):
        assert client.get("/tickets/", {"assigned": value}).status_code == 200
