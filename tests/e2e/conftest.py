"""End-to-end fixtures: Debian's chromium driven by Playwright against a live server + simulator.

No browser is ever downloaded (never `playwright install`). Where /usr/bin/chromium is missing,
every test in this directory is skipped with a message saying how to get it; the rest of
`make test` runs as usual.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = "e2e tests skipped: /usr/bin/chromium not installed (apt-get install chromium)"
E2E_DIR = Path(__file__).resolve().parent
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _chromium_missing() -> bool:
    return not os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _chromium_missing():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One chromium for the whole run."""
    if _chromium_missing():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running on the main thread for as long as it
    # is started; Django would then refuse the fixtures' plain synchronous ORM calls (seeding,
    # sessions, flushing). They are safe here, so allow them while, and only while, it runs.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as pw:
            instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def e2e_demo(transactional_db: Any, cw_sim: Any, settings: Any) -> Any:
    """The seeded demo, committed so the live server's thread sees it; the offline AI engine."""
    from django.core.management import call_command

    from resolutionflow.tests.demo import DemoWorld

    settings.ANTHROPIC_API_KEY = ""
    call_command("seed_demo", cw_url=cw_sim.root_url, stdout=_Null(), stderr=_Null())
    return DemoWorld.load()


@pytest.fixture
def base_url(live_server: Any, e2e_demo: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page per test, 1280 px wide."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in_with_session(page: Any, user: Any, base_url: str) -> None:
    """A session cookie for `user`, made server-side (the login form has its own test)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


@pytest.fixture
def jordan_page(page: Any, e2e_demo: Any, base_url: str) -> Any:
    """Signed in as jordan (mapped to ConnectWise member jsmith), on the Tickets page."""
    from playwright.sync_api import expect

    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.goto("/tickets/")
    expect(page.locator("li.ticket-row").first).to_be_visible()
    return page


@pytest.fixture
def e2e_lakeside(e2e_demo: Any, at_sim: Any) -> Any:
    """The demo plus Lakeside Managed IT (avery, blake) on the test Autotask simulator, committed
    for the live server's thread."""
    from django.core.management import call_command

    from resolutionflow.models import Account

    call_command(
        "seed_demo",
        cw_url=e2e_demo.bayside.psa_connection.site,
        at_url=at_sim.root_url,
        stdout=_Null(),
        stderr=_Null(),
    )
    return Account.objects.get(slug="lakeside")


@pytest.fixture
def avery_page(page: Any, e2e_lakeside: Any, base_url: str) -> Any:
    """Signed in as avery (Lakeside, mapped to Autotask resource abrooks), on the Tickets page."""
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    sign_in_with_session(page, get_user_model().objects.get(username="avery"), base_url)
    page.goto("/tickets/")
    expect(page.locator("li.ticket-row").first).to_be_visible()
    return page


@pytest.fixture
def at_control(at_sim: Any) -> Any:
    """Control the test Autotask simulator: faults and request counters."""
    return SimControl(at_sim.root_url)


@pytest.fixture
def sim(cw_sim: Any) -> Any:
    """Control the test simulator: faults and request counters."""
    return SimControl(cw_sim.root_url)


class SimControl:
    def __init__(self, root_url: str) -> None:
        self.root_url = root_url

    def config(self, **options: Any) -> None:
        requests.post(f"{self.root_url}/_sim/config", json=options, timeout=5).raise_for_status()

    def stats(self) -> dict[str, Any]:
        return requests.get(f"{self.root_url}/_sim/stats", timeout=5).json()

    def reset_counters(self) -> None:
        requests.post(f"{self.root_url}/_sim/reset", json={}, timeout=5).raise_for_status()

    def count(self, route: str) -> int:
        return int(self.stats()["routes"].get(route, 0))


def expect_settled(locator: Any) -> None:
    """Waits until htmx has processed `locator`'s freshly swapped element: htmx takes the
    `htmx-added` class off in the same task that wires up its hx- attributes, ~20 ms after the
    element appears. A change made before that (a select picked) would reach no handler."""
    import re

    from playwright.sync_api import expect

    expect(locator).not_to_have_class(re.compile(r"\bhtmx-added\b"))


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 10.0) -> None:
    """Polls `condition` (state outside the page: the simulator's counters, the database) until it
    holds; fails after `timeout`. A wait on a condition, never on a guessed time: for "nothing
    happened", wait instead for the event that proves the moment has passed. Not while a
    Playwright route must answer requests (time.sleep does not let it run)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class _Null:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass
