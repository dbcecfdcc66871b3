"""The ticket panel and the New Ticket modal are native modal dialogs (issue 10 item 4, issue 13
item 13): focus moves in, Tab cannot reach the page behind, Esc and the backdrop close them, focus
goes back to what opened them, and j/k keep working while the panel is open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# Where focus is: inside the given dialog, nowhere (the browser's own UI, between wraps), or on
# something in the page behind it.
WHERE = """(id) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return "nowhere";
  return document.getElementById(id).contains(el) ? "inside" : "behind: " + el.outerHTML.slice(0, 80);
}"""


def walk(page, dialog_id: str, key: str, presses: int) -> list[str]:
    places = []
    for _ in range(presses):
        page.keyboard.press(key)
        places.append(page.evaluate(WHERE, dialog_id))
    return places


def open_row(page, index: int) -> str:
    link = page.locator("li.ticket-row a.ticket-link").nth(index)
    ticket_id = link.get_attribute("data-ticket-id")
    link.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page.locator("#notes-feed")).to_be_visible()
    expect(page.locator("#panel-resources")).to_have_attribute("aria-busy", "false")
    return ticket_id


def test_tab_and_shift_tab_never_leave_the_open_panel(jordan_page) -> None:
    page = jordan_page
    open_row(page, 1)
    expect(page.locator("#panel-title")).to_be_focused()

    forward = walk(page, "panel", "Tab", 30)
    backward = walk(page, "panel", "Shift+Tab", 30)

    assert [p for p in forward + backward if p.startswith("behind")] == []
    assert forward.count("inside") > 20  # it cycles through the panel's own controls


def test_clicking_the_backdrop_closes_the_panel_and_focus_returns_to_the_row(jordan_page) -> None:
    page = jordan_page
    link = page.locator("li.ticket-row a.ticket-link").nth(3)
    open_row(page, 3)

    page.mouse.click(60, 450)  # over the list, beside the panel

    expect(page.locator("#panel")).to_be_hidden()
    expect(link).to_be_focused()
    expect(page).not_to_have_url(re.compile(r"ticket="))


def test_a_click_that_starts_inside_the_panel_does_not_close_it(jordan_page) -> None:
    page = jordan_page
    open_row(page, 0)
    title = page.locator("#panel-title").bounding_box()
    assert title is not None

    # Selecting the title's text and letting go over the list is not a click on the backdrop.
    page.mouse.move(title["x"] + 5, title["y"] + 5)
    page.mouse.down()
    page.mouse.move(60, 450)
    page.mouse.up()

    expect(page.locator("#panel")).to_be_visible()


def test_a_deep_link_opens_the_panel_as_a_modal_dialog(jordan_page) -> None:
    page = jordan_page
    ticket_id = page.locator("li.ticket-row a.ticket-link").nth(2).get_attribute("data-ticket-id")

    page.goto(f"/tickets/?ticket={ticket_id}")

    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")
    expect(page.locator("#panel-title")).to_be_focused()
    assert page.locator("#panel").evaluate("el => el.matches(':modal')")
    expect(page).to_have_url(re.compile(rf"[?&]ticket={ticket_id}(&|$)"))  # still the ticket's URL
    assert [p for p in walk(page, "panel", "Tab", 25) if p.startswith("behind")] == []

    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"ticket="))


def test_focus_returns_to_the_row_even_after_a_status_change_replaced_it(jordan_page) -> None:
    page = jordan_page
    ticket_id = open_row(page, 0)
    select = page.locator("#status-control select")
    old = select.locator("option:checked").inner_text().strip()
    new = next(
        label.strip()
        for label in select.locator("option").all_inner_texts()
        if label.strip() != old and "(closed)" not in label
    )
    select.select_option(label=new)
    row = page.locator(f"#ticket-row-{ticket_id}")
    expect(row.locator(".t-status .badge")).to_have_text(new)  # the row was swapped out of band

    page.keyboard.press("Escape")

    expect(page.locator("#panel")).to_be_hidden()
    expect(row.locator("a.ticket-link")).to_be_focused()


def test_closing_after_a_related_ticket_returns_focus_to_the_row_it_started_from(
    jordan_page,
) -> None:
    page = jordan_page
    row = page.locator("#ticket-row-1858 a.ticket-link")
    row.click()
    expect(page.locator("#panel .t-id-copy")).to_have_text("#1858")
    page.locator("#panel-context a", has_text="#1867").click()
    expect(page.locator("#panel .t-id-copy")).to_have_text("#1867")

    page.keyboard.press("Escape")

    expect(page.locator("#panel")).to_be_hidden()
    expect(row).to_be_focused()
    expect(page).not_to_have_url(re.compile(r"ticket="))


def test_j_and_k_with_the_panel_open_show_the_next_and_previous_rows(jordan_page) -> None:
    page = jordan_page
    links = page.locator("li.ticket-row a.ticket-link")
    ids = [links.nth(i).get_attribute("data-ticket-id") for i in range(4)]
    open_row(page, 2)

    page.keyboard.press("j")

    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ids[3]}")
    expect(page).to_have_url(re.compile(rf"[?&]ticket={ids[3]}(&|$)"))
    expect(page.locator("#panel-title")).to_be_focused()

    page.keyboard.press("k")
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ids[2]}")
    page.keyboard.press("k")
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ids[1]}")

    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    expect(links.nth(1)).to_be_focused()  # the row last shown, not the one first opened


def test_j_in_the_note_box_is_just_a_letter(jordan_page) -> None:
    page = jordan_page
    ticket_id = open_row(page, 0)
    box = page.locator("#composer textarea[name=text]")
    box.click()

    page.keyboard.type("jk")

    expect(box).to_have_value("jk")
    expect(page.locator("#panel .t-id-copy")).to_have_text(f"#{ticket_id}")


def test_the_new_ticket_modal_traps_focus_and_returns_it_to_its_button(jordan_page) -> None:
    page = jordan_page
    button = page.locator("[data-shortcut=n]")
    button.click()
    modal = page.locator("#modal")
    expect(modal.locator("#tabpanel-quick textarea[name=prompt]")).to_be_focused()

    assert [p for p in walk(page, "modal", "Tab", 30) if p.startswith("behind")] == []

    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()
    expect(button).to_be_focused()


def test_n_with_nothing_focused_returns_focus_to_the_new_ticket_button(jordan_page) -> None:
    page = jordan_page
    page.locator("main h1").click()  # focus on <main>, as after clicking the page
    page.keyboard.press("n")
    modal = page.locator("#modal")
    expect(modal.locator("#tabpanel-quick textarea[name=prompt]")).to_be_focused()

    page.keyboard.press("Escape")

    expect(modal).to_be_hidden()
    expect(page.locator("[data-shortcut=n]")).to_be_focused()


def test_n_from_a_row_returns_focus_to_that_row(jordan_page) -> None:
    page = jordan_page
    links = page.locator("li.ticket-row a.ticket-link")
    page.locator("main h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(links.nth(1)).to_be_focused()

    page.keyboard.press("n")
    expect(page.locator("#modal textarea[name=prompt]")).to_be_focused()
    page.get_by_role("button", name="Close").click()

    expect(page.locator("#modal")).to_be_hidden()
    expect(links.nth(1)).to_be_focused()


@pytest.mark.parametrize("chord", ["Control+Enter", "Meta+Enter"])
def test_ctrl_or_cmd_enter_in_the_note_box_adds_the_note(jordan_page, chord: str) -> None:
    page = jordan_page
    ticket_id = open_row(page, 4)
    text = f"Replaced the dock's power brick ({chord})"
    box = page.locator("#composer textarea[name=text]")
    box.fill(text)

    box.press(chord)

    expect(page.locator("#toasts .toast").last).to_have_text(
        f"Discussion note added to #{ticket_id}."
    )
    expect(page.locator("#notes-feed li.note").filter(has_text=text)).to_have_count(1)
    expect(page.locator("#composer textarea[name=text]")).to_have_value("")
