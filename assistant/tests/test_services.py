"""Sessions, messages, replies and actions through the services, against the ConnectWise simulator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from assistant import selectors, services
from assistant.models import ChatMessage, ChatSession, SuggestedAction
from assistant.services import AssistantError
from psa.providers.base import PSANotConfigured, PSANotFound
from psa.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SECOND_PROBLEM = (
    "Ben still can't get Outlook to sync after a restart. Oh, and the printer on the 2nd floor "
    "is offline too."
)


@pytest.fixture
def linked(demo: Any) -> ChatSession:
    return services.session_create(account=demo.bayside, user=demo.jordan, linked_ticket_id=1180)


def send(session: ChatSession, text: str, capture: Any) -> tuple[ChatMessage, ChatMessage]:
    """Send, run what was queued on commit (the eager task), return both messages fresh."""
    with capture(execute=True):
        sent, reply = services.message_send(session=session, content=text)
    reply.refresh_from_db()
    return sent, reply


# --- sessions -----------------------------------------------------------------------------------------


def test_a_linked_session_caches_the_tickets_company_board_and_summary(linked) -> None:
    linked.refresh_from_db()
    assert linked.linked_ticket_id == 1180
    assert linked.linked_summary == "Outlook not syncing for Ben Alvarez"
    assert (linked.linked_company_id, linked.linked_company_name) == (266, "BrightPath Realty")
    assert (linked.linked_board_id, linked.linked_board_name) == (1, "Service Desk")
    assert linked.display_title == "Outlook not syncing for Ben Alvarez"


def test_linking_a_ticket_that_does_not_exist_creates_nothing(demo) -> None:
    with pytest.raises(PSANotFound, match="Ticket #999999 was not found"):
        services.session_create(account=demo.bayside, user=demo.jordan, linked_ticket_id=999999)
    assert not ChatSession.objects.exists()


@pytest.mark.parametrize("value", ["abc", "0", "-4", "12.5"])
def test_a_ticket_number_must_be_a_number(demo, value: str) -> None:
    with pytest.raises(AssistantError) as caught:
        services.session_create(account=demo.bayside, user=demo.jordan, linked_ticket_id=value)  # type: ignore[arg-type]
    assert caught.value.field == "ticket_id"


def test_linking_without_a_connectwise_connection_says_so(db) -> None:
    membership: Any = MembershipFactory()
    with pytest.raises(PSANotConfigured):
        services.session_create(
            account=membership.account, user=membership.user, linked_ticket_id=1180
        )


def test_a_ticket_of_another_tenant_is_not_found(demo) -> None:
    # 1180 exists in Bayside's ConnectWise, not in Northshore's.
    with pytest.raises(PSANotFound):
        services.session_create(account=demo.northshore, user=demo.casey, linked_ticket_id=1180)


def test_link_relink_and_unlink(demo) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    assert session.linked_ticket_id is None and session.display_title == "New session"
    services.session_link_ticket(session=session, ticket_id=1422)
    session.refresh_from_db()
    assert (session.linked_ticket_id, session.linked_company_id) == (1422, 262)
    services.session_link_ticket(session=session, ticket_id=None)
    session.refresh_from_db()
    assert session.linked_ticket_id is None and session.linked_company_id is None
    assert session.linked_summary == ""


# --- messages and replies ------------------------------------------------------------------------------


def test_send_creates_the_message_and_a_pending_reply_and_enqueues_on_commit(
    linked, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent, reply = services.message_send(session=linked, content="  Outlook is stuck  ")
    assert (sent.role, sent.content, sent.state) == ("user", "Outlook is stuck", "complete")
    assert (reply.role, reply.state, reply.content) == ("assistant", "pending", "")
    assert len(callbacks) == 1  # the task goes out only once the messages are committed
    callbacks[0]()
    reply.refresh_from_db()
    assert reply.state == "complete" and reply.engine == "offline"
    assert "**First-line checks — email**" in reply.content


def test_a_second_problem_becomes_an_open_spin_off_action(
    linked, django_capture_on_commit_callbacks
) -> None:
    _, reply = send(linked, SECOND_PROBLEM, django_capture_on_commit_callbacks)
    assert "[ACTIONS]" not in reply.content
    [action] = reply.actions.all()
    assert (action.command, action.status, action.session_id) == (
        "create_spin_off_ticket",
        "open",
        linked.pk,
    )
    assert action.description == "Printer on the 2nd floor is offline"
    assert action.label == "Create ticket: Printer on the 2nd floor is offline"
    lane = selectors.tasklane(session=linked)
    assert lane == {"open": [action], "done": []}


def test_the_engine_sees_earlier_suggestions_and_does_not_repeat_them(
    linked, django_capture_on_commit_callbacks
) -> None:
    send(linked, SECOND_PROBLEM, django_capture_on_commit_callbacks)
    _, again = send(
        linked,
        "Also the printer on the 2nd floor is still offline",
        django_capture_on_commit_callbacks,
    )
    assert again.actions.count() == 0
    assert SuggestedAction.objects.filter(session=linked).count() == 1


def test_an_unlinked_session_is_titled_by_its_first_message(
    demo, django_capture_on_commit_callbacks
) -> None:
    session = services.session_create(account=demo.bayside, user=demo.jordan)
    send(
        session,
        "VPN keeps dropping for Ramon every few minutes since the update",
        django_capture_on_commit_callbacks,
    )
    send(session, "Still dropping", django_capture_on_commit_callbacks)
    session.refresh_from_db()
    assert session.title == "VPN keeps dropping for Ramon every few minutes since the update"


@pytest.mark.parametrize(
    ("content", "message"),
    [("   ", "Type a message first."), ("x" * 8001, "Keep a message under 8,000 characters")],
)
def test_empty_or_huge_messages_are_refused(linked, content: str, message: str) -> None:
    with pytest.raises(AssistantError, match=message):
        services.message_send(session=linked, content=content)
    assert not ChatMessage.objects.exists()


def test_one_message_at_a_time_until_a_pending_reply_is_stale(
    linked, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        _, pending = services.message_send(session=linked, content="first")
    with pytest.raises(AssistantError, match="still answering"):
        services.message_send(session=linked, content="second")

    ChatMessage.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    _, reply = send(linked, "second", django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert (pending.state, pending.error) == ("failed", "The reply took too long. Try again.")
    assert reply.state == "complete"


def test_reply_generate_is_idempotent(linked, django_capture_on_commit_callbacks) -> None:
    _, reply = send(linked, SECOND_PROBLEM, django_capture_on_commit_callbacks)
    content = reply.content
    services.reply_generate(message_id=reply.pk)
    reply.refresh_from_db()
    assert reply.content == content
    assert reply.actions.count() == 1
    assert services.reply_generate(message_id=987654) is None


def test_an_unexpected_failure_marks_the_reply_failed_and_retry_answers(
    linked, django_capture_on_commit_callbacks, monkeypatch, caplog
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "generate_reply", broken)
    sent, reply = send(linked, "Outlook won't sync", django_capture_on_commit_callbacks)
    assert reply.state == "failed"
    assert reply.error == "ResolutionAssist could not answer (RuntimeError). Try again."
    assert sent.state == "complete"  # the engineer's message is kept
    assert "reply" in caplog.text and "failed" in caplog.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_retry(message=reply)
    reply.refresh_from_db()
    assert (reply.state, reply.error) == ("complete", "")
    assert "**First-line checks — email**" in reply.content


def test_only_a_failed_reply_can_be_retried(linked, django_capture_on_commit_callbacks) -> None:
    sent, reply = send(linked, "Outlook won't sync", django_capture_on_commit_callbacks)
    for message in (sent, reply):
        with pytest.raises(AssistantError):
            services.reply_retry(message=message)


def test_a_broker_that_is_down_fails_the_reply_visibly(
    linked, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from assistant import tasks

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.generate_reply, "delay", refuse)
    _, reply = send(linked, "Outlook won't sync", django_capture_on_commit_callbacks)
    assert (reply.state, reply.error) == ("failed", "The reply could not be started. Try again.")


def test_the_anthropic_engine_writes_the_reply_when_configured(
    linked, django_capture_on_commit_callbacks, settings, monkeypatch
) -> None:
    """Settings select the engine; the SDK talks to a fake through an httpx transport."""
    import json

    import httpx2

    from assistant.llm import anthropic_engine

    seen: list[dict[str, Any]] = []

    def fake(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        reply = (
            "Rebuild the Outlook profile.\n[ACTIONS]\n"
            '[{"label": "Create ticket: Printer offline on 2nd floor", '
            '"command": "create_spin_off_ticket", "description": "Printer offline on 2nd floor"}]'
            "\n[/ACTIONS]"
        )
        return httpx2.Response(
            200,
            json={
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "claude-test",
                "content": [{"type": "text", "text": reply}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            },
        )

    settings.ANTHROPIC_API_KEY = "sk-test"
    real_init = anthropic_engine.AnthropicEngine.__init__

    def with_fake(self: Any, **kwargs: Any) -> None:
        kwargs["http_client"] = httpx2.Client(transport=httpx2.MockTransport(fake))
        real_init(self, **kwargs)

    monkeypatch.setattr(anthropic_engine.AnthropicEngine, "__init__", with_fake)
    _, reply = send(linked, SECOND_PROBLEM, django_capture_on_commit_callbacks)
    assert (reply.engine, reply.content) == ("anthropic", "Rebuild the Outlook profile.")
    assert [a.description for a in reply.actions.all()] == ["Printer offline on 2nd floor"]
    assert "#1180" in seen[0]["system"]
    assert seen[0]["messages"] == [{"role": "user", "content": SECOND_PROBLEM}]

    # the next call replays that suggestion to the model in the marker format
    send(linked, "the profile rebuild worked", django_capture_on_commit_callbacks)
    assistant_turn = seen[1]["messages"][1]
    assert assistant_turn["role"] == "assistant"
    assert '"command": "create_spin_off_ticket"' in assistant_turn["content"]


# --- actions -----------------------------------------------------------------------------------------------


def test_action_complete_marks_it_done_once(linked, django_capture_on_commit_callbacks) -> None:
    _, reply = send(linked, SECOND_PROBLEM, django_capture_on_commit_callbacks)
    action = reply.actions.get()
    services.action_complete(action=action, ticket_id="2301")
    assert (action.status, action.created_ticket_id) == ("done", 2301)
    assert action.done_at is not None
    services.action_complete(action=action, ticket_id=2399)  # a repeated event changes nothing
    assert action.created_ticket_id == 2301
    assert selectors.tasklane(session=linked) == {"open": [], "done": [action]}


@pytest.mark.parametrize("value", [None, "", "abc", "0"])
def test_action_complete_needs_a_ticket_number(
    linked, django_capture_on_commit_callbacks, value
) -> None:
    _, reply = send(linked, SECOND_PROBLEM, django_capture_on_commit_callbacks)
    action = reply.actions.get()
    with pytest.raises(AssistantError):
        services.action_complete(action=action, ticket_id=value)
    action.refresh_from_db()
    assert action.status == "open"


# --- selectors: private to the user ------------------------------------------------------------------


def test_sessions_are_private_to_their_user(demo, linked) -> None:
    mine = selectors.session_list(account=demo.bayside, user=demo.jordan)
    assert list(mine) == [linked]
    assert not selectors.session_list(account=demo.bayside, user=demo.morgan).exists()
    with pytest.raises(ChatSession.DoesNotExist):
        selectors.session_get(account=demo.bayside, user=demo.morgan, session_id=linked.pk)
    with pytest.raises(ChatSession.DoesNotExist):
        selectors.session_get(account=demo.northshore, user=demo.jordan, session_id=linked.pk)


def test_new_ticket_urls_prefill_from_the_linked_ticket(demo, linked) -> None:
    assert selectors.new_ticket_url(session=linked) == (
        "/tickets/new/?tab=full&company_id=266&board_id=1"
    )
    action = SuggestedAction.objects.create(
        session=linked,
        message=ChatMessage.objects.create(session=linked, role="assistant", content="x"),
        label="Create ticket: Printer offline",
        command="create_spin_off_ticket",
        description="Printer offline & out of toner",
    )
    assert selectors.new_ticket_url(session=linked, action=action) == (
        "/tickets/new/?tab=quick&prompt=Printer+offline+%26+out+of+toner"
        f"&company_id=266&board_id=1&origin=action-{action.pk}"
    )
    unlinked = services.session_create(account=demo.bayside, user=demo.jordan)
    assert selectors.new_ticket_url(session=unlinked) == "/tickets/new/?tab=full"
