"""The deterministic extractor: no network, a few milliseconds per prompt.

It finds the routing phrases in a dispatcher's prompt - the company, the board (named, aliased or
implied by the work), priority words (with negation), a stated status, an assignment ("assign to
Kai", "give it to me", "put Lucia on it") - and builds a short summary from what is left. It only
reports text; `resolver.resolve` turns that text into ids.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from psa.providers.base import ReferenceData

from .email_text import read_email
from .normalize import LEGAL_SUFFIXES, fold, tokenize, word_set
from .offline_email import email_fields, polite_summary, routing_text
from .types import Extraction
from .vocab.board import BOARD_KINDS, IMPLIED_BOARD_PATTERNS
from .vocab.company import CompanyMatch, choose_company, company_index, fuzzy_company
from .vocab.configuration import DEVICE_TOKEN_RE, device_tokens
from .vocab.member import member_name_words, resolve_member
from .vocab.priority import LOW_URGENCY_PHRASES, OUTAGE_PATTERN
from .vocab.status import STATUS_SYNONYMS

MAX_PROMPT_CHARS = 4000
MAX_EMAIL_CHARS = 20_000  # an .eml's text part can be longer than a typed prompt


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # company | board | priority | status | assignee | lead | device
    removable: bool = True  # False: routing, but also part of the problem ("onboarding for ...")

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def _overlaps_any(spans: Iterable[Span], start: int, end: int) -> bool:
    return any(s.overlaps(start, end) for s in spans)


# --- lead-ins ---------------------------------------------------------------------------------------

_LEAD_IN_RE = re.compile(
    r"^\s*(?:(?:hi|hey|hello|ok|okay|yo)\b[\s,!.]*)?"
    r"(?:(?:please|pls|plz|can you|could you|would you|can we|could we|i need to|we need to)\s+)?"
    r"(?:(?:create|open|log|raise|make|add|file|start|submit|enter|put in|need|i need|we need)\s+)?"
    r"(?:a\s+|an\s+)?(?:new\s+)?(?:ticket|tkt|case|service request|request)\b"
    r"(?:\s+(?:for|at|with|about|re|regarding|on|from))?\s*[:\-–,]?\s*",
    re.IGNORECASE,
)
_NOISE_RE = re.compile(r"\b(?:please|pls|plz|thanks|thank you|thx|ty)\b[!.]?", re.IGNORECASE)

# --- priority ---------------------------------------------------------------------------------------

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
class _PriorityHit:
    span: Span
    text: str
    strength: int
    negated: bool


def _find_priorities(text: str, taken: list[Span]) -> list[_PriorityHit]:
    hits: list[_PriorityHit] = []
    for strength, pattern in _PRIORITY_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if "word" in pattern.groupindex:
                start = m.start("word")
            while start < end and text[start].isspace():
                start += 1
            if start >= end or _overlaps_any(taken, start, end):
                continue
            if any(h.span.overlaps(start, end) for h in hits):
                continue
            negated = "neg" in pattern.groupindex and m.group("neg") is not None
            hits.append(
                _PriorityHit(Span(start, end, "priority"), text[start:end], strength, negated)
            )
    return hits


# --- boards -----------------------------------------------------------------------------------------

# Aliases that are also the work itself: "onboarding for two new starters" keeps its word.
_WORK_ALIASES = frozenset(
    {
        "onboarding",
        "on boarding",
        "escalate",
        "escalated",
        "escalation",
        "monitoring",
        "alert",
        "alerts",
    }
)
_BOARD_PREFIX = (
    r"(?P<wrap1>(?:(?:put|move|send|route|place|file|log|throw|add|assign|drop|stick)\s+"
    r"(?:it\s+|this\s+|that\s+|the\s+ticket\s+)?)?(?:on|to|in|into|under|onto)\s+(?:the\s+)?)?"
)
_BOARD_SUFFIX = r"(?P<wrap2>\s+(?:board|queue|team))?"


def _alias_pattern(alias: str) -> str:
    return r"[\s-]*".join(re.escape(w) for w in alias.split())


@functools.lru_cache(maxsize=16)
def _board_regex(board_names: tuple[str, ...]) -> re.Pattern[str]:
    aliases = {a for kind in BOARD_KINDS for a in kind.aliases}
    aliases.update(fold(name) for name in board_names)
    body = "|".join(_alias_pattern(a) for a in sorted(aliases, key=len, reverse=True))
    return re.compile(rf"{_BOARD_PREFIX}\b(?P<alias>{body})\b{_BOARD_SUFFIX}", re.I)


def _find_board(
    text: str, reference: ReferenceData, taken: list[Span]
) -> tuple[str | None, list[Span]]:
    spans: list[Span] = []
    best: tuple[int, int, str] | None = None  # (-wrapped, start, alias)
    names = tuple(b.name for b in reference.boards if not b.inactive)
    for m in _board_regex(names).finditer(text):
        a_start, a_end = m.start("alias"), m.end("alias")
        if _overlaps_any(taken, a_start, a_end):
            continue
        wrapped = bool(m.group("wrap1") or m.group("wrap2"))
        alias = m.group("alias")
        start = m.start() if wrapped else a_start
        removable = wrapped or fold(alias) not in _WORK_ALIASES
        spans.append(Span(start, m.end() if wrapped else a_end, "board", removable))
        key = (0 if wrapped else 1, a_start, alias)
        if best is None or key < best:
            best = key
    return (best[2] if best else None), spans


def _implied_board(text: str, spans: list[Span]) -> str | None:
    """The work phrase that implies a board, outside company and assignee spans."""
    masked = list(text)
    for s in spans:
        if s.kind in ("company", "assignee"):
            masked[s.start : s.end] = " " * (s.end - s.start)
    folded = fold("".join(masked))
    for _key, pattern in IMPLIED_BOARD_PATTERNS:
        m = pattern.search(folded)
        if m:
            return m.group()
    return None


# --- status -----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _status_patterns(status_names: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    names = {fold(n) for n in status_names}
    names.update(STATUS_SYNONYMS)
    body = "|".join(_alias_pattern(n) for n in sorted(names, key=len, reverse=True) if n)
    if not body:
        return ()
    return tuple(
        re.compile(p, re.I)
        for p in (
            rf"\b(?:status|state)\s*(?:is|:|=|to|of|should\s+be|as|->|-)?\s*(?:set\s+to\s+)?\b(?P<name>{body})\b",
            rf"\b(?:set|mark|move|put|change)\s+(?:it|this|the\s+ticket)?\s*(?:(?:as|to|in|into)\s+)?(?P<name>{body})\b",
            rf"\b(?P<name>{body})\s+status\b",
            r"\b(?:already|currently)\s+(?P<name>in\s+progress)\b",
            r"\b(?P<name>waiting\s+(?:on|for)\s+(?:the\s+)?(?:client|customer))\b",
        )
    )


def _find_status(text: str, reference: ReferenceData) -> tuple[str | None, list[Span]]:
    names = tuple(s.name for s in reference.statuses if not s.inactive)
    for pattern in _status_patterns(names):
        m = pattern.search(text)
        if m:
            return m.group("name"), [Span(m.start(), m.end(), "status")]
    return None, []


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


def _find_assignee(text: str, reference: ReferenceData) -> tuple[str | None, bool, list[Span]]:
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


# --- segments and the summary -----------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "st", "jr", "sr", "eg", "ie", "etc", "vs", "no", "approx"}
)
_SPLIT_RE = re.compile(r"[,;()]|\s[-–—]+\s|:(?!\d)|[.!?]+(?=\s|$)|\n+|\s[-–—]+$|^[-–—]+\s")
_FILLER = (
    word_set(
        """
    it this that on to the a an and or but please pls plz board queue team priority prio
    status set make mark as put give assign assigned for at with from ticket tkt is be
    should now thanks thx too also both so then of in into under move send route level tier
    via re
    """
    )
    | LEGAL_SUFFIXES
)
_GAP = "\x00"  # where a routing phrase was cut out
_LEADING_DROP = frozenset(
    ["and", "but", "also", "so", "then", "plus", "both", "please", "pls", "re", "regarding"]
)
_TRAILING_DROP = frozenset(["and", "or", "but", "please", "pls"])
# Connectors that only belonged to a cut-out phrase: "reset for the receptionist at <Pinecrest>".
_CONNECTOR_BEFORE_GAP_RE = re.compile(
    rf"(?:\b(?:for|at|with|from|to|of|by|in|on|and|or|via|under|into|onto|@)\s*)+{_GAP}", re.I
)
_CONNECTOR_AFTER_GAP_RE = re.compile(
    rf"^\s*{_GAP}[\s{_GAP}]*(?:(?:and|or|for|at|to|with|from|on)\b\s*)+", re.I
)
_LEADING_VERBS_RE = re.compile(
    r"^(?:(?:both\s+)?(?:needs?|wants?|would\s+like|has|have|is\s+having|are\s+having|reports?|reported|"
    r"reporting|says?|said|asked\s+for|asking\s+for|is\s+asking\s+for|requests?|requested|requesting)\s+)"
    r"(?:(?:that|to\s+have)\s+)?(?:an?\s+)?",
    re.I,
)


@dataclass
class _Segment:
    start: int
    end: int
    sentence: int
    sep: str  # the separator before it
    text: str = ""
    content: bool = False
    after_company: bool = False


def _segments(text: str) -> list[_Segment]:
    segments: list[_Segment] = []
    pos, sentence, sep = 0, 0, ""
    for m in _SPLIT_RE.finditer(text):
        token = m.group()
        if token[0] in ".!?" and token == "." and m.start() > 0:
            word = re.search(r"(\w+)$", text[: m.start()])
            if word and fold(word.group(1)) in _ABBREVIATIONS:
                continue
            if word and len(word.group(1)) == 1 and word.group(1).isupper():
                continue
        segments.append(_Segment(pos, m.start(), sentence, sep))
        pos = m.end()
        stripped = token.strip()
        if not stripped or stripped[0] in ".!?\n":
            sentence += 1
            sep = ". "
        elif stripped[0] in "-–—":
            sep = " - "
        elif stripped == ":":
            sep = ": "
        else:
            sep = ", "
    segments.append(_Segment(pos, len(text), sentence, sep))
    return [s for s in segments if text[s.start : s.end].strip()]


def _is_content(words: str) -> bool:
    return any(fold(w) not in _FILLER for w in re.findall(r"[\w'’]+", words) if fold(w))


def _clean_segment(text: str, after_company: bool) -> str:
    text = re.sub(r"[ \t\r\n]+", " ", text)
    text = _CONNECTOR_AFTER_GAP_RE.sub(_GAP, text)
    text = _CONNECTOR_BEFORE_GAP_RE.sub(_GAP, text)
    text = re.sub(rf"\s*{_GAP}[\s{_GAP}]*", " ", text).strip(" \t-–—:,;\"'")
    for _ in range(4):
        words = text.split()
        while words and fold(words[0]) in _LEADING_DROP:
            words.pop(0)
        while words and fold(words[-1]) in _TRAILING_DROP:
            words.pop()
        text = " ".join(words)
        if after_company:
            new = _LEADING_VERBS_RE.sub("", text)
            if new != text:
                text = new
                continue
        break
    return text.strip(" -–—:,;!?.")


def _summary_and_description(
    prompt: str, text: str, spans: list[Span]
) -> tuple[str | None, str | None]:
    segments = _segments(text)
    kept: list[_Segment] = []
    for seg in segments:
        inside = sorted((s for s in spans if s.overlaps(seg.start, seg.end)), key=lambda s: s.start)
        pieces, content_pieces, pos = [], [], seg.start
        after_company = False
        for s in inside:
            lo, hi = max(s.start, seg.start), min(s.end, seg.end)
            before = text[pos:lo]
            pieces.append(before)
            content_pieces.append(before)
            if s.kind == "company" and not "".join(pieces).replace(_GAP, "").strip():
                after_company = True
            pieces.append(_GAP if s.removable else text[lo:hi])
            pos = max(pos, hi)
        pieces.append(text[pos : seg.end])
        content_pieces.append(text[pos : seg.end])
        if not _is_content(" ".join(content_pieces)):
            continue
        seg.text = _clean_segment("".join(pieces), after_company)
        if seg.text:
            kept.append(seg)
    if not kept:
        return None, (prompt.strip() or None)
    first = kept[0]
    summary = first.text
    used = 1
    for seg in kept[1:]:
        if seg.sentence != first.sentence:
            break
        candidate = f"{summary}{seg.sep}{seg.text}"
        if len(candidate) > 100:
            break
        summary = candidate
        used += 1
    truncated = len(summary) > 100
    description = prompt.strip() if (used < len(kept) or truncated) else None
    return summary, description


# --- the extractor ----------------------------------------------------------------------------------


def _company(
    text: str,
    reference: ReferenceData,
    taken: list[Span],
    context_company_id: int | None = None,
) -> tuple[str | None, list[Span]]:
    tokens = tokenize(text)
    excluded = frozenset(i for i, t in enumerate(tokens) if _overlaps_any(taken, t.start, t.end))
    index = company_index(reference)
    matches = index.scan(tokens, excluded)
    if not matches:
        typo = fuzzy_company(text, reference, excluded)
        if typo is None:
            return None, []
        # A misspelling names a company the way a full name would (the resolver warns).
        return typo.text, [Span(typo.start_char, typo.end_char, "company")]
    choice = choose_company(index, matches)
    top = max(m.level for m in matches)
    strongest: list[CompanyMatch] = [m for m in matches if m.level == top]

    def removable(m: CompanyMatch) -> bool:
        # With a linked ticket's company, a short form of another company ("the Riverside
        # office") is a place in the problem, not the routing: it stays in the summary.
        return context_company_id is None or m.level > 2 or context_company_id in m.company_ids()

    spans = [Span(m.start_char, m.end_char, "company", removable(m)) for m in matches]
    if choice.company is not None:
        chosen = next(m for m in strongest if choice.company.id in m.company_ids())
        return text[chosen.start_char : chosen.end_char], spans
    return " or ".join(text[m.start_char : m.end_char] for m in strongest), spans


# --- people and devices to look up in the tenant ---------------------------------------------------

# "Grace", "O'Neil", "McKenzie" (not "A", not "IT").
_CAP_WORD = r"(?=\w[a-z'’])[A-Z][a-z]*(?:['’]?[A-Z][a-z]+)*"
_FULL_NAME_RE = re.compile(rf"(?<![\w'’-])({_CAP_WORD})\s+({_CAP_WORD})(?:['’]s)?(?![\w-])")
_FIRST_NAME_HINT_RE = re.compile(rf"(?<![\w'’-])({_CAP_WORD})(?:['’]s)?\s+(?:at|from|@|over at)\s+")
# Capitalised words that start sentences or name products, never a person's first name here.
_NOT_FIRST_NAMES = word_set(
    """
    new the a an our my their his her this that users user staff everyone all some front back
    main head guest guests office printer printers laptop server email outlook teams windows
    microsoft office365 sharepoint onedrive adobe quickbooks zoom vpn wifi internet phone phones
    monday tuesday wednesday thursday friday saturday sunday please urgent high low normal
    emergency critical no not
    """
)


def _tenant_names(
    text: str, spans: list[Span], reference: ReferenceData
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(person names, device names) worth one lookup in the tenant, outside routing spans."""
    members = member_name_words(reference.members)
    blocked = [s for s in spans if s.kind in ("assignee", "company", "board", "status", "lead")]
    names: list[str] = []
    for m in _FULL_NAME_RE.finditer(text):
        first, last = m.group(1), m.group(2)
        if fold(first) in _NOT_FIRST_NAMES or _overlaps_any(blocked, m.start(), m.end(2)):
            continue
        names.append(f"{first} {last}")
    for m in _FIRST_NAME_HINT_RE.finditer(text):
        first = m.group(1)
        if fold(first) in _NOT_FIRST_NAMES or fold(first) in members:
            continue
        if not _overlaps_any(blocked, m.start(1), m.end(1)):
            names.append(first)
    return tuple(dict.fromkeys(names)), tuple(device_tokens(text))


# Markup and code quoted in a prompt ("<script>alert(1)</script>", `rm -rf`) is text the engineer
# will want to see verbatim: it is masked while routing words are found (so "alert" in it is no
# monitoring alert, and its brackets split nothing) and put back, whole, into the summary.
_LITERAL_RE = re.compile(r"<(\w+)\b[^<>]*>[^<>]*</\1\s*>|</?\w+\b[^<>]*/?>|`[^`\n]+`")
_MASK = "\ue000"
_MASK_RUN = re.compile(f"{_MASK}+")


def _mask_literals(text: str) -> tuple[str, list[str]]:
    literals = [m.group() for m in _LITERAL_RE.finditer(text)]
    return _LITERAL_RE.sub(lambda m: _MASK * len(m.group()), text), literals


def _restore_literals(text: str | None, literals: list[str]) -> str | None:
    if not text or not literals:
        return text
    found = iter(literals)
    return _MASK_RUN.sub(lambda m: next(found, ""), text)


def extract(
    prompt: str, reference: ReferenceData, *, context_company_id: int | None = None
) -> Extraction:
    """Pull the routing words, the names to look up and a summary out of `prompt` (no ids, no
    network). `context_company_id`: a linked ticket's company (see `_company`). A pasted email
    is read as one (`email_text`): its subject and ask go through the sentence rules, its
    headers and signature add the sender, and the description keeps the whole email."""
    email = read_email((prompt or "")[:MAX_EMAIL_CHARS])
    if email is None:
        return _extract_sentence(prompt, reference, context_company_id=context_company_id)
    text, from_subject = routing_text(email)
    found = _extract_sentence(text, reference, context_company_id=context_company_id)
    extra = email_fields(email, reference, found.contact_names)
    summary = found.summary if from_subject else polite_summary(found.summary)
    return dataclasses.replace(
        found,
        summary=summary,
        description=(prompt or "").strip() or None,
        contact_names=extra.contact_names,
        sender_name=extra.sender_name,
        sender_address=extra.sender_address,
        signature_company_text=extra.signature_company_text,
    )


def _extract_sentence(
    prompt: str, reference: ReferenceData, *, context_company_id: int | None = None
) -> Extraction:
    text, literals = _mask_literals((prompt or "")[:MAX_PROMPT_CHARS])
    spans: list[Span] = []
    # Device names are part of the problem (kept in the summary) and never company words.
    spans += [Span(m.start(), m.end(), "device", False) for m in DEVICE_TOKEN_RE.finditer(text)]

    lead = _LEAD_IN_RE.match(text)
    if lead and lead.end() > 0:
        spans.append(Span(lead.start(), lead.end(), "lead"))
    for m in _NOISE_RE.finditer(text):
        spans.append(Span(m.start(), m.end(), "lead"))

    status_text, found = _find_status(text, reference)
    spans += found
    assignee_text, to_me, found = _find_assignee(text, reference)
    found = [s for s in found if not _overlaps_any(spans, s.start, s.end)] or found
    spans += found
    company_text, found = _company(
        text, reference, [s for s in spans if s.kind != "lead"], context_company_id
    )
    spans += found
    board_text, found = _find_board(text, reference, spans)
    spans += found

    hits = _find_priorities(text, spans)
    spans += [h.span for h in hits]
    positive = [h for h in hits if not h.negated]
    chosen = min(positive or hits, key=lambda h: (-h.strength, h.span.start), default=None)
    priority_text = chosen.text if chosen else None
    if chosen and chosen.negated:
        priority_text = chosen.text  # the resolver reads the negation and leaves priority unset

    summary, description = _summary_and_description(prompt or "", text, spans)
    summary = _restore_literals(summary, literals)
    contact_names, device_names = _tenant_names(text, spans, reference)
    return Extraction(
        summary=summary,
        description=description,
        company_text=company_text,
        board_text=board_text,
        implied_board_text=_implied_board(text, spans),
        priority_text=priority_text,
        status_text=status_text,
        assignee_text=assignee_text,
        assign_to_me=to_me,
        contact_names=contact_names,
        device_names=device_names,
        engine="offline",
    )
