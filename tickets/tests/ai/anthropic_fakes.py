"""Fakes of Anthropic's Messages API for the Anthropic engine's tests: a model reply built from
a tool input, an httpx transport that records what the SDK sent, and the parse they feed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

from psa.providers.base import ReferenceData
from tickets.ai import parse_ticket_prompt
from tickets.ai.anthropic_engine import TOOL_NAME, AnthropicExtractor
from tickets.tests.ai.conftest import member

PROMPT = "New ticket for Acme Corp, Outlook not syncing, high priority, assign to me"


def tool_input(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "summary": "Outlook not syncing",
        "description": None,
        "company": "Acme Corp",
        "board": None,
        "implied_board": None,
        "priority": "high priority",
        "status": None,
        "assignee": "me",
    }
    data.update(overrides)
    return data


def message(*content: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": list(content),
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 100, "output_tokens": 20},
    }


def tool_use(data: Any, name: str = TOOL_NAME) -> dict[str, Any]:
    return {"type": "tool_use", "id": "toolu_test", "name": name, "input": data}


class FakeMessagesApi:
    """Records what the SDK sent; answers with `respond(body)`. `engine()` builds the Anthropic
    client under test on it: the ticket extractor unless `engine_class` says otherwise (the
    assistant's tests pass their chat engine, so both apps test against this one fake)."""

    def __init__(
        self,
        respond: Callable[[dict[str, Any]], httpx2.Response],
        *,
        engine_class: Callable[..., Any] = AnthropicExtractor,
    ) -> None:
        self.respond = respond
        self.engine_class = engine_class
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.respond(json.loads(request.content))

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.requests[-1].content)

    def engine(self, **kwargs: Any) -> Any:
        client = httpx2.Client(transport=httpx2.MockTransport(self))
        kwargs.setdefault("model", "claude-test-model")
        return self.engine_class(api_key="sk-test-key", http_client=client, **kwargs)


def answering(
    payload: Any, status: int = 200, *, engine_class: Callable[..., Any] = AnthropicExtractor
) -> FakeMessagesApi:
    return FakeMessagesApi(
        lambda body: httpx2.Response(status, json=payload), engine_class=engine_class
    )


def ids_in(reference: ReferenceData) -> dict[str, set[int]]:
    return {
        "company_id": {c.id for c in reference.companies},
        "board_id": {b.id for b in reference.boards},
        "priority_id": {p.id for p in reference.priorities},
        "status_id": {s.id for s in reference.statuses},
        "assigned_member_id": {m.id for m in reference.members},
    }


def assert_no_invented_ids(result: Any, reference: ReferenceData) -> None:
    for field, valid in ids_in(reference).items():
        value = getattr(result, field)
        assert value is None or value in valid, f"{field}={value} is not in the reference data"


def parse(reference: ReferenceData, engine: AnthropicExtractor, prompt: str = PROMPT, **kw: Any):
    return parse_ticket_prompt(
        prompt=prompt, reference=reference, me=member("jsmith"), engine=engine, **kw
    )
