"""Priority words in a dispatcher's text, with their strength and negation (offline engine)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .offline_spans import Span, overlaps_any
from .vocab.priority import LOW_URGENCY_PHRASES, OUTAGE_PATTERN

_NEG = r"(?:not|non|isn'?t|is\s+not|nothing|never|no)(?:[\s-]+(?:an?|very|that|super|too|really|so))?[\s-]+"
_PRIO_WORD = (
    r"emergency|critical|urgent|high|quick\s+response|normal|medium|standard|low"
    r"|schedul(?:e|ed)\s+maintenance"
)
_PRIORITY_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    # strength, pattern; group "neg" marks a negation
    (
        3,
        re.compile(
            r"(?<![\w-])(?:p|priority|prio|pri)\s*[-#:]?\s*(?:[1-4]|one|two|three|four)\b", re.I
        ),
    ),
    (
        2,
        re.compile(
            rf"\b(?P<neg>{_NEG})?(?:{_PRIO_WORD})[\s-]+(?:priority|prio|pri|urgency|importance)\b"
            rf"|\b(?:priority|prio|urgency)\s*(?:is|:|=|of|to|should\s+be|-)?\s*(?:{_PRIO_WORD})\b",
            re.I,
        ),
    ),
    (
        1,
        re.compile(
            r"\b(?:" + "|".join(p.replace(" ", r"\s+") for p in LOW_URGENCY_PHRASES) + r")\b",
            re.I,
        ),
    ),
    (1, re.compile(r"\b(?P<neg>not\s+(?:a\s+)?(?:big\s+|top\s+|huge\s+)?)priority\b", re.I)),
    (1, re.compile(rf"\b{OUTAGE_PATTERN}", re.I)),
    (
        1,
        re.compile(
            rf"(?P<neg>\b{_NEG})?\b(?:urgent(?:ly)?|emergency|asap|as\s+soon\s+as\s+possible"
            rf"|quick\s+response|schedul(?:e|ed)\s+maintenance"
            rf"|critical(?=\s*(?:$|[,.;:!?)\-–]|\s+(?:priority|issue|problem|outage|situation|now)\b))"
            rf"|whenever(?=\s*(?:$|[,.;!?)\-–]|\s+(?:you|u|someone|possible|convenient|there)\b)))",
            re.I,
        ),
    ),
    (
        1,
        re.compile(
            r"(?:^|(?<=[,;:.!?(\-–—]))\s*(?:(?:it'?s|this\s+is|make\s+it|mark\s+it|set\s+it|very|super|"
            r"pretty|fairly|kinda|as)\s+)*(?P<word>high|low|normal|medium|standard|critical|urgent)"
            r"(?:\s*!+)?\s*(?=$|[,;.!?)\-–—])",
            re.I,
        ),
    ),
)


@dataclass(frozen=True)
class PriorityHit:
    span: Span
    text: str
    strength: int
    negated: bool


def find_priorities(text: str, taken: list[Span]) -> list[PriorityHit]:
    hits: list[PriorityHit] = []
    for strength, pattern in _PRIORITY_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if "word" in pattern.groupindex:
                start = m.start("word")
            while start < end and text[start].isspace():
                start += 1
            if start >= end or overlaps_any(taken, start, end):
                continue
            if any(h.span.overlaps(start, end) for h in hits):
                continue
            negated = "neg" in pattern.groupindex and m.group("neg") is not None
            hits.append(
                PriorityHit(Span(start, end, "priority"), text[start:end], strength, negated)
            )
    return hits
