"""The htmx Tickets page, panel and New Ticket modal, through Django's test client."""

from __future__ import annotations

import json
import re

import pytest

from tickets.models import TicketAuditEntry

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def jordan(client, demo):
    client.force_login(demo.jordan)
    return client


def _row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="ticket-row-(\d+)"', html)]


def _trigger(response) -> dict:
    return json.loads(response.headers.get("HX-Trigger", "{}"))


def test_full_page_lists_25_rows_with_counts_and_filters(jordan) -> None:
    html = jordan.get("/tickets/").content.decode()

    assert len(_row_ids(html)) == 25
    assert re.search(r"Showing 1–25 of [\d,]+ tickets", html)
    for label in ("Board", "Status", "Priority", "Company", "Assigned", "Include closed"):
        assert label in html


def test_htmx_filter_request_renders_only_the_results(jordan) -> None:
    response = jordan.get("/tickets/?board=2", headers={**HX, "HX-Target": "results"})
    html = response.content.decode()

    assert "<html" not in html and 'id="results"' in html
    assert 'id="f-status"' in html  # the status filter follows the board (out of band)
    assert "Network Operations" in html and "Scheduled" in html
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_full_page(jordan) -> None:
    html = jordan.get(
        "/tickets/?board=2", headers={**HX, "HX-History-Restore-Request": "true"}
    ).content.decode()
    assert "<html" in html


def test_paging_and_next_disabled_on_last_page(jordan) -> None:
    first = jordan.get("/tickets/?board=2").content.decode()
    total = int(re.search(r"of ([\d,]+) tickets", first).group(1).replace(",", ""))
    last_page = (total + 24) // 25
    last = jordan.get(f"/tickets/?board=2&page={last_page}").content.decode()

    assert 'rel="next"' not in last
    assert 'rel="prev"' in last
    assert len(_row_ids(last)) == total - (last_page - 1) * 25


def test_a_page_past_the_end_goes_to_the_last_page(jordan) -> None:
    first = jordan.get("/tickets/?board=2").content.decode()
    total = int(re.search(r"of ([\d,]+) tickets", first).group(1).replace(",", ""))
    last_page = (total + 24) // 25

    full = jordan.get("/tickets/?board=2&page=99")
    partial = jordan.get("/tickets/?board=2&page=99", headers={**HX, "HX-Target": "results"})

    assert full.status_code == 302 and full["Location"] == f"/tickets/?board=2&page={last_page}"
    assert partial["HX-Replace-Url"] == f"/tickets/?board=2&page={last_page}"
    assert f"Page {last_page} of {last_page}" in partial.content.decode()


@pytest.mark.parametrize("text", ['"', "\\", '" \\', "x" * 201])
def test_a_search_connectwise_cannot_run_is_a_notice_not_every_ticket(
    jordan, sim_stats, text
) -> None:
    before = sim_stats()["routes"].get("GET /service/tickets", 0)
    html = jordan.get("/tickets/", {"search": text}, headers={**HX, "HX-Target": "results"})
    body = html.content.decode()

    assert "Search not run" in body and not _row_ids(body)
    assert sim_stats()["routes"].get("GET /service/tickets", 0) == before


def test_empty_state_names_the_active_filters(jordan) -> None:
    html = jordan.get("/tickets/?search=zzzz-no-such-thing").content.decode()
    assert "No tickets match" in html and "zzzz-no-such-thing" in html


def test_status_of_another_board_is_dropped_not_an_error(jordan) -> None:
    response = jordan.get("/tickets/?board=2&status=100")
    assert response.status_code == 200


def test_panel_shell_opens_from_the_row_without_calling_connectwise(jordan, sim_stats) -> None:
    first = _row_ids(jordan.get("/tickets/").content.decode())[0]
    before = sim_stats()["total"]

    html = jordan.get(f"/tickets/{first}/panel/", headers=HX).content.decode()

    assert sim_stats()["total"] == before
    assert 'id="panel-title"' in html and 'hx-trigger="load"' in html


def test_deep_link_opens_the_panel_server_side(jordan) -> None:
    html = jordan.get("/tickets/?ticket=1000").content.decode()
    assert 'data-panel-ticket="1000"' in html
    assert "Firewall rule request" in html


def test_context_and_resources_partials(jordan) -> None:
    context = jordan.get("/tickets/1000/context/", headers=HX).content.decode()
    assert "Paul Alvarez" in context and 'id="notes-feed"' in context
    resources = jordan.get("/tickets/1000/resources/", headers=HX).content.decode()
    assert "Lucia Martin" in resources and "ResolutionFlow users" in resources


def test_status_change_updates_the_row_out_of_band(jordan) -> None:
    response = jordan.post("/tickets/1000/status/", {"status_id": 110}, headers=HX)
    html = response.content.decode()

    assert 'id="status-control"' in html
    assert 'id="ticket-row-1000"' in html and 'hx-swap-oob="true"' in html and "In Progress" in html
    assert _trigger(response)["toast"]["message"] == "#1000: Scheduled → In Progress"


def test_failed_status_change_reverts_and_explains(jordan) -> None:
    response = jordan.post("/tickets/1000/status/", {"status_id": 100}, headers=HX)
    html = response.content.decode()

    assert re.search(r'<option value="112"\s+selected', html)  # still Scheduled
    assert _trigger(response)["toast"]["level"] == "error"


def test_note_refused_for_good_keeps_the_draft(jordan) -> None:
    response = jordan.post(
        "/tickets/999999/notes/", {"text": "Replaced the PSU.", "type": "internal"}, headers=HX
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "Replaced the PSU." in html and "Your note is still here" in html
    assert re.search(r'value="internal"\s+checked', html)
    assert TicketAuditEntry.objects.get(action="note").outcome == "failed"


def test_note_success_appends_to_the_feed(jordan) -> None:
    response = jordan.post(
        "/tickets/1000/notes/", {"text": "Replaced the PSU.", "type": "internal"}, headers=HX
    )
    html = response.content.decode()
    assert 'hx-swap-oob="beforeend:#notes-feed"' in html and "Replaced the PSU." in html
    assert "Jordan Smith" in html


def test_resource_add_and_remove(jordan) -> None:
    added = jordan.post("/tickets/1000/resources/add/", {"member_id": 18}, headers=HX)
    assert (
        "Morgan Lee" in added.content.decode() and 'id="ticket-row-1000"' in added.content.decode()
    )
    removed = jordan.post("/tickets/1000/resources/18/remove/", headers=HX)
    assert _trigger(removed)["toast"]["level"] == "success"


def test_new_ticket_modal_opens_on_its_first_tab_and_prefills(jordan) -> None:
    html = jordan.get("/tickets/new/?company_id=250&board_id=2", headers=HX).content.decode()
    assert re.search(r'id="tab-quick"[^>]*aria-selected="true"', html)  # Quick Create, first
    full = jordan.get("/tickets/new/?tab=full", headers=HX).content.decode()
    assert re.search(r'id="tab-full"[^>]*aria-selected="true"', full)
    assert 'value="Acme Corp"' in html
    assert re.search(r'<option value="2"\s+selected', html)
    quick = jordan.get("/tickets/new/?tab=quick&prompt=printer", headers=HX).content.decode()
    assert (
        re.search(r'id="tab-quick"[^>]*aria-selected="true"', quick)
        and ">printer</textarea>" in quick
    )


def test_quick_create_parse_fills_the_review_form(jordan) -> None:
    response = jordan.post(
        "/tickets/new/parse/",
        {
            "prompt": "Northwind internet is down, emergency, give it to Anika",
            "idempotency_key": "k1",
        },
        headers=HX,
    )
    html = response.content.decode()
    assert 'value="Northwind Logistics"' in html
    assert re.search(r'<option value="8"\s+selected', html)  # Priority 1
    assert _trigger(response)["showTicketTab"] == {"tab": "full"}


def test_a_re_parse_clears_what_the_first_parse_filled_and_it_did_not(jordan) -> None:
    first = jordan.post(
        "/tickets/new/parse/",
        {
            "prompt": "Northwind internet is down, emergency, give it to Anika",
            "idempotency_key": "k1",
        },
        headers=HX,
    ).content.decode()
    draft = _hidden_inputs(first)
    assert "assigned_member_id" in draft["parsed_fields"]

    again = jordan.post(
        "/tickets/new/parse/",
        {**draft, "prompt": "Ransomware suspected on VERTE-LT02 at Vertex Engineering"},
        headers=HX,
    ).content.decode()

    assert 'value="Vertex Engineering"' in again
    assert "Anika" not in _selected(again, "assigned_member_id")
    assert "assigned_member_id" not in _hidden_inputs(again)["parsed_fields"]


def test_an_empty_prompt_is_answered_next_to_the_prompt(jordan) -> None:
    response = jordan.post("/tickets/new/parse/", {"prompt": " "}, headers=HX)
    assert response.headers["HX-Retarget"] == "#quick-prompt-error"
    assert "Describe the problem in a sentence first." in response.content.decode()


def _hidden_inputs(html: str) -> dict[str, list[str]]:
    """The draft the review form would post: its hidden inputs and selected options."""
    form = html[html.index('id="ticket-form"') :]
    values: dict[str, list[str]] = {"parsed_fields": []}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        values.setdefault(name, []).append(value)
    for name in ("board_id", "priority_id", "assigned_member_id"):
        values[name] = [_selected_value(form, name)]
    return values


def _select(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def _selected(html: str, name: str) -> str:
    match = re.search(r"<option[^>]*selected[^>]*>([^<]*)<", _select(html, name))
    return match.group(1) if match else ""


def _selected_value(html: str, name: str) -> str:
    match = re.search(r'<option value="(\d*)"\s+selected', _select(html, name))
    return match.group(1) if match else ""


def test_create_from_the_form_closes_the_modal_once(jordan, sim_stats) -> None:
    form = {
        "summary": "Scanner jams",
        "company_id": 250,
        "board_id": 1,
        "idempotency_key": "draft-42",
    }
    first = jordan.post("/tickets/new/create/", form, headers=HX)
    again = jordan.post("/tickets/new/create/", form, headers=HX)

    assert first.status_code == again.status_code == 204
    trigger = _trigger(first)
    assert trigger["closeModal"] is True and trigger["ticketCreated"]["id"]
    assert (
        trigger["toast"]["message"]
        == f"Ticket #{trigger['ticketCreated']['id']} created in ConnectWise"
    )
    assert sim_stats()["routes"]["POST /service/tickets"] == 1


def test_create_validation_errors_render_inline_and_keep_the_draft(jordan) -> None:
    response = jordan.post(
        "/tickets/new/create/",
        {
            "summary": "x" * 101,
            "company_id": 250,
            "board_id": 2,
            "status_id": 100,
            "idempotency_key": "d",
        },
        headers=HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Keep the summary to 100 characters" in html


def test_connectwise_down_shows_a_retryable_message(jordan, sim_config) -> None:
    jordan.get("/tickets/")
    sim_config(fail_rate=1.0)
    html = jordan.get("/tickets/?page=2", headers={**HX, "HX-Target": "results"}).content.decode()
    assert "ConnectWise had a problem on its side" in html and "HTTP 500" in html
    assert "could not be reached" not in html and "Retry" in html


def test_no_connection_page_says_how_to_connect(jordan, demo) -> None:
    demo.bayside.psa_connection.delete()
    html = jordan.get("/tickets/").content.decode()
    assert "Connect ConnectWise" in html and "/account/integrations/" in html
