"""The Content-Security-Policy holds in a real browser: the main pages work and break no rule.

Chromium reports every blocked inline script, style attribute, eval or foreign load as a console
error naming the Content Security Policy; this walks the pages an engineer uses and asserts none.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e


def watch_violations(page: Any) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def test_main_pages_work_under_the_csp_without_violations(page, e2e_demo, base_url) -> None:
    violations = watch_violations(page)
    sign_in_with_session(page, e2e_demo.jordan, base_url)

    response = page.goto("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    expect(page.locator(".nav-item.is-active")).to_have_text("Dashboard")
    page.wait_for_load_state("networkidle")

    # tickets list, the slide-out panel with its lazily loaded sections (skeletons first)
    page.goto("/tickets/")
    link = page.locator("li.ticket-row a.ticket-link").first
    link.click()
    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#notes-feed")).to_be_visible()
    expect(page.locator("#panel-resources")).to_have_attribute("aria-busy", "false")
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()

    # the New Ticket modal, both tabs
    page.click("[data-shortcut=n]")
    modal = page.locator("#modal")
    expect(modal.locator("#tabpanel-quick")).to_be_visible()  # Quick Create is first
    modal.locator("[data-tab=quick]").click()
    expect(modal.locator("#tabpanel-quick")).to_be_visible()
    modal.get_by_role("button", name="Close").click()
    expect(modal).to_be_hidden()

    # the assistant: a session, a message and its reply (optimistic bubble, typing skeleton)
    page.goto("/assistant/")
    page.get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/assistant/\d+/$"))
    composer = page.locator("#composer-text")
    composer.fill("Outlook does not sync after a restart.")
    composer.press("Enter")
    expect(page.locator("#message-list .msg-assistant:not(.is-pending)")).to_have_count(1)

    page.goto("/account/integrations/")
    expect(page.locator(".nav-item.is-active")).to_have_text("Integrations")
    page.wait_for_load_state("networkidle")

    # the API docs: swagger-ui from our own static files (works offline, under the same CSP)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ResolutionFlow PSA API")

    assert violations == []
