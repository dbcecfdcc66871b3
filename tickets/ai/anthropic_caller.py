"""What every Claude-backed engine keeps: one SDK client, the model, the timeout, a token cap.

`resolutionflow.ai` builds the client from settings; this class is how an engine holds it, so
the ticket extractor and the assistant's chat engine are set up one way. It lives in `tickets`
because `assistant` may import from `tickets`, never the reverse.
"""

from __future__ import annotations

from typing import Any

import anthropic

from resolutionflow.ai import anthropic_client, model_name, timeout_seconds


class AnthropicCaller:
    """An engine that calls the Messages API; `client` replaces the one built from settings."""

    DEFAULT_MAX_TOKENS = 1024

    def __init__(
        self,
        *,
        client: anthropic.Anthropic | None = None,
        api_key: str | None = None,
        model: str | None = None,
        timeout: float | None = None,
        base_url: str | None = None,
        http_client: Any = None,
        max_tokens: int | None = None,
    ) -> None:
        self.model = model_name(model)
        self.timeout = timeout_seconds(timeout)
        self.max_tokens = self.DEFAULT_MAX_TOKENS if max_tokens is None else max_tokens
        if client is None:
            client = anthropic_client(
                api_key=api_key, base_url=base_url, timeout=self.timeout, http_client=http_client
            )
        self.client = client
