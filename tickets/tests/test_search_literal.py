"""Searching finds exactly the tickets whose summaries hold the typed text, character for character.

ConnectWise reads strings in conditions as patterns (`[[]` is a literal `[`, `*` `%` `_` are
wildcards, `[...]` is a set); the simulator applies those rules, so these tests fail if any
character of the search reaches ConnectWise unescaped. Both surfaces are checked: the htmx
Tickets page and the JSON API.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tickets.tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

AUTH = ("baysideit+rfdemo-public", "rfdemo-private")
HEADERS = {"clientId": "tests"}
API = "/api/integrations/psa/tickets/search"

# search text -> (summaries that hold it, near-miss decoys that must not be found)
CASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "[Datto RMM]": (
        ("[Datto RMM] Agent offline on FS01", "Weekly: [DATTO RMM] patch report"),
        ("[Datto RMM agent missing", "Datto RMM] alert", "Datto RMM check", "[Datto-RMM] x"),
    ),
    "100%": (
        ("Disk C: at 100% on FS01",),
        ("CPU 100 percent", "1000 errors in log", "100 % spaced"),
    ),
    "HOST_01": (
        ("Backup failed on HOST_01", "host_01 unreachable"),
        ("Backup failed on HOSTX01", "HOST-01 offline", "HOST01 reboot"),
    ),
    "*urgent*": (
        ("*URGENT* server down",),
        ("urgent: printer", "*urgent printer", "very urgent* fix"),
    ),
    "a\\b": (("Share \\\\fs01\\a\\b missing",), ("Share a/b missing", "ab test")),
}


def _sim(cw_sim: Any, method: str, path: str, **kwargs: Any) -> Any:
    response = requests.request(
        method, f"{cw_sim.base_url}{path}", auth=AUTH, headers=HEADERS, timeout=10, **kwargs
    )
    response.raise_for_status()
    return response.json()


@pytest.fixture
def summaries(demo: Any, cw_sim: Any) -> dict[int, str]:
    """Create every case's tickets, then return every open ticket's summary by id."""
    company = _sim(cw_sim, "GET", "/company/companies", params={"pageSize": 1})[0]["id"]
    for holding, decoys in CASES.values():
        for summary in (*holding, *decoys):
            _sim(
                cw_sim,
                "POST",
                "/service/tickets",
                json={"summary": summary, "board": {"id": 1}, "company": {"id": company}},
            )
    rows: list[dict[str, Any]] = []
    page = 1
    while batch := _sim(
        cw_sim,
        "GET",
        "/service/tickets",
        params={
            "conditions": "closedFlag = false",
            "fields": "id,summary",
            "pageSize": 1000,
            "page": page,
        },
    ):
        rows += batch
        page += 1
    return {row["id"]: row["summary"] for row in rows}


def _expected(summaries: dict[int, str], text: str) -> set[int]:
    needle = text.casefold()
    return {i for i, summary in summaries.items() if needle in summary.casefold()}


@pytest.mark.parametrize("text", list(CASES))
def test_the_tickets_page_finds_exactly_the_literal_text(client, demo, summaries, text):
    expected = _expected(summaries, text)
    holding, _ = CASES[text]
    assert len(expected) >= len(holding)  # the fixture's own tickets are among them
    client.force_login(demo.jordan)
    html = client.get("/tickets/", {"search": text}).content.decode()
    found = {int(i) for i in re.findall(r'id="ticket-row-(\d+)"', html)}
    assert found == expected
    assert re.search(rf"of {len(expected)} tickets?\b", html)


@pytest.mark.parametrize("text", list(CASES))
def test_the_api_finds_exactly_the_literal_text(demo, summaries, text):
    expected = _expected(summaries, text)
    body = api_client_for(demo.jordan).get(API, {"search": text, "page_size": 100}).json()
    assert {item["id"] for item in body["items"]} == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize(
    "text", ["[", "[Datto", "]", "[^a]", "[a-z]", "%", "_", "*", "\\", "' OR 1=1"]
)
def test_pattern_syntax_in_a_search_is_just_text(demo, summaries, text):
    # Unescaped, a lone `[` would be a 400 and `%`/`_`/`*` would match almost everything.
    expected = _expected(summaries, text)
    body = api_client_for(demo.jordan).get(API, {"search": text, "page_size": 100}).json()
    assert body["total"] == len(expected)
    assert {item["id"] for item in body["items"]} <= expected


def test_a_quote_stands_for_exactly_one_character(demo, summaries):
    # No ConnectWise literal can hold a `"` (see psa/providers/connectwise/conditions.py).
    body = api_client_for(demo.jordan).get(API, {"search": 'on"HOST_01', "page_size": 100})
    assert {item["id"] for item in body.json()["items"]} == _expected(summaries, "on HOST_01")


@pytest.mark.parametrize(
    "text", ["Corp", "[", "[a-z]", "%", "_", "*", "\\", "') OR 1=1 OR (name='"]
)
def test_company_search_in_connectwise_is_literal_too(demo, text):
    from psa.models import PSAConnection
    from psa.registry import provider_for_connection

    provider = provider_for_connection(PSAConnection.objects.get(account=demo.bayside))
    everyone = provider.list_companies()
    needle = text.casefold()
    expected = {
        c.id for c in everyone if needle in c.name.casefold() or needle in c.identifier.casefold()
    }
    found = provider.search_companies(query=text, limit=1000)
    assert {c.id for c in found} == expected
    if text == "Corp":
        assert expected  # the demo tenant has such companies: the search is not vacuous
