"""`Vary` names every request header an answer was made from (issue 21, item 6), so a browser's
cache or back button never serves the results fragment where the page belongs, or a panel
fragment whose links were made for another list."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from resolutionflow.middleware import HtmxVaryMiddleware

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def _vary(response) -> set[str]:
    names = [name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()]
    assert len(names) == len(set(names)), f"named twice: {response['Vary']}"
    return set(names)


@pytest.fixture
def jordan(client, demo):
    client.force_login(demo.jordan)
    return client


def test_the_list_names_hx_target_with_and_without_it(jordan) -> None:
    """The list answers its results alone for `HX-Target: results` and the whole page otherwise:
    both answers from the one address say so."""
    fragment = jordan.get("/tickets/?board=2", headers={**HX, "HX-Target": "results"})
    page = jordan.get("/tickets/?board=2", headers=HX)
    plain = jordan.get("/tickets/?board=2")

    assert "<html" not in fragment.content.decode() and "<html" in page.content.decode()
    for response in (fragment, page, plain):
        assert {"hx-request", "hx-history-restore-request", "hx-target", "hx-trigger"} <= _vary(
            response
        )
    assert _vary(fragment) == _vary(page) == _vary(plain)


def test_the_panel_context_names_the_page_it_was_asked_from(jordan) -> None:
    listed = jordan.get("/tickets/?board=2", headers={**HX, "HX-Target": "results"})
    ticket_id = int(re.search(r'id="ticket-row-(\d+)"', listed.content.decode()).group(1))
    with_url = jordan.get(
        f"/tickets/{ticket_id}/context/",
        headers={**HX, "HX-Current-URL": "http://testserver/tickets/?board=2"},
    )
    without = jordan.get(f"/tickets/{ticket_id}/context/", headers=HX)

    for response in (with_url, without):
        assert {"hx-request", "hx-current-url", "referer"} <= _vary(response)


def test_a_header_a_view_reads_is_named(rf: RequestFactory) -> None:
    """The middleware itself: whatever `request.headers` was asked for is in Vary, however it
    was asked; listing all headers names none of them."""

    def view(request):
        request.headers.get("X-Health-Token")
        "HX_Trigger" in request.headers  # noqa: B015 (asked, not used)
        dict(request.headers.items())
        return HttpResponse("ok")

    response = HtmxVaryMiddleware(view)(rf.get("/", HTTP_ACCEPT_LANGUAGE="en"))

    assert _vary(response) == {
        "hx-request",
        "hx-history-restore-request",
        "x-health-token",
        "hx-trigger",
    }


def test_a_view_reading_no_header_still_names_the_htmx_ones(rf: RequestFactory) -> None:
    response = HtmxVaryMiddleware(lambda request: HttpResponse("ok"))(rf.get("/"))
    assert _vary(response) == {"hx-request", "hx-history-restore-request"}
