"""Any reply text renders, and the only markup in the result is the few tags chat_text adds."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant.templatetags.chat import chat_text

ALLOWED = {"p", "br", "ol", "ul", "li", "strong", "em", "code"}
# Every "<" in the output must open or close one of our tags, exactly as chat_text writes them.
OUR_TAG = re.compile(r'<(?:/?(?:p|ol|ul|li|strong|em|code)|br|ol start="\d+")>')
LIST_NUMBER = re.compile(r"^\s*\d{1,3}[.)](?=\s)")

# Text built from the characters the renderer treats specially, so the fuzzer meets them often.
MARKUP_ALPHABET = st.sampled_from(
    [*"*`-•.)1234 \n\r\t\x00<>&\"'\\/ab", "**", "1. ", "- ", "\x000\x00", "\x001\x00"]
)
reply_text = st.one_of(
    st.text(),
    st.lists(MARKUP_ALPHABET, max_size=60).map("".join),
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.opened: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.opened.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@settings(max_examples=400, deadline=None)
@given(reply_text)
@example("Run `ipconfig` then \x000\x00 and \x007\x00")  # the IndexError this replaced
@example("<script>alert(1)</script> **<b>x</b>** `<img src=x onerror=alert(1)>`")
@example("***a*** and `a*b*c` and **`x`**")
def test_any_text_renders_with_no_markup_but_ours(text: str) -> None:
    rendered = str(chat_text(text))

    stray = OUR_TAG.sub("", rendered)
    assert "<" not in stray and ">" not in stray, rendered
    parser = _Tags()
    parser.feed(rendered)
    parser.close()
    for tag, attrs in parser.opened:
        assert tag in ALLOWED, rendered
        assert all(name == "start" and (value or "").isdigit() for name, value in attrs), rendered
    # Nothing the reply said is lost: its words come back as text, in order (a numbered line's
    # number becomes the list's numbering).
    lines = text.replace("\r\n", "\n").split("\n")
    unnumbered = "\n".join(LIST_NUMBER.sub("", line.rstrip()) for line in lines)
    words = re.findall(r"[A-Za-z0-9]+", html.unescape(" ".join(parser.text)))
    assert words == re.findall(r"[A-Za-z0-9]+", unnumbered), rendered
