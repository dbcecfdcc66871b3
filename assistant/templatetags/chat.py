"""`chat_text`: a reply's plain text as safe HTML — paragraphs, numbered and bulleted lists,
**bold**, *italic* and `code`. Everything is escaped first; only these few tags are added."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_OL = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
_UL = re.compile(r"^\s*[-*•]\s+(.*)$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*\\])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")


# Code spans are set aside while bold/italic are applied, behind a marker the text itself can never
# contain: escape() has turned every "<" of the text into "&lt;", so a "<" here is always ours.
# (A marker made of characters the text may hold, such as "\x00<n>\x00", let a reply forge one.)
_KEPT = re.compile(r"<(\d+)>")


def _inline(text: str) -> str:
    html = str(escape(text))
    codes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        codes.append(f"<code>{match.group(1)}</code>")
        return f"<{len(codes) - 1}>"

    html = _CODE.sub(keep, html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    return _KEPT.sub(lambda m: codes[int(m.group(1))], html)


@register.filter
def chat_text(value: object) -> SafeString:
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    kind = ""  # "ol" / "ul" while a list is open
    start = 1

    def close_paragraph() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal kind
        if kind:
            first = f' start="{start}"' if kind == "ol" and start != 1 else ""
            out.append(f"<{kind}{first}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{kind}>")
            items.clear()
            kind = ""

    for raw in str(value or "").replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        ordered, bullet = _OL.match(line), _UL.match(line)
        if not line.strip():
            close_paragraph()
            close_list()
        elif ordered or bullet:
            close_paragraph()
            wanted = "ol" if ordered else "ul"
            if kind != wanted:
                close_list()
                kind = wanted
                start = int(ordered.group(1)) if ordered else 1
            items.append(_inline(ordered.group(2) if ordered else bullet.group(1)))  # type: ignore[union-attr]
        elif kind and raw[:1].isspace():
            items[-1] += " " + _inline(line.strip())  # a wrapped list item
        else:
            close_list()
            paragraph.append(line.strip())
    close_paragraph()
    close_list()
    return mark_safe("".join(out))  # noqa: S308 - every piece of text went through escape()
