"""Issue 10 item 4: the front end (static/js) requests only URLs the server rendered (`{% url %}`
/ reverse), never paths it builds itself. Proven the way it matters: ResolutionFlow served under a
sub-path, as behind a reverse proxy at /rf/, where a hand-built `/tickets/...` path is a 404."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e

PREFIX = "/rf"


@pytest.fixture
def under_prefix(page, e2e_demo, base_url, settings):
    """The app believes it lives at /rf/; the "proxy" (a route in the browser) strips the prefix
    on the way in and answers 404 to anything else. Static files are the proxy's own /static/
    (from static/): Django's test server cannot serve them under a prefix. Setting STATIC_URL
    also resets the static storage now and afterwards, so no other test sees these URLs."""
    settings.FORCE_SCRIPT_NAME = PREFIX
    settings.STATIC_URL = "/static/"
    stray: list[str] = []
    origin = urlsplit(base_url).netloc
    static_dir = settings.STATICFILES_DIRS[0]

    def proxy(route) -> None:
        url = urlsplit(route.request.url)
        if url.netloc != origin:
            route.continue_()
            return
        if url.path.startswith("/static/"):
            route.fulfill(path=static_dir / url.path.removeprefix("/static/"))
            return
        if not url.path.startswith(PREFIX + "/"):
            stray.append(url.path)
            route.fulfill(status=404, body="outside the app's prefix")
            return
        inner = urlunsplit(url._replace(path=url.path[len(PREFIX) :]))
        route.fulfill(response=route.fetch(url=inner, max_redirects=0))

    page.context.route("**/*", proxy)
    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.stray_requests = stray
    yield page
    # A request the page still had in flight (the open panel's outbox poll) is answered while
    # the context closes; its fetched response is gone by then and fulfilling it would fail the
    # next test's setup.
    page.context.unroute_all(behavior="ignoreErrors")


def test_prefetch_under_a_sub_path_fetches_the_rows_own_urls(under_prefix, sim) -> None:
    page = under_prefix
    page.goto(f"{PREFIX}/tickets/")
    links = page.locator("li.ticket-row a.ticket-link")
    expect(links.first).to_be_visible()
    page.locator("main h1").click()
    sim.reset_counters()  # the list's page has been answered: its ConnectWise calls are done

    # The second row's two sections, from the URLs it carries (under the prefix).
    sections = [links.nth(1).get_attribute(a) for a in ("data-context-url", "data-resources-url")]
    assert all(url and url.startswith(PREFIX + "/") for url in sections)
    with (
        page.expect_response(_to(sections[0])) as context,
        page.expect_response(_to(sections[1])) as resources,
    ):
        page.keyboard.press("j")
        page.keyboard.press("j")
        expect(links.nth(1)).to_be_focused()
    context.value.finished()
    resources.value.finished()
    # Answered through the "proxy", which hands an answer on only once the server has sent it
    # whole: every ConnectWise call made for it is counted by now.
    before_open = sim.stats()["total"]
    assert before_open > 0  # the focused row's sections were prefetched

    sent_after: list[str] = []
    page.on("request", lambda request: sent_after.append(urlsplit(request.url).path))
    page.keyboard.press("Enter")
    expect(page.locator("#notes-feed")).to_be_visible()
    expect(page.locator("#panel-resources[aria-busy=false]")).to_be_visible()
    # Both sections are in: had either been fetched again, its request would have come first.
    assert not set(sections) & set(sent_after)  # opened from the prefetch: nothing fetched again
    assert sim.stats()["total"] == before_open
    assert page.stray_requests == []


def _to(path: str):
    return lambda response: urlsplit(response.url).path == path


def test_shortcuts_under_a_sub_path_stay_inside_it(under_prefix) -> None:
    page = under_prefix
    page.goto(f"{PREFIX}/")
    expect(page.locator("#my-queue a.queue-row").first).to_be_visible()
    page.locator("main h1").click()

    page.keyboard.press("n")
    expect(page.locator("#modal #modal-title")).to_have_text("New ConnectWise ticket")
    page.keyboard.press("Escape")
    expect(page.locator("#modal")).to_be_hidden()

    page.keyboard.press("/")
    expect(page).to_have_url(re.compile(rf"{PREFIX}/tickets/$"))
    expect(page.locator("#f-search")).to_be_focused()
    assert page.stray_requests == []
