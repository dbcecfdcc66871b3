"""A client's email as a dispatcher pastes it: headers, the ask, quotes, forwards, a signature.

`read_email(text)` returns None for a plain sentence (the sentence path handles it untouched) and
an `EmailText` otherwise. The parts a ticket needs are kept apart:

* `senders`: the top message's `From`, then the `From` of each forwarded message (a dispatcher
  often forwards the client's mail; whose address decides is the resolver's call).
* `subject` without `RE:`/`FW:`/`Fwd:` (any number, any case, `[EXTERNAL]` tags too).
* `ask`: the top message's body without greeting and signature, plus the bodies of forwarded
  messages (a forward's content is what is being asked about). Quoted replies ("> ...",
  "On ... wrote:", "-----Original Message-----" under a `RE:`) are history, not the ask: a
  quoted "this is an emergency" from last week does not make today's reply one.
* each sender's `signature`: the sign-off block of their message ("Thanks, Grace Wong, Office
  Manager, Cypress Accounting").

Header lines are never part of the ask, so they can never become the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER_NAMES = r"from|to|cc|bcc|date|sent|subject|reply-to|importance|attachments?"
# "From:", "**From:**" and "*From:*" (Outlook's bold headers pasted as markdown-ish text).
_HEADER_RE = re.compile(rf"^\s*\**(?P<name>{_HEADER_NAMES})\**\s*:\**\s*(?P<value>.*)$", re.I)
# Every run of spaces has one place to go (no `\s*` next to another): these run on whatever
# was pasted, up to 20,000 characters, and must stay linear in it.
_PREFIX_RE = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|tr|sv|vs)\s*(?:\[\d+\]\s*)?:\s*|\[[^\]]{1,20}\]\s*)+", re.I
)
# Where an older message starts. Group "fwd" marks a forward whatever the subject says.
_BLOCK_RE = re.compile(
    r"^\s*(?:"
    r"(?P<fwd>-{2,}\s*(?:forwarded message|begin forwarded message)\s*-{2,}|begin forwarded message:)"
    r"|-{2,}\s*original message\s*-{2,}"
    r"|_{8,}"
    r"|on\s.{4,200}?\swrote:"
    r")\s*$",
    re.I,
)
_WROTE_START_RE = re.compile(r"^\s*on\s.+", re.I)
_QUOTE_RE = re.compile(r"^\s*>")
# An address starts where a run of its characters starts: tried from inside a long run too,
# the local part would rescan the rest of the run at every character (quadratic).
_ADDRESS_RE = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_GREETING_RE = re.compile(
    r"^\s*(?:hi|hello|hey|dear|hiya|greetings|good\s+(?:morning|afternoon|evening|day)|morning|"
    r"afternoon|hallo|guten\s+(?:tag|morgen))\b[^\n.!?]{0,40}?(?:[,!:]+|\s*$)\s*",
    re.I,
)
_SIGN_OFF_RE = re.compile(
    r"^\s*(?:thanks?(?:\s+(?:again|so\s+much|in\s+advance|a\s+lot|all))?|thank\s+you(?:\s+\w+)?|"
    r"thx|ty|many\s+thanks|cheers|regards|best|best\s+regards|kind\s+regards|warm\s+regards|"
    r"warmly|sincerely|yours(?:\s+\w+)?|respectfully|take\s+care|talk\s+soon|"
    r"mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|viele\s+gr(?:ü|ue)(?:ß|ss)e|cordialement|"
    r"sent\s+from\s+my\s+\w+.*|get\s+outlook\s+for\s+\w+.*)[\s,.!]*$",
    re.I,
)
_SIG_DASHES_RE = re.compile(r"^\s*--\s*$")
_SENTENCE_END_RE = re.compile(r"[.?!:]\s*$")


@dataclass(frozen=True)
class Sender:
    name: str = ""  # "Grace Wong" ("Wong, Grace" is turned round)
    address: str = ""  # lower case, "" when the From line has none
    signature: str = ""  # the sign-off block of this sender's message

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


@dataclass(frozen=True)
class EmailText:
    # [0] is the top message's (name and address empty when it has no From), then forwards.
    senders: tuple[Sender, ...] = (Sender(),)
    subject: str = ""  # without RE:/FW:/Fwd:
    subject_is_forward: bool = False
    ask: str = ""
    cc: tuple[str, ...] = ()  # addresses on To/Cc: never the client (they are copied in)


def clean_subject(subject: str) -> str:
    return _PREFIX_RE.sub("", subject).strip()


def parse_sender(value: str) -> Sender:
    """`Grace Wong <grace@x>`, `"Wong, Grace" <grace@x>`, `Grace [mailto:grace@x]`, `grace@x`."""
    found = _ADDRESS_RE.search(value)
    address = found.group().lower().strip(".") if found else ""
    name = _ADDRESS_RE.sub(" ", value)
    name = re.sub(r"mailto:|[<>\[\]()\"]", " ", name)
    name = " ".join(name.split()).strip(" ,;'")
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}".strip()
    return Sender(name=name, address=address)


@dataclass
class _Message:
    headers: dict[str, str]
    body: list[str]
    forwarded: bool = False  # a forward (its content is the ask), not a quoted reply


def _read_headers(lines: list[str], at: int) -> tuple[dict[str, str], int]:
    """Header lines from `at` (blank lines before them skipped); returns (headers, next line)."""
    headers: dict[str, str] = {}
    i = at
    while i < len(lines) and not lines[i].strip() and not headers:
        i += 1
    while i < len(lines):
        m = _HEADER_RE.match(lines[i])
        if not m:
            break
        headers.setdefault(m.group("name").lower(), m.group("value").strip())
        i += 1
    return headers, i


def _split_messages(lines: list[str]) -> list[_Message]:
    headers, i = _read_headers(lines, 0)
    if headers and "from" not in headers and "subject" not in headers:
        headers, i = {}, 0
    top = _Message(headers, [])
    messages = [top]
    while i < len(lines):
        line = lines[i]
        block = _BLOCK_RE.match(line)
        if not block and _WROTE_START_RE.match(line) and i + 1 < len(lines):
            # "On Mon, 2 Nov 2026 at 16:40, Anika Patel\n<a@b> wrote:": mail clients wrap it.
            block = _BLOCK_RE.match(f"{line.strip()} {lines[i + 1].strip()}")
            i += 1 if block else 0
        header = None if block else _HEADER_RE.match(line)
        # A bare "From:" after a blank line starts a pasted message with no separator above it.
        starts_headers = (
            header is not None
            and header.group("name").lower() == "from"
            and (i == 0 or not lines[i - 1].strip())
        )
        if block or starts_headers:
            found, nxt = _read_headers(lines, i + 1 if block else i)
            forwarded = bool(block and block.group("fwd"))
            messages.append(_Message(found, [], forwarded))
            i = nxt
            continue
        if _QUOTE_RE.match(line):
            # "> ..." lines are the quoted thread, skipped. What follows is the top message's
            # when it has said nothing yet (a reply written below the quote), else history.
            while i < len(lines) and (_QUOTE_RE.match(lines[i]) or not lines[i].strip()):
                i += 1
            top_is_empty = not any(x.strip() for x in messages[0].body)
            messages.append(messages.pop(0) if top_is_empty else _Message({}, []))
            continue
        messages[-1].body.append(line)
        i += 1
    # The top message goes first again (it may have moved last to collect a bottom reply).
    return sorted(messages, key=lambda m: m is not top)


def _strip_greeting(lines: list[str]) -> list[str]:
    out = list(lines)
    while out and not out[0].strip():
        out.pop(0)
    if out:
        m = _GREETING_RE.match(out[0])
        if m:
            rest = out[0][m.end() :].strip()
            out[0:1] = [rest] if rest else []
    return out


def _split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """(body, signature): from a sign-off line or `-- `, else a trailing block of short lines
    that reads as a name, a title, a company, a phone number (never the only paragraph)."""
    for i, line in enumerate(lines):
        if (_SIGN_OFF_RE.match(line) or _SIG_DASHES_RE.match(line)) and any(
            s.strip() for s in lines[:i]
        ):
            return lines[:i], lines[i:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    blank = max((i for i, line in enumerate(lines) if not line.strip()), default=-1)
    tail = [line for line in lines[blank + 1 :] if line.strip()]
    head = lines[: blank + 1]
    if (
        blank > 0
        and any(line.strip() for line in head)
        and 0 < len(tail) <= 5
        and all(len(line.strip()) <= 60 and not _SENTENCE_END_RE.search(line) for line in tail)
        and tail[0].strip()[:1].isupper()
    ):
        return head, tail
    return lines, []


def read_email(text: str) -> EmailText | None:
    """The parts of a pasted email, or None when `text` does not look like one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    messages = _split_messages(lines)
    top = messages[0]
    has_headers = bool(top.headers)
    body, signature = _split_signature(_strip_greeting(top.body))
    first = next((line for line in top.body if line.strip()), "")
    # A one-line "Hi, Acme printer down" is a sentence with a greeting, not an email.
    greeted = bool(_GREETING_RE.match(first)) and sum(1 for x in lines if x.strip()) > 1
    if not (has_headers or len(messages) > 1 or signature or greeted):
        return None

    subject = clean_subject(top.headers.get("subject", ""))
    is_forward = bool(re.match(r"^\s*(?:fw|fwd|wg|tr)\s*:", top.headers.get("subject", ""), re.I))
    top_sender = parse_sender(top.headers.get("from", ""))
    senders = [Sender(top_sender.name, top_sender.address, "\n".join(signature).strip())]
    ask = ["\n".join(body).strip()]
    cc: list[str] = []
    for field in ("to", "cc"):
        cc += [a.lower() for a in _ADDRESS_RE.findall(top.headers.get(field, ""))]
    for message in messages[1:]:
        if not (message.forwarded or (is_forward and message.headers)):
            continue
        inner_body, inner_sig = _split_signature(_strip_greeting(message.body))
        if message.headers.get("from"):
            found = parse_sender(message.headers["from"])
            senders.append(Sender(found.name, found.address, "\n".join(inner_sig).strip()))
        inner = "\n".join(inner_body).strip()
        if inner:
            ask.append(inner)
        if not subject:
            subject = clean_subject(message.headers.get("subject", ""))
    return EmailText(
        senders=tuple(senders),
        subject=subject,
        subject_is_forward=is_forward,
        ask="\n\n".join(a for a in ask if a),
        cc=tuple(cc),
    )
