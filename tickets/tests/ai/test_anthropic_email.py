"""The Anthropic path on a pasted email: the model gets the headers, the ask and the signature
apart (quoted history left out), and the same resolver checks what it records."""

from __future__ import annotations

from psa.providers.base import ReferenceData
from tickets.tests.ai.anthropic_fakes import (
    answering,
    assert_no_invented_ids,
    message,
    parse,
    tool_input,
    tool_use,
)
from tickets.tests.ai.conftest import TenantLookupFake

EMAIL = """From: Kevin Wong <kevin.wong@greenleaflaw.example>
To: support@baysideit.example
Subject: RE: RE: Scanner not sending to email

Hi team,

Still broken this morning, the scanner says SMTP error.

Thanks,
Kevin Wong
Greenleaf & Marsh LLP

On Mon, Nov 2, 2026 at 4:40 PM Anika Patel <apatel@baysideit.example> wrote:
> This is an emergency, Acme Corp had the same.
"""


def test_an_email_reaches_the_model_as_headers_body_and_signature(
    reference: ReferenceData,
) -> None:
    api = answering(message(tool_use(tool_input(company=None, priority=None, assignee=None))))
    parse(reference, api.engine(), prompt=EMAIL, lookup=TenantLookupFake())

    text = api.body["messages"][0]["content"]
    headers = text.split("<headers>\n", 1)[1].split("\n</headers>", 1)[0]
    assert headers.splitlines() == [
        "From: Kevin Wong <kevin.wong@greenleaflaw.example>",
        "Subject: Scanner not sending to email",
    ]
    body = text.split("<body>\n", 1)[1].split("\n</body>", 1)[0]
    assert body == "Still broken this morning, the scanner says SMTP error."
    assert "<signature>\nThanks,\nKevin Wong\nGreenleaf & Marsh LLP\n</signature>" in text
    # Quoted history is not sent: its "emergency" and "Acme Corp" cannot be read as today's ask.
    assert "emergency" not in text and "Acme" not in text and "Hi team" not in text
    assert "client's email" in api.body["system"]


def test_the_model_reading_an_email_is_checked_by_the_same_resolver(
    reference: ReferenceData,
) -> None:
    # The model names nobody and no company: the sender's address settles both, in one wave.
    api = answering(
        message(
            tool_use(
                tool_input(
                    summary="Scanner not sending to email",
                    company=None,
                    priority=None,
                    assignee=None,
                    contact="Ivy Dubois",  # not in the email: never becomes a contact
                    configurations=["ACME-FW01"],  # not in the email: never looked up
                )
            )
        )
    )
    lookup = TenantLookupFake()
    result = parse(reference, api.engine(), prompt=EMAIL, lookup=lookup)

    assert (result.engine, result.company_id, result.contact_id) == ("anthropic", 260, 1031)
    assert result.configuration_ids == ()
    assert lookup.waves == [(("Kevin Wong",), ())]
    assert result.meta.psa_waves == 1
    assert result.description == EMAIL.strip()
    assert_no_invented_ids(result, reference)


def test_a_long_ask_reaches_the_model_whole_with_its_signature(reference: ReferenceData) -> None:
    # A sentence-sized cut (4,000 characters) used to end the request inside the body.
    steps = "".join(
        f"Step {n}: restarted the scanner and tried again, same SMTP error.\n" for n in range(80)
    )
    email = EMAIL.replace("Still broken this morning, the scanner says SMTP error.\n", steps)
    assert len(email) > 4000
    api = answering(message(tool_use(tool_input(company=None, priority=None, assignee=None))))
    parse(reference, api.engine(), prompt=email, lookup=TenantLookupFake())

    text = api.body["messages"][0]["content"]
    assert "Step 79: restarted the scanner" in text
    assert "<signature>\nThanks,\nKevin Wong\nGreenleaf & Marsh LLP\n</signature>" in text
    assert text.endswith("</email>\n</request>")
