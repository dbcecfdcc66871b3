"""`chat_text`: replies rendered as safe, simple HTML."""

from __future__ import annotations

from assistant.templatetags.chat import chat_text


def test_paragraphs_lists_and_inline_formatting() -> None:
    text = (
        "Let's start.\nSecond line.\n\n**First-line checks — VPN**\n1. Run `ipconfig /all`\n"
        "2. Check *Work Offline*\n   (in the Send/Receive tab)\n\n- one\n- two"
    )
    assert chat_text(text) == (
        "<p>Let&#x27;s start.<br>Second line.</p>"
        "<p><strong>First-line checks — VPN</strong></p>"
        "<ol><li>Run <code>ipconfig /all</code></li>"
        "<li>Check <em>Work Offline</em> (in the Send/Receive tab)</li></ol>"
        "<ul><li>one</li><li>two</li></ul>"
    )


def test_everything_is_escaped() -> None:
    html = chat_text('<img src=x onerror="alert(1)"> **<b>bold</b>** `<script>`')
    assert "<img" not in html and "<b>" not in html and "<script>" not in html
    assert "<strong>&lt;b&gt;bold&lt;/b&gt;</strong>" in html
    assert "<code>&lt;script&gt;</code>" in html


def test_paths_and_lone_asterisks_stay_as_written() -> None:
    html = chat_text("Clear C:\\Windows\\System32\\spool\\PRINTERS\\* and 2 * 3 = 6")
    assert "<em>" not in html
    assert "PRINTERS\\* and 2 * 3 = 6" in html


def test_a_list_starting_later_keeps_its_number_and_empty_text_is_empty() -> None:
    assert chat_text("4. fourth\n5. fifth").startswith('<ol start="4">')
    assert chat_text("") == "" and chat_text(None) == ""
