"""Issue 13 items 12 and 13 (the papercuts that are not keyboard or focus): each as an engineer
or an owner meets it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e


def open_ticket(page, ticket_id: int) -> None:
    page.locator(f"#ticket-row-{ticket_id} a.ticket-link").click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page.locator("#panel-resources")).to_have_attribute("aria-busy", "false")


# --- item 12 ---------------------------------------------------------------------------------------


def test_a_related_ticket_link_keeps_the_list_filters(jordan_page) -> None:
    page = jordan_page
    page.goto("/tickets/?board=1&search=Adobe")
    open_ticket(page, 1858)

    related = page.locator("#panel-context a", has_text="#1867")
    expect(related).to_be_visible()
    href = related.get_attribute("href") or ""
    assert re.search(r"[?&]board=1(&|$)", href) and "search=Adobe" in href, href
    assert re.search(r"[?&]ticket=1867(&|$)", href), href

    related.click()

    expect(page.locator("#panel .t-id-copy")).to_have_text("#1867")
    expect(page).to_have_url(re.compile(r"[?&]ticket=1867(&|$)"))
    assert re.search(r"[?&]board=1(&|$)", page.url) and "search=Adobe" in page.url, page.url
    # Reloading that address shows the same list behind the same ticket.
    page.reload()
    expect(page.locator("#panel .t-id-copy")).to_have_text("#1867")
    expect(page.locator("select[name=board] option:checked")).to_have_text("Service Desk")
    expect(page.locator("#f-search")).to_have_value("Adobe")


def test_choosing_a_board_in_the_new_ticket_modal_logs_no_htmx_error(jordan_page) -> None:
    page = jordan_page
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    expect(modal.locator("textarea[name=prompt]")).to_be_focused()  # opened and processed
    modal.locator("#tab-full").click()

    modal.locator("select[name=board_id]").select_option(label="Network Operations")
    expect(modal.locator("#new-status")).to_be_enabled()
    modal.locator("select[name=board_id]").select_option(label="Onboarding")
    expect(modal.locator("#new-status option", has_text=re.compile("^Closed"))).to_have_count(1)
    modal.locator("#new-company-q").fill("Harb")
    expect(modal.locator("#new-company-list .combobox-option").first).to_be_visible()

    assert [line for line in console if line.startswith(("error", "warning"))] == []


# --- item 13 ---------------------------------------------------------------------------------------


def test_a_closed_status_without_include_closed_says_why_nothing_shows(jordan_page) -> None:
    page = jordan_page
    page.select_option("select[name=board]", label="Service Desk")
    expect(page).to_have_url(re.compile(r"[?&]board=1(&|$)"))

    page.select_option("#f-status", label="Closed (closed)")

    hint = page.locator("#results [data-closed-hint]")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Closed tickets are hidden")
    expect(hint).to_contain_text("Include closed")

    page.locator("input[name=closed]").check()

    expect(page).to_have_url(re.compile(r"[?&]closed=true"))
    expect(page.locator("#results [data-closed-hint]")).to_have_count(0)
    expect(page.locator("li.ticket-row .t-status .badge").first).to_have_text("Closed")


def test_removing_an_assignee_says_who_was_removed(jordan_page) -> None:
    page = jordan_page
    link = page.locator("li.ticket-row a.ticket-link").first
    ticket_id = int(link.get_attribute("data-ticket-id") or 0)
    open_ticket(page, ticket_id)
    chip = page.locator("#panel-resources .chip").first
    name = chip.locator("span[title]").inner_text().strip()

    page.get_by_role("button", name=f"Remove {name}").click()

    expect(page.locator("#toasts .toast").last).to_have_text(f"Removed {name} from #{ticket_id}.")


def test_an_sla_in_the_past_reads_overdue(jordan_page) -> None:
    page = jordan_page
    # #2158: "Resolve by Mon 11/16 06:54 AM UTC", entered 2026-11-15.
    due = datetime(2026, 11, 16, 6, 54, tzinfo=UTC)
    days = (datetime.now(UTC) - due).days
    assert days >= 2, "the demo data's SLA dates are in the past on any machine running this"
    page.goto("/tickets/?ticket=2158")

    sla = page.locator("#panel .panel-meta .sla")
    expect(sla).to_have_class(re.compile(r"\bsla-overdue\b"))
    expect(sla).to_contain_text(f"Overdue by {days} days")
    expect(sla).to_have_attribute("title", re.compile(r"Resolve by Mon 11/16 06:54 AM UTC"))
    color = sla.evaluate("el => getComputedStyle(el).color")
    muted = page.locator("#panel .panel-meta").evaluate("el => getComputedStyle(el).color")
    assert color != muted  # styled, not just worded


def test_the_priority_filter_shows_the_whole_priority_name(jordan_page) -> None:
    page = jordan_page
    page.select_option("#f-priority", label="Priority 4 - Schedule Maintenance")
    expect(page).to_have_url(re.compile(r"[?&]priority=\d+"))

    room = page.locator("#f-priority").evaluate(
        """select => {
            const style = getComputedStyle(select);
            const ctx = document.createElement("canvas").getContext("2d");
            ctx.font = style.font;
            const text = ctx.measureText(select.options[select.selectedIndex].text).width;
            const inner = select.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return inner - text;
        }"""
    )
    assert room >= 20, f"the chosen priority is cut off ({room:.0f} px to spare for the arrow)"


@pytest.mark.parametrize("width", [1280, 1050])
def test_status_badges_stay_inside_their_column(jordan_page, width) -> None:
    page = jordan_page
    page.set_viewport_size({"width": width, "height": 900})
    page.reload()
    expect(page.locator("li.ticket-row").first).to_be_visible()

    overflow = page.evaluate(
        """() => Array.from(document.querySelectorAll("li.ticket-row")).map(row => {
            const badge = row.querySelector(".t-status .badge").getBoundingClientRect();
            const cell = row.querySelector(".t-status").getBoundingClientRect();
            const next = row.querySelector(".t-status").nextElementSibling;
            const after = Array.from(row.querySelectorAll(".t-assignees .avatar, .t-age"))
                .filter(el => el.offsetParent !== null)
                .map(el => el.getBoundingClientRect().left);
            return {status: row.querySelector(".t-status").innerText,
                    over: badge.right - cell.right,
                    gap: Math.min(...after) - badge.right};
        })"""
    )
    touching = [row for row in overflow if row["over"] > 0.5 or row["gap"] < 6]
    assert touching == [], touching


def test_mapping_a_member_someone_has_names_who_has_it(page, e2e_demo, base_url) -> None:
    sign_in_with_session(page, e2e_demo.morgan, base_url)
    page.goto("/account/integrations/")
    select = page.get_by_label("ConnectWise member for riley")

    select.select_option(label="Jordan Smith (jsmith)")
    select.locator("xpath=ancestor::form").get_by_role("button", name="Save").click()

    error = page.locator("[data-mapping-error]")
    expect(error).to_contain_text("Jordan Smith (jsmith) is already mapped to jordan")
    expect(page.locator("body")).not_to_contain_text("onstraint")
    expect(page.locator("body")).not_to_contain_text("UNIQUE")
    expect(page.get_by_label("ConnectWise member for riley")).to_have_attribute(
        "aria-invalid", "true"
    )


def test_mapping_a_member_someone_has_in_django_admin_names_who_has_it(
    page, e2e_demo, base_url
) -> None:
    sign_in_with_session(page, e2e_demo.admin, base_url)
    page.goto("/admin/psa/psamembermapping/add/")
    page.select_option("#id_account", label=str(e2e_demo.bayside))
    page.select_option("#id_user", label="riley")
    page.select_option("#id_member", value=f"{e2e_demo.bayside.pk}:17")  # jsmith: jordan's

    page.locator("input[name=_save]").click()

    errors = page.locator(".errorlist")
    expect(errors.first).to_contain_text("Jordan Smith (jsmith) is already mapped to jordan")
    expect(page.locator("body")).not_to_contain_text("Server Error")
    expect(page.locator("body")).not_to_contain_text("onstraint")


def test_the_integrations_page_shows_the_connection_as_checked_without_a_click(
    page, e2e_demo, base_url, sim
) -> None:
    sign_in_with_session(page, e2e_demo.morgan, base_url)
    sim.reset_counters()
    page.goto("/account/integrations/")

    health = page.locator("#health")
    expect(health).to_contain_text("Healthy")
    expect(health).to_contain_text(re.compile(r"Last checked\s*0\s+minutes ago"))
    expect(health).not_to_contain_text("Not checked yet")
    checks = sim.count("GET /system/info")
    assert checks == 1

    # A second visit uses that check; ConnectWise is not asked again.
    page.reload()
    expect(page.locator("#health")).to_contain_text("Healthy")
    page.wait_for_load_state("networkidle")
    assert sim.count("GET /system/info") == checks


SECOND_PROBLEM = (
    "Ben still can't get Outlook to sync after a restart. Oh, and the printer on the 2nd floor "
    "is offline too."
)


def test_on_a_phone_the_tasklane_comes_after_the_conversation(page, e2e_demo, base_url) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.goto("/assistant/")
    page.get_by_label("ConnectWise ticket #").fill("1180")
    page.get_by_role("button", name="Start session").click()
    composer = page.locator("#composer-text")
    composer.fill(SECOND_PROBLEM)
    composer.press("Enter")
    expect(page.locator("#message-list .msg-assistant:not(.is-pending)")).to_have_count(1)
    item = page.locator("#tasklane .lane-item")
    expect(item).to_have_count(1)

    messages = page.locator("#message-list").bounding_box()
    lane = page.locator("#tasklane").bounding_box()
    assert messages and lane
    assert lane["y"] >= messages["y"] + messages["height"] - 1, (lane, messages)
    # The new spin-off is where the conversation ends (read on from the reply, not scrolled back
    # above every message), right above the composer.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(item).to_be_in_viewport()
    item_box, composer_box = item.bounding_box(), page.locator("#composer").bounding_box()
    assert item_box and composer_box
    assert item_box["y"] + item_box["height"] <= composer_box["y"] + 1  # not under the composer
    expect(page.locator("#message-list .msg-assistant").last).to_be_in_viewport()


def test_unlinking_a_ticket_keeps_the_sessions_title(page, e2e_demo, base_url) -> None:
    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.goto("/assistant/")
    page.get_by_label("ConnectWise ticket #").fill("1180")
    page.get_by_role("button", name="Start session").click()
    title = page.locator("#chat-title")
    expect(title).to_have_text("Outlook not syncing for Ben Alvarez")

    page.locator("#chat-header").get_by_role("button", name="Unlink").click()

    expect(page.locator("#chat-header .chat-link-form")).to_be_visible()
    expect(title).to_have_text("Outlook not syncing for Ben Alvarez")
    page.reload()
    expect(page.locator("#chat-title")).to_have_text("Outlook not syncing for Ben Alvarez")
