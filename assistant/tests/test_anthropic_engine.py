"""The Anthropic engine through the real `anthropic` SDK, against local fakes of the Messages API
(an httpx MockTransport and a loopback HTTP server); every failure falls back to offline."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import pytest

from assistant.actions import parse_actions
from assistant.llm import SPIN_OFF_RULE, ChatContext, Turn, generate_reply
from assistant.llm.anthropic_engine import AnthropicEngine, conversation
from tickets.tests.ai.anthropic_fakes import FakeMessagesApi
from tickets.tests.ai.anthropic_fakes import answering as shared_answering

CONTEXT = ChatContext(
    linked_ticket_id=1180,
    linked_summary="Outlook not syncing for Ben Alvarez",
    company_name="BrightPath Realty",
    board_name="Service Desk",
)
HISTORY = [
    Turn("user", "Outlook won't sync for Ben"),
    Turn("assistant", "Check Outlook on the web first."),
    Turn("user", "Web works. Oh, and the printer on the 2nd floor is offline too."),
]
MODEL_REPLY = (
    "Then it's the Outlook profile: rebuild the .ost.\n\n"
    "[ACTIONS]\n"
    '[{"label": "Create ticket: Printer offline on 2nd floor", '
    '"command": "create_spin_off_ticket", "description": "Printer offline on 2nd floor"}]\n'
    "[/ACTIONS]"
)


def message(*content: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": "claude-test-model",
        "content": list(content),
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 120, "output_tokens": 40},
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def answering(payload: Any, status: int = 200) -> FakeMessagesApi:
    return shared_answering(payload, status, engine_class=AnthropicEngine)


# --- the happy path -------------------------------------------------------------------------------------


def test_a_reply_comes_back_with_its_marker_for_the_parser() -> None:
    api = answering(message(text(MODEL_REPLY)))
    reply = generate_reply(history=HISTORY, context=CONTEXT, engine=api.engine())

    assert reply.engine == "anthropic"
    clean, actions = parse_actions(reply.text)
    assert clean == "Then it's the Outlook profile: rebuild the .ost."
    assert [a.description for a in actions] == ["Printer offline on 2nd floor"]


def test_the_request_carries_the_system_prompt_linked_ticket_and_history() -> None:
    api = answering(message(text("ok")))
    generate_reply(history=HISTORY, context=CONTEXT, engine=api.engine(timeout=7))

    request = api.requests[-1]
    assert request.method == "POST" and request.url.path == "/v1/messages"
    auth = request.headers.get("x-api-key") or request.headers.get("authorization") or ""
    assert "sk-test-key" in auth
    assert float(request.headers["x-stainless-timeout"]) == 7
    body = api.body
    assert body["model"] == "claude-test-model"
    assert SPIN_OFF_RULE in body["system"]
    assert "[ACTIONS]" in body["system"] and "create_spin_off_ticket" in body["system"]
    assert '#1180: "Outlook not syncing for Ben Alvarez"' in body["system"]
    assert "BrightPath Realty" in body["system"]
    assert body["messages"] == [
        {"role": "user", "content": "Outlook won't sync for Ben"},
        {"role": "assistant", "content": "Check Outlook on the web first."},
        {
            "role": "user",
            "content": "Web works. Oh, and the printer on the 2nd floor is offline too.",
        },
    ]


def test_text_blocks_are_joined_and_other_blocks_ignored() -> None:
    api = answering(
        message(
            text("First "), {"type": "thinking", "thinking": "hm", "signature": "x"}, text("second")
        )
    )
    assert (
        generate_reply(history=HISTORY, context=CONTEXT, engine=api.engine()).text == "First second"
    )


def test_conversation_alternates_and_starts_and_ends_with_the_engineer() -> None:
    turns = [
        Turn("assistant", "a greeting nobody asked for"),
        Turn("user", "one"),
        Turn("user", "two (the reply to one failed)"),
        Turn("assistant", "answer"),
        Turn("assistant", "   "),
        Turn("user", "three"),
    ]
    assert conversation(turns) == [
        {"role": "user", "content": "one\n\ntwo (the reply to one failed)"},
        {"role": "assistant", "content": "answer"},
        {"role": "user", "content": "three"},
    ]
    assert conversation([Turn("assistant", "x")]) == []


def test_a_long_history_drops_the_oldest_turns() -> None:
    turns = []
    for i in range(30):
        turns += [Turn("user", f"q{i} " + "x" * 3000), Turn("assistant", f"a{i} " + "y" * 3000)]
    turns.append(Turn("user", "latest"))
    messages = conversation(turns)
    assert messages[0]["role"] == "user" and messages[-1]["content"] == "latest"
    assert sum(len(m["content"]) for m in messages) <= 40_000


# --- failures: the engineer gets the offline answer, the log gets a warning -------------------------------


def assert_fell_back(reply: Any, caplog: pytest.LogCaptureFixture) -> None:
    assert reply.engine == "offline-fallback"
    clean, actions = parse_actions(reply.text)
    assert "**First-line checks — email**" in clean or "email" in clean
    assert [a.description for a in actions] == ["Printer on the 2nd floor is offline"]
    assert any(
        r.levelno == logging.WARNING and "answering offline" in r.getMessage()
        for r in caplog.records
    )


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500, 529])
def test_http_errors_fall_back_without_retrying(status: int, caplog) -> None:
    api = answering({"type": "error", "error": {"type": "api_error", "message": "nope"}}, status)
    reply = generate_reply(history=HISTORY, context=CONTEXT, engine=api.engine())
    assert_fell_back(reply, caplog)
    assert len(api.requests) == 1  # the offline engine is the retry


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(message(), id="no-content"),
        pytest.param(message(text("   ")), id="blank-text"),
        pytest.param(
            message({"type": "tool_use", "id": "t", "name": "x", "input": {}}), id="no-text"
        ),
        pytest.param({"unexpected": "shape"}, id="not-a-message"),
    ],
)
def test_odd_responses_fall_back(payload: Any, caplog) -> None:
    reply = generate_reply(history=HISTORY, context=CONTEXT, engine=answering(payload).engine())
    assert_fell_back(reply, caplog)


def test_a_body_that_is_not_json_falls_back(caplog) -> None:
    api = FakeMessagesApi(
        lambda body: httpx2.Response(200, text="<html>gateway</html>"), engine_class=AnthropicEngine
    )
    assert_fell_back(generate_reply(history=HISTORY, context=CONTEXT, engine=api.engine()), caplog)


@pytest.mark.parametrize(
    "error",
    [httpx2.ReadTimeout, httpx2.ConnectError],
    ids=["timeout", "connection-refused"],
)
def test_transport_failures_fall_back(error: type[Exception], caplog) -> None:
    def fail(request: httpx2.Request) -> httpx2.Response:
        raise error("boom", request=request)  # type: ignore[call-arg]

    engine = AnthropicEngine(
        api_key="sk-test",
        model="claude-test-model",
        http_client=httpx2.Client(transport=httpx2.MockTransport(fail)),
    )
    assert_fell_back(generate_reply(history=HISTORY, context=CONTEXT, engine=engine), caplog)


def test_no_api_key_means_offline_without_a_warning(settings, caplog) -> None:
    settings.ANTHROPIC_API_KEY = ""
    reply = generate_reply(history=HISTORY, context=CONTEXT)
    assert reply.engine == "offline"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- configured only through Django settings, against a loopback server ------------------------------------


class _Handler(BaseHTTPRequestHandler):
    status = 200
    payload: Any = {}
    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        type(self).seen.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
        body = json.dumps(type(self).payload).encode()
        self.send_response(type(self).status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def loopback(settings) -> Iterator[type[_Handler]]:
    handler = type("Handler", (_Handler,), {"seen": [], "payload": {}, "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.ANTHROPIC_API_KEY = "sk-loopback"
    settings.ANTHROPIC_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.ANTHROPIC_MODEL = "claude-loopback"
    settings.ANTHROPIC_TIMEOUT = 5
    yield handler
    server.shutdown()
    server.server_close()


def test_settings_key_and_base_url_select_the_anthropic_engine(loopback) -> None:
    loopback.payload = message(text(MODEL_REPLY))
    reply = generate_reply(history=HISTORY, context=CONTEXT)
    assert reply.engine == "anthropic"
    assert loopback.seen[0]["path"] == "/v1/messages"
    assert loopback.seen[0]["body"]["model"] == "claude-loopback"


def test_an_overloaded_loopback_falls_back(loopback, caplog) -> None:
    loopback.status = 529
    loopback.payload = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    assert_fell_back(generate_reply(history=HISTORY, context=CONTEXT), caplog)
    assert len(loopback.seen) == 1
