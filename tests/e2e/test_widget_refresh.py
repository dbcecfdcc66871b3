"""A dashboard widget never ends up older than the last change it was told about.

A widget re-reads itself on `ticketUpdated`. When a second change arrives while the first re-read
is still in flight, the widget must show the second one: the in-flight answer describes the
ticket before that change. (htmx queues the second request on the element, and the first
answer's outerHTML swap detaches that element, so the queued request used to be dropped and the
widget kept the stale row: the dashboard e2e test failed under load for this reason.)

The first re-read is held in the browser and answered with the widget as it was, so the race
happens on every run, however fast or slow the machine.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
import requests
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Route, expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e

AUTH = ("baysideit+rfdemo-public", "rfdemo-private")
WIDGET = "**/tickets/widgets/unassigned/"


def _rename_in_connectwise(cw_sim: Any, ticket_id: str, summary: str) -> None:
    requests.patch(
        f"{cw_sim.base_url}/service/tickets/{ticket_id}",
        json=[{"op": "replace", "path": "summary", "value": summary}],
        auth=AUTH,
        headers={"clientId": "tests"},
        timeout=10,
    ).raise_for_status()


def test_a_change_announced_during_a_widget_reload_is_shown(
    page, e2e_demo, base_url, cw_sim
) -> None:
    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.goto("/")
    unassigned = page.locator("#unassigned")
    row = unassigned.locator("a.queue-row").first
    expect(row).to_be_visible()
    ticket_id = row.get_attribute("data-ticket-id")
    assert ticket_id
    stale = page.request.get("/tickets/widgets/unassigned/", headers={"HX-Request": "true"}).text()

    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(WIDGET, hold_the_first)
    with page.expect_request(WIDGET):
        page.evaluate("htmx.trigger(document.body, 'ticketUpdated')")

    # While that re-read is in flight, the ticket changes and the page is told.
    _rename_in_connectwise(cw_sim, ticket_id, "Renamed while the widget was reloading")
    page.evaluate("htmx.trigger(document.body, 'ticketUpdated')")

    # The first re-read now answers with the widget as it was before the change.
    assert held, "the first re-read was never intercepted"
    # (Once superseded, the browser has abandoned it and Playwright says so.)
    with contextlib.suppress(PlaywrightError):
        held[0].fulfill(status=200, content_type="text/html; charset=utf-8", body=stale)

    expect(unassigned.locator(f'a.queue-row[data-ticket-id="{ticket_id}"]')).to_contain_text(
        "Renamed while the widget was reloading"
    )
    expect(unassigned).not_to_have_class("htmx-request")
