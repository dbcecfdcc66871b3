"""Issue 19 item 15: axe-core (WCAG 2.2 A and AA rules) finds no serious or critical violation
on the main pages: sign-in, dashboard, list, panel (1280 and 390 px), both New Ticket tabs with
a reviewed Quick Create, ResolutionAssist, Integrations, API tokens and the two-factor pages.

axe-core (shipped in axe-playwright-python) is evaluated through the DevTools protocol, which
the page's CSP does not govern: the pages are checked as served, CSP and all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assistant.models import ChatSession
from resolutionflow.models import Account, Membership
from tests.e2e.conftest import expect_settled, sign_in_with_session

from .test_panel import open_first_ticket

pytestmark = pytest.mark.e2e

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = {"serious", "critical"}
AXE = Axe()


def assert_accessible(page: Any, where: str) -> None:
    results = AXE.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in blocking
    ]
    assert not found, f"{where}:\n" + "\n".join(found)


@pytest.fixture
def a11y_context(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def jordan(a11y_context: Any, e2e_demo: Any, base_url: str) -> Any:
    page = a11y_context.new_page()
    sign_in_with_session(page, e2e_demo.jordan, base_url)
    return page


def test_the_sign_in_page(a11y_context: Any) -> None:
    page = a11y_context.new_page()
    page.goto("/accounts/login/")
    expect(page.locator("input[name=username]")).to_be_visible()
    assert_accessible(page, "sign-in")


def test_dashboard_list_and_panel(jordan: Any) -> None:
    page = jordan
    page.goto("/")
    expect(page.locator("#main")).to_be_visible()
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    assert_accessible(page, "dashboard")

    page.goto("/tickets/")
    expect(page.locator("li.ticket-row").first).to_be_visible()
    assert_accessible(page, "list")

    open_first_ticket(page)
    expect(page.locator("ol#notes-outbox")).to_be_attached()
    assert_accessible(page, "panel at 1280 px")

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#panel")).to_be_visible()
    assert_accessible(page, "panel at 390 px")
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    assert_accessible(page, "list at 390 px")


def test_both_new_ticket_tabs_and_a_reviewed_quick_create(jordan: Any) -> None:
    page = jordan
    page.goto("/tickets/")
    expect(page.locator("li.ticket-row").first).to_be_visible()
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    expect(modal.locator("#ticket-form")).to_be_attached()
    modal.locator("#tab-full").click()
    expect(modal.locator("#tabpanel-full")).to_be_visible()
    assert_accessible(page, "New Ticket, Full Form")

    modal.locator("#tab-quick").click()
    expect(modal.locator("#tabpanel-quick")).to_be_visible()
    assert_accessible(page, "New Ticket, Quick Create")

    modal.locator("#quick-form textarea[name=prompt]").fill(
        "Northwind internet is down at the main office, emergency, give it to Anika"
    )
    modal.locator("#quick-form button[type=submit]").click()
    expect(modal.locator("#draft .alert-info")).to_contain_text("Review what was understood")
    assert_accessible(page, "New Ticket, Quick Create reviewed")


def test_resolution_assist_integrations_and_tokens(jordan: Any, e2e_demo: Any) -> None:
    page = jordan
    Membership.objects.filter(user=e2e_demo.jordan).update(role=Membership.Role.OWNER)
    session = ChatSession.objects.filter(user=e2e_demo.jordan).first() or (
        ChatSession.objects.create(account=e2e_demo.bayside, user=e2e_demo.jordan, title="VPN")
    )
    page.goto("/assistant/")
    expect(page.locator("#main")).to_be_visible()
    assert_accessible(page, "ResolutionAssist sessions")
    page.goto(f"/assistant/{session.pk}/")
    expect(page.locator("#message-list")).to_be_visible()
    assert_accessible(page, "ResolutionAssist chat")

    page.goto("/account/integrations/")
    expect(page.locator("#main")).to_be_visible()
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    assert_accessible(page, "integrations")

    page.goto("/account/tokens/")
    expect(page.locator("#main")).to_be_visible()
    assert_accessible(page, "API tokens")


def test_the_two_factor_pages(a11y_context: Any, e2e_demo: Any) -> None:
    Account.objects.filter(pk=e2e_demo.bayside.pk).update(require_two_factor=True)
    Membership.objects.filter(user=e2e_demo.jordan).update(role=Membership.Role.OWNER)
    page = a11y_context.new_page()
    page.goto("/tickets/")
    page.fill("input[name=username]", "jordan")
    page.fill("input[name=password]", "resolutionflow")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    expect(page.locator("#totp-secret")).to_be_visible()
    assert_accessible(page, "two-factor enrolment")

    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=e2e_demo.jordan).update(confirmed=True)
    page.context.clear_cookies()
    page.goto("/tickets/")
    page.fill("input[name=username]", "jordan")
    page.fill("input[name=password]", "resolutionflow")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?"))
    assert_accessible(page, "two-factor sign-in")


def test_avery_on_autotask_dashboard_list_panel_and_blakes_integrations(
    a11y_context: Any, e2e_lakeside: Any, base_url: str
) -> None:
    """Autotask's own parts: the Queue filter, the panel's role picker and the integrations
    page's Autotask form and hourly-budget card."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    page = a11y_context.new_page()
    sign_in_with_session(page, users.get(username="avery"), base_url)
    page.goto("/")
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    assert_accessible(page, "avery's dashboard")

    page.goto("/tickets/?assigned=unassigned")
    expect(page.locator("li.ticket-row").first).to_be_visible()
    assert_accessible(page, "avery's list")
    open_first_ticket(page)
    resources = page.locator("#panel-resources")
    expect(resources).to_have_attribute("aria-busy", "false")
    expect_settled(resources)
    resources.locator("select[name=member_id]").select_option(index=1)
    expect(resources.locator("select[name=role_id] option").first).not_to_have_text(
        "Their default role"
    )
    assert_accessible(page, "avery's panel with the role picker")

    owner = a11y_context.new_page()
    sign_in_with_session(owner, users.get(username="blake"), base_url)
    owner.goto("/account/integrations/")
    expect(owner.locator("#main")).to_be_visible()
    expect(owner.locator("[aria-busy=true]")).to_have_count(0)
    assert_accessible(owner, "blake's Autotask integrations")
