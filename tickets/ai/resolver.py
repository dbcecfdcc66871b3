"""One resolver for both engines: names and words -> ids that exist in the account's reference data.

An engine (offline or Anthropic) hands over an `Extraction` - text as the dispatcher wrote it. This
module owns the dispatcher vocabulary (priority words, board aliases, work that implies a board) and
the careful name matching (companies by name, identifier or short form; members by first, last or
full name). It never returns an id that is not in `ReferenceData`: anything it cannot pin down to
exactly one record becomes None plus a warning that says why.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from psa.providers.base import (
    PSABoard,
    PSACompany,
    PSAMember,
    PSAPriority,
    PSAStatus,
    ReferenceData,
)

from .normalize import (
    LEGAL_SUFFIXES,
    Token,
    camel_split,
    compact,
    fold,
    fold_tokens,
    match_key,
    strip_legal_suffixes,
    tokenize,
    word_set,
)
from .types import REQUIRED_FIELDS, Extraction, ParseResult

SUMMARY_MAX = 100

# --- priority vocabulary ----------------------------------------------------------------------------

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


# --- boards -----------------------------------------------------------------------------------------


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


def _boards_of_kind(kind_key: str, boards: Iterable[PSABoard]) -> list[PSABoard]:
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
    candidates = _boards_of_kind(kind, boards)
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        return None, f"No board matches '{text.strip()}'; pick the board"
    names = _join_names(b.name for b in candidates)
    return None, f"'{text.strip()}' could be {names}; pick the board"


# --- statuses ---------------------------------------------------------------------------------------

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


# --- members ----------------------------------------------------------------------------------------

ME_WORDS = frozenset({"me", "myself", "i", "mine", "self"})


@dataclass(frozen=True)
class MemberMatch:
    member: PSAMember | None
    warning: str | None = None
    matched: bool = False  # the text named one or more members (active or not)


_GENERATIONAL = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _member_first_last(m: PSAMember) -> tuple[str, str]:
    first, last = fold(m.first_name), fold(m.last_name)
    if not first and not last:
        parts = fold(m.name).split()
        first = parts[0] if parts else ""
        last = " ".join(parts[1:])
    return first, last


def _last_name_forms(last: str) -> set[str]:
    """'diaz jr' -> {'diazjr', 'diaz'}: "Diaz" names Carlos Diaz Jr. as much as Casey Diaz."""
    words = last.split()
    forms = {compact(words)}
    while len(words) > 1 and words[-1] in _GENERATIONAL:
        words = words[:-1]
        forms.add(compact(words))
    forms.discard("")
    return forms


def member_name_words(members: Iterable[PSAMember]) -> frozenset[str]:
    """Folded single-word first and last names (used to keep them from reading as companies)."""
    words: set[str] = set()
    for m in members:
        first, last = _member_first_last(m)
        words.update(w for w in (compact(first), *_last_name_forms(last)) if w)
    return frozenset(words)


def _member_tiers(text: str, members: Sequence[PSAMember]) -> list[list[PSAMember]]:
    """Members matching `text`, strongest kind of match first."""
    words = fold_tokens(text)
    joined = compact(words)
    full: list[PSAMember] = []
    single: list[PSAMember] = []
    initials: list[PSAMember] = []
    nickname: list[PSAMember] = []
    for m in members:
        first, last = _member_first_last(m)
        cf, lasts = compact(first), _last_name_forms(last)
        cl = compact(last)
        fulls = {compact(m.name), compact(m.identifier)} | {cf + form for form in lasts}
        if joined in fulls or (len(words) == 2 and words[0] in lasts and words[1] == cf):
            full.append(m)
        elif joined == cf or joined in lasts:
            single.append(m)
        elif len(words) == 2 and (
            (len(words[0]) == 1 and cf.startswith(words[0]) and words[1] in lasts)
            or (words[0] == cf and len(words[1]) == 1 and cl.startswith(words[1]))
        ):
            initials.append(m)
        elif len(words) == 1 and len(joined) >= 3 and cf.startswith(joined):
            nickname.append(m)
    return [tier for tier in (full, single, initials, nickname) if tier]


def resolve_member(text: str | None, reference: ReferenceData) -> MemberMatch:
    if not text or not fold(text):
        return MemberMatch(None)
    shown = text.strip()
    tiers = _member_tiers(text, reference.members)
    if not tiers:
        return MemberMatch(None, f"No active ConnectWise member matches '{shown}'; left unassigned")
    tier = tiers[0]
    active = [m for m in tier if not m.inactive]
    if len(active) == 1:
        return MemberMatch(active[0], matched=True)
    if len(active) > 1:
        names = _join_names(m.name for m in active)
        return MemberMatch(
            None, f"'{shown}' could be {names}; left unassigned - pick one", matched=True
        )
    names = _join_names(m.name for m in tier)
    verb = "is" if len(tier) == 1 else "are"
    return MemberMatch(
        None,
        f"{names} {verb} inactive in ConnectWise and can't be assigned; left unassigned",
        matched=True,
    )


# --- companies --------------------------------------------------------------------------------------

# First words too generic to stand for a company on their own ("Blue" for Blue Harbor).
GENERIC_WORDS = word_set(
    """
    the a an and of for at in on to with blue red green black white gold silver metro city
    first united american national global general new north south east west central pacific
    atlantic digital smart best prime premier advanced professional family medical dental
    law group services service solutions systems tech it home auto health care bright quick
    pure office main big little grand royal star sun sunny river lake park valley mountain
    green client customer user users company team internal our my percent plus
    """
)
_JOINERS = frozenset({"and", "of", "the", "for", "at", "in", "on", "a"})
# Punctuation a company name can run across ("Smith "Quick Fix" Auto", "O'Brien").
_TRANSPARENT = frozenset({'"', "“", "”", "'", "‘", "’", "`"})
_MAX_NGRAM = 7


@dataclass(frozen=True)
class CompanyMatch:
    start: int  # token indices into the scanned token list, end exclusive
    end: int
    start_char: int
    end_char: int
    text: str
    candidates: dict[int, tuple[int, bool]]  # company id -> (level, exact)

    @property
    def level(self) -> int:
        return max(level for level, _ in self.candidates.values())

    def company_ids(self) -> tuple[int, ...]:
        """One id when the span is unambiguous (or exactly one company matches it exactly)."""
        exact = [cid for cid, (_, is_exact) in self.candidates.items() if is_exact]
        if len(exact) == 1:
            return (exact[0],)
        return tuple(sorted(self.candidates))


@dataclass
class CompanyIndex:
    """Every way a dispatcher may write each company, keyed by compact folded text.

    Levels: 4 = full name, identifier or name without legal suffix; 3 = a leading run of two or
    more name words; 2 = a distinctive first word or a trailing run of name words ("Pure Juice");
    1 = a first word that is also a member's name, or a parenthetical ("Internal") - only at the
    start of a prompt segment ("Smith - scanner down", "Internal: ...").
    """

    companies: dict[int, PSACompany] = field(default_factory=dict)
    entries: dict[str, dict[int, tuple[int, bool]]] = field(default_factory=dict)
    name_words: dict[int, set[str]] = field(default_factory=dict)
    name_initials: dict[int, set[str]] = field(default_factory=dict)
    capitalised_only: set[str] = field(default_factory=set)  # keys that must be Written Like This

    @classmethod
    def build(cls, reference: ReferenceData) -> CompanyIndex:
        index = cls()
        people = member_name_words(reference.members)
        for company in reference.companies:
            index._add_company(company, people)
        return index

    def _add(self, words: Sequence[str], cid: int, level: int, exact: bool = False) -> None:
        key = match_key(words)
        if not key:
            return
        slot = self.entries.setdefault(key, {})
        old_level, old_exact = slot.get(cid, (0, False))
        slot[cid] = (max(level, old_level), exact or old_exact)

    def _add_company(self, company: PSACompany, people: frozenset[str]) -> None:
        cid = company.id
        self.companies[cid] = company
        main_name = re.sub(r"\([^)]*\)", " ", company.name)
        parens = re.findall(r"\(([^)]*)\)", company.name)
        quoted = re.findall(r"[\"“”]([^\"“”]+)[\"“”]", company.name)
        words: set[str] = set()
        initials: set[str] = set()
        for german in (False, True):
            full = fold_tokens(company.name, german=german)
            main = fold_tokens(main_name, german=german)
            stripped = strip_legal_suffixes(main)
            words.update(full)
            self._add(full, cid, 4, exact=True)
            self._add(main, cid, 4, exact=True)
            self._add(stripped, cid, 4)
            n = len(stripped)
            for k in range(2, n):
                prefix = stripped[:k]
                if prefix[-1] not in _JOINERS and not all(
                    w.isdigit() or w in GENERIC_WORDS for w in prefix
                ):
                    self._add(prefix, cid, 3)
            for i in range(1, n - 1):
                tail = stripped[i:]
                if tail[0] not in _JOINERS and not all(w in GENERIC_WORDS for w in tail):
                    self._add(tail, cid, 2)
            if n > 1:
                first = stripped[0]
                if first.isdigit() or len(first) < 3 or first in GENERIC_WORDS:
                    pass
                elif first in people:
                    self._add([first], cid, 1)
                else:
                    self._add([first], cid, 2)
            for i in range(len(main)):
                for j in range(i + 2, len(main) + 1):
                    initials.add("".join(w[0] for w in main[i:j]))
        for text in parens:
            self._add(fold_tokens(text), cid, 1)
        for text in quoted:  # a trade name in quotes: 'Smith "Quick Fix" Auto Repair'
            tokens = fold_tokens(text)
            if len(tokens) > 1 and not all(w in GENERIC_WORDS for w in tokens):
                self._add(tokens, cid, 2)
                self.capitalised_only.add(match_key(tokens))
        ident = camel_split(company.identifier)
        self._add([company.identifier.casefold()], cid, 4, exact=True)
        if len(ident) > 1:
            for k in range(2, len(ident)):
                self._add(ident[:k], cid, 3)
            first = ident[0]
            if len(first) >= 4 and first not in GENERIC_WORDS and first not in people:
                self._add([first], cid, 2)
        words.update(ident)
        words.update(w[:-1] for w in list(words) if len(w) > 3 and w.endswith("s"))
        self.name_words[cid] = words
        self.name_initials[cid] = initials

    # -- scanning free text --

    def scan(
        self, tokens: Sequence[Token], excluded: frozenset[int] = frozenset()
    ) -> list[CompanyMatch]:
        """Company mentions in tokenized text, longest and strongest first, non-overlapping."""
        groups: list[list[int]] = [[]]
        for i, tok in enumerate(tokens):
            if tok.is_word:
                if i in excluded:
                    groups.append([])
                else:
                    groups[-1].append(i)
            elif tok.text in _TRANSPARENT or (tok.text in "-./" and not tok.spaced):
                continue
            else:
                groups.append([])
        found: list[tuple[int, int, int, dict[int, tuple[int, bool]]]] = []
        for g, group in enumerate(groups):
            for gi in range(len(group)):
                for length in range(min(_MAX_NGRAM, len(group) - gi), 0, -1):
                    run = [tokens[group[gi + k]] for k in range(length)]
                    key = match_key(t.norm for t in run)
                    hit = self.entries.get(key)
                    if not hit:
                        continue
                    if key in self.capitalised_only and not all(t.text[0].isupper() for t in run):
                        continue
                    if gi != 0:
                        hit = {cid: v for cid, v in hit.items() if v[0] > 1}
                    if hit:
                        found.append((g, gi, length, hit))
                        break
        # Greedy: strongest, then longest, then earliest.
        found.sort(key=lambda f: (-max(v[0] for v in f[3].values()), -f[2], groups[f[0]][f[1]]))
        taken: set[int] = set()
        matches: list[CompanyMatch] = []
        for g, gi, length, hit in found:
            group = groups[g]
            if taken.intersection(group[gi : gi + length]):
                continue
            end = gi + length
            while end < len(group) and group[end] not in taken:
                norm = tokens[group[end]].norm
                if norm in LEGAL_SUFFIXES or all(
                    norm in self.name_words[cid] or norm in self.name_initials[cid] for cid in hit
                ):
                    end += 1
                else:
                    break
            idx = group[gi:end]
            taken.update(idx)
            first, last = tokens[idx[0]], tokens[idx[-1]]
            text = " ".join(tokens[i].text for i in idx)
            matches.append(
                CompanyMatch(idx[0], idx[-1] + 1, first.start, last.end, text, dict(hit))
            )
        return sorted(matches, key=lambda m: m.start)

    def lookup(self, text: str) -> dict[int, tuple[int, bool]]:
        """Companies the whole of `text` names (any level)."""
        return dict(self.entries.get(match_key(fold_tokens(text)), {}))


@functools.lru_cache(maxsize=16)
def company_index(reference: ReferenceData) -> CompanyIndex:
    return CompanyIndex.build(reference)


@dataclass(frozen=True)
class CompanyChoice:
    company: PSACompany | None
    ambiguous: tuple[PSACompany, ...] = ()


def choose_company(index: CompanyIndex, matches: Sequence[CompanyMatch]) -> CompanyChoice:
    """The one company the strongest mentions agree on, or the set they disagree between."""
    if not matches:
        return CompanyChoice(None)
    top = max(m.level for m in matches)
    ids: list[int] = []
    for m in matches:
        if m.level == top:
            ids.extend(cid for cid in m.company_ids() if cid not in ids)
    if len(ids) == 1:
        return CompanyChoice(index.companies[ids[0]])
    return CompanyChoice(None, tuple(index.companies[cid] for cid in ids))


def resolve_company(
    text: str | None, reference: ReferenceData
) -> tuple[PSACompany | None, str | None]:
    """(company, warning) for a company as written: exact name/identifier/short form, else a scan."""
    if not text or not fold(text):
        return None, "Could not determine company from context"
    shown = text.strip()
    index = company_index(reference)
    whole = index.lookup(text)
    if whole:
        match = CompanyMatch(0, 0, 0, 0, shown, whole)
        choice = CompanyChoice(None, tuple(index.companies[c] for c in match.company_ids()))
        if len(choice.ambiguous) == 1:
            return choice.ambiguous[0], None
    else:
        matches = index.scan(tokenize(text))
        choice = choose_company(index, matches)
        if choice.company is not None:
            return choice.company, None
        if len(matches) > 1 and choice.ambiguous:
            names = _join_names(c.name for c in choice.ambiguous)
            return None, f"More than one company is mentioned ({names}); pick the company"
    if choice.ambiguous:
        names = _join_names(c.name for c in choice.ambiguous)
        return None, f"'{shown}' could be {names}; pick the company"
    return None, f"No company matches '{shown}'; pick the company"


# --- the resolver -----------------------------------------------------------------------------------


def _join_names(names: Iterable[str]) -> str:
    items = list(dict.fromkeys(names))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def clean_summary(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip().strip(",;:-– ").strip()
    if not text:
        return None
    if len(text) > SUMMARY_MAX:
        cut = text[: SUMMARY_MAX + 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > SUMMARY_MAX // 2 else cut[:SUMMARY_MAX]).rstrip(",;:-– ")
    first = text.split()[0]
    if first[0].islower() and not any(ch.isupper() for ch in first[1:]):  # not "iPhone", "eBay"
        text = text[0].upper() + text[1:]
    return text


def resolve(extraction: Extraction, reference: ReferenceData, me: PSAMember | None) -> ParseResult:
    """Map an extraction onto ids in `reference`; every unresolved required id lands in missing_fields."""
    warnings: list[str] = []

    company, warning = resolve_company(extraction.company_text, reference)
    if warning:
        warnings.append(warning)

    board, warning = resolve_board(extraction.board_text, reference, implied=True)
    if board is None and extraction.implied_board_text:
        implied, _ = resolve_board(extraction.implied_board_text, reference)
        if implied is not None:
            if warning:
                warning = (
                    f"No board matches '{(extraction.board_text or '').strip()}'; "
                    f"chose {implied.name} from the work described"
                )
            board = implied
    if warning:
        warnings.append(warning)
    if board is None:
        warnings.append("Could not determine board from context")

    priority = resolve_priority(extraction.priority_text, reference)

    status, warning = resolve_status(extraction.status_text, board, reference)
    if warning:
        warnings.append(warning)

    assignee_id: int | None = None
    member_ids = {m.id for m in reference.members}
    assignee = (extraction.assignee_text or "").strip()
    if extraction.assign_to_me or fold(assignee) in ME_WORDS:
        if me is None:
            warnings.append(
                "You have no ConnectWise member mapping, so the ticket can't be assigned to you; "
                "left unassigned"
            )
        elif me.id not in member_ids:
            warnings.append(
                f"Your mapped member {me.name or me.identifier} is not in this ConnectWise "
                "account's member list; left unassigned"
            )
        elif me.inactive or any(m.id == me.id and m.inactive for m in reference.members):
            warnings.append(
                f"Your mapped member {me.name or me.identifier} is inactive in ConnectWise; "
                "left unassigned"
            )
        else:
            assignee_id = me.id
    elif assignee:
        match = resolve_member(assignee, reference)
        if match.member is not None:
            assignee_id = match.member.id
        elif match.warning:
            warnings.append(match.warning)

    summary = clean_summary(extraction.summary)
    description = (extraction.description or "").strip() or None
    if description and summary and fold(description) == fold(summary):
        description = None

    missing = {
        "company_id": company is None,
        "board_id": board is None,
        "priority_id": priority is None,
        "status_id": status is None,
    }
    return ParseResult(
        summary=summary,
        company_id=company.id if company else None,
        board_id=board.id if board else None,
        priority_id=priority.id if priority else None,
        status_id=status.id if status else None,
        assigned_member_id=assignee_id,
        description=description,
        missing_fields=tuple(f for f in REQUIRED_FIELDS if missing[f]),
        warnings=tuple(dict.fromkeys(warnings)),
        engine=extraction.engine,
    )
