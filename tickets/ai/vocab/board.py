"""Boards: named, aliased ("network ops", "tier 3") or implied by the work (a firewall, a new hire)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from psa.providers.base import PSABoard, ReferenceData

from ..normalize import fold
from .common import join_names


@dataclass(frozen=True)
class BoardKind:
    key: str
    name_keywords: tuple[str, ...]  # how to recognise this kind of board by its name
    aliases: tuple[str, ...]  # folded phrases a dispatcher uses for it


BOARD_KINDS: tuple[BoardKind, ...] = (
    BoardKind(
        "service_desk",
        ("service desk", "help desk", "helpdesk", "servicedesk"),
        ("service desk", "servicedesk", "help desk", "helpdesk", "tier 1", "tier one"),
    ),
    BoardKind(
        "network",
        ("network",),
        (
            "network operations",
            "network ops",
            "netops",
            "net ops",
            "network board",
            "network team",
            "network queue",
            "noc",
        ),
    ),
    BoardKind("onboarding", ("onboard",), ("onboarding", "on boarding")),
    BoardKind(
        "monitoring",
        ("monitor", "alert"),
        ("monitoring alerts", "monitoring", "alerts", "alert"),
    ),
    BoardKind(
        "escalations",
        ("escalat",),
        (
            "escalations",
            "escalation",
            "escalate",
            "escalated",
            "tier 3",
            "tier three",
            "tier iii",
            "t3",
        ),
    ),
)
_KIND_BY_KEY = {k.key: k for k in BOARD_KINDS}

# Work that implies a board, on folded text. Checked in this order: onboarding work on a network
# device is still onboarding; a monitoring alert about a firewall is still an alert.
IMPLIED_BOARD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "onboarding",
        re.compile(
            r"\bnew (?:hire|hires|employee|employees|starter|starters|user setup)\b"
            r"|\b(?:on|off) ?board(?:ing|ed|s)?\b|\bleavers?\b"
            r"|\b(?:terminated|departing|leaving) (?:employee|user|staff)\b"
            r"|\bnew (?:\w+ ){1,3}(?:is |are )?(?:starting|starts|joining|joins)(?: on| this| next)?"
            r" (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|week)\b"
        ),
    ),
    (
        "monitoring",
        re.compile(
            r"\bbackups? (?:job |jobs )?(?:has |have |is |are )?"
            r"(?:failed|failing|fails|failure|failures|error|errors|did not run|didnt run)\b"
            r"|\bfailed backups?\b"
            r"|\b(?:low|out of|running out of|running low on) (?:on )?(?:disk|storage)\b|\bdisk space\b"
            r"|\b(?:disk|drive|volume|storage|c drive|d drive)s? (?:is |are )?(?:almost |nearly )?full\b"
            r"|\b(?:server|host|vm|hypervisor|nas|domain controller)s? (?:\w+ ){0,3}?(?:is |are )?"
            r"(?:offline|down|unreachable|not responding)\b"
            r"|\b(?:ssl |tls )?cert(?:ificate)?s? (?:\w+ ){0,2}?"
            r"(?:expiring|expires|expired|expiry|expiration|about to expire)\b"
            r"|\bexpir(?:ing|ed) (?:ssl |tls )?cert(?:ificate)?s?\b"
        ),
    ),
    (
        "network",
        re.compile(
            r"\binternet\b|\bfirewalls?\b|\bvpn tunnels?\b|\bsite to site\b"
            r"|\bswitch(?:es)?\b(?! (?:to|over|between|from|back|off|on|users?|accounts?)\b)"
            r"|\bwi ?fi\b|\bwireless\b|\baccess points?\b|\bwaps?\b|\brouters?\b|\bssids?\b|\bisp\b"
        ),
    ),
)


def board_kind_for(text: str, *, implied: bool = True) -> str | None:
    """The kind of board named, aliased or (if `implied`) implied by the work in `text`."""
    folded = fold(text)
    if not folded:
        return None
    for kind in BOARD_KINDS:
        if folded in kind.aliases or any(fold(k) == folded for k in kind.name_keywords):
            return kind.key
    for kind in BOARD_KINDS:
        for alias in kind.aliases:
            if re.search(rf"\b{re.escape(alias)}\b", folded):
                return kind.key
    if implied:
        for key, pattern in IMPLIED_BOARD_PATTERNS:
            if pattern.search(folded):
                return key
    return None


def boards_of_kind(kind_key: str, boards: Iterable[PSABoard]) -> list[PSABoard]:
    kind = _KIND_BY_KEY[kind_key]
    return [b for b in boards if any(k in fold(b.name) for k in kind.name_keywords)]


def resolve_board(
    text: str | None, reference: ReferenceData, *, implied: bool = True
) -> tuple[PSABoard | None, str | None]:
    """(board, warning). The warning is set only when `text` named something we could not place."""
    if not text or not text.strip():
        return None, None
    boards = [b for b in reference.boards if not b.inactive]
    folded = fold(text)
    exact = [b for b in boards if fold(b.name) == folded]
    if len(exact) == 1:
        return exact[0], None
    kind = board_kind_for(text, implied=implied)
    if kind is None:
        contains = [b for b in boards if folded and folded in fold(b.name)]
        if len(contains) == 1:
            return contains[0], None
        return None, f"No board matches '{text.strip()}'; pick the board"
    candidates = boards_of_kind(kind, boards)
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        return None, f"No board matches '{text.strip()}'; pick the board"
    names = join_names(b.name for b in candidates)
    return None, f"'{text.strip()}' could be {names}; pick the board"
