"""AI Quick Create: parse a dispatcher's prompt into pre-filled ticket fields.

Two extraction engines (Anthropic, offline) feed one resolver that maps names to ids in the
account's reference data, so an id is never invented. Entry point: `parse_ticket_prompt`.
"""

from .parse import AI_UNAVAILABLE, parse_ticket_prompt
from .types import DuplicateCandidate, Extraction, ParseResult

__all__ = [
    "AI_UNAVAILABLE",
    "DuplicateCandidate",
    "Extraction",
    "ParseResult",
    "parse_ticket_prompt",
]
