"""The offline engine on a pasted email: which text the sentence rules read, and what the
headers and the signature add (the sender, the signature's name and company).

`routing_text` is the subject (when it says what is wrong) and the ask; the sentence rules in
`offline` find the priority, board, status, assignee and summary in it exactly as in a typed
sentence. `email_fields` adds what only an email has; the description is the whole email as
pasted, so the engineer sees everything the client wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psa.providers.base import ReferenceData

from .email_text import EmailText, Sender
from .normalize import fold, tokenize, word_set
from .vocab.company import choose_company, company_index

# Subjects that say nothing about the problem ("Question", "Hi", "Nobody can work").
_GENERIC = word_set(
    """
    question questions quick help hi hello hey issue issues problem problems request requests
    support it urgent asap important emergency please needed need ticket assistance nobody
    can cannot cant work working anyone everyone update follow up fyi a an the my our we i
    have has with for from to of and or is are again still another one more thing something
    query thanks thank you morning afternoon call me back service today now this that
    """
)
# Words that say something is wrong or wanted: a subject without one ("Teller printer",
# "Projector in room 12") names a topic, not the problem; the body's first request says it.
_PROBLEM_RE = re.compile(
    r"\b(?:not|no|wont|cant|cannot|couldnt|doesnt|isnt|arent|didnt|unable|down|offline|error|"
    r"errors|fail\w*|broke\w*|crash\w*|freez\w*|frozen|stuck|jam\w*|slow|drop\w*|cutting|keeps?|"
    r"stopped|missing|lost|locked|expir\w*|full|alert|warning|outage|dead|blank|beep\w*|"
    r"flicker\w*|bounc\w*|spam|phish\w*|virus|hack\w*|new|install\w*|setup|set up|reset|add|"
    r"remove|update|upgrade|move|need\w*|access|license|password|onboard\w*|offboard\w*|"
    r"disable|enable|replace\w*|leaving|starting|starter|hire)\b"
)
# A request's polite opening, dropped from a summary taken from the body.
_POLITE_RE = re.compile(
    r"^(?:(?:hi|hello)\s*,?\s*)?(?:(?:can|could|would|will)\s+(?:you|someone|somebody|one\s+of\s+you)"
    r"(?:\s+please)?|please)\s+(?=\w)",
    re.I,
)
_NAME_LINE_RE = re.compile(r"^[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}$")
_NOT_NAME_WORDS = word_set(
    "thanks thank regards best kind warm cheers sincerely sent get front office the our"
)


def subject_says_what_is_wrong(subject: str) -> bool:
    words = [fold(w) for w in re.findall(r"[\w'’-]+", subject)]
    content = [w for w in words if w and w.replace("'", "") not in _GENERIC]
    if not content:
        return False
    return bool(_PROBLEM_RE.search(fold(subject).replace("'", "")))


# A reply's opening thanks for the last fix ("Thanks, that fixed the printer.") and the
# "One more thing:" before the new ask are not the ask.
_THANKS_RE = re.compile(
    r"^\s*(?:thanks|thank\s+you|thx|many\s+thanks|great|perfect)\b[^.!?\n]*[.!?]+\s*(?=\S)", re.I
)
_ANOTHER_RE = re.compile(
    r"^\s*(?:one\s+more\s+thing|another\s+thing|also|p\.?\s?s\.?|btw|by\s+the\s+way)\s*[:,\-–]\s*",
    re.I,
)


def _the_ask(ask: str) -> str:
    return _ANOTHER_RE.sub("", _THANKS_RE.sub("", ask, count=1), count=1)


def routing_text(email: EmailText) -> tuple[str, bool]:
    """(text for the sentence rules, whether it starts with the subject). A subject that does
    not say what is wrong still counts for its routing words ("URGENT"), after the ask."""
    ask = _the_ask(email.ask)
    if email.subject and subject_says_what_is_wrong(email.subject):
        return "\n".join(p for p in (email.subject, ask) if p.strip()), True
    return "\n".join(p for p in (ask, email.subject) if p.strip()), False


def polite_summary(summary: str | None) -> str | None:
    """ "Can you reset the password ..." -> "reset the password ..." (the resolver capitalises)."""
    if not summary:
        return summary
    return _POLITE_RE.sub("", summary).strip() or summary


def _member_domains(reference: ReferenceData) -> frozenset[str]:
    return frozenset(
        m.email.rpartition("@")[2].lower() for m in reference.members if "@" in (m.email or "")
    )


def client_sender(email: EmailText, reference: ReferenceData) -> Sender:
    """Whose email it is: the first sender who is not one of us (a colleague forwarding the
    client's mail is not the client); the top message's when no sender has an address."""
    ours = _member_domains(reference)
    for sender in email.senders:
        if sender.address and sender.domain not in ours:
            return sender
    top = email.senders[0]
    return Sender() if top.address else top  # our own mail with nothing forwarded: no client


def signature_name(signature: str) -> str | None:
    """The first line of a signature that reads as a full name ("Grace Wong")."""
    for line in signature.splitlines():
        line = line.strip().strip(",")
        if _NAME_LINE_RE.match(line) and not any(fold(w) in _NOT_NAME_WORDS for w in line.split()):
            return line
    return None


def signature_company(signature: str, reference: ReferenceData) -> str | None:
    """A company the signature names in full (or by a leading run of its name words): a
    short form in a signature is too weak ("Pure" in a slogan)."""
    if not signature:
        return None
    index = company_index(reference)
    for line in signature.splitlines():
        for piece in re.split(r"\s[|•·–—-]\s|\|", line):
            matches = [m for m in index.scan(tokenize(piece)) if m.level >= 3]
            if matches and choose_company(index, matches).company is not None:
                best = max(matches, key=lambda m: m.level)
                return piece[best.start_char : best.end_char]
    return None


def for_model(email: EmailText, reference: ReferenceData) -> str:
    """The email as the Anthropic engine sees it: the client's headers, the ask and the
    signature apart, quoted history left out (so it cannot be read as today's request)."""
    sender = client_sender(email, reference)
    headers = [f"From: {sender.name} <{sender.address}>" if sender.address else ""]
    headers += [f"Subject: {email.subject}" if email.subject else ""]
    parts = [
        "<email>",
        "<headers>\n" + "\n".join(h for h in headers if h) + "\n</headers>",
        f"<body>\n{_the_ask(email.ask)}\n</body>",
        f"<signature>\n{sender.signature}\n</signature>" if sender.signature else "",
        "</email>",
    ]
    return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class EmailFields:
    sender_name: str | None
    sender_address: str | None
    signature_company_text: str | None
    contact_names: tuple[str, ...]  # the sender's and the signature's names come first


def email_fields(
    email: EmailText, reference: ReferenceData, found_names: tuple[str, ...]
) -> EmailFields:
    sender = client_sender(email, reference)
    names: list[str] = []
    if len(sender.name.split()) >= 2 and "@" not in sender.name:
        names.append(sender.name)
    signed = signature_name(sender.signature)
    if signed:
        names.append(signed)
    return EmailFields(
        sender_name=sender.name or signed or None,
        sender_address=sender.address or None,
        signature_company_text=signature_company(sender.signature, reference),
        contact_names=tuple(dict.fromkeys([*names, *found_names])),
    )
