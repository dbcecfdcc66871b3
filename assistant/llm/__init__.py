"""ResolutionAssist's reply engines behind one function.

`generate_reply` uses Anthropic when `settings.ANTHROPIC_API_KEY` is set and the offline engine
otherwise; when the Anthropic call fails (an `AIError`: HTTP error, timeout, odd response) the
engineer still gets the offline answer, and a warning is logged.
"""

from __future__ import annotations

import logging

from django.conf import settings

from resolutionflow.ai import AIError

from .offline import OfflineEngine
from .prompt import ASSISTANT_SYSTEM_PROMPT, SPIN_OFF_RULE, build_system_prompt
from .types import ChatContext, EngineError, EngineReply, ReplyEngine, Turn

log = logging.getLogger(__name__)

__all__ = [
    "ASSISTANT_SYSTEM_PROMPT",
    "SPIN_OFF_RULE",
    "ChatContext",
    "EngineError",
    "EngineReply",
    "OfflineEngine",
    "ReplyEngine",
    "Turn",
    "build_system_prompt",
    "generate_reply",
]


def _configured_engine() -> ReplyEngine | None:
    if not getattr(settings, "ANTHROPIC_API_KEY", ""):
        return None
    from .anthropic_engine import AnthropicEngine

    return AnthropicEngine()


def generate_reply(
    *, history: list[Turn], context: ChatContext, engine: ReplyEngine | None = None
) -> EngineReply:
    """The next assistant reply (raw, possibly with an [ACTIONS] marker). Never raises for an
    engine failure: the offline engine answers instead."""
    engine = engine or _configured_engine()
    fell_back = False
    if engine is not None and engine.name != OfflineEngine.name:
        try:
            return EngineReply(
                text=engine.reply(history=history, context=context), engine=engine.name
            )
        except AIError as exc:  # the remote engine failed: answer offline, say so in the log
            log.warning(
                "ResolutionAssist: %s engine failed (%s); answering offline", engine.name, exc
            )
            fell_back = True
    text = OfflineEngine().reply(history=history, context=context)
    return EngineReply(text=text, engine="offline-fallback" if fell_back else OfflineEngine.name)
