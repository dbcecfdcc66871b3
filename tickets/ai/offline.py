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

from psa.providers.base import ReferenceData

from .email_text import read_email
from .limits import MAX_PROMPT_CHARS
from .normalize import fold, tokenize, word_set
from .offline_assignee import find_assignee
from .offline_email import email_fields, polite_summary, routing_text
from .offline_priority import find_priorities
from .offline_spans import Span, overlaps_any
from .offline_summary import summary_and_description
from .types import Extraction
from .vocab.board import BOARD_KINDS, IMPLIED_BOARD_PATTERNS
from .vocab.company import CompanyMatch, choose_company, company_index, fuzzy_company
from .vocab.configuration import DEVICE_TOKEN_RE, device_tokens
from .vocab.member import member_name_words
from .vocab.status import STATUS_SYNONYMS

# The sentence rules read at most this much: the routing words and the problem come first in
# a request (and in an email's subject and ask), and the name and company rules grow faster
# than linearly with the text. An email is split first, over the whole prompt, so its sender
# and signature are read however long its ask.
SENTENCE_CHARS = 4000


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
        if overlaps_any(taken, a_start, a_end):
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


# --- the extractor ----------------------------------------------------------------------------------


def _company(
    text: str,
    reference: ReferenceData,
    taken: list[Span],
    context_company_id: int | None = None,
) -> tuple[str | None, list[Span]]:
    tokens = tokenize(text)
    excluded = frozenset(i for i, t in enumerate(tokens) if overlaps_any(taken, t.start, t.end))
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
        if fold(first) in _NOT_FIRST_NAMES or overlaps_any(blocked, m.start(), m.end(2)):
            continue
        names.append(f"{first} {last}")
    for m in _FIRST_NAME_HINT_RE.finditer(text):
        first = m.group(1)
        if fold(first) in _NOT_FIRST_NAMES or fold(first) in members:
            continue
        if not overlaps_any(blocked, m.start(1), m.end(1)):
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
    prompt = (prompt or "")[:MAX_PROMPT_CHARS]
    email = read_email(prompt)
    if email is None:
        return _extract_sentence(prompt, reference, context_company_id=context_company_id)
    text, from_subject = routing_text(email)
    found = _extract_sentence(text, reference, context_company_id=context_company_id)
    extra = email_fields(email, reference, found.contact_names)
    summary = found.summary if from_subject else polite_summary(found.summary)
    return dataclasses.replace(
        found,
        summary=summary,
        description=prompt.strip() or None,
        contact_names=extra.contact_names,
        sender_name=extra.sender_name,
        sender_address=extra.sender_address,
        signature_company_text=extra.signature_company_text,
    )


def _extract_sentence(
    prompt: str, reference: ReferenceData, *, context_company_id: int | None = None
) -> Extraction:
    prompt = prompt or ""
    text, literals = _mask_literals(prompt[:SENTENCE_CHARS])
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
    assignee_text, to_me, found = find_assignee(text, reference)
    found = [s for s in found if not overlaps_any(spans, s.start, s.end)] or found
    spans += found
    company_text, found = _company(
        text, reference, [s for s in spans if s.kind != "lead"], context_company_id
    )
    spans += found
    board_text, found = _find_board(text, reference, spans)
    spans += found

    hits = find_priorities(text, spans)
    spans += [h.span for h in hits]
    positive = [h for h in hits if not h.negated]
    chosen = min(positive or hits, key=lambda h: (-h.strength, h.span.start), default=None)
    priority_text = chosen.text if chosen else None
    if chosen and chosen.negated:
        priority_text = chosen.text  # the resolver reads the negation and leaves priority unset

    summary, description = summary_and_description(prompt, text, spans)
    if description is None and len(prompt) > SENTENCE_CHARS:
        description = prompt.strip()  # more was written than the rules read
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
