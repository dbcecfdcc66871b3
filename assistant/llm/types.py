"""What every reply engine takes and gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from resolutionflow.ai import AIResponseError

Role = Literal["user", "assistant"]


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of the conversation as the engine sees it (assistant turns keep their marker)."""

    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class ChatContext:
    """What the session is about, besides its messages."""

    linked_ticket_id: int | None = None
    linked_summary: str = ""
    company_name: str = ""
    board_name: str = ""
    psa_name: str = ""  # the connected PSA, as a sentence names it; "" when unknown


@dataclass(frozen=True, slots=True)
class EngineReply:
    text: str  # the raw reply, possibly with an [ACTIONS] marker
    engine: str  # "anthropic", "offline" or "offline-fallback"


class EngineError(AIResponseError):
    """An engine could not produce a reply (the caller answers offline instead)."""


class ReplyEngine(Protocol):
    name: str

    def reply(self, *, history: list[Turn], context: ChatContext) -> str: ...
