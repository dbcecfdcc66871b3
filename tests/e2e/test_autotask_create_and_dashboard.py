"""Issue 22: avery (Lakeside Managed IT, Autotask resource abrooks) walks the New Ticket tabs, the
dashboard, My Queue and the ResolutionAssist spin-off that jordan walks on ConnectWise.

Each step asserts what avery sees and what Autotask got: the simulator is read back over its own
REST API (the demo API user's headers), so a ticket the page announces must exist there with the
company, queue, title and ids the page showed, and exactly once.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from psa.simulator.autotask.testing import DEMO_HEADERS as API_USER
from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.e2e

CREATED = re.compile(r"^Ticket #(\d+) created in Autotask$")
POST_TICKETS = "POST /Tickets"
# Lakeside's data (psa/simulator/data/lakeside.json)
ABROOKS = 29682900
PRIYA = 29682902
PINE = 175  # Pine Architects: contacts Noor Raman .. Imani Osei, configuration items PIN-*
IMANI_AT_PINE = 30007
PIN_NET_02 = 40005
# every Autotask call carries the API user's headers and a JSON content type
DEMO_HEADERS = {**API_USER, "Content-Type": "application/json"}
QUEUES = {"Level I Support": 29682969, "Network & Infrastructure": 29683482}


# --- Autotask, read back ---------------------------------------------------------------------


def at_get(at_sim: Any, path: str) -> Any:
    answer = requests.get(f"{at_sim.base_url}/{path}", headers=DEMO_HEADERS, timeout=10)
    answer.raise_for_status()
    return answer.json()


def at_ticket(at_sim: Any, ticket_id: int | str) -> dict[str, Any]:
    item = at_get(at_sim, f"Tickets/{ticket_id}")["item"]
    assert item is not None, f"Autotask has no ticket {ticket_id}"
    return item


def at_tickets_titled(at_sim: Any, title: str) -> list[dict[str, Any]]:
    search = {"filter": [{"op": "eq", "field": "title", "value": title}]}
    answer = requests.post(
        f"{at_sim.base_url}/Tickets/query", json=search, headers=DEMO_HEADERS, timeout=10
    )
    answer.raise_for_status()
    return answer.json()["items"]


def at_active_picklist(at_sim: Any, entity: str, field: str) -> list[dict[str, Any]]:
    fields = at_get(at_sim, f"{entity}/entityInformation/fields")["fields"]
    values = next(f for f in fields if f["name"] == field)["picklistValues"]
    return sorted((v for v in values if v["isActive"]), key=lambda v: v["sortOrder"])


# --- the page --------------------------------------------------------------------------------


def open_modal(page: Any) -> Any:
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    expect(modal.locator("#ticket-form")).to_be_attached()
    expect(modal.locator("#modal-title")).to_have_text("New Autotask ticket")
    return modal


def created_ticket_id(page: Any) -> str:
    toast = page.locator("#toasts .toast", has_text="created in Autotask")
    expect(toast).to_have_text(CREATED)
    match = CREATED.match(toast.inner_text().strip())
    assert match
    return match.group(1)


def find_in_list(page: Any, ticket_id: str, summary: str) -> Any:
    page.fill("#f-search", summary)
    expect(page).to_have_url(re.compile(r"[?&]search="))
    expect(page.locator("#results .results-head")).to_have_text("Showing 1–1 of 1 ticket")
    row = page.locator("li.ticket-row")
    expect(row).to_have_count(1)
    expect(row.locator(".t-id")).to_have_text(f"#{ticket_id}")
    expect(row.locator(".t-summary")).to_have_text(summary)
    return row


def fill_full_form(modal: Any, summary: str, *, company: str, queue: str) -> str:
    modal.locator("#tab-full").click()
    modal.locator("input[name=summary]").fill(summary)
    return pick_company_and_queue(modal, company=company, queue=queue)


def pick_company_and_queue(modal: Any, *, company: str, queue: str) -> str:
    modal.locator("#new-company-q").fill(company)
    option = modal.locator("#new-company-list .combobox-option", has_text=company).first
    expect(option).to_be_visible()
    picked = option.get_attribute("data-label") or ""
    option.click()
    expect(modal.locator("#new-company-q")).to_have_value(picked)
    expect(modal.locator("input[name=company_id]")).not_to_have_value("")
    expect(modal.locator("#new-company-list")).to_be_hidden()
    modal.locator("select[name=board_id]").select_option(label=queue)
    expect(modal.locator("#new-status")).to_be_enabled()
    return picked


# --- New Ticket: Quick Create (AI) -----------------------------------------------------------


def test_avery_quick_creates_from_one_sentence_with_autotask_ids_only(
    avery_page, at_sim, at_control
) -> None:
    page = avery_page
    modal = open_modal(page)
    modal.locator("[data-tab=quick]").click()
    tag = uuid.uuid4().hex[:6]
    modal.locator("#quick-form textarea[name=prompt]").fill(
        f"Pine Architects internet is down, PIN-NET-02 is offline ref {tag}, Imani Osei called, "
        "critical, give it to Priya"
    )
    at_control.reset_counters()

    modal.locator("#quick-form button[type=submit]").click()

    # the review: every id on it is one Autotask holds for Pine Architects
    expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    expect(modal.locator("#new-company-q")).to_have_value("Pine Architects")
    expect(modal.locator("input[name=company_id]")).to_have_value(str(PINE))
    expect(modal.locator("select[name=board_id] option:checked")).to_have_text(
        "Network & Infrastructure"
    )
    expect(modal.locator("select[name=priority_id] option:checked")).to_have_text("Critical")
    expect(modal.locator("select[name=assigned_member_id]")).to_have_value(str(PRIYA))
    resolved = modal.locator("#draft-resolved")
    expect(resolved.locator("legend")).to_contain_text("Found in Autotask")
    expect(resolved.locator("input[name=contact_id]")).to_have_value(str(IMANI_AT_PINE))
    expect(resolved).to_contain_text("Contact: Imani Osei")
    expect(resolved.locator("input[name=configuration_ids]")).to_have_value(str(PIN_NET_02))
    expect(resolved).to_contain_text("PIN-NET-02")
    assert at_control.count(POST_TICKETS) == 0  # nothing is created before the review
    summary = f"Pine Architects internet down {tag}"
    modal.locator("#ticket-form input[name=summary]").fill(summary)

    modal.get_by_role("button", name="Create ticket").click()

    ticket_id = created_ticket_id(page)
    expect(page.locator("#modal")).to_be_hidden()
    row = find_in_list(page, ticket_id, summary)
    expect(row.locator(".t-company")).to_have_text("Pine Architects")
    got = at_ticket(at_sim, ticket_id)
    assert (got["title"], got["companyID"], got["queueID"]) == (
        summary,
        PINE,
        QUEUES["Network & Infrastructure"],
    )
    assert (got["contactID"], got["configurationItemID"]) == (IMANI_AT_PINE, PIN_NET_02)
    assert (got["priority"], got["assignedResourceID"]) == (4, PRIYA)  # 4: Critical
    assert at_control.count(POST_TICKETS) == 1


def test_avery_empty_prompt_is_answered_in_the_quick_create_tab(avery_page) -> None:
    modal = open_modal(avery_page)
    modal.locator("[data-tab=quick]").click()
    expect(modal.locator("#tabpanel-quick")).to_contain_text(
        "fills in the company, queue, priority and assignee"
    )
    modal.locator("#quick-form button[type=submit]").click()

    error = modal.locator("#tabpanel-quick [role=alert]")
    expect(error).to_have_text(re.compile("Describe the problem"))
    expect(modal.locator("#tabpanel-quick")).to_be_visible()


def test_avery_re_parse_replaces_what_the_first_parse_filled(avery_page) -> None:
    modal = open_modal(avery_page)

    def parse(prompt: str) -> None:
        modal.locator("[data-tab=quick]").click()
        modal.locator("#quick-form textarea[name=prompt]").fill(prompt)
        modal.locator("#quick-form button[type=submit]").click()
        expect(modal.locator("#tabpanel-full")).to_be_visible()
        expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")

    parse("Pine Architects internet is down, critical, give it to Priya")
    expect(modal.locator("#new-company-q")).to_have_value("Pine Architects")
    expect(modal.locator("select[name=assigned_member_id]")).to_have_value(str(PRIYA))
    expect(modal.locator("select[name=priority_id] option:checked")).to_have_text("Critical")

    parse("Ransomware suspected on a laptop at Birch Accounting")
    expect(modal.locator("#new-company-q")).to_have_value("Birch Accounting")
    expect(modal.locator("input[name=company_id]")).to_have_value("176")
    # nothing of the first sentence survives that the second one did not say again
    expect(modal.locator("select[name=assigned_member_id]")).to_have_value("")
    expect(modal.locator("select[name=priority_id] option:checked")).not_to_have_text("Critical")
    for box in modal.locator("#ticket-form .is-missing").all():
        control = box.locator("select, input[type=hidden][name=company_id]").first
        assert control.input_value() == "", box.inner_text()


EMAIL = """From: Sofia Duarte <sofia.duarte5@pine.example>
To: support@lakesideit.example
Subject: RE: RE: Plotter not printing large drawings

Hi team,

The plotter still drops every A1 drawing halfway through. Urgent please, we have a deadline.

Thanks,
Sofia Duarte
"""


def test_avery_pastes_a_clients_email_and_reviews_it(avery_page, at_control) -> None:
    """The sender's address settles the Autotask company and contact; Sofia Duarte is also the
    name of a Lakeside resource, and a client's email never assigns the ticket to her."""
    modal = open_modal(avery_page)
    modal.locator("[data-tab=quick]").click()
    modal.locator("#quick-form textarea[name=prompt]").fill(EMAIL)
    at_control.reset_counters()

    modal.locator("#quick-form button[type=submit]").click()

    expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")
    expect(modal.locator("#new-company-q")).to_have_value("Pine Architects")
    expect(modal.locator("input[name=company_id]")).to_have_value(str(PINE))
    resolved = modal.locator("#draft-resolved")
    expect(resolved).to_contain_text("Contact: Sofia Duarte")
    expect(resolved.locator("input[name=contact_id]")).to_have_value("30005")
    expect(modal.locator("#ticket-form input[name=summary]")).to_have_value(
        "Plotter not printing large drawings"
    )
    expect(modal.locator("select[name=assigned_member_id]")).to_have_value("")
    description = modal.locator("#ticket-form textarea[name=description]")
    expect(description).to_have_value(re.compile(r"^From: Sofia Duarte <sofia\.duarte5@pine"))
    assert at_control.count(POST_TICKETS) == 0


# --- New Ticket: the Full Form ---------------------------------------------------------------


def test_avery_full_form_creates_one_ticket_on_a_double_click(
    avery_page, at_sim, at_control
) -> None:
    page = avery_page
    head = page.locator("#results .results-head")
    expect(head).to_have_text(re.compile(r"Showing 1–25 of \d+ tickets"))
    before = int(re.findall(r"\d+", head.inner_text())[-1])
    modal = open_modal(page)
    expect(modal.locator("#tabpanel-quick")).to_be_visible()  # the default tab
    summary = f"Front desk printer jams on every page {uuid.uuid4().hex[:6]}"
    company = fill_full_form(modal, summary, company="Birch Acc", queue="Level I Support")
    assert company == "Birch Accounting"
    # the statuses offered are Autotask's active ones (its picklist is global, not per queue)
    active = [
        ("Queue default" if not p else p["label"] + (" (closed)" if p["value"] == "5" else ""))
        for p in [None, *at_active_picklist(at_sim, "Tickets", "status")]
    ]
    expect(modal.locator("#new-status option")).to_have_text(active)
    expect(modal.locator("#summary-count")).to_have_text(str(len(summary)))
    at_control.reset_counters()

    modal.get_by_role("button", name="Create ticket").dblclick()

    ticket_id = created_ticket_id(page)
    expect(page.locator("#toasts .toast", has_text="created in Autotask")).to_have_count(1)
    expect(page.locator("#modal")).to_be_hidden()
    expect(head).to_have_text(f"Showing 1–25 of {before + 1} tickets")  # refreshed behind it
    row = find_in_list(page, ticket_id, summary)
    expect(row.locator(".t-company")).to_have_text("Birch Accounting")
    expect(row.locator(".t-board")).to_have_text("Level I Support")
    assert at_control.count(POST_TICKETS) == 1
    [got] = at_tickets_titled(at_sim, summary)
    assert (str(got["id"]), got["companyID"], got["queueID"]) == (
        ticket_id,
        176,  # Birch Accounting
        QUEUES["Level I Support"],
    )


def test_avery_full_form_validation_speaks_of_queues(avery_page, at_control) -> None:
    page = avery_page
    modal = open_modal(page)
    modal.locator("#tab-full").click()
    expect(modal.locator("select[name=board_id] option").first).to_have_text("Choose a queue…")
    modal.locator("input[name=summary]").fill("Missing its company and queue")
    modal.locator("#ticket-form").evaluate("form => form.noValidate = true")
    at_control.reset_counters()

    modal.get_by_role("button", name="Create ticket").click()

    expect(
        modal.locator("#draft .error-text", has_text="Choose the client company.")
    ).to_be_visible()
    expect(modal.locator("#draft .error-text", has_text="Choose a queue.")).to_be_visible()
    expect(modal.locator("input[name=summary]")).to_have_value("Missing its company and queue")
    assert at_control.count(POST_TICKETS) == 0


def test_avery_create_retried_after_an_outage_files_one_ticket(
    avery_page, at_sim, at_control
) -> None:
    """Autotask fails the create; the draft keeps its key across close and reopen; the retry
    files the ticket once."""
    page = avery_page
    modal = open_modal(page)
    summary = f"UPS alarm in the server room {uuid.uuid4().hex[:6]}"
    picked = fill_full_form(modal, summary, company="Pine Arch", queue="Level I Support")
    modal.locator("select[name=priority_id]").select_option(label="High")
    key = modal.locator("#ticket-form input[name=idempotency_key]").input_value()
    at_control.config(fail_rate=1)
    modal.locator("#ticket-form button[type=submit]").click()
    expect(page.locator("#toasts .toast-error")).to_contain_text("Ticket not created")
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()

    at_control.config(fail_rate=0)
    assert at_tickets_titled(at_sim, summary) == []
    page.keyboard.press("n")
    expect(modal.locator("input[name=summary]")).to_have_value(summary)
    expect(modal.locator("#ticket-form input[name=idempotency_key]")).to_have_value(key)
    # The kept draft has its picks back too: the company, the queue (with its statuses), priority.
    expect(modal.locator("#new-company-q")).to_have_value(picked)
    expect(modal.locator("input[name=company_id]")).to_have_value(str(PINE))
    expect(modal.locator("select[name=board_id] option:checked")).to_have_text("Level I Support")
    expect(modal.locator("#new-status")).to_be_enabled()
    expect(modal.locator("select[name=priority_id] option:checked")).to_have_text("High")
    modal.get_by_role("button", name="Create ticket").click()

    ticket_id = created_ticket_id(page)
    [got] = at_tickets_titled(at_sim, summary)
    assert (str(got["id"]), got["companyID"]) == (ticket_id, PINE)


def test_avery_closing_while_autotask_creates_still_files_one_ticket(
    avery_page, at_sim, at_control
) -> None:
    """Autotask answers slowly: Create, Esc, reopen. The reopened draft is the same one (same
    key, still creating); the ticket is filed once and announced though the dialog was closed."""
    page = avery_page
    modal = open_modal(page)
    summary = f"Badge reader at the loading dock {uuid.uuid4().hex[:6]}"
    fill_full_form(modal, summary, company="Pine Arch", queue="Level I Support")
    key = modal.locator("#ticket-form input[name=idempotency_key]").input_value()
    at_control.reset_counters()
    at_control.config(latency_ms=2500)
    modal.locator("#ticket-form button[type=submit]").click()
    expect(modal.locator("#ticket-form button[type=submit]")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()

    page.keyboard.press("n")
    expect(modal).to_be_visible()
    expect(modal.locator("input[name=summary]")).to_have_value(summary)
    expect(modal.locator("#ticket-form input[name=idempotency_key]")).to_have_value(key)
    expect(modal.locator("#ticket-form button[type=submit]")).to_be_disabled()

    toast = page.locator("#toasts .toast", has_text="created in Autotask")
    expect(toast).to_have_text(CREATED, timeout=20_000)
    expect(modal).to_be_hidden()
    at_control.config(latency_ms=0)
    ticket_id = CREATED.match(toast.inner_text().strip()).group(1)  # type: ignore[union-attr]
    [got] = at_tickets_titled(at_sim, summary)
    assert (str(got["id"]), got["companyID"]) == (ticket_id, PINE)
    assert at_control.count(POST_TICKETS) == 1
    # landed: the next New Ticket is a fresh draft with a new key
    modal = open_modal(page)
    expect(modal.locator("input[name=summary]")).to_have_value("")
    expect(modal.locator("#ticket-form input[name=idempotency_key]")).not_to_have_value(key)


def test_avery_create_whose_answer_autotask_lost_is_filed_once_on_retry(
    avery_page, at_sim, at_control, settings
) -> None:
    """Autotask files the ticket but its answer never arrives (the request hangs past the read
    timeout); Create again, same key: the ticket Autotask already has is the answer."""
    from psa.registry import reset_provider_cache

    settings.PSA_READ_TIMEOUT = 1.0
    settings.PSA_MAX_RETRIES = 0
    reset_provider_cache()
    page = avery_page
    page.reload()  # the new provider finds its Autotask zone before anything hangs
    expect(page.locator("li.ticket-row").first).to_be_visible()
    modal = open_modal(page)
    summary = f"Label printer offline {uuid.uuid4().hex[:6]}"
    fill_full_form(modal, summary, company="Birch Acc", queue="Level I Support")
    at_control.reset_counters()

    at_control.config(hang_rate=1.0, hang_seconds=2.0)
    modal.locator("#ticket-form button[type=submit]").click()
    expect(page.locator("#toasts .toast.toast-error").last).to_contain_text("Ticket not created")
    expect(modal.locator("input[name=summary]")).to_have_value(summary)  # the draft is kept
    at_control.config(hang_rate=0.0)
    # Autotask finishes the stalled create on its side
    wait_until(lambda: len(at_tickets_titled(at_sim, summary)) == 1, what="the stalled create")

    modal.locator("#ticket-form button[type=submit]").click()

    ticket_id = created_ticket_id(page)
    [got] = at_tickets_titled(at_sim, summary)
    assert (str(got["id"]), got["companyID"]) == (ticket_id, 176)
    assert at_control.count(POST_TICKETS) == 1
    find_in_list(page, ticket_id, summary)


# --- the dashboard and My Queue --------------------------------------------------------------


def _other_open_status(page: Any) -> str:
    select = page.locator("#status-control select")
    current = select.locator("option:checked").inner_text().strip()
    return next(
        label.strip()
        for label in select.locator("option").all_inner_texts()
        if label.strip() != current and "(closed)" not in label and "retired" not in label
    )


def _start_session(page: Any, ticket_id: int) -> None:
    page.goto("/assistant/")
    page.get_by_label("Autotask ticket #").fill(str(ticket_id))
    page.get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/assistant/\d+/$"))


def test_avery_starts_from_the_dashboard(page, e2e_lakeside, base_url, at_sim) -> None:
    from django.contrib.auth import get_user_model

    from tests.e2e.conftest import sign_in_with_session
    from tickets.selectors import my_queue

    avery = get_user_model().objects.get(username="avery")
    top = my_queue(account=e2e_lakeside, user=avery, limit=1).items[0]
    sign_in_with_session(page, avery, base_url)
    _start_session(page, top.id)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    page.goto("/")

    sessions = page.locator("#active-sessions")
    expect(sessions.locator(".active-session")).to_have_count(1)
    chip = sessions.locator(".ticket-chip")
    expect(chip).to_have_text(f"#{top.id} · {top.summary}")
    expect(sessions.get_by_role("link", name=re.compile("^Resume"))).to_have_attribute(
        "href", re.compile(r"^/assistant/\d+/$")
    )

    queue = page.locator("#my-queue")
    unassigned = page.locator("#unassigned")
    recent = page.locator("#recent")
    expect(queue.locator("a.queue-row").first).to_contain_text(f"#{top.id}")
    expect(unassigned.locator("a.queue-row")).to_have_count(5)
    expect(unassigned.locator("h2")).to_have_text("Unassigned on your queues")
    expect(unassigned).to_contain_text("unassigned on your queues.")
    # avery's queues are the ones of the open tickets Autotask has him on
    links = unassigned.locator(".widget-links a")
    expect(links).to_have_text(["Client Portal", "Level II Support"])
    for widget in (queue, unassigned, recent):
        expect(widget).not_to_have_attribute("aria-busy", "true")

    chip.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{top.id}")
    expect(page).to_have_url(f"{base_url}/")
    new = _other_open_status(page)
    page.locator("#status-control select").select_option(label=new)
    expect(queue.locator("a.queue-row", has_text=f"#{top.id}").locator(".badge")).to_have_text(new)
    # the change made it to Autotask, and "Recently updated" now lists it first
    expect(recent.locator("a.queue-row").first).to_contain_text(f"#{top.id}")
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()

    row = unassigned.locator("a.queue-row").first
    ticket_id = row.locator(".t-id").inner_text().lstrip("#")
    row.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    new = _other_open_status(page)
    page.locator("#status-control select").select_option(label=new)
    expect(
        unassigned.locator("a.queue-row", has_text=f"#{ticket_id}").locator(".badge")
    ).to_have_text(new)
    expect(recent.locator("a.queue-row", has_text=f"#{ticket_id}")).to_have_count(0)
    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator("body")).not_to_contain_text("ConnectWise")
    assert not [p for p in problems if "oobErrorNoTarget" in p or "ticket-row" in p], problems


def test_blake_without_a_resource_mapping_is_asked_for_one_in_every_widget(
    page, e2e_lakeside, base_url
) -> None:
    from django.contrib.auth import get_user_model

    from tests.e2e.conftest import sign_in_with_session

    sign_in_with_session(page, get_user_model().objects.get(username="blake"), base_url)

    page.goto("/")

    # in Autotask's words: a resource is mapped, tickets sit in queues
    for dom_id, prompt in [
        ("my-queue", "Map your PSA resource to see your queue"),
        ("unassigned", "Map your PSA resource to see the unassigned tickets on your queues"),
        ("recent", "Map your PSA resource to see your recently updated tickets"),
    ]:
        link = page.locator(f"#{dom_id}").get_by_role("link", name=prompt)
        expect(link).to_have_attribute("href", "/account/integrations/")
    expect(page.locator("#unassigned h2")).to_have_text("Unassigned on your queues")
    expect(page.locator(".queue-row")).to_have_count(0)
    expect(page.locator("#active-sessions")).to_contain_text("No open sessions")
    expect(page.locator("main")).not_to_contain_text("ConnectWise")


def test_avery_my_queue_holds_primary_and_secondary_assignments(avery_page, at_sim) -> None:
    page = avery_page
    page.goto("/")
    queue = page.locator("#my-queue")
    expect(queue.locator("a.queue-row").first).to_be_visible()
    # Autotask's open tickets with abrooks primary or secondary, counted from its own data
    search = {
        "filter": [
            {"op": "eq", "field": "assignedResourceID", "value": ABROOKS},
            {"op": "noteq", "field": "status", "value": 5},
        ]
    }
    primary = requests.post(
        f"{at_sim.base_url}/Tickets/query", json=search, headers=DEMO_HEADERS, timeout=10
    ).json()["items"]
    links = requests.post(
        f"{at_sim.base_url}/TicketSecondaryResources/query",
        json={"filter": [{"op": "eq", "field": "resourceID", "value": ABROOKS}]},
        headers=DEMO_HEADERS,
        timeout=10,
    ).json()["items"]
    secondary = [
        t
        for t in (at_ticket(at_sim, link["ticketID"]) for link in links)
        if t["status"] != 5 and t["assignedResourceID"] != ABROOKS
    ]
    assert primary and secondary
    expect(queue.locator("p.muted.small")).to_have_text(
        f"{len(primary) + len(secondary)} open in total."
    )
    page.goto("/tickets/?assigned=me")
    ids = {str(t["id"]) for t in primary + secondary}
    expect(page.locator("#results .results-head")).to_contain_text(f"of {len(ids)} ticket")
    for t in secondary:
        page.fill("#f-search", t["title"])
        expect(page.locator(f"#ticket-row-{t['id']}")).to_be_visible()


def test_avery_widget_shows_a_change_announced_during_its_reload(
    page, e2e_lakeside, base_url, at_sim
) -> None:
    """The race of test_widget_refresh.py on Autotask: the first re-read is held and answered
    stale; the change Autotask got meanwhile is what the widget ends up showing."""
    import contextlib

    from django.contrib.auth import get_user_model
    from playwright.sync_api import Error as PlaywrightError

    from tests.e2e.conftest import sign_in_with_session

    widget_url = "**/tickets/widgets/unassigned/"
    sign_in_with_session(page, get_user_model().objects.get(username="avery"), base_url)
    page.goto("/")
    unassigned = page.locator("#unassigned")
    row = unassigned.locator("a.queue-row").first
    expect(row).to_be_visible()
    ticket_id = row.get_attribute("data-ticket-id")
    assert ticket_id
    stale = page.request.get("/tickets/widgets/unassigned/", headers={"HX-Request": "true"}).text()
    held: list[Any] = []
    page.route(widget_url, lambda route: route.continue_() if held else held.append(route))
    with page.expect_request(widget_url):
        page.evaluate("htmx.trigger(document.body, 'ticketUpdated')")

    renamed = "Renamed in Autotask while the widget was reloading"
    requests.patch(
        f"{at_sim.base_url}/Tickets",
        json={"id": int(ticket_id), "title": renamed},
        headers=DEMO_HEADERS,
        timeout=10,
    ).raise_for_status()
    page.evaluate("htmx.trigger(document.body, 'ticketUpdated')")
    assert held, "the first re-read was never intercepted"
    with contextlib.suppress(PlaywrightError):
        held[0].fulfill(status=200, content_type="text/html; charset=utf-8", body=stale)

    expect(unassigned.locator(f'a.queue-row[data-ticket-id="{ticket_id}"]')).to_contain_text(
        renamed
    )
    expect(unassigned).not_to_have_class("htmx-request")


# --- ResolutionAssist: the spin-off ----------------------------------------------------------

LINKED = 7317  # avery's, in Client Portal: VPN disconnects every 10 minutes (Cedar Pediatrics)
SECOND_PROBLEM = (
    "The VPN still drops every 10 minutes after a restart. Oh, and the printer on the 2nd floor "
    "is offline too."
)
SPIN_OFF = "Printer on the 2nd floor is offline"


def test_avery_second_problem_becomes_a_spin_off_autotask_ticket(
    page, e2e_lakeside, base_url, at_sim, at_control
) -> None:
    from django.contrib.auth import get_user_model

    from assistant.models import SuggestedAction
    from tests.e2e.conftest import sign_in_with_session

    linked = at_ticket(at_sim, LINKED)
    sign_in_with_session(page, get_user_model().objects.get(username="avery"), base_url)
    _start_session(page, LINKED)
    header = page.locator("#chat-header")
    expect(header.locator(".chat-linked")).to_contain_text(f"#{LINKED} · {linked['title']}")
    expect(header.locator(".chat-linked")).to_contain_text("Cedar Pediatrics")
    modal = page.locator("#modal")

    header.get_by_role("link", name="New Ticket").click()
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    expect(modal.locator("#new-company-q")).to_have_value("Cedar Pediatrics")
    expect(modal.locator("select[name=board_id] option:checked")).to_have_text("Client Portal")
    modal.get_by_role("button", name="Close").click()
    expect(modal).to_be_hidden()

    composer = page.locator("#composer-text")
    composer.fill(SECOND_PROBLEM)
    composer.press("Enter")
    reply = page.locator("#message-list .msg-assistant:not(.is-pending)")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("First-line checks — VPN")
    expect(reply).to_contain_text("spin-off ticket in the TaskLane")
    action = page.locator("#tasklane .lane-item")
    expect(action).to_have_count(1)
    expect(action.locator(".lane-label")).to_have_text(f"Create ticket: {SPIN_OFF}")

    action.get_by_role("link", name="Create ticket").click()
    prompt = modal.locator("#quick-form textarea[name=prompt]")
    expect(prompt).to_have_value(SPIN_OFF)
    at_control.reset_counters()
    modal.locator("#quick-form button[type=submit]").click()
    expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")
    expect(modal.locator("#new-company-q")).to_have_value("Cedar Pediatrics")
    expect(modal.locator("input[name=company_id]")).to_have_value(str(linked["companyID"]))
    expect(modal.locator("select[name=board_id]")).not_to_have_value("")
    summary = modal.locator("#ticket-form input[name=summary]").input_value()
    assert summary
    assert at_control.count(POST_TICKETS) == 0

    modal.locator("#ticket-form").get_by_role("button", name="Create ticket").click()

    ticket_id = int(created_ticket_id(page))
    expect(modal).to_be_hidden()
    expect(page.locator("#tasklane .lane-item")).to_have_count(0)
    expect(page.locator("#tasklane .lane-done")).to_contain_text(f"#{ticket_id}")
    wait_until(lambda: at_control.count(POST_TICKETS) == 1, what="the one create in Autotask")
    got = at_ticket(at_sim, ticket_id)
    assert (got["title"], got["companyID"]) == (summary, linked["companyID"])
    done = SuggestedAction.objects.get()
    assert (done.status, done.created_ticket_id) == ("done", ticket_id)
    page.reload()
    expect(page.locator("#tasklane .lane-done")).to_contain_text(f"#{ticket_id}")
    expect(page.locator("#tasklane .lane-item")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("ConnectWise")
