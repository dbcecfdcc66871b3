"""Screenshots of the demo for the README, at 1280 and 390 px: the dashboard, the list, an open panel,
both modal tabs; avery's Autotask list and panel; then, at 1280, the states an engineer meets on a bad day: the list waiting on a slow
ConnectWise, a note queued during an outage, and the list's error when ConnectWise fails.

    python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--sim-url http://127.0.0.1:8790]
                                  [--out docs/screenshots]

Needs a running `make run` (its simulator's /_sim/config makes the slow and failing answers) and
Debian's chromium (/usr/bin/chromium). The simulator is put back to healthy when the script ends.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page: Page, base: str, username: str = "jordan") -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "resolutionflow")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def sim_config(sim: str, **settings: float) -> None:
    requests.post(f"{sim}/_sim/config", json=settings, timeout=5).raise_for_status()


@contextmanager
def simulator(sim: str, **settings: float) -> Iterator[None]:
    sim_config(sim, **settings)
    try:
        yield
    finally:
        sim_config(sim, latency_ms=0, fail_rate=0)


def shoot_dashboard(page: Page, base: str, out: Path, suffix: str) -> None:
    page.goto(f"{base}/")
    # Every lazily loaded widget has answered when none is busy any more. (A locator, not
    # wait_for_function: the page's CSP forbids evaluating strings.)
    page.locator("[aria-busy=true], .queue-skeleton").first.wait_for(state="detached")
    page.screenshot(path=str(out / f"dashboard-{suffix}.png"), full_page=True)


def shoot_bad_day(page: Page, base: str, sim: str, out: Path) -> None:
    page.goto(f"{base}/tickets/")
    page.wait_for_selector(".ticket-row")
    with simulator(sim, latency_ms=4000):
        page.select_option("#filters select[name=board]", index=1)
        page.wait_for_selector("#results[aria-busy=true]")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "state-loading-1280.png"))
    page.wait_for_selector("#results:not([aria-busy])", timeout=15000)

    page.locator(".ticket-link").first.click()
    page.wait_for_selector("#notes-feed")
    with simulator(sim, fail_rate=1):
        page.fill("#composer textarea[name=text]", "Rebooted the firewall; tunnel is back up.")
        page.click("#composer button[type=submit]")
        page.wait_for_selector("#notes-outbox .badge-warning")
        page.screenshot(path=str(out / "state-queued-1280.png"))
        page.keyboard.press("Escape")
        # Closing goes back in history to the list the panel was opened over: let it land.
        page.wait_for_url(lambda url: "ticket=" not in url)
        page.goto(f"{base}/tickets/?board=1")
        page.wait_for_selector("#results [role=alert], #results .alert")
        page.screenshot(path=str(out / "state-error-1280.png"))


def shoot(page: Page, base: str, out: Path, suffix: str) -> None:
    shoot_dashboard(page, base, out, suffix)
    page.goto(f"{base}/tickets/")
    page.wait_for_selector(".ticket-row")
    page.screenshot(path=str(out / f"tickets-list-{suffix}.png"))
    page.locator(".ticket-link").first.click()
    page.wait_for_selector("#notes-feed")
    page.wait_for_selector("#panel-resources .chips")
    page.screenshot(path=str(out / f"ticket-panel-{suffix}.png"))
    page.keyboard.press("Escape")
    page.click("[data-shortcut=n]")
    page.wait_for_selector("#modal[open] #quick-form")
    page.click("[data-tab=full]")  # the modal opens on Quick Create
    page.wait_for_selector("#modal[open] #ticket-form")
    page.screenshot(path=str(out / f"new-ticket-full-{suffix}.png"))
    page.click("[data-tab=quick]")
    page.fill(
        "textarea[name=prompt]",
        "Northwind internet is down at the main office, emergency, give it to Anika",
    )
    page.click("#quick-form button[type=submit]")
    page.wait_for_selector("#draft .alert-info")
    page.screenshot(path=str(out / f"new-ticket-quick-{suffix}.png"))


def shoot_avery(page: Page, base: str, out: Path) -> None:
    """Lakeside Managed IT on the Autotask simulator: the Queue filter, then a ticket with its
    primary and secondary resources (each with a role) and related tickets, the role picker open."""
    page.goto(f"{base}/tickets/")
    page.wait_for_selector(".ticket-row")
    page.screenshot(path=str(out / "avery-list.png"))
    rows = page.locator("li.ticket-row:has(.t-assignees .avatar + .avatar) .ticket-link")
    (rows.first if rows.count() else page.locator(".ticket-link").first).click()
    page.wait_for_selector("#notes-feed")
    page.wait_for_selector("#panel-resources .chips")
    add = page.locator("#panel-resources select[name=member_id]")
    add.select_option(index=1)
    page.wait_for_selector(
        "#panel-resources select[name=role_id] option[selected]", state="attached"
    )
    page.screenshot(path=str(out / "avery-panel.png"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--sim-url", default="http://127.0.0.1:8790")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--only", choices=["jordan", "avery"], help="one engineer's shots only")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        if args.only != "jordan":
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            sign_in(page, args.base_url, "avery")
            shoot_avery(page, args.base_url, out)
            page.close()
        for width, height, suffix in ((1280, 800, "1280"), (390, 844, "390")) * (
            args.only != "avery"
        ):
            page = browser.new_page(viewport={"width": width, "height": height})
            sign_in(page, args.base_url)
            shoot(page, args.base_url, out, suffix)
            if suffix == "1280":
                shoot_bad_day(page, args.base_url, args.sim_url, out)
            page.close()
        browser.close()
    print(f"screenshots written to {out}/")


if __name__ == "__main__":
    main()
