"""The Tickets list's query is the server's: parsed once, "a status belongs to its board" decided
there, and the address htmx pushes is the canonical one (only the filters that apply)."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from psa.models import PSAMemberMapping
from psa.selectors import reference_data_get
from tickets.filters import TicketQuery

pytestmark = pytest.mark.django_db

FROM_FILTERS = {"HX-Request": "true", "HX-Target": "results", "HX-Trigger": "filters"}


@pytest.fixture
def jordan(client, demo):
    client.force_login(demo.jordan)
    return client


def _status_of(reference, board_id: int) -> int:
    return sorted(reference.statuses_for(board_id), key=lambda s: s.sort_order)[0].id


def test_a_status_of_another_board_is_dropped_by_the_parse(demo, cw_sim) -> None:
    reference = reference_data_get(account=demo.bayside)
    own, foreign = _status_of(reference, 2), _status_of(reference, 3)

    kept = TicketQuery.parse({"board": "2", "status": str(own)}, reference=reference)
    dropped = TicketQuery.parse({"board": "2", "status": str(foreign)}, reference=reference)
    no_board = TicketQuery.parse({"status": str(own)}, reference=reference)

    assert kept.status == own
    assert dropped.status is None and dropped.board == 2
    assert no_board.status is None


def test_the_company_is_one_id_its_name_comes_from_the_reference_data(demo, cw_sim) -> None:
    reference = reference_data_get(account=demo.bayside)
    company = reference.companies[0]

    picked = TicketQuery.parse(
        {"company": str(company.id), "company_q": "text typed after picking"}, reference=reference
    )
    unknown = TicketQuery.parse(
        {"company": "999999", "company_q": company.name}, reference=reference
    )

    assert (picked.company, picked.company_name) == (company.id, company.name)
    assert "company_q" not in picked.params() and picked.params()["company"] == str(company.id)
    assert (unknown.company, unknown.company_name) == (None, "")


def test_a_board_change_pushes_the_canonical_url_and_redraws_the_status_select(
    jordan, demo, cw_sim
) -> None:
    reference = reference_data_get(account=demo.bayside)
    old_status = _status_of(reference, 2)
    company = reference.companies[0]
    # What the form sends as is: every field, empty ones too, the old board's status and the
    # company box's text.
    sent = {
        "search": "",
        "board": "3",
        "status": str(old_status),
        "priority": "",
        "company": str(company.id),
        "company_q": company.name,
        "assigned": "",
    }

    response = jordan.get("/tickets/", sent, headers=FROM_FILTERS)

    assert response.headers["HX-Push-Url"] == f"/tickets/?board=3&company={company.id}"
    assert "HX-Trigger" in response.headers["Vary"]
    html = response.content.decode()
    status_select = re.search(r'<div hx-swap-oob="outerHTML:#f-status">(.*?)</select>', html, re.S)
    assert status_select is not None
    values = re.findall(r'<option value="(\d+)"', status_select.group(1))
    assert values and {int(v) for v in values} == {s.id for s in reference.statuses_for(3)}
    assert "selected" not in status_select.group(1)


def test_a_list_refresh_that_is_not_the_filter_bar_pushes_nothing(jordan, cw_sim) -> None:
    # The results refresh themselves on ticketCreated: that must not add a history entry.
    response = jordan.get(
        "/tickets/?board=2", headers={"HX-Request": "true", "HX-Target": "results"}
    )

    assert response.status_code == 200
    assert "HX-Push-Url" not in response.headers


def test_a_page_past_the_end_replaces_the_address_rather_than_pushing_it(jordan, cw_sim) -> None:
    response = jordan.get(
        "/tickets/", {"board": "2", "page": "99", "search": ""}, headers=FROM_FILTERS
    )

    assert "HX-Push-Url" not in response.headers
    assert re.fullmatch(r"/tickets/\?board=2&page=\d+", response.headers["HX-Replace-Url"])


def test_no_me_option_while_my_mapping_needs_confirming(jordan, demo, cw_sim) -> None:
    html = jordan.get("/tickets/").content.decode()
    assert '<option value="me"' in html

    PSAMemberMapping.objects.filter(user=demo.jordan).update(needs_confirming=True)

    assert '<option value="me"' not in jordan.get("/tickets/").content.decode()


def _calls_during(request: Any) -> Counter[tuple[str, str]]:
    """(module file, function) of every call the product makes while `request` runs."""
    root = str(Path(__file__).resolve().parents[2]) + "/"
    calls: Counter[tuple[str, str]] = Counter()

    def tracer(frame: Any, event: str, arg: Any) -> None:
        name = frame.f_code.co_filename
        if event == "call" and name.startswith(root) and "/tests/" not in name:
            calls[(name[len(root) :], frame.f_code.co_name)] += 1

    sys.settrace(tracer)
    try:
        request()
    finally:
        sys.settrace(None)
    return calls


def test_one_list_request_parses_once_and_reads_the_reference_data_once(
    jordan, demo, cw_sim
) -> None:
    company = reference_data_get(account=demo.bayside).companies[0]
    url = f"/tickets/?board=2&company={company.id}"
    jordan.get(url)  # warm, as on a running server

    calls = _calls_during(lambda: jordan.get(url, headers=FROM_FILTERS))

    assert calls[("tickets/filters.py", "parse")] == 1
    assert calls[("psa/selectors.py", "reference_data_get")] == 1
    assert calls[("tickets/views.py", "ticket_list")] == 1
