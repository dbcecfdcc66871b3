"""Screenshots of the demo for the README: list, open panel, both modal tabs, at 1280 and 390 px.

    python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--out docs/screenshots]

Needs a running `make run` and Debian's chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "jordan")
    page.fill("input[name=password]", "resolutionflow")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(page: Page, base: str, out: Path, suffix: str) -> None:
    page.goto(f"{base}/tickets/")
    page.wait_for_selector(".ticket-row")
    page.screenshot(path=str(out / f"tickets-list-{suffix}.png"))
    page.locator(".ticket-link").first.click()
    page.wait_for_selector("#notes-feed")
    page.wait_for_selector("#panel-resources .chips")
    page.screenshot(path=str(out / f"ticket-panel-{suffix}.png"))
    page.keyboard.press("Escape")
    page.click("[data-shortcut=n]")
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width, height, suffix in ((1280, 800, "1280"), (390, 844, "390")):
            page = browser.new_page(viewport={"width": width, "height": height})
            sign_in(page, args.base_url)
            shoot(page, args.base_url, out, suffix)
            page.close()
        browser.close()
    print(f"screenshots written to {out}/")


if __name__ == "__main__":
    main()
