"""ResolutionAssist pages and partials through Django's test client, with the simulator."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from assistant import services
from assistant.models import ChatMessage, ChatSession, SuggestedAction
from assistant.tests.conftest import SECOND_PROBLEM

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def _trigger(response) -> dict:
    return json.loads(response.headers.get("HX-Trigger", "{}"))


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def jordan(client: Client, demo: Any) -> Client:
    client.force_login(demo.jordan)
    return client


# --- who may see what ----------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, session) -> None:
    for url in ("/assistant/", f"/assistant/{session.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(f"/assistant/{session.pk}/messages/", {"content": "x"}).status_code == 302


def test_another_users_session_is_not_found(client, demo, session, with_action) -> None:
    reply = session.messages.filter(role="assistant").get()
    urls_get = [f"/assistant/{session.pk}/", f"/assistant/{session.pk}/messages/{reply.pk}/"]
    urls_post = [
        f"/assistant/{session.pk}/messages/",
        f"/assistant/{session.pk}/link/",
        f"/assistant/{session.pk}/close/",
        f"/assistant/{session.pk}/messages/{reply.pk}/retry/",
        f"/assistant/actions/{with_action.pk}/complete/",
    ]
    for other in (demo.morgan, demo.casey):  # same account, and another account
        client.force_login(other)
        for url in urls_get:
            assert client.get(url, headers=HX).status_code == 404, url
        for url in urls_post:
            assert (
                client.post(url, {"content": "hi", "ticket_id": 5}, headers=HX).status_code == 404
            )
    assert session.messages.count() == 2
    session.refresh_from_db()
    assert session.closed_at is None
    with_action.refresh_from_db()
    assert with_action.status == "open"


def test_a_message_of_another_session_is_not_found(jordan, demo, session, with_action) -> None:
    other = services.session_create(account=demo.bayside, user=demo.jordan)
    reply = session.messages.filter(role="assistant").get()
    assert jordan.get(f"/assistant/{other.pk}/messages/{reply.pk}/").status_code == 404


# --- the sessions page -----------------------------------------------------------------------------------


def test_sessions_page_lists_only_my_sessions_with_open_actions(
    jordan, demo, session, with_action, django_assert_max_num_queries
) -> None:
    services.session_create(account=demo.bayside, user=demo.morgan, title="Morgan's secret")
    with django_assert_max_num_queries(8):
        response = jordan.get("/assistant/")
    page = _text(response)
    assert response.status_code == 200
    assert "Outlook not syncing for Ben Alvarez" in page
    assert "#1180" in page and "BrightPath Realty" in page
    assert "1 to do" in page
    assert "Morgan's secret" not in page
    assert re.search(r'class="nav-item is-active" href="/assistant/"', page)


def test_the_sidebar_links_the_assistant_everywhere(jordan) -> None:
    page = jordan.get("/tickets/").content.decode()
    assert 'href="/assistant/"' in page
    assert "is-disabled" not in page


def test_new_session_linked_to_a_ticket_opens_its_chat(jordan, demo) -> None:
    response = jordan.post("/assistant/new/", {"ticket_id": " #1422 "})
    session = ChatSession.objects.get(user=demo.jordan)
    assert response.status_code == 302 and response["Location"] == f"/assistant/{session.pk}/"
    assert (session.linked_ticket_id, session.linked_company_id) == (1422, 262)


def test_new_session_without_a_ticket(jordan, demo) -> None:
    response = jordan.post("/assistant/new/", {"ticket_id": ""})
    assert response.status_code == 302
    assert ChatSession.objects.get(user=demo.jordan).linked_ticket_id is None


def test_new_session_with_an_unknown_ticket_explains_and_keeps_the_number(jordan) -> None:
    response = jordan.post("/assistant/new/", {"ticket_id": "999999"})
    page = _text(response)
    assert response.status_code == 400
    assert "Ticket #999999 was not found in ConnectWise." in page
    assert 'value="999999"' in page
    assert not ChatSession.objects.exists()


def test_the_sessions_form_prefills_a_ticket_from_the_query(jordan) -> None:
    assert 'value="1180"' in jordan.get("/assistant/?ticket=1180").content.decode()


# --- the chat page -------------------------------------------------------------------------------------------


def test_chat_header_shows_the_linked_ticket_and_a_prefilled_new_ticket_button(
    jordan, session
) -> None:
    page = _text(jordan.get(f"/assistant/{session.pk}/"))
    assert "#1180" in page and "Outlook not syncing for Ben Alvarez" in page
    assert "BrightPath Realty" in page
    assert re.search(
        r'hx-get="/tickets/new/\?tab=full&company_id=266&board_id=1"[^>]*>New Ticket<', page
    )
    assert 'id="tasklane"' in page and "Nothing to do yet." in page


def test_without_a_linked_ticket_new_ticket_prefills_nothing(jordan, demo) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    page = _text(jordan.get(f"/assistant/{session.pk}/"))
    assert re.search(r'hx-get="/tickets/new/\?tab=full"[^>]*>New Ticket<', page)
    assert "Not linked to a ticket." in page


def test_sending_a_message_returns_a_fresh_composer_the_messages_and_the_lane(
    jordan, session, replies_at_once
) -> None:
    response = jordan.post(
        f"/assistant/{session.pk}/messages/", {"content": SECOND_PROBLEM}, headers=HX
    )
    page = _text(response)
    action = SuggestedAction.objects.get(session=session)
    assert response.status_code == 200
    assert re.search(r'<textarea id="composer-text"[^>]*></textarea>', page)  # emptied
    assert 'hx-swap-oob="beforeend:#message-list"' in page
    assert SECOND_PROBLEM in page
    assert "First-line checks — email" in page
    assert '<aside id="tasklane"' in page and 'hx-swap-oob="true"' in page
    assert "Create ticket: Printer on the 2nd floor is offline" in page
    assert (
        f'hx-get="/tickets/new/?tab=quick&prompt=Printer+on+the+2nd+floor+is+offline'
        f'&company_id=266&board_id=1&origin=action-{action.pk}"'
    ) in page
    # app.js triggers `laneTicketCreated` on the item whose data-action-origin matches (no eval).
    assert f'data-action-origin="action-{action.pk}"' in page
    assert 'hx-trigger="laneTicketCreated"' in page
    assert f'hx-post="/assistant/actions/{action.pk}/complete/"' in page


def test_an_empty_message_keeps_the_composer_and_says_why(jordan, session) -> None:
    response = jordan.post(f"/assistant/{session.pk}/messages/", {"content": "   "}, headers=HX)
    page = _text(response)
    assert response.status_code == 200
    assert "Type a message first." in page
    assert "message-list" not in page
    assert not ChatMessage.objects.exists()


def test_a_refused_message_keeps_the_draft(
    jordan, session, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        services.message_send(session=session, content="first")  # its reply is still pending
    draft = "Second thought: the <b>VPN</b> too?"
    response = jordan.post(f"/assistant/{session.pk}/messages/", {"content": draft}, headers=HX)
    page = response.content.decode()
    assert "still answering" in page
    assert "Second thought: the &lt;b&gt;VPN&lt;/b&gt; too?</textarea>" in page


def test_without_javascript_sending_redirects_back_to_the_chat(
    jordan, demo, replies_at_once
) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    response = jordan.post(f"/assistant/{session.pk}/messages/", {"content": "Printer jammed"})
    assert response.status_code == 302 and response["Location"] == f"/assistant/{session.pk}/"
    page = _text(jordan.get(response["Location"]))
    assert "Printer jammed" in page and "First-line checks — printer" in page
    assert '<div class="toast' not in page  # chat messages are not Django's toast messages


def test_a_pending_reply_polls_until_it_is_written(
    jordan, session, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = jordan.post(
            f"/assistant/{session.pk}/messages/", {"content": SECOND_PROBLEM}, headers=HX
        )
    reply = ChatMessage.objects.get(role="assistant")
    url = f"/assistant/{session.pk}/messages/{reply.pk}/"
    page = response.content.decode()
    assert f'hx-get="{url}" hx-trigger="load delay:1s"' in page  # the typing skeleton polls
    assert 'class="skeleton w-70"' in page
    assert '<aside id="tasklane"' not in page

    still = jordan.get(url, headers=HX).content.decode()
    assert f'hx-get="{url}"' in still and "is-pending" in still

    queued[0]()  # the worker writes the reply
    done = _text(jordan.get(url, headers=HX))
    assert 'hx-trigger="load' not in done and "is-pending" not in done
    assert "First-line checks — email" in done
    assert "Create ticket: Printer on the 2nd floor is offline" in done  # the lane, out of band


def test_a_failed_reply_offers_retry(jordan, session, replies_at_once) -> None:
    sent = ChatMessage.objects.create(session=session, role="user", content="Outlook is broken")
    reply = ChatMessage.objects.create(
        session=session, role="assistant", state="failed", error="The reply took too long."
    )
    page = _text(jordan.get(f"/assistant/{session.pk}/"))
    assert "The reply took too long." in page
    retry = f"/assistant/{session.pk}/messages/{reply.pk}/retry/"
    assert f'hx-post="{retry}"' in page
    assert sent.content in page

    response = jordan.post(retry, headers=HX)
    assert "First-line checks — email" in _text(response)
    again = jordan.post(retry, headers=HX)  # nothing to retry any more
    assert _trigger(again)["toast"]["level"] == "warning"


def test_an_offline_fallback_reply_says_so(jordan, session) -> None:
    ChatMessage.objects.create(
        session=session, role="assistant", content="Try this.", engine="offline-fallback"
    )
    assert "the AI service did not respond" in _text(jordan.get(f"/assistant/{session.pk}/"))


def test_replies_are_escaped_and_formatted(jordan, session) -> None:
    ChatMessage.objects.create(
        session=session,
        role="assistant",
        content="**Do this**\n1. Run `ipconfig /all`\n2. <script>alert(1)</script>",
    )
    page = jordan.get(f"/assistant/{session.pk}/").content.decode()
    assert "<strong>Do this</strong>" in page
    assert "<ol><li>Run <code>ipconfig /all</code></li><li>&lt;script&gt;" in page
    assert "<script>alert(1)</script>" not in page


# --- linking from the chat ----------------------------------------------------------------------------------


def test_link_and_unlink_from_the_header(jordan, demo, django_capture_on_commit_callbacks) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    response = jordan.post(f"/assistant/{session.pk}/link/", {"ticket_id": "1422"}, headers=HX)
    page = _text(response)
    assert "#1422" in page and "Summit Architecture Studio" in page
    assert "/tickets/new/?tab=full&company_id=262&board_id=1" in page
    assert '<aside id="tasklane"' in page  # the lane's Create ticket links follow the link
    assert _trigger(response)["toast"]["message"] == "Linked to #1422."

    response = jordan.post(f"/assistant/{session.pk}/link/", {"unlink": "1"}, headers=HX)
    assert "Not linked to a ticket." in _text(response)
    assert _trigger(response)["toast"]["message"] == "Ticket unlinked."


def test_linking_an_unknown_ticket_keeps_the_input_and_explains(jordan, demo) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    response = jordan.post(f"/assistant/{session.pk}/link/", {"ticket_id": "424242"}, headers=HX)
    page = _text(response)
    assert "Ticket #424242 was not found in ConnectWise." in page
    assert 'value="424242"' in page
    session.refresh_from_db()
    assert session.linked_ticket_id is None


# --- the TaskLane lifecycle ---------------------------------------------------------------------------------


def test_opening_the_modal_from_an_action_leaves_it_and_carries_its_origin(
    jordan, session, with_action
) -> None:
    url = (
        "/tickets/new/?tab=quick&prompt=Printer+on+the+2nd+floor+is+offline"
        f"&company_id=266&board_id=1&origin=action-{with_action.pk}"
    )
    modal = _text(jordan.get(url, headers=HX))
    assert re.search(r'id="tab-quick"[^>]*aria-selected="true"', modal)
    assert ">Printer on the 2nd floor is offline</textarea>" in modal
    assert 'value="BrightPath Realty"' in modal
    assert f'<input type="hidden" name="origin" value="action-{with_action.pk}">' in modal
    with_action.refresh_from_db()
    assert with_action.status == "open"


def test_a_create_from_the_modal_echoes_the_origin_and_the_lane_completes(
    jordan, session, with_action
) -> None:
    origin = f"action-{with_action.pk}"
    created = jordan.post(
        "/tickets/new/create/",
        {
            "summary": "Printer on the 2nd floor is offline",
            "company_id": 266,
            "board_id": 1,
            "idempotency_key": "assist-1",
            "origin": origin,
        },
        headers=HX,
    )
    trigger = _trigger(created)
    assert created.status_code == 204
    ticket_id = trigger["ticketCreated"]["id"]
    assert trigger["ticketCreated"]["origin"] == origin
    assert trigger["toast"]["message"] == f"Ticket #{ticket_id} created in ConnectWise"

    # what the TaskLane item posts when it hears that event
    lane = _text(
        jordan.post(
            f"/assistant/actions/{with_action.pk}/complete/", {"ticket_id": ticket_id}, headers=HX
        )
    )
    assert f'id="action-{with_action.pk}"' not in lane
    assert "Created from this session" in lane and f"#{ticket_id}" in lane
    with_action.refresh_from_db()
    assert (with_action.status, with_action.created_ticket_id) == ("done", ticket_id)


def test_the_origin_survives_the_quick_create_review_and_a_validation_error(jordan) -> None:
    parsed = jordan.post(
        "/tickets/new/parse/",
        {"prompt": "Printer offline", "idempotency_key": "k", "origin": "action-7"},
        headers=HX,
    ).content.decode()
    assert '<input type="hidden" name="origin" value="action-7">' in parsed
    invalid = jordan.post(
        "/tickets/new/create/",
        {"summary": "", "idempotency_key": "k", "origin": "action-7"},
        headers=HX,
    ).content.decode()
    assert '<input type="hidden" name="origin" value="action-7">' in invalid


def test_an_odd_origin_is_dropped(jordan) -> None:
    modal = jordan.get('/tickets/new/?origin=x"><script>', headers=HX).content.decode()
    assert '<input type="hidden" name="origin" value="">' in modal
    created = jordan.post(
        "/tickets/new/create/",
        {"summary": "Scanner jams", "company_id": 250, "board_id": 1, "idempotency_key": "o-1"},
        headers=HX,
    )
    assert _trigger(created)["ticketCreated"]["origin"] == ""


def test_completing_needs_a_ticket_number_and_leaves_the_action(jordan, with_action) -> None:
    response = jordan.post(f"/assistant/actions/{with_action.pk}/complete/", {}, headers=HX)
    assert _trigger(response)["toast"]["level"] == "error"
    assert f'id="action-{with_action.pk}"' in response.content.decode()
    with_action.refresh_from_db()
    assert with_action.status == "open"


# --- closing a session -----------------------------------------------------------------------------------


def test_closing_keeps_the_conversation_and_offers_a_new_session_on_its_ticket(
    jordan, session, with_action
) -> None:
    page = _text(jordan.get(f"/assistant/{session.pk}/"))
    assert ">Close session</button>" in page and 'id="composer-text"' in page

    response = jordan.post(f"/assistant/{session.pk}/close/")

    assert response.status_code == 302 and response["Location"] == f"/assistant/{session.pk}/"
    page = _text(jordan.get(f"/assistant/{session.pk}/"))
    assert SECOND_PROBLEM in page  # still there to read
    assert 'id="composer-text"' not in page and ">Close session</button>" not in page
    assert ">Unlink</button>" not in page  # its ticket stays as it was
    assert "This session is closed" in page
    assert re.search(r'name="ticket_id" value="1180">.*Start a new session on #1180', page)
    assert re.search(
        r'class="session-todo"><span class="badge">Closed</span>', _text(jordan.get("/assistant/"))
    )


def test_a_closed_session_refuses_a_message_and_keeps_the_draft(jordan, session) -> None:
    services.session_close(session=session)
    response = jordan.post(
        f"/assistant/{session.pk}/messages/", {"content": "one more thing"}, headers=HX
    )
    page = _text(response)
    assert "This session is closed" in page and session.messages.count() == 0
    # Closed in another tab meanwhile: what was typed is still there to copy.
    assert re.search(r'<textarea id="closed-draft"[^>]*readonly>one more thing</textarea>', page)


def test_a_failed_reply_in_a_closed_session_offers_no_retry(jordan, session) -> None:
    ChatMessage.objects.create(session=session, role="user", content="hi")
    ChatMessage.objects.create(
        session=session, role="assistant", state=ChatMessage.State.FAILED, error="AI down."
    )
    services.session_close(session=session)
    page = _text(jordan.get(f"/assistant/{session.pk}/"))
    assert "AI down." in page and ">Retry</button>" not in page
