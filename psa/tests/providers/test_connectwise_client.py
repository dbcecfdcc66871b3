"""`responses` tests: what the ConnectWise client and provider send, and how every failure maps.

The matrix at the bottom runs every HTTP call the provider makes through every failure mode
ConnectWise can produce (400 with field errors, 401, 403, 404, 429 + Retry-After, 5xx, timeouts,
connection errors, malformed JSON), with the call's neighbours answering normally.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import responses
from responses import matchers

from psa.providers.base import (
    PSAAuthError,
    PSAChangeNotApplied,
    PSANotConfigured,
    PSANotFound,
    PSAPermissionError,
    PSARateLimited,
    PSAResponseError,
    PSAServerError,
    PSATimeout,
    PSAUnavailable,
    PSAValidationError,
    TicketCreatePayload,
    TicketFilters,
)
from psa.providers.connectwise.client import ConnectWiseClient, route_template
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.tests.providers import cw_samples as cw
from psa.tests.providers.cw_samples import ACCEPT, API, AUTHORIZATION

ROW_FIELDS = (
    "id,summary,company,board,status,priority,resources,_info,slaStatus,closedFlag,"
    "parentTicketId,contact,owner,hasChildTicket,type,severity,impact"
)
ORDER = "priority/sort asc, id desc"
CW_ERROR_400 = {
    "code": "InvalidObject",
    "message": "ticket object is invalid",
    "errors": [
        {
            "code": "InvalidField",
            "message": "The status is not valid for this board.",
            "field": "status",
        },
        {"code": "NullValue", "message": "summary may not be null", "field": "summary"},
        {"code": "InvalidField", "message": "Company not found.", "field": "company/id"},
    ],
}


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def provider(sleeps):
    p = cw.make_provider(sleeps)
    # As after reading cached reference data: the "S" schedule type is known (its lookup is
    # covered in test_connectwise_notes_schedule.py).
    p.remember_reference(cw.REFERENCE_WITH_SCHEDULE_TYPE)
    yield p
    p.close()


def sent(rsps: responses.RequestsMock, method: str, path: str) -> list[responses.Call]:
    url = f"{API}{path}"
    return [
        c
        for c in rsps.calls
        if c.request.method == method and (c.request.url or "").split("?")[0] == url
    ]


# --- the funnel -------------------------------------------------------------------------------------


class TestFunnel:
    def test_every_call_carries_basic_auth_client_id_and_pinned_version(self, rsps, provider):
        rsps.get(
            f"{API}/service/boards",
            json=[cw.BOARD],
            match=[
                matchers.header_matcher(
                    {
                        "Authorization": AUTHORIZATION,
                        "clientId": cw.CONFIG.client_id,
                        "Accept": ACCEPT,
                    }
                )
            ],
        )
        assert [b.name for b in provider.list_boards()] == ["Service Desk"]

    def test_site_url_without_scheme_defaults_to_https_and_keeps_ports(self):
        assert ConnectWiseConfig("na.myconnectwise.net", "c", "p", "k", "id").api_root == (
            "https://na.myconnectwise.net/v4_6_release/apis/3.0"
        )
        local = ConnectWiseConfig("http://127.0.0.1:8765/", "c", "p", "k", "id", codebase="/x/")
        assert local.api_root == "http://127.0.0.1:8765/x/apis/3.0"

    def test_private_key_never_appears_in_repr(self):
        assert "priv-key" not in repr(cw.CONFIG)

    def test_timeouts_from_config_are_passed_to_requests(self, rsps, monkeypatch):
        seen: dict[str, Any] = {}
        client = ConnectWiseClient(
            ConnectWiseConfig(
                "cw.example.test", "c", "p", "k", "id", connect_timeout=1.5, read_timeout=7.0
            )
        )
        real = client.session.request

        def spy(*args, **kwargs):
            seen["timeout"] = kwargs["timeout"]
            return real(*args, **kwargs)

        monkeypatch.setattr(client.session, "request", spy)
        rsps.get(f"{API}/system/info", json={"version": "v2025.8"})
        client.get("/system/info")
        assert seen["timeout"] == (1.5, 7.0)

    def test_route_template_hides_ids(self):
        assert route_template("/service/tickets/123/notes") == "/service/tickets/{id}/notes"
        assert route_template("/service/boards/1/statuses") == "/service/boards/{id}/statuses"

    def test_each_call_is_logged_with_route_status_duration_and_attempt(
        self, rsps, provider, caplog
    ):
        rsps.get(f"{API}/service/tickets/1000", status=503)
        rsps.get(f"{API}/service/tickets/1000", json=cw.ticket())
        with caplog.at_level(logging.INFO, logger="psa.connectwise"):
            provider.get_ticket(ticket_id=1000)
        records = [r for r in caplog.records if r.name == "psa.connectwise"]
        assert [(r.cw_route, r.cw_status, r.cw_attempt) for r in records] == [
            ("/service/tickets/{id}", 503, 1),
            ("/service/tickets/{id}", 200, 2),
        ]
        assert all(r.cw_method == "GET" and r.cw_duration_ms >= 0 for r in records)
        assert "cw GET /service/tickets/{id} -> 200" in records[-1].getMessage()

    def test_backoff_is_exponential_with_jitter_and_capped(self, rsps, sleeps):
        provider = cw.make_provider(sleeps, max_retries=4, retry_after_cap=3.0)
        for _ in range(5):
            rsps.get(f"{API}/service/priorities", status=502)
        with pytest.raises(PSAUnavailable):
            provider.list_priorities()
        # base 0.5 * 2**n * (0.5 + jitter 0.5) = 0.5, 1, 2, 4 -> capped at 3
        assert sleeps == [0.5, 1.0, 2.0, 3.0]

    def test_retry_after_http_date_is_understood(self, rsps, sleeps, provider):
        rsps.get(
            f"{API}/service/priorities",
            status=429,
            headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},  # in the past -> 0
        )
        rsps.get(f"{API}/service/priorities", json=[cw.PRIORITY])
        assert provider.list_priorities()[0].id == 8
        assert sleeps == [0.0]

    def test_429_without_retry_after_backs_off(self, rsps, sleeps, provider):
        rsps.get(f"{API}/service/priorities", status=429)
        rsps.get(f"{API}/service/priorities", json=[cw.PRIORITY])
        provider.list_priorities()
        assert sleeps == [0.5]

    def test_get_all_follows_link_header_pages(self, rsps, provider):
        first = [dict(cw.COMPANY, id=i) for i in range(1000)]
        rsps.get(
            f"{API}/company/companies",
            json=first,
            headers={
                "Link": f'<{API}/company/companies?page=2&pageSize=1000>; rel="next", '
                f'<{API}/company/companies?page=2&pageSize=1000>; rel="last"'
            },
            match=[
                matchers.query_param_matcher(
                    {
                        "page": "1",
                        "pageSize": "1000",
                        "conditions": "deletedFlag = false",
                        "fields": "id,identifier,name,website",
                        "orderBy": "name asc, id asc",
                    }
                )
            ],
        )
        rsps.get(
            f"{API}/company/companies",
            json=[dict(cw.COMPANY, id=5000)],
            headers={"Link": f'<{API}/company/companies?page=1&pageSize=1000>; rel="first"'},
            match=[
                matchers.query_param_matcher(
                    {
                        "page": "2",
                        "pageSize": "1000",
                        "conditions": "deletedFlag = false",
                        "fields": "id,identifier,name,website",
                        "orderBy": "name asc, id asc",
                    }
                )
            ],
        )
        companies = provider.list_companies()
        assert len(companies) == 1001
        assert companies[-1].id == 5000

    def test_get_all_without_link_header_stops_on_a_short_page(self, rsps, provider):
        rsps.get(f"{API}/service/priorities", json=[cw.PRIORITY])
        assert len(provider.list_priorities()) == 1
        assert len(rsps.calls) == 1

    def test_get_all_stops_at_the_page_cap(self, rsps):
        client = ConnectWiseClient(cw.CONFIG, sleep=lambda s: None)
        rsps.get(f"{API}/system/members", json=[cw.MEMBER] * 1000)
        assert len(client.get_all("/system/members", max_pages=3)) == 3000
        assert len(rsps.calls) == 3

    def test_count_with_a_wrong_shape_is_a_response_error(self, rsps):
        client = ConnectWiseClient(cw.CONFIG)
        rsps.get(f"{API}/service/tickets/count", json={"total": 3})
        with pytest.raises(PSAResponseError):
            client.count("/service/tickets/count")

    def test_list_endpoint_returning_an_object_is_a_response_error(self, rsps, provider):
        rsps.get(f"{API}/service/boards", json={"id": 1})
        with pytest.raises(PSAResponseError):
            provider.list_boards()

    def test_record_without_id_is_a_response_error(self, rsps, provider):
        rsps.get(f"{API}/service/tickets/1000", json={"summary": "no id"})
        with pytest.raises(PSAResponseError, match="without an id"):
            provider.get_ticket(ticket_id=1000)

    def test_html_error_page_still_maps_by_status(self, rsps, provider):
        rsps.get(
            f"{API}/service/boards", status=500, body="<html>Oops</html>", content_type="text/html"
        )
        with pytest.raises(PSAServerError, match=r"answered with an error \(HTTP 500\)") as info:
            provider.list_boards()
        assert "Oops" in info.value.detail

    def test_unexpected_status_is_a_response_error(self, rsps, provider):
        rsps.get(f"{API}/service/boards", status=405, json={"message": "Method not allowed"})
        with pytest.raises(PSAResponseError, match="HTTP 405"):
            provider.list_boards()

    def test_409_and_422_are_validation_errors(self, rsps):
        client = ConnectWiseClient(cw.CONFIG)
        rsps.post(
            f"{API}/service/tickets", status=409, json={"code": "Conflict", "message": "Conflict"}
        )
        rsps.post(
            f"{API}/service/tickets/1/notes",
            status=422,
            json={"code": "InvalidObject", "message": "Nope"},
        )
        with pytest.raises(PSAValidationError, match="Conflict"):
            client.post("/service/tickets", {})
        with pytest.raises(PSAValidationError, match="Nope"):
            client.post("/service/tickets/1/notes", {})

    @pytest.mark.parametrize(
        "overrides",
        [
            {"site_url": "https://"},
            {"site_url": "ftp://cw.example.test"},
            {"site_url": ""},
            {"client_id": "cliënt✓"},
            {"private_key": "clé"},
            {"public_key": "a\r\nX-Evil: 1"},
        ],
    )
    def test_unusable_settings_are_not_configured_errors(self, rsps, overrides):
        provider = cw.make_provider(**overrides)
        with pytest.raises(PSANotConfigured):
            provider.list_boards()
        health = provider.health_check()
        assert health.ok is False and "connection settings" in health.message
        assert len(rsps.calls) == 0

    def test_nothing_but_psa_errors_escape(self, rsps, provider):
        rsps.get(f"{API}/service/boards", body=requests.exceptions.TooManyRedirects("loop"))
        with pytest.raises(PSAUnavailable):
            provider.list_boards()


# --- what each provider operation sends ------------------------------------------------------------


class TestWhatIsSent:
    def test_search_free_text_and_number(self, rsps, provider):
        conditions = '(summary contains "#1042" OR id = 1042) AND closedFlag = false'
        rsps.get(
            f"{API}/service/tickets",
            json=[cw.ticket(1042)],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": conditions,
                        "orderBy": ORDER,
                        "fields": ROW_FIELDS,
                        "page": "1",
                        "pageSize": "25",
                    }
                )
            ],
        )
        rsps.get(
            f"{API}/service/tickets/count",
            json={"count": 1},
            match=[matchers.query_param_matcher({"conditions": conditions})],
        )
        result = provider.search_tickets(filters=TicketFilters(search="#1042"))
        assert (result.total, result.page, result.page_size) == (1, 1, 25)
        assert result.items[0].id == 1042
        assert [a.identifier for a in result.items[0].assignees] == ["lmartin", "jsmithson"]

    def test_search_with_every_filter_and_hostile_text(self, rsps, provider):
        conditions = (
            # The quote cannot be written in a literal: it stands for any one character.
            'summary contains "vpn \'down_ OR id>0" AND board/id = 2 AND status/id = 112 AND '
            "priority/id = 4 AND company/id = 257 AND "
            '(resources = "jsmith" OR resources like "jsmith, *" OR resources like "*, jsmith" '
            'OR resources like "*, jsmith, *") AND closedFlag = false'
        )
        rsps.get(
            f"{API}/service/tickets",
            json=[],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": conditions,
                        "orderBy": ORDER,
                        "fields": ROW_FIELDS,
                        "page": "3",
                        "pageSize": "10",
                    }
                )
            ],
        )
        rsps.get(
            f"{API}/service/tickets/count",
            json={"count": 0},
            match=[matchers.query_param_matcher({"conditions": conditions})],
        )
        result = provider.search_tickets(
            filters=TicketFilters(
                search="  vpn 'down\" OR id>0\n",
                board_id=2,
                status_id=112,
                priority_id=4,
                company_id=257,
                assigned="me",
                me_identifier="jsmith",
            ),
            page=3,
            page_size=10,
        )
        assert result.total == 0

    def test_search_unassigned_including_closed(self, rsps, provider):
        conditions = 'resources = null OR resources = ""'
        rsps.get(
            f"{API}/service/tickets",
            json=[],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": conditions,
                        "orderBy": ORDER,
                        "fields": ROW_FIELDS,
                        "page": "1",
                        "pageSize": "25",
                    }
                )
            ],
        )
        rsps.get(
            f"{API}/service/tickets/count",
            json={"count": 0},
            match=[matchers.query_param_matcher({"conditions": conditions})],
        )
        provider.search_tickets(filters=TicketFilters(assigned="unassigned", include_closed=True))

    def test_search_everything_sends_no_conditions(self, rsps, provider):
        rsps.get(
            f"{API}/service/tickets",
            json=[],
            match=[
                matchers.query_param_matcher(
                    {"orderBy": ORDER, "fields": ROW_FIELDS, "page": "1", "pageSize": "25"}
                )
            ],
        )
        rsps.get(
            f"{API}/service/tickets/count",
            json={"count": 0},
            match=[matchers.query_param_matcher({})],
        )
        provider.search_tickets(filters=TicketFilters(include_closed=True))

    def test_search_by_member_id_resolves_the_identifier_once(self, rsps, provider):
        rsps.get(
            f"{API}/system/members/17",
            json={"id": 17, "identifier": "jsmith"},
            match=[matchers.query_param_matcher({"fields": "id,identifier"})],
        )
        conditions = (
            '(resources = "jsmith" OR resources like "jsmith, *" OR resources like "*, jsmith" '
            'OR resources like "*, jsmith, *") AND closedFlag = false'
        )
        rsps.get(
            f"{API}/service/tickets",
            json=[],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": conditions,
                        "orderBy": ORDER,
                        "fields": ROW_FIELDS,
                        "page": "1",
                        "pageSize": "25",
                    }
                )
            ],
        )
        rsps.get(f"{API}/service/tickets/count", json={"count": 0})
        provider.search_tickets(filters=TicketFilters(assigned=17))
        provider.search_tickets(filters=TicketFilters(assigned=17))
        assert len(sent(rsps, "GET", "/system/members/17")) == 1

    def test_search_by_unknown_member_id_is_a_validation_error(self, rsps, provider):
        rsps.get(f"{API}/system/members/999", status=404, json={"message": "Not found"})
        with pytest.raises(PSAValidationError) as info:
            provider.search_tickets(filters=TicketFilters(assigned=999))
        assert "assigned" in info.value.fields

    def test_search_me_without_identifier_makes_no_call(self, rsps, provider):
        with pytest.raises(PSAValidationError) as info:
            provider.search_tickets(filters=TicketFilters(assigned="me"))
        assert "assigned" in info.value.fields
        assert len(rsps.calls) == 0

    @pytest.mark.parametrize(("page", "size"), [(0, 25), (1, 0), (1, 1001)])
    def test_search_rejects_bad_paging_without_a_call(self, rsps, provider, page, size):
        with pytest.raises(PSAValidationError):
            provider.search_tickets(filters=TicketFilters(), page=page, page_size=size)
        assert len(rsps.calls) == 0

    def test_get_ticket_maps_ids_and_info_dates(self, rsps, provider):
        rsps.get(f"{API}/service/tickets/1000", json=cw.ticket())
        t = provider.get_ticket(ticket_id=1000)
        assert (t.company_id, t.board_id, t.status_id, t.priority_id) == (257, 2, 112, 4)
        assert t.priority_sort == 6
        assert t.date_entered is not None and t.date_entered.isoformat() == (
            "2026-07-03T19:31:47+00:00"
        )
        assert t.company_name == "Ünterberg Logistik GmbH"

    def test_context_fetches_everything_and_orders_notes_oldest_first(self, rsps, provider):
        rsps.get(
            f"{API}/service/tickets/1000",
            json=cw.ticket(parentTicketId=900, mergedParentTicket={"id": 800}),
        )
        older = dict(
            cw.NOTE,
            id=90009,
            dateCreated="2026-07-05T00:00:00Z",
            internalAnalysisFlag=True,
            detailDescriptionFlag=False,
            member=None,
            contact={"id": 1020, "name": "Paul Alvarez"},
        )
        rsps.get(
            f"{API}/service/tickets/1000/allNotes",
            json=[cw.NOTE, older],
            match=[
                matchers.query_param_matcher({"orderBy": "id asc", "page": "1", "pageSize": "1000"})
            ],
        )
        rsps.get(
            f"{API}/service/tickets/1000/configurations",
            json=[{"id": 5001, "deviceIdentifier": "ACMEC-LT01"}],
        )
        rsps.get(
            f"{API}/company/configurations",
            json=[cw.CONFIGURATION],
            match=[
                matchers.query_param_matcher(
                    {"conditions": "id in (5001)", "page": "1", "pageSize": "1000"}
                )
            ],
        )
        rsps.get(
            f"{API}/service/tickets",
            json=[{"id": 1001, "summary": "child", "status": {"name": "New"}, "closedFlag": False}],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": "parentTicketId = 1000",
                        "fields": "id,summary,status,closedFlag",
                        "orderBy": "id asc",
                        "page": "1",
                        "pageSize": "1000",
                    }
                )
            ],
        )
        rsps.get(
            f"{API}/service/tickets/900",
            json={"id": 900, "summary": "parent", "status": {"name": "Closed"}, "closedFlag": True},
            match=[matchers.query_param_matcher({"fields": "id,summary,status,closedFlag"})],
        )
        rsps.get(f"{API}/service/tickets/800", status=404, json={"message": "gone"})
        rsps.get(f"{API}/company/contacts/1020", json=cw.CONTACT)
        ctx = provider.get_ticket_context(ticket_id=1000)
        assert ctx.company is not None and ctx.company.identifier == "UnterbergLogistik"
        assert ctx.contact is not None
        assert (ctx.contact.email, ctx.contact.phone) == ("paul@x.example", "7115552964")
        assert [n.id for n in ctx.notes] == [90009, 90002]
        assert [(n.type, n.author_name) for n in ctx.notes] == [
            ("internal", "Paul Alvarez"),
            ("discussion", "Lucia Martin"),
        ]
        assert [(c.name, c.type_name) for c in ctx.configurations] == [("ACMEC-LT01", "Laptop")]
        assert [(r.id, r.relation, r.closed) for r in ctx.related] == [
            (900, "parent", True),
            (1001, "child", False),
        ]

    def test_context_contact_deleted_falls_back_to_the_ticket(self, rsps, provider):
        rsps.get(f"{API}/service/tickets/1000", json=cw.ticket())
        rsps.get(f"{API}/service/tickets/1000/allNotes", json=[])
        rsps.get(f"{API}/service/tickets/1000/configurations", json=[cw.CONFIGURATION])
        rsps.get(f"{API}/service/tickets", json=[])
        rsps.get(f"{API}/company/contacts/1020", status=404, json={"message": "gone"})
        ctx = provider.get_ticket_context(ticket_id=1000)
        assert ctx.contact is not None
        assert (ctx.contact.name, ctx.contact.email) == (
            "Paul Alvarez",
            "paul.alvarez@unterberg.example",
        )
        assert not sent(rsps, "GET", "/company/configurations")

    def test_list_resources_queries_open_service_entries_and_dedupes(self, rsps, provider):
        rsps.get(
            f"{API}/service/tickets/1000",
            json={"id": 1000},
            match=[matchers.query_param_matcher({"fields": "id"})],
        )
        rsps.get(
            f"{API}/schedule/entries",
            json=[
                cw.ENTRY,
                dict(cw.ENTRY, id=70002),
                dict(
                    cw.ENTRY,
                    id=70003,
                    member={"id": 17, "identifier": "jsmith", "name": "Jordan Smith"},
                ),
            ],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": 'type/identifier = "S" AND objectId = 1000 AND doneFlag = false',
                        "orderBy": "id asc",
                        "page": "1",
                        "pageSize": "1000",
                    }
                )
            ],
        )
        assert [
            (r.member_id, r.member_identifier) for r in provider.list_resources(ticket_id=1000)
        ] == [(25, "lmartin"), (17, "jsmith")]

    def test_add_resource_posts_a_service_schedule_entry(self, rsps, provider):
        rsps.get(f"{API}/service/tickets/1000", json={"id": 1000})
        rsps.get(
            f"{API}/schedule/entries",
            json=[],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": 'type/identifier = "S" AND objectId = 1000 AND doneFlag = false '
                        "AND member/id = 17",
                        "orderBy": "id asc",
                        "page": "1",
                        "pageSize": "1000",
                    }
                )
            ],
        )
        rsps.post(
            f"{API}/schedule/entries",
            json=dict(cw.ENTRY, member={"id": 17, "identifier": "jsmith", "name": "Jordan Smith"}),
            status=201,
            match=[
                matchers.json_params_matcher(
                    {"objectId": 1000, "type": {"id": 4, "identifier": "S"}, "member": {"id": 17}}
                )
            ],
        )
        r = provider.add_resource(ticket_id=1000, member_id=17)
        assert (r.member_id, r.member_name, r.member_identifier) == (17, "Jordan Smith", "jsmith")

    def test_add_resource_already_assigned_does_not_duplicate(self, rsps, provider):
        rsps.get(f"{API}/service/tickets/1000", json={"id": 1000})
        rsps.get(f"{API}/schedule/entries", json=[cw.ENTRY])
        assert provider.add_resource(ticket_id=1000, member_id=25).member_id == 25
        assert not sent(rsps, "POST", "/schedule/entries")

    def test_remove_resource_deletes_every_open_entry_of_the_member(self, rsps, provider):
        rsps.get(f"{API}/service/tickets/1000", json={"id": 1000})
        rsps.get(f"{API}/schedule/entries", json=[cw.ENTRY, dict(cw.ENTRY, id=70002)])
        rsps.delete(f"{API}/schedule/entries/70001", status=204)
        rsps.delete(f"{API}/schedule/entries/70002", status=404, json={"message": "gone"})
        provider.remove_resource(ticket_id=1000, member_id=25)
        assert len(sent(rsps, "DELETE", "/schedule/entries/70001")) == 1
        assert len(sent(rsps, "DELETE", "/schedule/entries/70002")) == 1

    def test_remove_resource_not_assigned_is_not_found(self, rsps, provider):
        rsps.get(f"{API}/service/tickets/1000", json={"id": 1000})
        rsps.get(f"{API}/schedule/entries", json=[])
        with pytest.raises(PSANotFound, match="not assigned"):
            provider.remove_resource(ticket_id=1000, member_id=25)

    def test_create_ticket_posts_references_and_initial_description(self, rsps, provider):
        rsps.post(
            f"{API}/service/tickets",
            status=201,
            json=cw.ticket(1201, summary="Printer jam"),
            match=[
                matchers.json_params_matcher(
                    {
                        "summary": "Printer jam",
                        "company": {"id": 250},
                        "board": {"id": 1},
                        "status": {"id": 100},
                        "priority": {"id": 8},
                        "initialDescription": "Tray 2 jams on every job.",
                        "contact": {"id": 1001},
                    }
                )
            ],
        )
        t = provider.create_ticket(
            payload=TicketCreatePayload(
                summary="Printer jam",
                company_id=250,
                board_id=1,
                status_id=100,
                priority_id=8,
                description="Tray 2 jams on every job.",
                contact_id=1001,
            )
        )
        assert t.id == 1201

    def test_create_ticket_minimal_body_leaves_defaults_to_connectwise(self, rsps, provider):
        rsps.post(
            f"{API}/service/tickets",
            status=201,
            json=cw.ticket(1201),
            match=[
                matchers.json_params_matcher(
                    {"summary": "x", "company": {"id": 250}, "board": {"id": 1}}
                )
            ],
        )
        provider.create_ticket(payload=TicketCreatePayload(summary="x", company_id=250, board_id=1))

    def test_create_ticket_with_assignee_adds_entry_and_rereads(self, rsps, provider):
        rsps.post(f"{API}/service/tickets", status=201, json=cw.ticket(1201, resources=""))
        rsps.post(
            f"{API}/schedule/entries",
            status=201,
            json=cw.ENTRY,
            match=[
                matchers.json_params_matcher(
                    {"objectId": 1201, "type": {"id": 4, "identifier": "S"}, "member": {"id": 17}}
                )
            ],
        )
        rsps.get(f"{API}/service/tickets/1201", json=cw.ticket(1201, resources="jsmith"))
        t = provider.create_ticket(
            payload=TicketCreatePayload(
                summary="x", company_id=250, board_id=1, assigned_member_id=17
            )
        )
        assert [a.identifier for a in t.assignees] == ["jsmith"]

    def test_create_ticket_assignment_failure_says_the_ticket_exists(self, rsps, provider):
        rsps.post(f"{API}/service/tickets", status=201, json=cw.ticket(1201))
        rsps.post(
            f"{API}/schedule/entries",
            status=400,
            json={
                "message": "member invalid",
                "errors": [{"message": "Member not found", "field": "member"}],
            },
        )
        with pytest.raises(PSAChangeNotApplied, match="#1201 was created"):
            provider.create_ticket(
                payload=TicketCreatePayload(
                    summary="x", company_id=250, board_id=1, assigned_member_id=99
                )
            )
        assert len(sent(rsps, "POST", "/service/tickets")) == 1

    def test_update_status_patches_a_replace_of_the_whole_reference(self, rsps, provider):
        rsps.patch(
            f"{API}/service/tickets/1000",
            json=cw.ticket(status={"id": 115, "name": "Closed"}, closedFlag=True),
            match=[
                matchers.json_params_matcher(
                    [{"op": "replace", "path": "status", "value": {"id": 115}}]
                )
            ],
        )
        t = provider.update_status(ticket_id=1000, status_id=115)
        assert (t.status_id, t.closed) == (115, True)

    def test_update_status_not_applied(self, rsps, provider):
        rsps.patch(f"{API}/service/tickets/1000", json=cw.ticket())
        with pytest.raises(PSAChangeNotApplied):
            provider.update_status(ticket_id=1000, status_id=115)

    @pytest.mark.parametrize(
        ("note_type", "flags"),
        [
            ("discussion", (True, False, False)),
            ("internal", (False, True, False)),
            ("resolution", (False, False, True)),
        ],
    )
    def test_add_note_sets_exactly_one_flag_and_the_member(self, rsps, provider, note_type, flags):
        body = {
            "text": "Replaced the fuser.",
            "detailDescriptionFlag": flags[0],
            "internalAnalysisFlag": flags[1],
            "resolutionFlag": flags[2],
            "member": {"id": 17},
        }
        rsps.post(
            f"{API}/service/tickets/1000/notes",
            status=201,
            json=dict(
                cw.NOTE,
                **{k: v for k, v in body.items() if k != "member"},
                member={"id": 17, "identifier": "jsmith", "name": "Jordan Smith"},
            ),
            match=[matchers.json_params_matcher(body)],
        )
        note = provider.add_note(
            ticket_id=1000, text="Replaced the fuser.", note_type=note_type, member_id=17
        )
        assert (note.type, note.author_identifier, note.ticket_id) == (note_type, "jsmith", 1000)

    def test_add_note_without_member_or_text(self, rsps, provider):
        rsps.post(
            f"{API}/service/tickets/1000/notes",
            status=201,
            json=cw.NOTE,
            match=[
                matchers.json_params_matcher(
                    {
                        "text": "hi",
                        "detailDescriptionFlag": True,
                        "internalAnalysisFlag": False,
                        "resolutionFlag": False,
                    }
                )
            ],
        )
        provider.add_note(ticket_id=1000, text="hi", note_type="discussion")
        with pytest.raises(PSAValidationError):
            provider.add_note(ticket_id=1000, text="  ", note_type="discussion")
        with pytest.raises(PSAValidationError):
            provider.add_note(ticket_id=1000, text="x", note_type="public")

    def test_reference_lists(self, rsps, provider):
        page = {"page": "1", "pageSize": "1000"}
        rsps.get(
            f"{API}/service/boards",
            json=[cw.BOARD],
            match=[
                matchers.query_param_matcher(
                    {
                        **page,
                        "conditions": "inactiveFlag = false",
                        "fields": "id,name,inactiveFlag",
                        "orderBy": "name asc, id asc",
                    }
                )
            ],
        )
        rsps.get(
            f"{API}/service/boards/1/statuses",
            json=[cw.STATUS],
            match=[matchers.query_param_matcher({**page, "orderBy": "sortOrder asc, id asc"})],
        )
        rsps.get(
            f"{API}/service/priorities",
            json=[cw.PRIORITY],
            match=[matchers.query_param_matcher({**page, "orderBy": "sortOrder asc, id asc"})],
        )
        rsps.get(
            f"{API}/system/members",
            json=[cw.MEMBER],
            match=[
                matchers.query_param_matcher(
                    {
                        **page,
                        "orderBy": "identifier asc",
                        # A ConnectWise Member has no `name` field.
                        "fields": "id,identifier,firstName,lastName,officeEmail,primaryEmail,"
                        "inactiveFlag",
                    }
                )
            ],
        )
        rsps.get(f"{API}/company/companies", json=[cw.COMPANY])
        ref = provider.reference_data()
        assert [b.id for b in ref.boards] == [1]
        assert ref.statuses_for(1)[0].default is True
        assert ref.priorities[0].sort == 1
        assert ref.members[0].email == "jsmith@baysideit.example"
        assert ref.members[0].name == "Jordan Smith"  # built from firstName and lastName
        assert ref.companies[0].identifier == "AcmeCorp"

    def test_search_companies_quotes_the_query(self, rsps, provider):
        rsps.get(
            f"{API}/company/companies",
            json=[cw.COMPANY],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": 'deletedFlag = false AND (name contains "Acme_ OR 1=1" OR '
                        'identifier contains "Acme_ OR 1=1")',
                        "fields": "id,identifier,name",
                        "orderBy": "name asc",
                        "page": "1",
                        "pageSize": "5",
                    }
                )
            ],
        )
        assert provider.search_companies(query='Acme" OR 1=1', limit=5)[0].id == 250

    def test_list_contacts_of_a_company(self, rsps, provider):
        rsps.get(
            f"{API}/company/contacts",
            json=[cw.CONTACT],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": "company/id = 257 AND inactiveFlag = false",
                        "orderBy": "lastName asc, firstName asc, id asc",
                        "page": "1",
                        "pageSize": "1000",
                    }
                )
            ],
        )
        contact = provider.list_contacts(company_id=257)[0]
        assert (contact.name, contact.company_id, contact.title) == ("Paul Alvarez", 257, "Owner")

    def test_find_open_tickets(self, rsps, provider):
        rsps.get(
            f"{API}/service/tickets",
            json=[cw.ticket()],
            match=[
                matchers.query_param_matcher(
                    {
                        "conditions": "company/id = 257 AND closedFlag = false",
                        "orderBy": ORDER,
                        "fields": ROW_FIELDS,
                        "page": "1",
                        "pageSize": "50",
                    }
                )
            ],
        )
        assert provider.find_open_tickets(company_id=257, limit=50)[0].id == 1000

    def test_health_check_ok_with_version(self, rsps, provider):
        rsps.get(
            f"{API}/service/boards",
            json=[{"id": 1}],
            match=[matchers.query_param_matcher({"fields": "id", "page": "1", "pageSize": "1"})],
        )
        rsps.get(f"{API}/system/info", json={"version": "v2025.8.12345", "isCloud": True})
        health = provider.health_check()
        assert (health.ok, health.server_version) == (True, "v2025.8.12345")

    def test_health_check_bad_keys_never_raises(self, rsps, provider):
        rsps.get(
            f"{API}/service/boards",
            status=401,
            json={"code": "Unauthorized", "message": "Invalid API key"},
        )
        rsps.get(f"{API}/system/info", status=401, json={"message": "Invalid API key"})
        health = provider.health_check()
        assert health.ok is False
        assert "Invalid API key" in health.message
        assert health.details["code"] == "psa_auth_failed"

    def test_health_check_unreachable(self, rsps, provider):
        rsps.get(f"{API}/service/boards", body=requests.ConnectionError("refused"))
        rsps.get(f"{API}/system/info", body=requests.ConnectionError("refused"))
        health = provider.health_check()
        assert health.ok is False and "did not answer" in health.message

    def test_web_url(self):
        provider = cw.make_provider(site_url="https://api-na.myconnectwise.net")
        assert provider.web_url(ticket_id=1042) == (
            "https://na.myconnectwise.net/v4_6_release/services/system_io/Service/"
            "fv_sr100_request.rails?service_recid=1042&companyName=baysideit"
        )


# --- every call x every failure ---------------------------------------------------------------------


@dataclass
class Op:
    """One HTTP call the provider makes: `primary` fails, `neighbours` answer normally."""

    id: str
    run: Callable[[ConnectWiseProvider], Any]
    method: str
    path: str
    ok: Any
    idempotent: bool = True
    neighbours: list[tuple[str, str, Any]] = field(default_factory=list)
    tolerates_404: bool = False
    error_type: type[Exception] | None = None  # when the provider re-maps every failure
    reads_body: bool = True  # False: the provider only needs the call to succeed


TICKET_EXISTS = ("GET", "/service/tickets/1000", {"id": 1000})
CONTEXT_CALLS = {
    "ticket": ("GET", "/service/tickets/1000", cw.ticket()),
    "notes": ("GET", "/service/tickets/1000/notes", [cw.NOTE]),
    "configurations": ("GET", "/service/tickets/1000/configurations", [cw.CONFIGURATION]),
    "children": ("GET", "/service/tickets", []),
    "contact": ("GET", "/company/contacts/1020", cw.CONTACT),
}


def _context(provider: ConnectWiseProvider) -> object:
    # The matrix covers /notes, which a connection reads once its tenant refused allNotes;
    # allNotes itself and that fallback are covered in test_connectwise_notes_schedule.py.
    provider.all_notes_refused = True
    return provider.get_ticket_context(ticket_id=1000)


def _context_op(part: str) -> Op:
    method, path, ok = CONTEXT_CALLS[part]
    return Op(
        f"context-{part}",
        _context,
        method,
        path,
        ok,
        neighbours=[v for k, v in CONTEXT_CALLS.items() if k != part],
        tolerates_404=part == "contact",
    )


OPS = [
    Op(
        "search-page",
        lambda p: p.search_tickets(filters=TicketFilters()),
        "GET",
        "/service/tickets",
        [cw.ticket()],
        neighbours=[("GET", "/service/tickets/count", {"count": 1})],
    ),
    Op(
        "search-count",
        lambda p: p.search_tickets(filters=TicketFilters()),
        "GET",
        "/service/tickets/count",
        {"count": 1},
        neighbours=[("GET", "/service/tickets", [cw.ticket()])],
    ),
    Op(
        "get-ticket",
        lambda p: p.get_ticket(ticket_id=1000),
        "GET",
        "/service/tickets/1000",
        cw.ticket(),
    ),
    *[_context_op(part) for part in CONTEXT_CALLS],
    Op(
        "list-resources",
        lambda p: p.list_resources(ticket_id=1000),
        "GET",
        "/schedule/entries",
        [cw.ENTRY],
        neighbours=[TICKET_EXISTS],
    ),
    Op(
        "add-resource",
        lambda p: p.add_resource(ticket_id=1000, member_id=17),
        "POST",
        "/schedule/entries",
        cw.ENTRY,
        idempotent=False,
        neighbours=[TICKET_EXISTS, ("GET", "/schedule/entries", [])],
    ),
    Op(
        "remove-resource",
        lambda p: p.remove_resource(ticket_id=1000, member_id=25),
        "DELETE",
        "/schedule/entries/70001",
        None,
        tolerates_404=True,
        neighbours=[TICKET_EXISTS, ("GET", "/schedule/entries", [cw.ENTRY])],
    ),
    Op(
        "create-ticket",
        lambda p: p.create_ticket(
            payload=TicketCreatePayload(summary="x", company_id=250, board_id=1)
        ),
        "POST",
        "/service/tickets",
        cw.ticket(),
        idempotent=False,
    ),
    Op(
        "create-ticket-assign",
        lambda p: p.create_ticket(
            payload=TicketCreatePayload(
                summary="x", company_id=250, board_id=1, assigned_member_id=17
            )
        ),
        "POST",
        "/schedule/entries",
        cw.ENTRY,
        idempotent=False,
        error_type=PSAChangeNotApplied,
        reads_body=False,
        neighbours=[
            ("POST", "/service/tickets", cw.ticket()),
            ("GET", "/service/tickets/1000", cw.ticket()),
        ],
    ),
    Op(
        "update-status",
        lambda p: p.update_status(ticket_id=1000, status_id=112),
        "PATCH",
        "/service/tickets/1000",
        cw.ticket(),
    ),
    Op(
        "add-note",
        lambda p: p.add_note(ticket_id=1000, text="x", note_type="internal"),
        "POST",
        "/service/tickets/1000/notes",
        cw.NOTE,
        idempotent=False,
    ),
    Op("boards", lambda p: p.list_boards(), "GET", "/service/boards", [cw.BOARD]),
    Op(
        "statuses",
        lambda p: p.list_statuses(board_id=1),
        "GET",
        "/service/boards/1/statuses",
        [cw.STATUS],
    ),
    Op("priorities", lambda p: p.list_priorities(), "GET", "/service/priorities", [cw.PRIORITY]),
    Op("members", lambda p: p.list_members(), "GET", "/system/members", [cw.MEMBER]),
    Op(
        "member-lookup",
        lambda p: p.search_tickets(filters=TicketFilters(assigned=17)),
        "GET",
        "/system/members/17",
        cw.MEMBER,
        neighbours=[
            ("GET", "/service/tickets", []),
            ("GET", "/service/tickets/count", {"count": 0}),
        ],
    ),
    Op("companies", lambda p: p.list_companies(), "GET", "/company/companies", [cw.COMPANY]),
    Op(
        "search-companies",
        lambda p: p.search_companies(query="acme"),
        "GET",
        "/company/companies",
        [cw.COMPANY],
    ),
    Op(
        "contacts",
        lambda p: p.list_contacts(company_id=257),
        "GET",
        "/company/contacts",
        [cw.CONTACT],
    ),
    Op(
        "open-tickets",
        lambda p: p.find_open_tickets(company_id=257),
        "GET",
        "/service/tickets",
        [cw.ticket()],
    ),
    Op(
        "config-details",
        _context,
        "GET",
        "/company/configurations",
        [cw.CONFIGURATION],
        neighbours=[
            CONTEXT_CALLS["ticket"],
            CONTEXT_CALLS["notes"],
            CONTEXT_CALLS["children"],
            CONTEXT_CALLS["contact"],
            ("GET", "/service/tickets/1000/configurations", [{"id": 5001}]),
        ],
    ),
]


def _register(rsps: responses.RequestsMock, op: Op, *primary: dict[str, Any]) -> None:
    for method, path, body in op.neighbours:
        rsps.add(method, f"{API}{path}", json=body, status=200)
    for kwargs in primary:
        rsps.add(op.method, f"{API}{op.path}", **kwargs)


def _ok(op: Op) -> dict[str, Any]:
    if op.ok is None:
        return {"status": 204}
    return {"json": op.ok, "status": 201 if op.method == "POST" else 200}


def _expect(op: Op, error: type[Exception]) -> type[Exception]:
    return op.error_type or error


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.id)
class TestEveryCallFailureModes:
    def test_200(self, rsps, provider, op):
        _register(rsps, op, _ok(op))
        op.run(provider)
        assert len(sent(rsps, op.method, op.path)) == 1

    def test_400_maps_field_errors_to_our_names(self, rsps, provider, op):
        _register(rsps, op, {"status": 400, "json": CW_ERROR_400})
        with pytest.raises(_expect(op, PSAValidationError)) as info:
            op.run(provider)
        if op.error_type is None:
            err = info.value
            assert isinstance(err, PSAValidationError)
            assert err.fields == {
                "status_id": ["The status is not valid for this board."],
                "summary": ["summary may not be null"],
                "company_id": ["Company not found."],
            }
            assert err.detail == "ticket object is invalid"
        assert len(sent(rsps, op.method, op.path)) == 1

    def test_401_is_an_auth_error_with_connectwise_wording(self, rsps, provider, op):
        _register(
            rsps,
            op,
            {"status": 401, "json": {"code": "Unauthorized", "message": "Invalid API key"}},
        )
        with pytest.raises(_expect(op, PSAAuthError)) as info:
            op.run(provider)
        assert "Invalid API key" in str(info.value)
        if op.error_type is None:
            assert "refused the API credentials" in str(info.value)

    def test_403_is_a_permission_error_mentioning_client_id(self, rsps, provider, op):
        _register(rsps, op, {"status": 403, "json": {"message": "clientId is required"}})
        with pytest.raises(_expect(op, PSAPermissionError)) as info:
            op.run(provider)
        assert "clientId" in str(info.value)

    def test_404(self, rsps, provider, op):
        _register(
            rsps, op, {"status": 404, "json": {"code": "NotFound", "message": "Record not found"}}
        )
        if op.tolerates_404:
            op.run(provider)
            return
        expected = PSAValidationError if op.id == "member-lookup" else PSANotFound
        with pytest.raises(_expect(op, expected)):
            op.run(provider)
        assert len(sent(rsps, op.method, op.path)) == 1

    def test_429_retried_only_when_idempotent(self, rsps, provider, op, sleeps):
        limited = {
            "status": 429,
            "json": {"message": "Too many requests"},
            "headers": {"Retry-After": "2"},
        }
        _register(rsps, op, limited, limited, limited)
        with pytest.raises(_expect(op, PSARateLimited)) as info:
            op.run(provider)
        calls = len(sent(rsps, op.method, op.path))
        if op.idempotent:
            assert calls == 3
            assert sleeps == [2.0, 2.0]
        else:
            assert calls == 1
            assert sleeps == []
        if op.error_type is None:
            assert isinstance(info.value, PSARateLimited)
            assert info.value.retry_after == 2.0

    def test_429_then_success(self, rsps, provider, op, sleeps):
        limited = {"status": 429, "json": {}, "headers": {"Retry-After": "1"}}
        _register(rsps, op, limited, _ok(op))
        if op.idempotent:
            op.run(provider)
            assert sleeps == [1.0]
        else:
            with pytest.raises(_expect(op, PSARateLimited)):
                op.run(provider)
            assert len(sent(rsps, op.method, op.path)) == 1

    def test_429_retry_after_beyond_the_cap_raises_without_sleeping(
        self, rsps, provider, op, sleeps
    ):
        _register(rsps, op, {"status": 429, "json": {}, "headers": {"Retry-After": "120"}})
        with pytest.raises(_expect(op, PSARateLimited)) as info:
            op.run(provider)
        assert sleeps == []
        assert len(sent(rsps, op.method, op.path)) == 1
        if op.error_type is None:
            assert isinstance(info.value, PSARateLimited)
            assert info.value.retry_after == 120.0
            assert "120 seconds" in info.value.message

    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    def test_5xx(self, rsps, provider, op, status):
        failing = {"status": status, "json": {"message": "Server error"}}
        _register(rsps, op, failing, failing, failing)
        with pytest.raises(_expect(op, PSAServerError)) as info:
            op.run(provider)
        # It answered: an error on ConnectWise's side, not "did not answer".
        assert f"answered with an error (HTTP {status})" in str(info.value)
        # Only reads are asked again: a write answered 5xx may still have been applied.
        retried = op.method == "GET"
        assert len(sent(rsps, op.method, op.path)) == (3 if retried else 1)

    def test_503_then_success_when_a_read(self, rsps, provider, op):
        _register(rsps, op, {"status": 503, "json": {}}, _ok(op))
        if op.method == "GET":
            op.run(provider)
        else:
            with pytest.raises(_expect(op, PSAUnavailable)):
                op.run(provider)

    def test_timeout(self, rsps, provider, op):
        timeout = {"body": requests.ReadTimeout("read timed out")}
        _register(rsps, op, timeout, timeout, timeout)
        with pytest.raises(_expect(op, PSATimeout)) as info:
            op.run(provider)
        assert "did not answer within 20 seconds" in str(info.value)
        assert len(sent(rsps, op.method, op.path)) == (3 if op.idempotent else 1)

    def test_connection_error(self, rsps, provider, op):
        refused = {"body": requests.ConnectionError("connection refused")}
        _register(rsps, op, refused, refused, refused)
        with pytest.raises(_expect(op, PSAUnavailable)) as info:
            op.run(provider)
        assert "could not connect" in str(info.value)
        assert not isinstance(info.value, PSATimeout | PSAServerError)
        assert len(sent(rsps, op.method, op.path)) == (3 if op.idempotent else 1)

    def test_malformed_json(self, rsps, provider, op):
        if op.ok is None:
            pytest.skip("DELETE answers 204 without a body")
        _register(
            rsps, op, {"status": 200, "body": "{not json", "content_type": "application/json"}
        )
        with pytest.raises(_expect(op, PSAResponseError)):
            op.run(provider)

    def test_wrong_shape(self, rsps, provider, op):
        if op.ok is None or not op.reads_body:
            pytest.skip("the provider does not read this response's body")
        wrong = {"unexpected": True} if isinstance(op.ok, list) else ["unexpected"]
        _register(rsps, op, {"status": 200, "json": wrong})
        with pytest.raises(_expect(op, PSAResponseError)):
            op.run(provider)


def test_json_sample_is_valid():
    # Guard: the samples must be JSON-serialisable exactly as ConnectWise would send them.
    json.dumps([cw.ticket(), cw.NOTE, cw.CONTACT, cw.ENTRY])
