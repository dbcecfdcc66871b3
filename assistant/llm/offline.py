"""The offline engine: deterministic, no network, practical first-line troubleshooting.

It recognises the common MSP problems in `topics.py` and answers with ordered checks; asked again
about the same problem it moves on to the next checks, then to escalation. It also notices a
SECOND, separate problem in a message — "oh, and the printer on the 2nd floor is offline too" —
and suggests a spin-off ticket for it with the same `[ACTIONS]` marker a model would write.

What counts as separate (the spec: "only when genuinely separate, not every tangential mention"):
- the session's first problem is the linked ticket's topic, or else the first problem described;
- a second problem is a recognised topic, stated as a problem (offline, failing, won't …), that is
  neither the first problem nor related to it (VPN and internet are one incident), and was not
  suggested before in this session;
- it is introduced by a cue ("also", "oh, and", "another thing", "by the way", "… too") or it is a
  later message that talks only about that other problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..actions import SPIN_OFF, ParsedAction, parse_actions, render_marker
from .topics import BY_KEY, Topic, find_topics, related_keys
from .types import ChatContext, Turn

SUMMARY_MAX = 80
GENERAL = "general"

_I = re.IGNORECASE
_CUE = (
    r"(?:oh,?\s+and(?:\s+also)?|and\s+also|also|plus|another\s+thing|one\s+more\s+thing|"
    r"one\s+other\s+thing|by\s+the\s+way|btw|separately|unrelated(?:ly)?(?:,?\s+but)?|"
    r"on\s+(?:a|an)\s+(?:different|other|unrelated|separate)\s+(?:note|topic|subject)|"
    r"on\s+another\s+note|while\s+i\s+have\s+you|while\s+i'?m\s+at\s+it|p\.?\s?s\.?|"
    r"side\s+note|(?:a\s+)?(?:different|separate|another|other)\s+(?:issue|problem|thing))"
)
_FILLER = r"(?:(?:oh|ah|ok(?:ay)?|so|um+|hey)[,!]?\s+)*"
# A cue opens a clause: at the start of a sentence, after punctuation, or after "and"/"but".
CUE = re.compile(
    rf"(?:^|(?<=[.!?;:,\u2013\u2014(])|(?<=\s-)|(?<=\band)|(?<=\bbut))\s*{_FILLER}{_CUE}\b[\s,:;!.\u2013\u2014-]*",
    _I,
)
TRAILING = re.compile(r"\b(?:too|as\s+well|also)\s*[.!?]*\s*$", _I)
CLAUSE_SPLIT = re.compile(
    r",\s*(?:and\s+|but\s+)?|;\s*|\s[\u2013\u2014-]\s|\s(?:and|but)\s+(?=(?:the|our|my|his|her|their|a|an)\b)",
    _I,
)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*", re.DOTALL)

PROBLEM = re.compile(
    r"\b(?:down|offline|dead|broken|broke|fail(?:s|ed|ing|ure)?|errors?|crash(?:es|ed|ing)?|"
    r"jam(?:s|med|ming)?|slow|sluggish|freez\w*|frozen|hang(?:s|ing)|stuck|locked|lockout|"
    r"expired|full|drop(?:s|ped|ping)?|disconnect\w*|keeps|problems?|issues?|trouble|missing|"
    r"disappeared|gone|vanished|blank|flicker\w*|stopped|out of \w+|won'?t|can'?t|cannot|couldn'?t|"
    r"doesn'?t|isn'?t|aren'?t|not (?:working|connecting|printing|syncing|loading|responding|"
    r"sending|receiving|opening|starting|turning)|no (?:signal|internet|sound|audio|power|"
    r"dial tone|connection|network)|no longer|unable|needs? (?:a |to be )?(?:reset|replac\w+|"
    r"fix\w*|look\w*)|forgot|reset)\b",
    _I,
)
NOT_A_PROBLEM = re.compile(
    r"\b(?:(?:isn'?t|is not|wasn'?t|not)\s+(?:the|a|an)\s+(?:problem|issue|cause)|not related|"
    r"unrelated to|fixed|resolved|sorted|working (?:again|now|fine)|works (?:again|now|fine)|"
    r"back (?:up|online)|(?:is|are|was|were|seems?|looks?)\s+(?:fine|ok(?:ay)?|good|working))\b",
    _I,
)
DID_SOMETHING = re.compile(
    r"^(?:i|we)(?:'ve| have)?\s+(?:\w+ed|did|tried|reset|rebooted|restarted|checked|ran|set|put|"
    r"got|made|gave|sent|took|swapped|rebuilt|reinstalled)\b",
    _I,
)
REQUEST = re.compile(
    r"^(?:(?:can|could|would) you\s+(?:please\s+)?(?:also\s+)?|please\s+|i need (?:you )?to\s+|"
    r"we need to\s+|need to\s+)",
    _I,
)
LEAD_IN = re.compile(
    r"^(?:(?:i think|i noticed|i just noticed|i heard|apparently|it (?:looks|seems) like|"
    r"looks like|seems like|(?:it )?turns out|we(?:'ve| have) got|there'?s|there is)\s+(?:that\s+)?)+",
    _I,
)
RESOLVED = re.compile(
    r"\b(?:that (?:worked|did it|fixed it|sorted it)|(?:it'?s|it is|all|that'?s|everything'?s) "
    r"(?:working|fixed|sorted|good)|works now|working (?:now|again)|fixed (?:it|now)|resolved|"
    r"sorted(?: it)?|problem solved|all good)\b",
    _I,
)
STILL_BROKEN = re.compile(r"\b(?:not|isn'?t|still|didn'?t|doesn'?t|hasn'?t|no luck)\b", _I)
THANKS_ONLY = re.compile(
    r"^\s*(?:thanks|thank you|thx|cheers|ty)\b[\s,!.]*(?:a lot|so much|mate)?[\s!.]*$", _I
)
GREETING_ONLY = re.compile(
    r"^\s*(?:hi|hello|hey|morning|good (?:morning|afternoon|evening))\b[\s!.,]*(?:there|all)?[\s!.]*$",
    _I,
)

GENERAL_STEPS = (
    "Scope it: who is affected (one user, a team, everyone) and since when? What changed — "
    "updates, new hardware, a password change?",
    "Get the exact error message (a screenshot is best) and the device name or asset tag.",
    "Reproduce it yourself or have the user show you over a remote session.",
    "Try the quick fixes: close and reopen the application, sign out and back in, then restart "
    "the device; install pending updates.",
    "Rule out a wider outage: vendor status pages (Microsoft 365, the ISP), your monitoring "
    "alerts and other open tickets from the same client.",
)
GENERAL_NEXT = (
    "Compare with a machine or user where it works: what is different (version, policy, "
    "network, permissions)?",
    "Check the application's and Windows' event logs for errors at the time it happened.",
    "Search the vendor's knowledge base for the exact error text.",
)


@dataclass(frozen=True, slots=True)
class SecondProblem:
    topic: Topic
    description: str

    @property
    def action(self) -> ParsedAction:
        return ParsedAction(
            label=f"Create ticket: {self.description}",
            command=SPIN_OFF,
            description=self.description,
        )


# --- reading messages ---------------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in SENTENCE.finditer(text)) if s]


def split_cued(text: str) -> tuple[str, list[str]]:
    """(the message without its cued clauses, the cued clauses) — "also, the printer is offline"."""
    main: list[str] = []
    cued: list[str] = []
    for sentence in _sentences(text):
        cues = list(CUE.finditer(sentence))
        if cues:
            main.append(sentence[: cues[0].start()])
            for i, cue in enumerate(cues):
                end = cues[i + 1].start() if i + 1 < len(cues) else len(sentence)
                cued.append(sentence[cue.end() : end])
            continue
        if TRAILING.search(sentence):
            clauses = CLAUSE_SPLIT.split(sentence)
            if len(clauses) > 1:
                main.append(" ".join(clauses[:-1]))
            cued.append(clauses[-1])
            continue
        main.append(sentence)
    return " ".join(p.strip() for p in main if p.strip()), [c.strip() for c in cued if c.strip()]


def is_problem(text: str) -> bool:
    """A problem stated ("is offline", "won't sync"), not a report of a fix or of what was tried."""
    body = summary_body(text)
    if DID_SOMETHING.match(body):
        return False
    if REQUEST.match(body):
        return True
    return bool(PROBLEM.search(NOT_A_PROBLEM.sub(" ", text)))


def summary_body(text: str) -> str:
    s = CUE.sub("", text.strip(), count=1) if CUE.match(text.strip()) else text.strip()
    s = LEAD_IN.sub("", s.strip(" ,:;-"))
    return s.strip()


def summarize(text: str) -> str:
    """A short ticket-style summary of a clause: "oh, and the printer … offline too" →
    "Printer … offline"."""
    s = summary_body(text)
    s = REQUEST.sub("", s)
    s = s.rstrip(" .!?,;:")
    s = TRAILING.sub("", s).rstrip(" .!?,;:")
    s = re.sub(r"^(?:the|that)\s+", "", s, flags=_I)
    s = re.sub(r"\s+", " ", s).strip(" .!?,;:-\u2013\u2014")
    if len(s) > SUMMARY_MAX:
        cut = s[: SUMMARY_MAX + 1].rsplit(" ", 1)[0]
        s = (cut or s[:SUMMARY_MAX]).rstrip(" ,;:-")
    return s[:1].upper() + s[1:]


def _keys(topics: list[Topic]) -> set[str]:
    return {t.key for t in topics}


# --- the session ---------------------------------------------------------------------------------


@dataclass
class _Session:
    users: list[str]
    assistants: list[str]
    context: ChatContext

    @classmethod
    def of(cls, history: list[Turn], context: ChatContext) -> _Session:
        return cls(
            users=[t.content for t in history if t.role == "user"],
            assistants=[t.content for t in history if t.role == "assistant"],
            context=context,
        )

    def primary(self) -> tuple[list[str], int]:
        """The first problem's topic keys in the order mentioned, and the index of the user
        message that stated it (-1: the linked ticket did)."""
        linked = [t.key for t in find_topics(self.context.linked_summary)]
        if linked:
            return linked, -1
        for i, text in enumerate(self.users):
            main, _ = split_cued(text)
            keys = [t.key for t in find_topics(main)]
            if keys:
                return keys, i
        for i, text in enumerate(self.users):
            keys = [t.key for t in find_topics(text)]
            if keys:
                return keys, i
        return [], len(self.users)

    def suggested(self) -> set[str]:
        """Topics already suggested as spin-offs in this session."""
        keys: set[str] = set()
        for text in self.assistants:
            for action in parse_actions(text)[1]:
                keys |= _keys(find_topics(action.description))
        return keys

    def level(self, key: str) -> int:
        """0: no checks given yet for this topic; 1: first-line given; 2: next checks given too."""
        name = BY_KEY[key].name if key in BY_KEY else GENERAL
        given = " ".join(self.assistants)
        if f"Next checks — {name}" in given:
            return 2
        if f"First-line checks — {name}" in given:
            return 1
        return 0

    def focus(self, main: str, excluded: set[str]) -> str | None:
        """The topic the latest message is about; a bare follow-up ("still not working") is
        about the last problem discussed."""
        topics = [t for t in find_topics(main) if t.key not in excluded]
        if topics:
            return topics[0].key
        for text in reversed(self.users[:-1]):
            earlier, _ = split_cued(text)
            topics = [t for t in find_topics(earlier) if t.key not in excluded]
            if topics:
                return topics[0].key
        primary, _ = self.primary()
        return primary[0] if primary else None


def find_second_problems(
    history: list[Turn], context: ChatContext, *, limit: int = 2
) -> list[SecondProblem]:
    """Separate problems the latest user message introduces (see the module docstring)."""
    session = _Session.of(history, context)
    if not session.users:
        return []
    primary, anchor = session.primary()
    if not primary:
        return []
    near = related_keys(set(primary))
    taken = session.suggested()
    latest = session.users[-1]
    _, cued = split_cued(latest)

    candidates = list(cued)
    later = len(session.users) - 1 > anchor
    if not cued and later and not (_keys(find_topics(latest)) & near):
        # A later message about another problem only, without a cue word.
        candidates = [s for s in _sentences(latest) if find_topics(s)][:1]

    found: list[SecondProblem] = []
    for clause in candidates:
        topics = find_topics(clause)
        if not topics or _keys(topics) & near:
            continue  # nothing recognised, or a mention of the session's own problem
        new = [t for t in topics if t.key not in taken]
        if not new or not is_problem(clause):
            continue
        description = summarize(clause)
        if len(description) < 4:
            continue
        found.append(SecondProblem(topic=new[0], description=description))
        taken.add(new[0].key)
        if len(found) >= limit:
            break
    return found


# --- writing the reply -----------------------------------------------------------------------------


def _numbered(steps: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1))


def _steps_reply(key: str | None, level: int, context: ChatContext) -> str:
    topic = BY_KEY.get(key or "")
    name = topic.name if topic else GENERAL
    if level == 0:
        steps = topic.steps if topic else GENERAL_STEPS
        intro = (
            f"Let's work through the {name} problem."
            if topic
            else "Here is how I'd start narrowing it down."
        )
        tail = (
            f"For the ticket notes, capture {topic.capture}. Tell me what you find and I'll take "
            "it from there."
            if topic
            else "Tell me the device, the exact error and who is affected, and I'll narrow it down."
        )
        return f"{intro}\n\n**First-line checks — {name}**\n{_numbered(steps)}\n\n{tail}"
    if level == 1:
        steps = topic.next_steps if topic else GENERAL_NEXT
        return (
            f"If the first-line checks didn't clear it, go a level deeper.\n\n"
            f"**Next checks — {name}**\n{_numbered(steps)}\n\n"
            "Tell me which of these shows something odd."
        )
    ticket = f" on #{context.linked_ticket_id}" if context.linked_ticket_id else ""
    capture = topic.capture if topic else "the exact error, the scope and every step tried"
    return (
        "We've been through the first-line and next checks, so this is the point to escalate "
        "rather than keep guessing.\n\n"
        f"- Write up what was tried and what you saw in an internal note{ticket}: {capture}.\n"
        "- Escalate to tier 2 / the senior engineer on the client's account, or open a case with "
        "the vendor with those notes attached.\n"
        "- Agree an interim workaround with the user and tell them when they'll hear back."
    )


def _resolved_reply(context: ChatContext) -> str:
    where = f" to #{context.linked_ticket_id}" if context.linked_ticket_id else ""
    return (
        "Good news. Before you move on:\n"
        f"- Add a resolution note{where}: the cause, the fix and anything you changed.\n"
        "- Confirm with the user that it works for them, then close the ticket.\n"
        "- If it was a known cause (expired password, full disk, a driver), consider whether "
        "monitoring or a policy would stop it coming back."
    )


def _spin_off_text(problems: list[SecondProblem], primary_name: str) -> str:
    parts = []
    for problem in problems:
        quick = _numbered(problem.topic.steps[:3])
        parts.append(
            f"**Separate issue: {problem.description}.** That isn't part of the "
            f"{primary_name} problem this session is about, so it should be tracked on its own "
            "ticket — I've suggested a spin-off ticket in the TaskLane (nothing is created until "
            f"you review it). Quick checks when you get to it:\n{quick}"
        )
    return "\n\n".join(parts)


class OfflineEngine:
    name = "offline"

    def reply(self, *, history: list[Turn], context: ChatContext) -> str:
        session = _Session.of(history, context)
        if not session.users:
            return "Describe the problem you're working on and I'll suggest where to start."
        latest = session.users[-1].strip()
        if GREETING_ONLY.match(latest):
            return (
                "Hi! What are you working on? Describe the symptom, who is affected and any "
                "error message, and I'll suggest first-line checks."
            )
        if THANKS_ONLY.match(latest):
            return "You're welcome. Shout if anything else comes up on this one."

        problems = find_second_problems(history, context)
        excluded = {p.topic.key for p in problems}
        main, _ = split_cued(latest)
        primary, _ = session.primary()
        primary_name = BY_KEY[primary[0]].name if primary else "original"

        main_topics = {t.key for t in find_topics(main)}
        body: list[str] = []
        if problems and (not main.strip() or (main_topics and main_topics <= excluded)):
            body.append(f"Noted. Let me know how the {primary_name} problem is going.")
        elif RESOLVED.search(main) and not STILL_BROKEN.search(main):
            body.append(_resolved_reply(context))
        else:
            key = session.focus(main, excluded if problems else set())
            body.append(_steps_reply(key, session.level(key or GENERAL), context))
        if problems:
            body.append(_spin_off_text(problems, primary_name))
        text = "\n\n".join(body)
        marker = render_marker(p.action for p in problems)
        return f"{text}\n\n{marker}" if marker else text
