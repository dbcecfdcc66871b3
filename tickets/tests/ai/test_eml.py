"""An email file (.eml) reads as its pasted text: same draft, plain text preferred, HTML turned
into text with the standard library."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tickets.ai import parse_ticket_prompt
from tickets.ai.eml import EmailFileError, eml_text, html_to_text
from tickets.tests.ai.conftest import TenantLookupFake, _reference, member

PASTED = """From: Kevin Wong <kevin.wong@greenleaflaw.example>
To: support@baysideit.example
Subject: RE: Scanner not sending to email

Hi team,

Still broken this morning, the scanner says SMTP error. Urgent please.

Thanks,
Kevin Wong"""


def email_file(*, plain: str | None, html: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Kevin Wong <kevin.wong@greenleaflaw.example>"
    msg["To"] = "support@baysideit.example"
    msg["Subject"] = "RE: Scanner not sending to email"
    if plain is not None:
        msg.set_content(plain)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="scan.pdf")
    return bytes(msg)


BODY = PASTED.split("\n\n", 1)[1]
HTML = (
    "<html><head><style>p{color:red}</style></head><body><p>Hi team,</p>"
    "<p>Still broken this morning, the scanner says SMTP error. Urgent please.</p>"
    "<p>Thanks,<br>Kevin Wong</p></body></html>"
)


def parsed(prompt: str):
    return parse_ticket_prompt(
        prompt=prompt,
        reference=_reference(),
        me=member("jsmith"),
        lookup=TenantLookupFake(),
        use_llm=False,
    )


def fields(result) -> tuple:
    return (
        result.summary,
        result.company_id,
        result.contact_id,
        result.priority_id,
        result.board_id,
        result.warnings,
    )


def test_the_plain_text_part_is_preferred_and_reads_like_the_paste() -> None:
    text = eml_text(email_file(plain=BODY, html="<p>Something else entirely</p>"))
    assert text == PASTED
    assert fields(parsed(text)) == fields(parsed(PASTED))
    assert parsed(text).company_id == 260  # Greenleaf & Marsh, from the sender's address


def test_an_html_only_email_is_turned_into_text_with_the_same_result() -> None:
    text = eml_text(email_file(plain=None, html=HTML))
    assert "color:red" not in text and "<p>" not in text
    assert fields(parsed(text)) == fields(parsed(PASTED))


def test_html_blocks_and_breaks_end_lines() -> None:
    assert (
        html_to_text("<div>One &amp; two</div><p>Three<br/>Four</p>") == "One & two\n\nThree\nFour"
    )


@pytest.mark.parametrize("data", [b"", b"just some bytes\x00\x01", b"x" * (3 * 1024 * 1024)])
def test_a_file_that_is_not_an_email_is_refused(data: bytes) -> None:
    with pytest.raises(EmailFileError):
        eml_text(data)
