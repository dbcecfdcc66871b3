"""An email file (`.eml`, RFC 5322) -> the text a dispatcher would have pasted from it.

Read with the standard library's `email` package: the `From`/`To`/`Cc`/`Date`/`Subject` headers
as header lines, then the plain-text body (preferred) or the HTML body turned into text. The
result goes through the same parser as a paste, so a file and its pasted text give one answer.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from html.parser import HTMLParser

from .limits import MAX_PROMPT_CHARS

MAX_EML_BYTES = 2 * 1024 * 1024  # a client's email with its attachments; bigger is no ticket
_HEADERS = ("From", "To", "Cc", "Date", "Subject")


class EmailFileError(ValueError):
    """The upload is not an email file we can read."""


class _Text(HTMLParser):
    """HTML -> text: block elements and <br> end lines, scripts and styles are dropped."""

    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "tr",
            "li",
            "ul",
            "ol",
            "table",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "hr",
            "section",
            "article",
        ]
    )
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br/> is one line end, not an opening and a closing

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def eml_text(data: bytes) -> str:
    """The email in `data` as pasted text: header lines, a blank line, the body."""
    if not data or len(data) > MAX_EML_BYTES:
        raise EmailFileError("The email file is empty or too large.")
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not any(message.get(h) for h in _HEADERS):
        raise EmailFileError("That file is not an email (.eml).")
    lines = [f"{h}: {' '.join(str(message[h]).split())}" for h in _HEADERS if message.get(h)]
    part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if part is not None:
        try:
            content = part.get_content()
        except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding
            content = ""
        if isinstance(content, str):
            body = html_to_text(content) if part.get_content_type() == "text/html" else content
    body = body.replace("\r\n", "\n").strip()
    return ("\n".join(lines) + "\n\n" + body)[:MAX_PROMPT_CHARS].strip()
