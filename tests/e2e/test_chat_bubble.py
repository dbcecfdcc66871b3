"""Issue 10 item 4: the message shown at once while a chat message is sent is the server's own
message partial (cloned from a `<template>`), so nothing changes shape when the answer replaces it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_session

pytestmark = pytest.mark.e2e

# A message's shape: tags, classes and nesting, without text, ids or the optimistic marker; its
# meta line (author and time) is compared by author, as an unsent message has no time yet.
SHAPE = """() => {
  window.rfShape = function shape(el) {
    const classes = Array.from(el.classList).filter((c) => c !== "is-optimistic").sort();
    const children = Array.from(el.children).filter((c) => !c.classList.contains("msg-meta"));
    return el.tagName + "." + classes.join(".") + "[" + children.map(shape).join(",") + "]";
  };
}"""


@pytest.fixture
def chat(page, e2e_demo, base_url):
    from assistant.models import ChatMessage, ChatSession

    session = ChatSession.objects.create(
        account=e2e_demo.bayside, user=e2e_demo.jordan, title="Printer on floor 2"
    )
    ChatMessage.objects.create(session=session, role="user", content="It jams on every page.")
    pending = ChatMessage.objects.create(session=session, role="assistant", state="pending")
    sign_in_with_session(page, e2e_demo.jordan, base_url)
    page.goto(f"/assistant/{session.pk}/")
    expect(page.locator("#message-list .msg-assistant.is-pending")).to_have_count(1)
    page.evaluate(SHAPE)
    return page, pending


def test_the_optimistic_messages_have_the_shape_of_real_ones(chat) -> None:
    page, pending = chat
    real_user = page.evaluate("rfShape(document.querySelector('#message-list .msg-user'))")
    real_pending = page.evaluate(
        "rfShape(document.querySelector('#message-list .msg-assistant.is-pending'))"
    )
    # One message at a time: the reply on screen is written before the next message is sent.
    type(pending).objects.filter(pk=pending.pk).update(
        state="done", content="Check the pickup rollers."
    )
    # What is on screen the moment the message is sent, before the server has answered. (The
    # composer's request only: the pending reply's own poll, a second after the page loaded, can
    # be sent first on a slow machine.)
    page.evaluate(
        """document.addEventListener("htmx:beforeSend", (e) => {
             if (window.optimistic || !e.detail.elt.matches("[data-composer]")) return;
             window.optimistic = Array.from(document.querySelectorAll("#message-list [data-optimistic]"))
               .map((el) => ({ shape: rfShape(el), text: el.querySelector(".msg-body").textContent,
                               author: el.querySelector(".msg-author").textContent }));
           })"""
    )
    box = page.locator("#composer-text")
    box.fill("Still jams after <b>cleaning</b> the rollers")

    box.press("Enter")

    # The server's own messages (not the optimistic ones, which are on screen at once).
    expect(page.locator("#message-list .msg-user:not([data-optimistic])")).to_have_count(2)
    optimistic = page.evaluate("window.optimistic")
    assert [o["author"] for o in optimistic] == ["You", "ResolutionAssist"]
    assert optimistic[0]["shape"] == real_user
    assert optimistic[0]["text"] == "Still jams after <b>cleaning</b> the rollers"  # as text
    assert optimistic[1]["shape"] == real_pending
    expect(page.locator("#message-list [data-optimistic]")).to_have_count(0)
