"""Members (assignees): "me", a first, last or full name of an active member; never a guess."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from psa.providers.base import PSACapabilities, PSAMember, ReferenceData

from ..normalize import compact, fold, fold_tokens
from ..types import Extraction
from .common import join_names

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


class _Words:
    """How a warning names the PSA and its people: the connected one's words, else neutral ones
    ("PSA member", "in the PSA")."""

    def __init__(self, psa: PSACapabilities | None) -> None:
        self.kind = psa.name if psa else "PSA"  # "<name> member" or "PSA member"
        self.place = psa.name if psa else "the PSA"  # "inactive in <name>" or "in the PSA"
        self.member = psa.member_label if psa else "member"


def resolve_member(
    text: str | None, reference: ReferenceData, *, psa: PSACapabilities | None = None
) -> MemberMatch:
    """`psa`: the connected PSA's capabilities, so a warning uses its words."""
    if not text or not fold(text):
        return MemberMatch(None)
    shown = text.strip()
    words = _Words(psa)
    tiers = _member_tiers(text, reference.members)
    if not tiers:
        return MemberMatch(
            None, f"No active {words.kind} {words.member} matches '{shown}'; left unassigned"
        )
    tier = tiers[0]
    active = [m for m in tier if not m.inactive]
    if len(active) == 1:
        return MemberMatch(active[0], matched=True)
    if len(active) > 1:
        names = join_names(m.name for m in active)
        return MemberMatch(
            None, f"'{shown}' could be {names}; left unassigned - pick one", matched=True
        )
    names = join_names(m.name for m in tier)
    verb = "is" if len(tier) == 1 else "are"
    return MemberMatch(
        None,
        f"{names} {verb} inactive in {words.place} and can't be assigned; left unassigned",
        matched=True,
    )


def resolve_assignee(
    extraction: Extraction,
    reference: ReferenceData,
    me: PSAMember | None,
    warnings: list[str],
    *,
    psa: PSACapabilities | None = None,
) -> int | None:
    """The assignee's member id ("me" = the requesting engineer's mapped member), or None with
    a warning in `warnings` that says why."""
    member_ids = {m.id for m in reference.members}
    words = _Words(psa)
    assignee = (extraction.assignee_text or "").strip()
    if extraction.assign_to_me or fold(assignee) in ME_WORDS:
        if me is None:
            warnings.append(
                f"You have no {words.kind} {words.member} mapping, so the ticket can't be "
                "assigned to you; left unassigned"
            )
        elif me.id not in member_ids:
            warnings.append(
                f"Your mapped {words.member} {me.name or me.identifier} is not in this "
                f"{words.kind} account's {words.member} list; left unassigned"
            )
        elif me.inactive or any(m.id == me.id and m.inactive for m in reference.members):
            warnings.append(
                f"Your mapped {words.member} {me.name or me.identifier} is inactive in "
                f"{words.place}; left unassigned"
            )
        else:
            return me.id
    elif assignee:
        match = resolve_member(assignee, reference, psa=psa)
        if match.member is not None:
            return match.member.id
        if match.warning:
            warnings.append(match.warning)
    return None
