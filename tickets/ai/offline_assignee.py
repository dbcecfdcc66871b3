"""Who the ticket is assigned to: "assign to Kai", "give it to me", "put Lucia on it" (offline
engine). Only names an active member answers to are chosen; the resolver explains the rest."""

from __future__ import annotations

import re

from psa.providers.base import ReferenceData

from .normalize import fold, word_set
from .offline_spans import Span
from .vocab.member import resolve_member

# --- assignee ---------------------------------------------------------------------------------------

_NAME = r"(?P<name>[^\W\d_][\w'’.\-]*(?:\s+[^\W\d_][\w'’.\-]*){0,2})"
_ME_RE = re.compile(
    r"\b(?:(?:re-?)?assign(?:ed)?(?:\s+(?:it|this|this\s+one|the\s+ticket))?\s+to\s+(?:me|myself)"
    r"|assign\s+(?:me|myself)"
    r"|(?:give|hand|send|pass|route)\s+(?:it|this|that|the\s+ticket)\s+(?:over\s+)?to\s+me"
    r"|(?:i'?ll|i\s+will|i\s+can|i'?m\s+going\s+to|let\s+me)\s+(?:take|handle|grab|own|pick\s+up|look\s+at|work)"
    r"(?:\s+(?:it|this|that|on\s+it|on\s+this))?"
    r"|(?:take|taking|handle|handling|do|doing)\s+(?:it|this|that)\s+myself"
    r"|(?:i'?m|i\s+am)\s+(?:taking|handling|on)\s+(?:it|this|that)"
    r"|put\s+me\s+on\s+(?:it|this|that)"
    r"|for\s+me\s+to\s+(?:handle|take|look|work)"
    r"|assignee\s*[:=-]?\s*me"
    r"|owner\s*[:=-]\s*me)\b"
    r"|(?:^|(?<=[,;.]))\s*(?:it'?s\s+)?mine(?=\s*(?:$|[,;.!]))",
    re.I,
)
_NAME_BACK = r"(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)?)"
# (pattern, mode): "explicit" triggers report an unknown name; "known" ones need a real member;
# "before" is a name in front of the verb ("Kai should take it").
_ASSIGN_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"\b(?:re-?)?assign(?:ed|ing)?(?:\s+(?:it|this|this\s+one|the\s+ticket|ticket))?\s+(?:to|for)\s+{_NAME}",
            re.I,
        ),
        "explicit",
    ),
    (
        re.compile(
            rf"\bassign(?:ed)?\s*[:=]?\s+(?!to\b|it\b|this\b|the\b|for\b|me\b){_NAME}", re.I
        ),
        "explicit",
    ),
    (
        re.compile(
            rf"\b(?:assignee|owner|tech|technician|engineer)\s*(?::|=|-|is)\s*{_NAME}", re.I
        ),
        "explicit",
    ),
    (
        re.compile(
            rf"\b(?:give|hand|pass|route|send|forward|throw|toss)(?:\s+(?:it|this|that|this\s+one|the\s+ticket))?"
            rf"(?:\s+(?:off|over))?\s+to\s+{_NAME}",
            re.I,
        ),
        "explicit",
    ),
    (re.compile(rf"(?<![\w.])@{_NAME}", re.I), "explicit"),
    (
        re.compile(
            rf"\b(?:put|get|have|let|ask|need)\s+{_NAME}\s+(?:on\s+(?:it|this|that|the\s+ticket)\b"
            rf"|to\s+(?:handle|take|look|check|fix|work|own|sort)\b)",
            re.I,
        ),
        "known",
    ),
    (
        re.compile(rf"\bfor\s+{_NAME}\s+to\s+(?:handle|take|look|check|fix|work|own|sort)\b", re.I),
        "known",
    ),
    (
        re.compile(
            rf"\b{_NAME_BACK}\s+(?:should|can|could|will|to|is\s+going\s+to|please)\s+"
            rf"(?:take|handle|own|grab|pick\s+up|look\s+at|work\s+on)\b"
            rf"(?:\s+(?:this\s+one|that\s+one|it|this|that|the\s+ticket)\b)?"
        ),
        "before",
    ),
)
_NOT_A_NAME = word_set(
    """
    it this that the a an them him her someone somebody anyone anybody whoever tech techs
    team network tier service helpdesk help desk escalations escalation onboarding
    monitoring alerts board queue level onsite dispatch me myself us you they user users
    client customer nobody and on for at to with by asap today tomorrow now please pls
    priority status
    """
)


_CALENDAR_WORDS = word_set(
    """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec today tomorrow tonight eod
    asap
    """
)


def _name_slot(slot: str) -> list[str]:
    words: list[str] = []
    for raw in slot.split():
        word = raw.strip(".'’-")
        if not word or fold(word) in _NOT_A_NAME:
            break
        words.append(word)
        if raw.endswith(".") and len(word) > 1:  # "Anika." ends the sentence; "J." is an initial
            break
    return words


def _word_offsets(text: str, start: int, words: list[str]) -> tuple[int, int]:
    """Where `words` (in order) sit in `text` from `start`."""
    pos, first = start, -1
    for word in words:
        at = text.find(word, pos)
        if at < 0:
            break
        first = at if first < 0 else first
        pos = at + len(word)
    return (first if first >= 0 else start), pos


def find_assignee(text: str, reference: ReferenceData) -> tuple[str | None, bool, list[Span]]:
    """(name as written | None, assign to me?, spans)."""
    me = _ME_RE.search(text)
    lowercase_prompt = not any(ch.isupper() for ch in text)
    candidates: list[tuple[int, int, str]] = []  # (start, end, name)
    for pattern, mode in _ASSIGN_PATTERNS:
        for m in pattern.finditer(text):
            words = _name_slot(m.group("name"))
            if mode == "before":
                windows = [words[len(words) - k :] for k in range(len(words), 0, -1)]
            else:
                windows = [words[:k] for k in range(len(words), 0, -1)]
            chosen = next(
                (w for w in windows if resolve_member(" ".join(w), reference).matched), []
            )
            if (
                mode != "before"
                and len(chosen) == 1
                and len(words) > 1
                and words[1].isalpha()
                and words[1][0].isupper()
                and fold(words[1]) not in _CALENDAR_WORDS
                and not resolve_member(" ".join(words[:2]), reference).matched
            ):
                # "Jordan Smithson" is not "Jordan Smith": a full name we don't know, not a first name
                chosen = words[:2] if mode == "explicit" else []
            if (
                not chosen
                and mode == "explicit"
                and words
                and (words[0][0].isupper() or lowercase_prompt)
            ):
                two = len(words) > 1 and (words[1][0].isupper() or lowercase_prompt)
                chosen = words[:2] if two else words[:1]
            if not chosen:
                continue
            name_start, name_end = _word_offsets(text, m.start("name"), chosen)
            if mode == "before":
                candidates.append((name_start, m.end(), " ".join(chosen)))
            else:
                end = m.end() if m.end() > m.end("name") else name_end
                candidates.append((m.start(), end, " ".join(chosen)))
    if me and (not candidates or me.start() <= min(c[0] for c in candidates)):
        return "me", True, [Span(me.start(), me.end(), "assignee")]
    if not candidates:
        return None, False, []
    start, end, name = min(candidates)
    spans = [Span(start, end, "assignee")]
    if me:
        spans.append(Span(me.start(), me.end(), "assignee"))
    return name, False, spans
