"""One Anthropic client factory and one error family for every AI call in the product.

`anthropic_client()` builds the official SDK's client from settings (`ANTHROPIC_API_KEY`,
`ANTHROPIC_BASE_URL`, `ANTHROPIC_TIMEOUT`) with retries off: each caller has an offline engine,
and that is the retry. `create_message()` is the one funnel to the Messages API: it measures the
call and maps every SDK failure into the `AIError` family, so callers fall back on `AIError`
alone and a programming error still surfaces as itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import anthropic

DEFAULT_MODEL = "claude-sonnet-4-6"
DEFAULT_TIMEOUT = 15.0


class AIError(Exception):
    """The AI path could not give a usable answer; the caller answers offline instead."""


class AINotConfigured(AIError):
    """No API key (or no client) to call the model with."""


class AIUnavailable(AIError, ConnectionError):
    """The API call failed: HTTP error, timeout, refused connection, a body that is not JSON."""


class AIResponseError(AIError, ValueError):
    """The model answered, but not in the shape asked for (no tool call, wrong types)."""


def _setting(name: str, default: Any = None) -> Any:
    """A Django setting, or `default` when it is unset or settings are not configured at all."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return getattr(settings, name, default)
    except ImproperlyConfigured:  # outside a configured project (a script, a bare unit test)
        return default


def configured() -> bool:
    return bool(_setting("ANTHROPIC_API_KEY"))


def model_name(model: str | None = None) -> str:
    return model or _setting("ANTHROPIC_MODEL") or DEFAULT_MODEL


def timeout_seconds(timeout: float | None = None) -> float:
    return float(timeout or _setting("ANTHROPIC_TIMEOUT") or DEFAULT_TIMEOUT)


def anthropic_client(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    http_client: Any = None,
) -> anthropic.Anthropic:
    key = api_key or _setting("ANTHROPIC_API_KEY")
    if not key:
        raise AINotConfigured("ANTHROPIC_API_KEY is not set")
    return anthropic.Anthropic(
        api_key=key,
        base_url=base_url or _setting("ANTHROPIC_BASE_URL") or None,
        timeout=timeout_seconds(timeout),
        max_retries=0,  # the offline engine is the retry
        http_client=http_client,
    )


@dataclass
class AIUsage:
    """Tokens and wall time of the Messages API calls made for one answer (summed)."""

    model: str = ""
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: int = 0

    def add(self, message: Any, elapsed: float) -> None:
        usage = getattr(message, "usage", None)
        self.calls += 1
        self.input_tokens += int(getattr(usage, "input_tokens", 0) or 0)
        self.output_tokens += int(getattr(usage, "output_tokens", 0) or 0)
        self.latency_ms += round(elapsed * 1000)


def create_message(
    client: anthropic.Anthropic, *, usage: AIUsage | None = None, **kwargs: Any
) -> Any:
    """`client.messages.create(**kwargs)`, measured into `usage`, failures as `AIUnavailable`."""
    started = time.perf_counter()
    try:
        message = client.messages.create(**kwargs)
    except anthropic.APIError as exc:
        raise AIUnavailable(f"Anthropic API call failed: {exc.__class__.__name__}") from exc
    if usage is not None:
        usage.model = str(kwargs.get("model") or usage.model)
        usage.add(message, time.perf_counter() - started)
    return message
