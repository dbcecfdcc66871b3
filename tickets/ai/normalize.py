"""Text folding shared by the engines, the resolver and duplicate detection.

Folding makes the ways a dispatcher writes a name compare equal: case, accents ("Ünterberg" =
"Unterberg"), "&" = "and", "%" = "percent", apostrophes ("O'Brien" = "OBrien"), possessives
("Acme's" = "Acme") and punctuation. Legal suffixes ("LLC", "GmbH", "Group", "Partners", ...) are
removed only from the end of a company name and never down to nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Words, numbers and apostrophe-joined words ("O'Brien", "can't"), plus single symbols.
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’‘`][^\W_]+)*|[&%+@]|[^\w\s]", re.UNICODE)
_POSSESSIVE_RE = re.compile(r"['’‘`]s$")
_SYMBOL_WORDS = {"&": "and", "%": "percent", "+": "plus", "@": "at"}
# Letters NFKD does not decompose ("Ærø", "Łódź"); the German/Nordic variant spells them out.
_LETTERS = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe", "đ": "d", "Đ": "D",
     "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i"}
)  # fmt: skip
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ø": "oe", "Ø": "Oe",
     "å": "aa", "Å": "Aa"}
)  # fmt: skip
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# Legal-form and "kind of entity" suffixes that do not distinguish one client from another.
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    {
        "llc", "llp", "lp", "lllp", "pllc", "pc", "pa", "plc", "inc", "incorporated", "corp",
        "corporation", "co", "company", "cos", "ltd", "limited", "gmbh", "mbh", "ag", "kg", "ug",
        "sarl", "sas", "srl", "spa", "bv", "nv", "pty", "oy", "oyj", "aps", "asa", "kft", "sro",
        "group", "partners", "holdings",
    }
)  # fmt: skip
# Spellings of the same legal form, canonicalised when names are compared ("Acme Corporation").
LEGAL_SYNONYMS: dict[str, str] = {
    "corporation": "corp",
    "incorporated": "inc",
    "company": "co",
    "limited": "ltd",
}
# Words that join a suffix to a name: "Smith & Co", "Jones and Partners".
_SUFFIX_JOINERS = frozenset({"and", "the"})


def word_set(text: str) -> frozenset[str]:
    """A frozenset from whitespace-separated words (keeps long vocabularies readable)."""
    return frozenset(text.split())


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_word(word: str, *, german: bool = False) -> str:
    """One token folded: casefold, accents off, possessive and apostrophes removed."""
    if word in _SYMBOL_WORDS:
        return _SYMBOL_WORDS[word]
    if german:
        word = word.translate(_GERMAN)
    word = word.translate(_LETTERS)
    word = _POSSESSIVE_RE.sub("", word)
    word = strip_accents(word).casefold()
    return "".join(ch for ch in word if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written
    start: int  # offsets into the original string
    end: int
    norm: str  # folded; "" for punctuation
    spaced: bool = True  # punctuation only: whitespace on both sides (" - " vs "Wi-Fi")

    @property
    def is_word(self) -> bool:
        return bool(self.norm)


def tokenize(text: str, *, german: bool = False) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        is_word = raw in _SYMBOL_WORDS or raw[0].isalnum()
        norm = fold_word(raw, german=german) if is_word else ""
        spaced = True
        if not is_word:
            before = text[m.start() - 1] if m.start() > 0 else " "
            after = text[m.end()] if m.end() < len(text) else " "
            spaced = before.isspace() or after.isspace()
        tokens.append(Token(raw, m.start(), m.end(), norm, spaced))
    return tokens


def fold_tokens(text: str, *, german: bool = False) -> list[str]:
    return [t.norm for t in tokenize(text, german=german) if t.norm]


def fold(text: str, *, german: bool = False) -> str:
    """'Ünterberg Logistik GmbH' -> 'unterberg logistik gmbh'; 'A&B' -> 'a and b'."""
    return " ".join(fold_tokens(text, german=german))


def compact(text_or_tokens: str | Iterable[str]) -> str:
    """Folded with no spaces, so 'A B Dental', 'AB Dental' and 'ABDental' compare equal."""
    if isinstance(text_or_tokens, str):
        return "".join(fold_tokens(text_or_tokens))
    return "".join(text_or_tokens)


def match_key(words: Iterable[str]) -> str:
    """Compact key for comparing a run of folded words with a name (legal forms canonicalised)."""
    return "".join(LEGAL_SYNONYMS.get(w, w) for w in words)


def camel_split(identifier: str) -> list[str]:
    """'PinecrestMedical' -> ['pinecrest', 'medical']; 'OBrienPlumbing' -> ['o', 'brien', 'plumbing']."""
    return [p.casefold() for p in _CAMEL_RE.findall(strip_accents(identifier))]


def strip_legal_suffixes(tokens: Sequence[str]) -> list[str]:
    """Drop trailing legal forms ('llc', 'gmbh', '& co', 'group', ...) and a leading 'the'.

    Never strips a name down to nothing or to a bare suffix: 'The Group' stays as it is.
    """
    out = list(tokens)
    core = out[1:] if len(out) > 1 and out[0] == "the" else out
    while core and core[-1] in LEGAL_SUFFIXES:
        rest = core[:-1]
        while rest and rest[-1] in _SUFFIX_JOINERS:
            rest = rest[:-1]
        if not rest:
            break
        core = rest
    if not core or (len(core) == 1 and core[0] in LEGAL_SUFFIXES):
        return out
    return core
