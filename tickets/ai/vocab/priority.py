"""Priority words: "P1", "urgent", "no rush" and their negations -> one of the account's priorities."""

from __future__ import annotations

import re
from collections.abc import Sequence

from psa.providers.base import PSAPriority, ReferenceData

from ..normalize import fold

_NUMBER_WORDS = {"1": 1, "2": 2, "3": 3, "4": 4, "one": 1, "two": 2, "three": 3, "four": 4}
# Folded word/phrase -> level (1 = emergency ... 4 = schedule maintenance).
PRIORITY_WORDS: dict[str, int] = {
    "emergency": 1,
    "critical": 1,
    "urgent": 1,
    "urgently": 1,
    "high": 2,
    "quick response": 2,
    "asap": 2,
    "as soon as possible": 2,
    "normal": 3,
    "medium": 3,
    "standard": 3,
    "low": 4,
    "schedule maintenance": 4,
    "scheduled maintenance": 4,
    "whenever": 4,
}
# Positive statements of low urgency: a schedule-maintenance ticket, not a missing priority.
LOW_URGENCY_PHRASES: tuple[str, ...] = (
    "no rush",
    "no hurry",
    "not in a rush",
    "not a rush",
    "not in a hurry",
    "when you get a chance",
    "when you get the chance",
    "when you have time",
    "whenever you can",
    "whenever you get a chance",
    "low urgency",
)
# An outage of everyone is an emergency however it is put ("the whole office is down").
OUTAGE_PATTERN = (
    r"(?:the\s+)?(?:whole|entire)\s+(?:office|company|site|building|clinic|practice|firm|team|"
    r"shop|branch|network)\s+(?:is|are|went|has\s+gone|seems)\s+(?:completely\s+)?"
    r"(?:down|offline|out)\b|\b(?:nobody|no\s+one|no-one)\s+(?:here\s+)?can\s+work\b"
)
_OUTAGE_RE = re.compile(OUTAGE_PATTERN)
NEGATORS = frozenset(
    {"not", "non", "no", "isnt", "nothing", "never", "without", "wasnt", "arent", "neither"}
)
_NUMERIC_PRIORITY_RE = re.compile(
    r"\b(?:p|priority|prio|pri)\s*(1|2|3|4|one|two|three|four)\b|\bp([1-4])\b"
)
_REF_LEVEL_KEYWORDS: tuple[tuple[str, int], ...] = (
    ("emergency", 1),
    ("critical", 1),
    ("urgent", 1),
    ("quick", 2),
    ("high", 2),
    ("normal", 3),
    ("medium", 3),
    ("standard", 3),
    ("schedule", 4),
    ("maintenance", 4),
    ("low", 4),
)


def _negated(words: Sequence[str], index: int) -> bool:
    """True when one of the three words before `index` negates it ("not urgent", "not an emergency")."""
    return any(w in NEGATORS for w in words[max(0, index - 3) : index])


def classify_priority(text: str | None) -> int | None:
    """The level (1-4) a dispatcher's priority words mean, or None (unstated, negated, unknown)."""
    if not text:
        return None
    folded = fold(text)
    m = _NUMERIC_PRIORITY_RE.search(folded)
    if m:
        return _NUMBER_WORDS[m.group(1) or m.group(2)]
    if any(re.search(rf"\b{p}\b", folded) for p in LOW_URGENCY_PHRASES):
        return 4
    if _OUTAGE_RE.search(folded):
        return 1
    words = folded.split()
    found: list[tuple[int, int]] = []
    for phrase, level in PRIORITY_WORDS.items():
        plen = len(phrase.split())
        for i in range(len(words) - plen + 1):
            if " ".join(words[i : i + plen]) == phrase and not _negated(words, i):
                found.append((i, level))
    return min(found)[1] if found else None


def _reference_priority_level(priority: PSAPriority) -> int | None:
    name = fold(priority.name)
    if "do not" in name or "dont" in name:
        return None
    m = _NUMERIC_PRIORITY_RE.search(name)
    if m:
        return _NUMBER_WORDS[m.group(1) or m.group(2)]
    for keyword, level in _REF_LEVEL_KEYWORDS:
        if re.search(rf"\b{keyword}", name):
            return level
    return None


def resolve_priority(text: str | None, reference: ReferenceData) -> PSAPriority | None:
    if not text:
        return None
    folded = fold(text)
    for p in reference.priorities:
        if fold(p.name) == folded:
            return p
    level = classify_priority(text)
    if level is None:
        return None
    matching = [p for p in reference.priorities if _reference_priority_level(p) == level]
    if not matching and not any(_reference_priority_level(p) for p in reference.priorities):
        ranked = sorted(
            (p for p in reference.priorities if "not" not in fold(p.name).split()),
            key=lambda p: (p.sort, p.id),
        )
        matching = ranked[level - 1 : level]
    return min(matching, key=lambda p: (p.sort, p.id)) if matching else None
