"""The Autotask Tickets list against the simulator: "most urgent, then newest" with numbered pages
and a true total on a PSA without sort or total, every filter, and the calls one page costs.

Expected results are computed from the simulator's own tenant data (`at_sim.app.tenant`), never
from the provider, so an ordering or filtering mistake in the provider cannot hide."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from psa.providers.autotask import ticket_search
from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import PSAValidationError, TicketFilters
from psa.tests.providers.at_samples import lakeside_provider
from psa.tests.waves import CallSpans

ABROOKS = 29682900
COMPLETE = 5


@pytest.fixture
def provider(at_sim: Any) -> AutotaskProvider:
    return lakeside_provider(at_sim)


def _tickets(sim: Any) -> list[dict[str, Any]]:
    return list(sim.app.tenant.records("Tickets"))


def _urgency(sim: Any) -> dict[int, int]:
    return {
        int(o["value"]): int(o["sortOrder"]) for o in sim.app.tenant.picklist("Tickets", "priority")
    }


def _expected_order(sim: Any, rows: list[dict[str, Any]]) -> list[int]:
    sort = _urgency(sim)

    # Newest = latest createDate (as the contract's "most urgent, then newest" reads
    # date_entered); Lakeside's ids do not ascend with it. The id breaks ties.
    def newest_first(r: dict[str, Any]) -> tuple[int, float, int]:
        entered = datetime.fromisoformat(r["createDate"].replace("Z", "+00:00")).timestamp()
        return (sort[r["priority"]], -entered, -r["id"])

    return [r["id"] for r in sorted(rows, key=newest_first)]


def _stats(sim: Any) -> dict[str, Any]:
    return requests.get(f"{sim.root_url}/_sim/stats", timeout=10).json()


def _zero_counters(sim: Any) -> None:
    requests.post(f"{sim.root_url}/_sim/reset", json={}, timeout=10)


def _all_ids(
    provider: AutotaskProvider, filters: TicketFilters, *, page_size: int = 100, **kwargs: Any
) -> list[int]:
    first = provider.search_tickets(filters=filters, page=1, page_size=page_size, **kwargs)
    ids = [t.id for t in first.items]
    page = 2
    while len(ids) < first.total:
        more = provider.search_tickets(filters=filters, page=page, page_size=page_size, **kwargs)
        assert more.items, "a page inside the total came back empty"
        ids.extend(t.id for t in more.items)
        page += 1
    return ids


def test_open_tickets_most_urgent_then_newest_with_a_true_total(at_sim, provider):
    open_rows = [r for r in _tickets(at_sim) if r["status"] != COMPLETE]
    first = provider.search_tickets(filters=TicketFilters(), page=1, page_size=25)
    assert first.total == len(open_rows)
    assert (first.page, first.page_size, len(first.items)) == (1, 25, 25)
    assert _all_ids(provider, TicketFilters()) == _expected_order(at_sim, open_rows)


def test_a_row_has_its_labels_and_names(at_sim, provider):
    row = provider.search_tickets(filters=TicketFilters(), page_size=1).items[0]
    raw = at_sim.app.tenant.get("Tickets", row.id)
    tenant = at_sim.app.tenant
    assert row.summary == raw["title"]
    assert row.company_name == tenant.get("Companies", raw["companyID"])["companyName"]
    contact = tenant.get("Contacts", raw["contactID"])
    assert row.contact_name == f"{contact['firstName']} {contact['lastName']}"
    queue = {int(o["value"]): o["label"] for o in tenant.picklist("Tickets", "queueID")}
    assert row.board_name == queue[raw["queueID"]]
    assert row.priority_sort == _urgency(at_sim)[raw["priority"]]
    assert row.status_name and row.priority_name and not row.closed


def test_assignees_are_the_primary_then_the_secondaries(at_sim, provider):
    tenant = at_sim.app.tenant
    secondary = next(
        s
        for s in tenant.records("TicketSecondaryResources")
        if tenant.get("Tickets", s["ticketID"])["status"] != COMPLETE
    )
    ticket = provider.get_ticket(ticket_id=secondary["ticketID"])
    raw = tenant.get("Tickets", secondary["ticketID"])
    expected = [
        raw["assignedResourceID"],
        *sorted(
            s["resourceID"]
            for s in tenant.records("TicketSecondaryResources")
            if s["ticketID"] == raw["id"]
        ),
    ]
    names = [tenant.get("Resources", i)["userName"] for i in expected]
    assert [a.identifier for a in ticket.assignees] == names


def test_a_list_page_costs_five_calls_in_two_waves_once_reference_data_is_known(at_sim, provider):
    provider.reference_data()
    _zero_counters(at_sim)
    provider.search_tickets(filters=TicketFilters(), page=2, page_size=25)
    routes = _stats(at_sim)["routes"]
    assert routes.get("POST /Tickets/query") == 2  # the keys scan (≤ 500 matches) + the page
    assert routes.get("POST /Contacts/query") == 1
    assert routes.get("POST /TicketSecondaryResources/query") == 1
    assert _stats(at_sim)["total"] <= 5
    # Picklists and resources were read once, with the reference data: not again per page.
    assert not any("entityInformation" in r or r == "POST /Resources/query" for r in routes)


def test_my_tickets_include_secondary_assignments(at_sim, provider):
    tenant = at_sim.app.tenant
    secondary = {
        s["ticketID"]
        for s in tenant.records("TicketSecondaryResources")
        if s["resourceID"] == ABROOKS
    }
    mine = [
        r
        for r in _tickets(at_sim)
        if r["status"] != COMPLETE
        and (r.get("assignedResourceID") == ABROOKS or r["id"] in secondary)
    ]
    assert any(r["id"] in secondary for r in mine), "the demo data should exercise secondaries"
    filters = TicketFilters(assigned="me", me_identifier="abrooks")
    assert _all_ids(provider, filters) == _expected_order(at_sim, mine)
    by_id = TicketFilters(assigned=ABROOKS)
    assert _all_ids(provider, by_id) == _expected_order(at_sim, mine)


def test_my_tickets_keep_one_order_across_small_pages(at_sim, provider):
    # Secondary-only tickets sort in among the primary ones on every page, not only the first.
    filters = TicketFilters(assigned="me", me_identifier="abrooks")
    everything = _all_ids(provider, filters)
    assert _all_ids(provider, filters, page_size=3) == everything
    for order in ("urgency", "updated"):
        assert _all_ids(provider, filters, page_size=4, order=order) == _all_ids(
            provider, filters, order=order
        )
    past_the_end = provider.search_tickets(filters=filters, page=99, page_size=3)
    assert (past_the_end.items, past_the_end.total) == ((), len(everything))


def test_my_queue_costs_two_waves(at_sim, provider, monkeypatch):
    filters = TicketFilters(assigned="me", me_identifier="abrooks", include_closed=False)
    provider.search_tickets(filters=filters, page=1, page_size=5)  # reference data, names
    _zero_counters(at_sim)
    # A round trip long enough that calls sent together overlap on a busy test machine.
    requests.post(f"{at_sim.root_url}/_sim/config", json={"latency_ms": 150}, timeout=10)

    calls = CallSpans(monkeypatch, provider.client, "request")
    provider.search_tickets(filters=filters, page=1, page_size=5)
    assert calls.waves == 2, sorted(calls.spans)
    routes = _stats(at_sim)["routes"]
    # keys scan + secondary assignments; then the page's tickets + their secondary resources.
    assert routes == {"POST /Tickets/query": 2, "POST /TicketSecondaryResources/query": 2}


def test_unassigned_and_me_or_unassigned(at_sim, provider):
    open_rows = [r for r in _tickets(at_sim) if r["status"] != COMPLETE]
    nobody = [r for r in open_rows if r.get("assignedResourceID") is None]
    assert nobody
    assert _all_ids(provider, TicketFilters(assigned="unassigned")) == _expected_order(
        at_sim, nobody
    )
    secondary = {
        s["ticketID"]
        for s in at_sim.app.tenant.records("TicketSecondaryResources")
        if s["resourceID"] == ABROOKS
    }
    both = [
        r
        for r in open_rows
        if r.get("assignedResourceID") in (None, ABROOKS) or r["id"] in secondary
    ]
    filters = TicketFilters(assigned="me_or_unassigned", me_identifier="abrooks")
    assert _all_ids(provider, filters) == _expected_order(at_sim, both)


def test_an_unmapped_or_unknown_engineer_is_told_so(provider):
    with pytest.raises(PSAValidationError):
        provider.search_tickets(filters=TicketFilters(assigned="me"))
    with pytest.raises(PSAValidationError, match="nobody-here"):
        provider.search_tickets(filters=TicketFilters(assigned="me", me_identifier="nobody-here"))


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (TicketFilters(board_id=29682969), lambda r: r["queueID"] == 29682969),
        (
            TicketFilters(board_ids=(29682969, 29683481)),
            lambda r: r["queueID"] in (29682969, 29683481),
        ),
        (TicketFilters(status_id=8), lambda r: r["status"] == 8),
        (TicketFilters(priority_id=4), lambda r: r["priority"] == 4),
        (TicketFilters(company_id=204), lambda r: r["companyID"] == 204),
        (TicketFilters(search="PRINTER"), lambda r: "printer" in r["title"].lower()),
    ],
    ids=["queue", "queues", "status", "priority", "company", "search-title"],
)
def test_each_filter_keeps_exactly_its_tickets(at_sim, provider, filters, keep):
    expected = [r for r in _tickets(at_sim) if r["status"] != COMPLETE and keep(r)]
    assert expected, "the filter should match some demo tickets"
    assert _all_ids(provider, filters) == _expected_order(at_sim, expected)


def test_search_finds_a_ticket_by_its_number_and_by_its_id(at_sim, provider):
    raw = next(r for r in _tickets(at_sim) if r["status"] != COMPLETE)
    by_number = provider.search_tickets(filters=TicketFilters(search=raw["ticketNumber"]))
    assert raw["id"] in [t.id for t in by_number.items]
    by_id = provider.search_tickets(filters=TicketFilters(search=f"#{raw['id']}"))
    assert [t.id for t in by_id.items] == [raw["id"]]


def test_closed_tickets_only_when_asked_and_updated_since(at_sim, provider):
    everything = _tickets(at_sim)
    assert provider.search_tickets(filters=TicketFilters(include_closed=True)).total == len(
        everything
    )
    since = datetime(2026, 9, 1, tzinfo=UTC)
    recent = [
        r
        for r in everything
        if r["status"] != COMPLETE and r["lastActivityDate"] >= "2026-09-01T00:00:00"
    ]
    assert _all_ids(provider, TicketFilters(updated_since=since)) == _expected_order(at_sim, recent)


def test_most_recently_updated_first(at_sim, provider):
    open_rows = [r for r in _tickets(at_sim) if r["status"] != COMPLETE]
    expected = [
        r["id"]
        for r in sorted(open_rows, key=lambda r: (r["lastActivityDate"], r["id"]), reverse=True)
    ]
    assert _all_ids(provider, TicketFilters(), order="updated") == expected


def test_past_the_scan_bound_the_newest_matches_are_sorted_and_said_so(
    at_sim, provider, monkeypatch
):
    # 640 tickets with the closed ones; a bound of one page (500 keys) is passed.
    monkeypatch.setattr(ticket_search, "MAX_SCAN_PAGES", 1)
    everything = _tickets(at_sim)
    _zero_counters(at_sim)
    result = provider.search_tickets(filters=TicketFilters(include_closed=True), page_size=25)

    assert result.total == len(everything) > 500
    assert result.ordered is not None and 125 <= result.ordered <= 500
    # The newest matches, by createDate, are the ones sorted (never Autotask's oldest ids) ...
    newest = sorted(everything, key=lambda r: r["createDate"], reverse=True)
    kept, left_out = newest[: result.ordered], newest[result.ordered :]
    assert min(r["createDate"] for r in kept) > max(r["createDate"] for r in left_out)
    assert [t.id for t in result.items] == _expected_order(at_sim, kept)[:25]
    # ... at the cost of a few counts: the total, then at most 5 window probes.
    routes = _stats(at_sim)["routes"]
    assert 2 <= routes["POST /Tickets/query/count"] <= 1 + ticket_search.MAX_WINDOW_PROBES
    # Past what was sorted, pages are empty and still carry the total.
    beyond = provider.search_tickets(
        filters=TicketFilters(include_closed=True), page=21, page_size=25
    )
    assert beyond.items == () and beyond.total == len(everything)


def test_up_to_the_bound_every_match_is_sorted_and_no_window_is_probed(at_sim, provider):
    everything = _tickets(at_sim)
    _zero_counters(at_sim)
    result = provider.search_tickets(filters=TicketFilters(include_closed=True), page_size=25)
    assert result.total == len(everything) and result.ordered is None
    assert [t.id for t in result.items] == _expected_order(at_sim, everything)[:25]
    assert _stats(at_sim)["routes"]["POST /Tickets/query/count"] == 1


def test_a_page_past_the_end_is_empty_with_the_total(at_sim, provider):
    result = provider.search_tickets(filters=TicketFilters(priority_id=4), page=99)
    assert result.items == () and result.total > 0


def test_a_page_larger_than_one_query_is_fetched_in_parts(at_sim, provider):
    everything = _tickets(at_sim)
    result = provider.search_tickets(
        filters=TicketFilters(include_closed=True), page=1, page_size=1000
    )
    assert result.total == len(everything) > 500
    assert [t.id for t in result.items] == _expected_order(at_sim, everything)
