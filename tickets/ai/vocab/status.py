"""Statuses: only when stated, and only among the chosen board's statuses."""

from __future__ import annotations

import re

from psa.providers.base import PSABoard, PSAStatus, ReferenceData

from ..normalize import fold

STATUS_SYNONYMS: dict[str, str] = {
    "waiting on customer": "waiting on client",
    "waiting for client": "waiting on client",
    "waiting for customer": "waiting on client",
    "waiting on the client": "waiting on client",
    "waiting on the customer": "waiting on client",
    "waiting for the client": "waiting on client",
    "waiting for the customer": "waiting on client",
    "awaiting client": "waiting on client",
    "awaiting customer": "waiting on client",
    "wip": "in progress",
    "inprogress": "in progress",
    "working": "in progress",
    "escalate": "escalated",
    "schedule": "scheduled",
    "assign": "assigned",
}


def _status_key(folded: str) -> str:
    """One spelling per meaning: 'waiting on customer' and 'waiting for client' compare equal."""
    return STATUS_SYNONYMS.get(folded, folded)


def resolve_status(
    text: str | None, board: PSABoard | None, reference: ReferenceData
) -> tuple[PSAStatus | None, str | None]:
    if not text or not text.strip():
        return None, None
    shown = text.strip()
    if board is None:
        return None, f"Status '{shown}' was given but the board is unknown; pick the board first"
    statuses = [s for s in reference.statuses_for(board.id) if not s.inactive]
    folded = re.sub(r"^(?:status|state)\s+(?:is\s+|to\s+|of\s+)?", "", fold(text))
    for key in (folded, _status_key(folded)):
        exact = [s for s in statuses if fold(s.name) == key or _status_key(fold(s.name)) == key]
        if len(exact) == 1:
            return exact[0], None
    words = set(_status_key(folded).split())
    partial = [s for s in statuses if words and words <= set(_status_key(fold(s.name)).split())]
    if len(partial) == 1:
        return partial[0], None
    return None, f"Board {board.name} has no status '{shown}'; pick the status"
