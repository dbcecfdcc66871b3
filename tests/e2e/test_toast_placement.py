"""Issue 13 item 13: a toast never covers the note composer of the open panel, and it is shown
above the panel, not hidden behind it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# What the engineer would hit by clicking the middle of `selector`, as a CSS selector of its closest
# landmark we care about.
HIT = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const el = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  if (!el) return "nothing";
  if (el.closest("#toasts")) return "toast";
  if (el.closest("#composer")) return "composer";
  return el.tagName;
}"""


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("viewport", [(1280, 700), (390, 844)])
def test_a_toast_leaves_the_note_composer_visible_and_clickable(jordan_page, viewport) -> None:
    page = jordan_page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    link = page.locator("li.ticket-row a.ticket-link").first
    ticket_id = link.get_attribute("data-ticket-id")
    link.click()
    expect(page.locator("#notes-feed")).to_be_visible()
    composer = page.locator("#composer")
    composer.locator("textarea[name=text]").fill("Firmware updated on the core switch")
    composer.get_by_role("button", name="Add note").click()
    toast = page.locator("#toasts .toast", has_text=f"note added to #{ticket_id}")
    expect(toast).to_be_visible()

    # The composer at the bottom of the screen, where it sits once the panel is scrolled down.
    composer.evaluate("el => el.scrollIntoView({block: 'end'})")

    toast_box, composer_box = toast.bounding_box(), composer.bounding_box()
    assert toast_box is not None and composer_box is not None
    assert not overlap(toast_box, composer_box), (toast_box, composer_box)
    assert page.evaluate(HIT, "#composer textarea[name=text]") == "composer"
    assert page.evaluate(HIT, "#composer button[type=submit]") == "composer"
    # Shown in the panel's top layer, not under its backdrop with the rest of the page.
    assert toast.evaluate("el => el.closest('dialog:modal') === document.getElementById('panel')")
    if viewport[0] > 640:
        assert page.evaluate(HIT, "#toasts .toast") == "toast"  # beside the panel, on top
    else:
        # Over the full-screen panel's head: a tap goes through to what is under it.
        assert page.evaluate(HIT, "#toasts .toast") != "toast"
