"""The summary: what is left of the prompt once the routing phrases are cut out, first
sentence first, at most 100 characters; the description when there is more (offline engine)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import LEGAL_SUFFIXES, fold, word_set
from .offline_spans import Span

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


def summary_and_description(
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
