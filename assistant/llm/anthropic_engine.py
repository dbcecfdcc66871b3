"""Claude through the official SDK's Messages API, with the session's history.

The client, model and timeout come from the shared factory (`resolutionflow.ai`), held as every
Claude-backed engine holds them (`tickets.ai.anthropic_caller`). Any failure
(no key, HTTP error, timeout, an empty or odd response) raises an `AIError` (`EngineError` is one);
`generate_reply` then answers with the offline engine and logs a warning.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from resolutionflow.ai import AIUsage, create_message
from tickets.ai.anthropic_caller import AnthropicCaller

from .prompt import build_system_prompt
from .types import ChatContext, EngineError, Turn

MAX_HISTORY_CHARS = 40_000
MAX_TURN_CHARS = 8_000


def conversation(history: list[Turn]) -> list[dict[str, str]]:
    """The Messages API's alternating turns: starts and ends with the engineer, same-role
    neighbours merged (a failed reply leaves two engineer messages in a row), oldest dropped
    first when the history is long."""
    merged: list[dict[str, str]] = []
    for turn in history:
        text = turn.content.strip()[:MAX_TURN_CHARS]
        if not text:
            continue
        if merged and merged[-1]["role"] == turn.role:
            merged[-1]["content"] += "\n\n" + text
        else:
            merged.append({"role": turn.role, "content": text})
    while merged and merged[-1]["role"] != "user":
        merged.pop()
    while sum(len(m["content"]) for m in merged) > MAX_HISTORY_CHARS and len(merged) > 1:
        merged.pop(0)
    while merged and merged[0]["role"] != "user":
        merged.pop(0)
    return merged


class AnthropicEngine(AnthropicCaller):
    name = "anthropic"
    DEFAULT_MAX_TOKENS = 1500

    @cached_property
    def usage(self) -> AIUsage:
        """Tokens and latency summed over this engine's replies."""
        return AIUsage()

    def request(self, *, history: list[Turn], context: ChatContext) -> dict[str, Any]:
        """The keyword arguments for `messages.create` (exposed for tests)."""
        messages = conversation(history)
        if not messages:
            raise EngineError("there is no message from the engineer to answer")
        return {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": build_system_prompt(context),
            "messages": messages,
        }

    def reply(self, *, history: list[Turn], context: ChatContext) -> str:
        kwargs = self.request(history=history, context=context)
        message = create_message(self.client, usage=self.usage, **kwargs, timeout=self.timeout)
        blocks = getattr(message, "content", None)
        if not isinstance(blocks, list):
            raise EngineError("the response is not a message")
        text = "".join(
            b.text
            for b in blocks
            if getattr(b, "type", None) == "text" and isinstance(getattr(b, "text", None), str)
        ).strip()
        if not text:
            raise EngineError("the model returned no text")
        return text
