"""The one Anthropic client the product uses (Quick Create's parser, ResolutionAssist's replies)."""

from .client import (
    DEFAULT_MODEL,
    DEFAULT_TIMEOUT,
    AIError,
    AINotConfigured,
    AIResponseError,
    AIUnavailable,
    AIUsage,
    anthropic_client,
    configured,
    create_message,
    model_name,
    timeout_seconds,
)

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_TIMEOUT",
    "AIError",
    "AINotConfigured",
    "AIResponseError",
    "AIUnavailable",
    "AIUsage",
    "anthropic_client",
    "configured",
    "create_message",
    "model_name",
    "timeout_seconds",
]
