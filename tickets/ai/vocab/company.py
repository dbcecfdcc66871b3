"""Companies by name, identifier or a recognisable short form, scanned out of free text."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from psa.providers.base import PSACompany, ReferenceData

from ..normalize import (
    LEGAL_SUFFIXES,
    Token,
    camel_split,
    fold,
    fold_tokens,
    match_key,
    strip_legal_suffixes,
    tokenize,
    word_set,
)
from .common import join_names
from .member import member_name_words

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
    typo: bool = False  # ran on over a misspelled name word ("Vertex Enginering")

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
            typo = False
            while end < len(group) and group[end] not in taken:
                norm = tokens[group[end]].norm
                if norm in LEGAL_SUFFIXES or all(
                    norm in self.name_words[cid] or norm in self.name_initials[cid] for cid in hit
                ):
                    end += 1
                elif len(hit) == 1 and _near_word(norm, self.name_words[next(iter(hit))]):
                    end, typo = end + 1, True
                else:
                    break
            idx = group[gi:end]
            taken.update(idx)
            first, last = tokens[idx[0]], tokens[idx[-1]]
            text = " ".join(tokens[i].text for i in idx)
            matches.append(
                CompanyMatch(idx[0], idx[-1] + 1, first.start, last.end, text, dict(hit), typo)
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


# --- misspellings -----------------------------------------------------------------------------------

# Capitalised words a sentence may start with that sit one letter away from a company word.
_NOT_TYPOS = word_set("submit summer press express center centre vortex lighter")
_FUZZY_MIN = 4  # shorter words are too easily one letter from anything


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours counts once), or `limit + 1`
    as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def _near_word(word: str, name_words: set[str]) -> bool:
    """`word` is one typo away from one of a company's longer name words ("Enginering")."""
    return len(word) >= _FUZZY_MIN and any(
        w[0] == word[0] and w != word and edit_distance(word, w, 1) <= 1
        for w in name_words
        if len(w) >= 5
    )


def _allowed_typos(length: int) -> int:
    return 1 if length <= 9 else 2


def _fuzzy_forms(company: PSACompany) -> set[str]:
    """The ways of writing a company a typo is measured against: its name without legal
    suffixes, its first two words and a distinctive first word, and its identifier."""
    main = strip_legal_suffixes(fold_tokens(re.sub(r"\([^)]*\)", " ", company.name)))
    forms = {match_key(main), company.identifier.casefold()}
    if len(main) > 2:
        forms.add(match_key(main[:2]))
    if main and main[0] not in GENERIC_WORDS and not main[0].isdigit():
        forms.add(main[0])
    return {f for f in forms if len(f) >= _FUZZY_MIN}


@dataclass(frozen=True)
class FuzzyCompany:
    start_char: int
    end_char: int
    text: str
    companies: tuple[PSACompany, ...]  # one = assumed (with a warning); more = ambiguous


def fuzzy_company(
    text: str, reference: ReferenceData, excluded: frozenset[int] = frozenset()
) -> FuzzyCompany | None:
    """A misspelled company ("Sumit Architecture", "Harborveiw Hotel"): runs of one to three
    words, starting with a capitalised word that is no member's name, within a small edit
    distance (1, or 2 past nine letters) of one way of writing a company, same first letter.
    The longest such run wins; exact spellings are the scanner's job, not this one's."""
    tokens = tokenize(text)
    people = member_name_words(reference.members)
    any_upper = any(ch.isupper() for ch in text)
    forms = {c.id: _fuzzy_forms(c) for c in reference.companies}
    by_id = {c.id: c for c in reference.companies}
    best: FuzzyCompany | None = None
    for i, first in enumerate(tokens):
        norm = first.norm
        if (
            not first.is_word
            or i in excluded
            or len(norm) < _FUZZY_MIN
            or norm in GENERIC_WORDS
            or norm in people
            or norm in _NOT_TYPOS
            or norm.isdigit()
            or (any_upper and not first.text[0].isupper())
        ):
            continue
        for length in (3, 2, 1):
            run = tokens[i : i + length]
            if len(run) < length or not all(
                t.is_word and k not in excluded for k, t in enumerate(run, i)
            ):
                continue
            key = match_key(t.norm for t in run)
            limit = _allowed_typos(len(key))
            hits = [
                cid
                for cid, fs in forms.items()
                if any(
                    f[0] == key[0] and f != key and edit_distance(key, f, limit) <= limit
                    for f in fs
                )
            ]
            if not hits:
                continue
            if best is None or length > len(best.text.split()):
                best = FuzzyCompany(
                    run[0].start,
                    run[-1].end,
                    text[run[0].start : run[-1].end],
                    tuple(by_id[cid] for cid in sorted(hits)),
                )
            break
    return best


# --- resolving a company as written ------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyResolution:
    company: PSACompany | None
    warning: str | None = None
    level: int = 0  # CompanyIndex levels (4 = full name or identifier ... 1 = weakest short form)
    ambiguous: tuple[PSACompany, ...] = ()
    assumed: bool = False  # a misspelling within a small edit distance


def resolve_company_text(text: str | None, reference: ReferenceData) -> CompanyResolution:
    """A company as written: exact name/identifier/short form, a scan, else a misspelling."""
    if not text or not fold(text):
        return CompanyResolution(None, "Could not determine company from context")
    shown = text.strip()
    index = company_index(reference)
    whole = index.lookup(text)
    matches: list[CompanyMatch] = []
    if whole:
        match = CompanyMatch(0, 0, 0, 0, shown, whole)
        choice = CompanyChoice(None, tuple(index.companies[c] for c in match.company_ids()))
        if len(choice.ambiguous) == 1:
            return CompanyResolution(choice.ambiguous[0], level=match.level)
    else:
        matches = index.scan(tokenize(text))
        choice = choose_company(index, matches)
        if choice.company is not None:
            level = max(m.level for m in matches)
            typos = [m for m in matches if m.typo and choice.company.id in m.company_ids()]
            if typos:
                return CompanyResolution(
                    choice.company,
                    f"Assumed {choice.company.name} for '{typos[0].text}'",
                    level=level,
                    assumed=True,
                )
            return CompanyResolution(choice.company, level=level)
        if len(matches) > 1 and choice.ambiguous:
            names = join_names(c.name for c in choice.ambiguous)
            return CompanyResolution(
                None,
                f"More than one company is mentioned ({names}); pick the company",
                ambiguous=choice.ambiguous,
            )
    if choice.ambiguous:
        names = join_names(c.name for c in choice.ambiguous)
        return CompanyResolution(
            None, f"'{shown}' could be {names}; pick the company", ambiguous=choice.ambiguous
        )
    typo = fuzzy_company(shown, reference)
    if typo is not None and len(typo.companies) == 1:
        company = typo.companies[0]
        return CompanyResolution(
            company, f"Assumed {company.name} for '{typo.text}'", level=1, assumed=True
        )
    if typo is not None:
        names = join_names(c.name for c in typo.companies)
        return CompanyResolution(
            None, f"'{typo.text}' could be {names}; pick the company", ambiguous=typo.companies
        )
    return CompanyResolution(None, f"No company matches '{shown}'; pick the company")


def resolve_company(
    text: str | None, reference: ReferenceData
) -> tuple[PSACompany | None, str | None]:
    """(company, warning) for a company as written (see `resolve_company_text`)."""
    resolution = resolve_company_text(text, reference)
    return resolution.company, resolution.warning
