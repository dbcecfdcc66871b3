"""Issue 22: avery (Lakeside Managed IT, Autotask resource abrooks) walks the same spec as jordan
on ConnectWise: the list, its seven filters, paging, the sort, and the slide-out panel (contact,
notes, a note of avery's own, assignees with Autotask's roles, the global status list,
configuration items, related tickets).

What the page should show is worked out from the Autotask simulator's own records (the
`at_sim` tenant), never copied from a screenshot, and every write is checked in the simulator.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import expect_settled, wait_until

pytestmark = pytest.mark.e2e

ABROOKS = 29682900
COMPLETE = 5  # Autotask's system status that closes a ticket
COUNT_RE = re.compile(r"Showing (\d+)–(\d+) of ([\d,]+) tickets?")


# --------------------------------------------------------------------------- the simulator's data
def tenant(at_sim):
    return at_sim.app.tenant


def open_tickets(at_sim) -> list[dict]:
    return [t for t in tenant(at_sim).records("Tickets") if t["status"] != COMPLETE]


def picklist(at_sim, name: str, entity: str = "Tickets") -> dict[int, str]:
    return {int(v["value"]): v["label"] for v in tenant(at_sim).picklist(entity, name)}


def secondaries(at_sim, ticket_id: int) -> set[int]:
    return {
        r["resourceID"]
        for r in tenant(at_sim).records("TicketSecondaryResources")
        if r["ticketID"] == ticket_id
    }


def resource_name(at_sim, resource_id: int) -> str:
    r = tenant(at_sim).get("Resources", resource_id)
    return f"{r['firstName']} {r['lastName']}"


# --------------------------------------------------------------------------- the page
def head(page):
    return page.locator("#results .results-head")


def total(page) -> int:
    match = COUNT_RE.search(str(head(page).inner_text()))
    assert match, head(page).inner_text()
    return int(match.group(3).replace(",", ""))


def row_ids(page) -> list[int]:
    return [
        int(i)
        for i in page.locator("li.ticket-row a.ticket-link").evaluate_all(
            "links => links.map(a => a.dataset.ticketId)"
        )
    ]


def showing_all(page, n: int) -> None:
    """The list shows exactly `n` tickets (on one page or the first of several)."""
    if n == 0:
        expect(page.locator("#results .empty-state")).to_contain_text("No tickets match")
        return
    expect(head(page)).to_have_text(f"Showing 1–{min(n, 25)} of {n:,} ticket{'s' * (n != 1)}")
    expect(page.locator("li.ticket-row")).to_have_count(min(n, 25))


def open_ticket(page, ticket_id: int):
    page.goto(f"/tickets/?ticket={ticket_id}")
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page.locator("#notes-feed")).to_be_visible()
    expect(page.locator("#panel-resources")).to_have_attribute("aria-busy", "false")
    return page.locator("#panel")


# --------------------------------------------------------------------------- the list
def test_avery_signs_in_to_lakesides_open_autotask_tickets(page, e2e_lakeside, at_sim) -> None:
    page.goto("/tickets/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/tickets/"))
    page.fill("input[name=username]", "avery")
    page.fill("input[name=password]", "resolutionflow")
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(r"/tickets/$"))
    expect(page.locator(".topbar-user")).to_contain_text("Avery")
    expect(page.locator("main .page-head")).to_contain_text("Autotask tickets for Lakeside")
    showing_all(page, len(open_tickets(at_sim)))
    # Autotask's word for a board, in the filter bar and its "any" option.
    expect(page.locator("label:has(#f-board) .filter-label")).to_have_text("Queue")
    expect(page.locator("#f-board option").first).to_have_text("All queues")
    queues = picklist(at_sim, "queueID")
    expect(page.locator("#f-board option")).to_have_text(["All queues", *queues.values()])


def test_the_list_is_most_urgent_first_then_newest(avery_page, at_sim) -> None:
    page = avery_page
    priorities = tenant(at_sim).picklist("Tickets", "priority")
    rank = {int(p["value"]): p["sortOrder"] for p in priorities}
    by_id = {t["id"]: t for t in open_tickets(at_sim)}
    # Newest by when the ticket was entered (ids and entry dates disagree in an imported tenant).
    entered = {
        i: datetime.fromisoformat(t["createDate"].replace("Z", "+00:00")) for i, t in by_id.items()
    }
    expected = sorted(
        by_id, key=lambda i: (rank[by_id[i]["priority"]], -entered[i].timestamp(), -i)
    )

    assert row_ids(page) == expected[:25]
    page.click("a[rel=next]")
    expect(head(page)).to_contain_text("Showing 26–50")
    assert row_ids(page) == expected[25:50]
    # Each row's dot names its priority by the picklist's label.
    labels = picklist(at_sim, "priority")
    first = by_id[expected[25]]
    expect(page.locator("li.ticket-row .prio-dot").first).to_have_attribute(
        "title", labels[first["priority"]]
    )


def test_page_forward_and_back_restores_the_previous_view(avery_page, at_sim) -> None:
    page = avery_page
    n = len(open_tickets(at_sim))
    expect(head(page)).to_have_text(f"Showing 1–25 of {n} tickets")
    first_page = row_ids(page)

    page.click("a[rel=next]")
    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    expect(head(page)).to_have_text(f"Showing 26–50 of {n} tickets")
    expect(head(page)).to_be_focused()  # the new page is read from its top
    second_page = row_ids(page)
    assert len(second_page) == 25 and not set(first_page) & set(second_page)

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(head(page)).to_have_text(f"Showing 1–25 of {n} tickets")
    assert row_ids(page) == first_page

    page.go_forward()
    expect(head(page)).to_have_text(f"Showing 26–50 of {n} tickets")
    assert row_ids(page) == second_page

    last = -(-n // 25)
    page.goto(f"/tickets/?page={last}")
    expect(head(page)).to_have_text(f"Showing {(last - 1) * 25 + 1}–{n} of {n} tickets")
    expect(page.locator(".pager .muted")).to_have_text(f"Page {last} of {last}")
    expect(page.locator("a[rel=next]")).to_have_count(0)
    page.click("a[rel=prev]")
    expect(head(page)).to_have_text(
        f"Showing {(last - 2) * 25 + 1}–{(last - 1) * 25} of {n} tickets"
    )


def test_queue_then_status_filter_from_the_global_list(avery_page, at_sim) -> None:
    page = avery_page
    queues = picklist(at_sim, "queueID")
    statuses = picklist(at_sim, "status")
    queue_id = next(i for i, label in queues.items() if label == "Security")
    in_queue = [t for t in open_tickets(at_sim) if t["queueID"] == queue_id]
    # Autotask's statuses are one global list: usable before any queue is chosen.
    status_select = page.locator("#f-status")
    expect(status_select).to_be_enabled()
    expect(status_select.locator("option")).to_have_count(len(statuses) + 1)

    page.select_option("#f-board", label="Security")

    expect(page).to_have_url(re.compile(rf"[?&]board={queue_id}(&|$)"))
    showing_all(page, len(in_queue))
    assert set(page.locator("li.ticket-row .t-board").all_inner_texts()) == {"Security"}
    expect(status_select.locator("option")).to_have_count(len(statuses) + 1)  # still global

    waiting = next(i for i, label in statuses.items() if label == "Waiting Customer")
    page.select_option("#f-status", label="Waiting Customer")

    expect(page).to_have_url(re.compile(rf"[?&]status={waiting}(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]board={queue_id}(&|$)"))
    both = [t for t in in_queue if t["status"] == waiting]
    assert both, "the data has Waiting Customer tickets in Security"
    showing_all(page, len(both))
    assert set(page.locator("li.ticket-row .t-status .badge").all_inner_texts()) == {
        "Waiting Customer"
    }

    # Another queue keeps the status: it is the same status there.
    page.select_option("#f-board", label="Onboarding")
    onboarding = next(i for i, label in queues.items() if label == "Onboarding")
    expect(page).to_have_url(re.compile(rf"[?&]board={onboarding}(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]status={waiting}(&|$)"))
    showing_all(
        page,
        sum(
            1 for t in open_tickets(at_sim) if (t["queueID"], t["status"]) == (onboarding, waiting)
        ),
    )


def test_priority_filter_and_a_filter_change_goes_back_to_page_one(avery_page, at_sim) -> None:
    page = avery_page
    page.click("a[rel=next]")
    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))

    page.select_option("#f-priority", label="High")

    high = next(i for i, label in picklist(at_sim, "priority").items() if label == "High")
    expect(page).to_have_url(re.compile(rf"[?&]priority={high}(&|$)"))
    expect(page).not_to_have_url(re.compile(r"page=2"))
    showing_all(page, sum(1 for t in open_tickets(at_sim) if t["priority"] == high))
    titles = page.locator("li.ticket-row .prio-dot").evaluate_all("ds => ds.map(d => d.title)")
    assert set(titles) == {"High"}


def test_company_filter_picks_from_the_combobox(avery_page, at_sim) -> None:
    page = avery_page
    n = len(open_tickets(at_sim))
    company = next(
        c for c in tenant(at_sim).records("Companies") if c["companyName"] == "Birch Pediatrics"
    )
    page.locator("#f-company-q").fill("Birch")
    option = page.locator("#f-company-list .combobox-option", has_text="Birch Pediatrics")
    expect(option).to_be_visible()
    assert option.get_attribute("data-value") == str(company["id"])

    option.click()

    expect(page).to_have_url(re.compile(rf"[?&]company={company['id']}(&|$)"))
    expect(page.locator("#f-company-q")).to_have_value("Birch Pediatrics")
    showing_all(page, sum(1 for t in open_tickets(at_sim) if t["companyID"] == company["id"]))
    assert set(page.locator("li.ticket-row .t-company").all_inner_texts()) == {"Birch Pediatrics"}

    page.reload()  # the URL alone restores the view, the company's name included
    expect(page.locator("#f-company-q")).to_have_value("Birch Pediatrics")
    page.go_back()
    expect(head(page)).to_have_text(f"Showing 1–25 of {n} tickets")


def test_assigned_filter_me_a_resource_and_unassigned(avery_page, at_sim) -> None:
    page = avery_page
    tickets = open_tickets(at_sim)

    def assigned_to(resource_id: int) -> list[dict]:
        return [
            t
            for t in tickets
            if t["assignedResourceID"] == resource_id or resource_id in secondaries(at_sim, t["id"])
        ]

    page.select_option("#f-assigned", label="Me")
    expect(page).to_have_url(re.compile(r"[?&]assigned=me(&|$)"))
    mine = assigned_to(ABROOKS)
    # "Mine" is primary or secondary (TicketSecondaryResources): the data has both for avery.
    assert {t["assignedResourceID"] == ABROOKS for t in mine} == {True, False}
    showing_all(page, len(mine))
    for avatars in page.locator("li.ticket-row .t-assignees").all():
        expect(avatars.locator(".avatar[title='Avery Brooks']")).to_have_count(1)

    other = 29682911  # Lars Farouk: primary on some tickets, secondary on others
    assert {t["assignedResourceID"] == other for t in assigned_to(other)} == {True, False}
    page.select_option("#f-assigned", label=resource_name(at_sim, other))
    expect(page).to_have_url(re.compile(rf"[?&]assigned={other}(&|$)"))
    showing_all(page, len(assigned_to(other)))

    page.select_option("#f-assigned", label="Unassigned")
    expect(page).to_have_url(re.compile(r"[?&]assigned=unassigned(&|$)"))
    nobody = [t for t in tickets if t["assignedResourceID"] is None]
    assert nobody, "the data has unassigned open tickets"
    showing_all(page, len(nobody))
    assert set(page.locator("li.ticket-row .t-assignees").all_inner_texts()) == {"—"}


def test_the_assignee_lists_offer_people_not_the_api_user(avery_page, at_sim) -> None:
    page = avery_page
    api_user = tenant(at_sim).api_resource_id
    expect(page.locator(f"#f-assigned option[value='{api_user}']")).to_have_count(0)
    expect(page.locator(f"#f-assigned option[value='{ABROOKS}']")).to_have_count(1)
    open_ticket(page, row_ids(page)[0])
    expect(page.locator(f"#panel-resources option[value='{api_user}']")).to_have_count(0)


def test_include_closed_adds_completed_tickets(avery_page, at_sim) -> None:
    page = avery_page
    page.check("input[name=closed]")

    expect(page).to_have_url(re.compile(r"[?&]closed=true(&|$)"))
    showing_all(page, len(tenant(at_sim).records("Tickets")))
    page.select_option("#f-status", label="Complete (closed)")
    showing_all(page, sum(1 for t in tenant(at_sim).records("Tickets") if t["status"] == COMPLETE))


def test_search_finds_title_words_ticket_numbers_and_ids(avery_page, at_sim) -> None:
    page = avery_page
    tickets = open_tickets(at_sim)

    page.fill("#f-search", "VPN")
    expect(page).to_have_url(re.compile(r"[?&]search=VPN(&|$)"))
    showing_all(page, sum(1 for t in tickets if "vpn" in t["title"].lower()))
    assert all("vpn" in s.lower() for s in page.locator(".t-summary").all_inner_texts())

    wanted = tickets[len(tickets) // 2]
    page.fill("#f-search", wanted["ticketNumber"])  # Autotask's number, "T20261103.0004"
    showing_all(page, 1)
    assert row_ids(page) == [wanted["id"]]

    page.fill("#f-search", f"#{wanted['id']}")  # the number the list shows
    showing_all(page, 1)
    assert row_ids(page) == [wanted["id"]]

    page.fill("#f-search", "zzzz-no-such-ticket")
    expect(page.locator("#results")).to_contain_text("No tickets match")
    expect(page.locator("#results .pager")).to_have_count(0)


# --------------------------------------------------------------------------- the panel
def test_the_panel_shows_contact_notes_configurations_and_related(avery_page, at_sim) -> None:
    page = avery_page
    data = tenant(at_sim)
    # An open incident of a problem ticket that has a primary configuration item and notes.
    ticket = next(
        t
        for t in open_tickets(at_sim)
        if t["problemTicketId"]
        and t["configurationItemID"]
        and any(n["ticketID"] == t["id"] for n in data.records("TicketNotes"))
    )
    panel = open_ticket(page, ticket["id"])  # a deep link: it need not be on the first page
    expect(page.locator("#panel-title")).to_have_text(ticket["title"])
    meta = panel.locator(".panel-meta")
    expect(meta).to_contain_text(data.get("Companies", ticket["companyID"])["companyName"])
    expect(meta).to_contain_text(picklist(at_sim, "queueID")[ticket["queueID"]])
    expect(meta).to_contain_text(picklist(at_sim, "priority")[ticket["priority"]])
    # SLA: the ticket's due time, and how long ago it passed (the demo's due dates all have).
    due = datetime.fromisoformat(ticket["dueDateTime"].replace("Z", "+00:00"))
    assert due < datetime.now(UTC)
    sla = meta.locator(".sla")
    expect(sla).to_contain_text(f"(Due by {due:%a %m/%d %I:%M %p} UTC)")
    expect(sla).to_contain_text(re.compile(r"^Overdue by \d+ (day|hour|minute)s?"))
    expect(panel.locator("a", has_text="Open in Autotask")).to_have_attribute(
        "href", re.compile(rf"TicketDetail\.mvc\?.*ticketId={ticket['id']}$")
    )

    contact = data.get("Contacts", ticket["contactID"])
    contact_section = panel.locator("section", has=page.locator("h3", has_text="Contact"))
    expect(contact_section).to_contain_text(f"{contact['firstName']} {contact['lastName']}")
    expect(contact_section.locator("a[href^=mailto]")).to_have_text(contact["emailAddress"])

    notes = [n for n in data.records("TicketNotes") if n["ticketID"] == ticket["id"]]
    feed = page.locator("#notes-feed li.note")
    # The ticket's description opens the feed, as ConnectWise's initial description does.
    expect(feed).to_have_count(len(notes) + 1)
    expect(feed.first).to_contain_text(ticket["description"].strip()[:40])
    kinds = {1: "Discussion", 2: "Internal"}  # Autotask's publish: all users / internal only
    for note in notes:
        shown = feed.filter(has_text=note["description"].strip()[:40])
        expect(shown.locator(".badge")).to_have_text(kinds[note["publish"]])
        author = note.get("creatorResourceID")
        if author:
            expect(shown.locator(".note-head")).to_contain_text(resource_name(at_sim, author))

    ci_ids = [ticket["configurationItemID"]] + [
        a["configurationItemID"]
        for a in data.records("TicketAdditionalConfigurationItems")
        if a["ticketID"] == ticket["id"]
    ]
    configs = panel.locator("section", has=page.locator("h3", has_text="Configurations"))
    expect(configs.locator("li strong")).to_have_text(
        [data.get("ConfigurationItems", i)["referenceTitle"] for i in ci_ids]
    )

    related = panel.locator("section", has=page.locator("h3", has_text="Related tickets"))
    parent = data.get("Tickets", ticket["problemTicketId"])
    parent_link = related.locator("a", has_text=f"#{parent['id']}")
    expect(parent_link).to_contain_text(parent["title"])

    parent_link.click()  # and the problem ticket lists this incident among its children

    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{parent['id']}")
    expect(page).to_have_url(re.compile(rf"[?&]ticket={parent['id']}(&|$)"))
    children = [t for t in data.records("Tickets") if t["problemTicketId"] == parent["id"]]
    related = page.locator("#panel section", has=page.locator("h3", has_text="Related tickets"))
    as_child = related.locator("li", has=page.locator(".badge", has_text="Child"))
    expect(as_child).to_have_count(len(children))
    expect(related.locator("a", has_text=f"#{ticket['id']}")).to_be_visible()


@pytest.mark.parametrize(
    ("kind", "label", "publish"),
    [("discussion", "Discussion", 1), ("internal", "Internal", 2)],
)
def test_avery_adds_a_note_signed_by_abrooks(
    avery_page, at_sim, kind: str, label: str, publish: int
) -> None:
    page = avery_page
    ticket_id = row_ids(page)[0]
    page.locator(f"#ticket-row-{ticket_id} a.ticket-link").click()
    expect(page.locator("#panel-resources")).to_have_attribute("aria-busy", "false")
    feed = page.locator("#notes-feed li.note")
    expect(feed.first).to_be_visible()
    before = feed.count()
    text = f"Replaced the access point, watching it overnight ({uuid.uuid4().hex[:8]})"

    composer = page.locator("#composer")
    # Autotask has two kinds of note: all users, or internal users only (no resolution flag).
    expect(composer.locator("input[name=type]")).to_have_count(2)
    composer.locator(f"input[name=type][value={kind}]").check()
    composer.locator("textarea[name=text]").fill(text)
    composer.get_by_role("button", name="Add note").click()

    expect(page.locator("#toasts .toast").last).to_have_text(f"{label} note added to #{ticket_id}.")
    expect(feed).to_have_count(before + 1)
    added = feed.filter(has_text=text)
    expect(added.locator(".badge")).to_have_text(label)
    expect(added.locator(".note-head")).to_contain_text("Avery Brooks")

    saved = [n for n in tenant(at_sim).records("TicketNotes") if text in n["description"]]
    assert len(saved) == 1
    assert (saved[0]["ticketID"], saved[0]["creatorResourceID"], saved[0]["publish"]) == (
        ticket_id,
        ABROOKS,
        publish,
    )
    page.reload()  # it is in Autotask, not only on the page
    expect(page.locator("#notes-feed li.note").filter(has_text=text)).to_have_count(1)


def test_assign_a_primary_then_a_secondary_resource_each_with_a_role(avery_page, at_sim) -> None:
    page = avery_page
    page.select_option("#f-assigned", label="Unassigned")
    expect(page).to_have_url(re.compile(r"assigned=unassigned"))
    ticket_id = row_ids(page)[0]
    page.locator(f"#ticket-row-{ticket_id} a.ticket-link").click()
    resources = page.locator("#panel-resources")
    expect(resources).to_have_attribute("aria-busy", "false")
    chips = resources.locator(".chip")
    expect(chips).to_have_count(0)
    roles = {
        r["resourceID"]: r["roleID"]
        for r in tenant(at_sim).records("ResourceServiceDeskRoles")
        if r["isDefault"]
    }

    # avery takes it: the first resource on a ticket is its primary, with avery's default role.
    expect_settled(resources)
    add = resources.locator("select[name=member_id]")
    add.select_option(str(ABROOKS))
    resources.locator("button[type=submit]", has_text="Add").click()
    expect(page.locator("#toasts .toast").last).to_have_text(
        f"Avery Brooks assigned to #{ticket_id}."
    )
    expect(chips.filter(has_text="Avery Brooks")).to_have_count(1)
    saved = tenant(at_sim).get("Tickets", ticket_id)
    assert (saved["assignedResourceID"], saved["assignedResourceRoleID"]) == (
        ABROOKS,
        roles[ABROOKS],
    )

    expect(chips.filter(has_text="Avery Brooks").locator(".chip-tag")).to_have_text("primary")

    # A second resource is a secondary one, in the role avery picks from that resource's roles.
    other = 29682903  # Mateo Okafor: Security Analyst (default) or Tier 1 Technician
    name = resource_name(at_sim, other)
    expect_settled(resources)  # the section was swapped by the first add
    resources.locator("select[name=member_id]").select_option(str(other))
    role = resources.locator("select[name=role_id]")
    expect(role.locator("option")).to_have_text(["Security Analyst (default)", "Tier 1 Technician"])
    expect(role).to_have_value(str(roles[other]))
    role.select_option(label="Tier 1 Technician")
    resources.locator("button[type=submit]", has_text="Add").click()
    expect(page.locator("#toasts .toast").last).to_have_text(f"{name} assigned to #{ticket_id}.")
    expect(chips).to_have_count(2)
    expect(chips.filter(has_text=name)).to_contain_text("· Tier 1 Technician")
    rows = [
        r for r in tenant(at_sim).records("TicketSecondaryResources") if r["ticketID"] == ticket_id
    ]
    tier_one = next(
        r["id"] for r in tenant(at_sim).records("Roles") if r["name"] == "Tier 1 Technician"
    )
    assert [(r["resourceID"], r["roleID"]) for r in rows] == [(other, tier_one)]
    avatars = page.locator(f"#ticket-row-{ticket_id} .t-assignees .avatar")
    expect(avatars).to_have_count(2)
    expect(resources.locator("select[name=member_id] option", has_text=name)).to_have_count(0)

    page.get_by_role("button", name=f"Remove {name}").click()
    expect(page.locator("#toasts .toast").last).to_have_text(f"Removed {name} from #{ticket_id}.")
    expect(chips).to_have_count(1)
    wait_until(lambda: not secondaries(at_sim, ticket_id), what="the secondary removed")
    page.reload()
    expect(page.locator("#panel-resources .chip > span[title]")).to_have_text(["Avery Brooks"])

    # Removing the primary clears the resource and its role together (Autotask wants both).
    page.get_by_role("button", name="Remove Avery Brooks").click()
    expect(page.locator("#toasts .toast").last).to_have_text(
        f"Removed Avery Brooks from #{ticket_id}."
    )
    expect(page.locator("#panel-resources .chip")).to_have_count(0)
    saved = tenant(at_sim).get("Tickets", ticket_id)
    assert (saved["assignedResourceID"], saved["assignedResourceRoleID"]) == (None, None)
    page.reload()  # unassigned again: back in the Unassigned list this URL asks for
    expect(page).to_have_url(re.compile(r"assigned=unassigned"))
    expect(page.locator(f"#ticket-row-{ticket_id} .t-assignees")).to_have_text("—")


def test_change_status_from_the_global_list_persists_in_autotask(avery_page, at_sim) -> None:
    page = avery_page
    ticket_id = row_ids(page)[0]
    page.locator(f"#ticket-row-{ticket_id} a.ticket-link").click()
    select = page.locator("#status-control select")
    expect(select).to_be_enabled()
    statuses = picklist(at_sim, "status")
    expect(select.locator("option")).to_have_count(len(statuses))  # every queue's, one list
    old = statuses[tenant(at_sim).get("Tickets", ticket_id)["status"]]
    expect(select.locator("option:checked")).to_have_text(old)
    new = "Waiting Vendor" if old != "Waiting Vendor" else "Dispatched"
    row = page.locator(f"#ticket-row-{ticket_id}")

    select.select_option(label=new)

    expect(page.locator("#toasts .toast").last).to_have_text(f"#{ticket_id}: {old} → {new}")
    expect(row.locator(".t-status .badge")).to_have_text(new)
    assert statuses[tenant(at_sim).get("Tickets", ticket_id)["status"]] == new
    page.reload()
    expect(page.locator(f"#ticket-row-{ticket_id} .t-status .badge")).to_have_text(new)
    expect(page.locator("#status-control select option:checked")).to_have_text(new)


def test_a_page_past_the_end_shows_the_last_page(avery_page, at_sim) -> None:
    page = avery_page
    n = len(open_tickets(at_sim))
    last = -(-n // 25)

    page.goto("/tickets/?page=99")

    expect(page.locator(".pager .muted")).to_have_text(f"Page {last} of {last}")
    expect(head(page)).to_have_text(f"Showing {(last - 1) * 25 + 1}–{n} of {n} tickets")
    expect(page).to_have_url(re.compile(rf"[?&]page={last}(&|$)"))


def test_a_search_that_cannot_run_says_so_without_naming_another_psa(avery_page) -> None:
    page = avery_page
    page.fill("#f-search", '"')

    notice = page.locator("#results [role=status]")
    expect(notice).to_contain_text(re.compile("quotes and backslashes", re.I))
    expect(notice).not_to_contain_text("ConnectWise")
    expect(page.locator("#results li.ticket-row")).to_have_count(0)


def test_back_closes_the_panel_and_forward_opens_it_again(avery_page) -> None:
    page = avery_page
    page.evaluate("window.samePage = true")  # gone if the page is reloaded
    link = page.locator("li.ticket-row a.ticket-link").nth(2)
    ticket_id = link.get_attribute("data-ticket-id")
    link.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")

    page.go_back()
    expect(page.locator("#panel")).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"ticket="))
    expect(link).to_be_focused()

    page.go_forward()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page).to_have_url(re.compile(rf"[?&]ticket={ticket_id}(&|$)"))
    assert page.evaluate("window.samePage === true")


def test_a_status_change_from_a_stale_tab_asks_before_overwriting(
    avery_page, at_sim, base_url
) -> None:
    from django.contrib.auth import get_user_model

    from tests.e2e.conftest import sign_in_with_session

    stale = avery_page
    ticket_id = row_ids(stale)[0]
    stale.locator(f"#ticket-row-{ticket_id} a.ticket-link").click()
    select = stale.locator("#status-control select")
    seen = select.locator("option:checked").inner_text().strip()

    fresh = stale.context.new_page()  # a second tab changes the status meanwhile
    sign_in_with_session(fresh, get_user_model().objects.get(username="avery"), base_url)
    fresh.goto(f"/tickets/?ticket={ticket_id}")
    meanwhile = "Escalate" if seen != "Escalate" else "Dispatched"
    fresh.locator("#status-control select").select_option(label=meanwhile)
    expect(fresh.locator("#toasts .toast").last).to_have_text(f"#{ticket_id}: {seen} → {meanwhile}")

    wanted = "Waiting Vendor" if seen != "Waiting Vendor" else "Waiting Materials"
    select.select_option(label=wanted)

    notice = stale.locator("#status-control .status-notice")
    expect(notice).to_contain_text(f"is now “{meanwhile}” in Autotask")
    expect(select.locator("option:checked")).to_have_text(meanwhile)
    assert picklist(at_sim, "status")[tenant(at_sim).get("Tickets", ticket_id)["status"]] == (
        meanwhile
    )

    notice.get_by_role("button", name=f"Set “{wanted}”").click()
    expect(stale.locator("#toasts .toast").last).to_have_text(
        f"#{ticket_id}: {meanwhile} → {wanted}"
    )
    assert picklist(at_sim, "status")[tenant(at_sim).get("Tickets", ticket_id)["status"]] == wanted
