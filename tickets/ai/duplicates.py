"""Open tickets at the same company whose summary is close to the one being filed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from psa.providers.base import PSATicket

from .normalize import fold_tokens, word_set
from .types import DuplicateCandidate

MAX_DUPLICATES = 5
THRESHOLD = 0.5

STOPWORDS = word_set(
    """
    a an the and or but of for to in on at by with from into onto as is are was were be been
    being it its this that these those there their they them he she his her we our you your
    i my me not no can cant cannot wont dont doesnt isnt arent will would should could has
    have had do does did again still also just very really all any some new please pls asap
    today tomorrow yesterday now issue issues problem problems ticket error errors help need
    needs needed user users working work works getting get keeps keep whole
    """
)


def _stem(word: str) -> str:
    for suffix, min_len in (("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= min_len:
            return word[: -len(suffix)]
    return word


def keywords(text: str) -> list[str]:
    """Folded, stemmed content words in order ("Printers offline!" -> ["printer", "offline"])."""
    return [_stem(w) for w in fold_tokens(text) if w not in STOPWORDS and len(w) > 1]


def similarity(a: str, b: str) -> float:
    """0..1: word overlap (Dice) blended with the order-aware difflib ratio of the keywords."""
    ka, kb = keywords(a), keywords(b)
    if not ka or not kb:
        return 0.0
    sa, sb = set(ka), set(kb)
    shared = len(sa & sb)
    if not shared:
        return 0.0
    dice = 2 * shared / (len(sa) + len(sb))
    ratio = difflib.SequenceMatcher(None, " ".join(ka), " ".join(kb)).ratio()
    return 0.75 * dice + 0.25 * ratio


def find_duplicates(
    summary: str | None,
    tickets: Iterable[PSATicket],
    *,
    limit: int = MAX_DUPLICATES,
    threshold: float = THRESHOLD,
) -> tuple[DuplicateCandidate, ...]:
    """Open tickets whose summary is close to `summary`, closest first (newest first on ties)."""
    if not summary or not keywords(summary):
        return ()
    scored: list[tuple[float, int, PSATicket]] = []
    for ticket in tickets:
        if ticket.closed or not ticket.summary:
            continue
        score = similarity(summary, ticket.summary)
        if score >= threshold:
            scored.append((score, ticket.id, ticket))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    return tuple(
        DuplicateCandidate(id=t.id, summary=t.summary, status_name=t.status_name)
        for _, _, t in scored[:limit]
    )
