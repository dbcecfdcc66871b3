"""The ResolutionAssist JSON API as a client (token auth) uses it, against the simulator and the
offline engine; replies go through the same on-commit task the chat page uses."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from assistant import services
from assistant.models import ChatMessage, ChatSession
from assistant.tests.conftest import SECOND_PROBLEM
from psa.tests.factories import UserFactory
from tickets.tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

A = "/api/assistant"

NO_SUCH_TICKET = 999999


@pytest.fixture
def api(demo: Any) -> APIClient:
    return api_client_for(demo.jordan)


@pytest.fixture
def small_meters(settings: Any) -> None:
    # A long window: the burst cannot straddle two windows on a slow machine.
    settings.METER_WINDOW_SECONDS = 3600
    settings.METER_LIMITS = {
        "ai_parse": {"user": 30, "account": 300},
        "assistant_message": {"user": 2, "account": 10},
    }


def _error(response) -> dict[str, Any]:
    return response.json()["error"]


def _endpoints(session_id: int = 1, message_id: int = 1, action_id: int = 1) -> list[tuple]:
    return [
        ("get", f"{A}/sessions", None),
        ("post", f"{A}/sessions", {}),
        ("get", f"{A}/sessions/{session_id}", None),
        ("patch", f"{A}/sessions/{session_id}", {"closed": True}),
        ("get", f"{A}/sessions/{session_id}/messages", None),
        ("post", f"{A}/sessions/{session_id}/messages", {"content": "hello"}),
        ("get", f"{A}/messages/{message_id}", None),
        ("post", f"{A}/actions/{action_id}/complete", {"ticket_id": 1500}),
    ]


# --- who may call what ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), _endpoints())
def test_every_endpoint_refuses_anonymous_requests(method, path, body) -> None:
    response = getattr(APIClient(), method)(path, body, format="json")
    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_user_without_an_account_is_refused_like_the_tickets_api(demo, with_action) -> None:
    reply = with_action.message
    drifter = api_client_for(UserFactory(username="drifter"))
    for method, path, body in _endpoints(with_action.session_id, reply.pk, with_action.pk):
        response = getattr(drifter, method)(path, body, format="json")
        assert response.status_code == 403, (method, path)
        assert "not a member of any account" in _error(response)["message"]
    assert ChatSession.objects.count() == 1 and ChatMessage.objects.count() == 2


@pytest.mark.parametrize("other", ["morgan", "casey"])  # same account, and another account
def test_another_users_sessions_messages_and_actions_are_not_found(
    demo, settings, with_action, other
) -> None:
    settings.METER_LIMITS = {"assistant_message": {"user": 1, "account": 1}}
    session = with_action.session
    reply = with_action.message
    client = api_client_for(getattr(demo, other))
    for method, path, body in _endpoints(session.pk, reply.pk, with_action.pk)[2:]:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == 404, (method, path)
        assert _error(response)["code"] == "not_found"
    listed = client.get(f"{A}/sessions").json()
    assert listed["total"] == 0 and listed["items"] == []
    session.refresh_from_db()
    with_action.refresh_from_db()
    assert session.closed_at is None and session.messages.count() == 2
    assert with_action.status == "open"
    # A refused post spent nothing: the other user still has their one message this window.
    account = demo.bayside if other == "morgan" else demo.northshore
    own = services.session_create(account=account, user=getattr(demo, other))
    assert (
        client.post(f"{A}/sessions/{own.pk}/messages", {"content": "hi"}, format="json").status_code
        == 202
    )


def test_ids_beyond_any_row_are_not_found_not_a_server_error(api) -> None:
    huge = 2**63
    for path in (f"{A}/sessions/{huge}", f"{A}/messages/{huge}"):
        assert api.get(path).status_code == 404
    assert (
        api.post(f"{A}/actions/{huge}/complete", {"ticket_id": 1}, format="json").status_code == 404
    )


def test_bodies_are_json_objects(api, session) -> None:
    """A form body that parsed to nothing, or no body, would pass for an empty request."""
    for url in (f"{A}/sessions", f"{A}/sessions/{session.pk}/messages"):
        response = api.post(url, {"content": "hello"})  # multipart, the test client's default
        assert response.status_code == 415
        assert _error(response)["code"] == "unsupported_media_type"
        for body in (None, [], True):
            response = api.post(url, body, format="json")
            assert response.status_code == 400, (url, body)
            assert list(_error(response)["fields"]) == ["non_field_errors"]
    assert ChatSession.objects.count() == 1 and session.messages.count() == 0


# --- sessions -----------------------------------------------------------------------------------------


def test_create_an_unlinked_session(api, demo) -> None:
    response = api.post(f"{A}/sessions", {}, format="json")
    assert response.status_code == 201
    body = response.json()
    session = ChatSession.objects.get(user=demo.jordan)
    assert body["id"] == session.pk
    assert body["title"] == "New session"
    assert body["status"] == "open" and body["closed_at"] is None
    assert body["linked_ticket"] is None
    assert body["open_actions"] == 0
    assert session.account == demo.bayside


def test_create_a_session_linked_to_a_ticket_caches_it_as_the_page_does(api, demo) -> None:
    page = Client()
    page.force_login(demo.jordan)
    assert page.post("/assistant/new/", {"ticket_id": "1422"}).status_code == 302
    from_page = ChatSession.objects.get(user=demo.jordan)

    response = api.post(f"{A}/sessions", {"ticket_id": 1422, "title": "  Printer  "}, format="json")

    assert response.status_code == 201
    body = response.json()
    from_api = ChatSession.objects.get(pk=body["id"])
    cached = [
        "linked_ticket_id",
        "linked_summary",
        "linked_company_id",
        "linked_company_name",
        "linked_board_id",
        "linked_board_name",
    ]
    assert [getattr(from_api, f) for f in cached] == [getattr(from_page, f) for f in cached]
    assert body["title"] == "Printer"
    assert body["linked_ticket"] == {
        "id": 1422,
        "summary": from_page.linked_summary,
        "company_id": 262,
        "company_name": from_page.linked_company_name,
        "board_id": from_page.linked_board_id,
        "board_name": from_page.linked_board_name,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ticket_id": NO_SUCH_TICKET}, "ticket_id"),
        ({"ticket_id": "twelve"}, "ticket_id"),
        ({"ticket_id": 0}, "ticket_id"),
        ({"title": "x" * 201}, "title"),
        ({"title": 5}, "title"),
    ],
)
def test_create_refuses_invalid_input_naming_the_field(api, body, field) -> None:
    response = api.post(f"{A}/sessions", body, format="json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert ChatSession.objects.count() == 0


def test_an_unknown_ticket_says_connectwise_has_no_such_ticket(api) -> None:
    response = api.post(f"{A}/sessions", {"ticket_id": NO_SUCH_TICKET}, format="json")
    assert str(NO_SUCH_TICKET) in _error(response)["fields"]["ticket_id"][0]


def test_list_is_mine_newest_activity_first_and_paginated(
    api, demo, replies_at_once, django_assert_max_num_queries
) -> None:
    first = services.session_create(account=demo.bayside, user=demo.jordan, title="First")
    second = services.session_create(account=demo.bayside, user=demo.jordan, title="Second")
    third = services.session_create(account=demo.bayside, user=demo.jordan, linked_ticket_id=1180)
    services.session_create(account=demo.bayside, user=demo.morgan, title="Morgan's")
    services.session_create(account=demo.northshore, user=demo.casey, title="Casey's")
    services.message_send(session=first, content=SECOND_PROBLEM)  # the newest activity now

    with django_assert_max_num_queries(8):
        body = api.get(f"{A}/sessions").json()

    assert [s["id"] for s in body["items"]] == [first.pk, third.pk, second.pk]
    assert (body["total"], body["page"], body["page_size"]) == (3, 1, 25)
    assert body["items"][0]["open_actions"] == 1
    assert body["items"][1]["linked_ticket"]["id"] == 1180

    page_one = api.get(f"{A}/sessions", {"page_size": 2}).json()
    page_two = api.get(f"{A}/sessions", {"page_size": 2, "page": 2}).json()
    assert [s["id"] for s in page_one["items"]] == [first.pk, third.pk]
    assert [s["id"] for s in page_two["items"]] == [second.pk]
    assert page_one["total"] == page_two["total"] == 3


def test_list_filters_open_and_closed_sessions(api, demo) -> None:
    kept = services.session_create(account=demo.bayside, user=demo.jordan, title="Kept")
    done = services.session_create(account=demo.bayside, user=demo.jordan, title="Done")
    services.session_close(session=done)

    def ids(status: str) -> list[int]:
        return [s["id"] for s in api.get(f"{A}/sessions", {"status": status}).json()["items"]]

    assert ids("open") == [kept.pk]
    assert ids("closed") == [done.pk]
    assert set(ids("all")) == {kept.pk, done.pk}
    response = api.get(f"{A}/sessions", {"status": "archived", "page_size": 500})
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"status", "page_size"}


def test_read_one_session_with_its_todo_count(api, with_action) -> None:
    response = api.get(f"{A}/sessions/{with_action.session_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == with_action.session_id
    assert body["title"] == "Outlook not syncing for Ben Alvarez"
    assert body["open_actions"] == 1
    assert body["linked_ticket"]["company_name"] == "BrightPath Realty"


def test_link_another_ticket_then_unlink(api, session) -> None:
    url = f"{A}/sessions/{session.pk}"
    linked = api.patch(url, {"ticket_id": 1422}, format="json")
    assert linked.status_code == 200
    assert linked.json()["linked_ticket"]["id"] == 1422
    session.refresh_from_db()
    assert (session.linked_ticket_id, session.linked_company_id) == (1422, 262)

    unlinked = api.patch(url, {"ticket_id": None}, format="json")
    assert unlinked.status_code == 200
    assert unlinked.json()["linked_ticket"] is None
    session.refresh_from_db()
    assert session.linked_ticket_id is None and session.linked_company_name == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ticket_id": NO_SUCH_TICKET}, "ticket_id"),
        ({"ticket_id": "#1422"}, "ticket_id"),
        ({"closed": "maybe"}, "closed"),
        ({}, "non_field_errors"),
    ],
)
def test_patch_refuses_invalid_input_and_changes_nothing(api, session, body, field) -> None:
    response = api.patch(f"{A}/sessions/{session.pk}", body, format="json")
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == [field]
    session.refresh_from_db()
    assert session.linked_ticket_id == 1180 and session.closed_at is None


def test_close_a_session_once_for_good(api, session) -> None:
    url = f"{A}/sessions/{session.pk}"
    closed = api.patch(url, {"closed": True}, format="json").json()
    assert closed["status"] == "closed" and closed["closed_at"]

    again = api.patch(url, {"closed": True}, format="json").json()
    assert again["closed_at"] == closed["closed_at"]

    reopen = api.patch(url, {"closed": False}, format="json")
    assert reopen.status_code == 400
    assert "stays closed" in _error(reopen)["fields"]["closed"][0]
    assert api.get(url).json()["status"] == "closed"


def test_link_and_close_in_one_request(api, session) -> None:
    body = api.patch(
        f"{A}/sessions/{session.pk}", {"ticket_id": 1422, "closed": True}, format="json"
    ).json()
    assert body["linked_ticket"]["id"] == 1422 and body["status"] == "closed"


# --- messages -------------------------------------------------------------------------------------------


def test_a_message_is_accepted_and_its_reply_polled_until_done(
    api, session, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = api.post(
            f"{A}/sessions/{session.pk}/messages", {"content": SECOND_PROBLEM}, format="json"
        )

    assert response.status_code == 202
    body = response.json()
    sent, reply = body["message"], body["reply"]
    assert (sent["role"], sent["status"], sent["text"]) == ("user", "done", SECOND_PROBLEM)
    assert (reply["role"], reply["status"], reply["text"], reply["actions"]) == (
        "assistant",
        "pending",
        "",
        [],
    )
    poll = f"{A}/messages/{reply['id']}"
    assert body["poll_url"] == response["Location"] == poll
    assert api.get(poll).json()["status"] == "pending"

    # The task the page's messages enqueue on commit: a worker, or in-process in `make run`.
    assert len(queued) == 1
    queued[0]()

    done = api.get(poll)
    assert done.status_code == 200
    written = done.json()
    assert written["status"] == "done" and written["engine"] == "offline"
    assert "Outlook" in written["text"] and "[ACTIONS]" not in written["text"]
    assert written["error"] == ""
    [action] = written["actions"]
    assert action["command"] == "create_spin_off_ticket"
    assert "printer" in action["description"].lower()
    assert (action["status"], action["message_id"]) == ("open", reply["id"])


def test_messages_list_the_conversation_with_suggested_actions(
    api, with_action, django_assert_max_num_queries
) -> None:
    session = with_action.session
    services.message_send(session=session, content="Thanks, that fixed Outlook.")
    with django_assert_max_num_queries(8):
        response = api.get(f"{A}/sessions/{session.pk}/messages")
    assert response.status_code == 200
    messages = response.json()
    assert [(m["role"], m["status"]) for m in messages] == [
        ("user", "done"),
        ("assistant", "done"),
        ("user", "done"),
        ("assistant", "pending"),
    ]
    assert [a["id"] for a in messages[1]["actions"]] == [with_action.pk]
    assert all(m["session_id"] == session.pk for m in messages)


def test_a_reply_that_never_comes_polls_as_failed_with_the_reason(
    api, session, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        reply = api.post(
            f"{A}/sessions/{session.pk}/messages", {"content": "VPN drops"}, format="json"
        ).json()["reply"]
    # Lost on the way to a worker: after PENDING_STALE_AFTER it is given up, as on the page.
    ChatMessage.objects.filter(pk=reply["id"]).update(
        created_at=timezone.now() - services.PENDING_STALE_AFTER - timedelta(seconds=1)
    )
    body = api.get(f"{A}/messages/{reply['id']}").json()
    assert body["status"] == "failed"
    assert "took too long" in body["error"]


def test_one_message_at_a_time(api, session, django_capture_on_commit_callbacks) -> None:
    url = f"{A}/sessions/{session.pk}/messages"
    with django_capture_on_commit_callbacks(execute=False):
        assert api.post(url, {"content": "first"}, format="json").status_code == 202
    response = api.post(url, {"content": "second"}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "reply_pending"
    assert not session.messages.filter(content="second").exists()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, "required"),
        ({"content": "   "}, "blank"),
        ({"content": 42}, "valid string"),
        ({"content": "x" * (services.MESSAGE_MAX + 1)}, "no more than 8000"),
    ],
)
def test_a_message_must_be_text_within_the_limit(api, session, body, problem) -> None:
    response = api.post(f"{A}/sessions/{session.pk}/messages", body, format="json")
    assert response.status_code == 400
    error = _error(response)
    assert list(error["fields"]) == ["content"]
    assert problem in error["fields"]["content"][0]
    assert session.messages.count() == 0


def test_a_closed_session_refuses_new_messages(api, session) -> None:
    services.session_close(session=session)
    response = api.post(
        f"{A}/sessions/{session.pk}/messages", {"content": "one more thing"}, format="json"
    )
    assert response.status_code == 409
    error = _error(response)
    assert error["code"] == "session_closed"
    assert "closed" in error["message"] and "new session" in error["message"]
    assert session.messages.count() == 0


def test_a_closed_session_keeps_its_ticket(api, session) -> None:
    services.session_close(session=session)
    linked = session.linked_ticket_id
    response = api.patch(f"{A}/sessions/{session.pk}", {"ticket_id": None}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "session_closed"
    session.refresh_from_db()
    assert session.linked_ticket_id == linked


def test_the_chat_page_refuses_a_message_to_a_closed_session_with_the_reason(demo, session) -> None:
    services.session_close(session=session)
    page = Client()
    page.force_login(demo.jordan)
    response = page.post(f"/assistant/{session.pk}/messages/", {"content": "one more thing"})
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "This session is closed, so it takes no new messages." in text
    assert "one more thing" in text  # the draft survives
    assert session.messages.count() == 0


def test_a_failed_reply_of_a_closed_session_is_not_retried(demo, session) -> None:
    _, reply = services.message_send(session=session, content="VPN drops")
    ChatMessage.objects.filter(pk=reply.pk).update(state=ChatMessage.State.FAILED)
    reply.refresh_from_db()
    services.session_close(session=session)
    with pytest.raises(services.SessionClosed):
        services.reply_retry(message=reply)
    reply.refresh_from_db()
    assert reply.is_failed


def test_message_posts_spend_the_pages_assistant_meter(
    api, demo, session, small_meters, replies_at_once
) -> None:
    page = Client()
    page.force_login(demo.jordan)
    assert (
        page.post(f"/assistant/{session.pk}/messages/", {"content": "on the page"}).status_code
        == 302
    )
    url = f"{A}/sessions/{session.pk}/messages"
    assert api.post(url, {"content": "by the API"}, format="json").status_code == 202

    refused = api.post(url, {"content": "one too many"}, format="json")

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    error = _error(refused)
    assert error["code"] == "throttled"
    assert "limit of 2 assistant messages" in error["message"]
    assert not session.messages.filter(content="one too many").exists()


def test_refused_messages_cost_nothing(api, demo, session, small_meters, replies_at_once) -> None:
    url = f"{A}/sessions/{session.pk}/messages"
    closed = services.session_create(account=demo.bayside, user=demo.jordan)
    services.session_close(session=closed)
    for _ in range(3):
        assert api.post(url, {"content": "   "}, format="json").status_code == 400
        refused = api.post(f"{A}/sessions/{closed.pk}/messages", {"content": "hi"}, format="json")
        assert refused.status_code == 409

    # The limit of 2 is all still there.
    assert api.post(url, {"content": "first"}, format="json").status_code == 202
    assert api.post(url, {"content": "second"}, format="json").status_code == 202
    assert api.post(url, {"content": "third"}, format="json").status_code == 429


# --- the TaskLane ------------------------------------------------------------------------------------------


def test_complete_an_action_with_its_created_ticket(api, with_action) -> None:
    url = f"{A}/actions/{with_action.pk}/complete"
    response = api.post(url, {"ticket_id": 1500}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["created_ticket_id"]) == (with_action.pk, "done", 1500)
    assert body["done_at"]
    # The first ticket wins, as on the page.
    assert api.post(url, {"ticket_id": 1501}, format="json").json()["created_ticket_id"] == 1500
    assert api.get(f"{A}/sessions/{with_action.session_id}").json()["open_actions"] == 0


@pytest.mark.parametrize("body", [{}, {"ticket_id": "new"}, {"ticket_id": 0}])
def test_completing_an_action_needs_a_ticket_number(api, with_action, body) -> None:
    response = api.post(f"{A}/actions/{with_action.pk}/complete", body, format="json")
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == ["ticket_id"]
    with_action.refresh_from_db()
    assert with_action.status == "open"
