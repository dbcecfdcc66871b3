"""A pasted client email: its parts (`email_text`), the sender's company (`sender`), and the whole
parse with the one tenant lookup wave (Bayside tenant: Grace Wong at Cypress Accounting, two
Kevin Wongs, two Paul Bellos, ...)."""

from __future__ import annotations

import pytest

from psa.providers.base import PSACompany, PSAContact, ReferenceData
from tickets.ai import parse_ticket_prompt
from tickets.ai.email_text import clean_subject, parse_sender, read_email
from tickets.ai.offline import extract
from tickets.ai.sender import company_from_sender
from tickets.tests.ai.conftest import TenantLookupFake, member, tenant

GRACE = """From: Grace Wong <grace.wong@cypresscpa.example>
Sent: Monday, November 2, 2026 8:14 AM
To: support@baysideit.example
Subject: RE: Fwd: Outlook keeps freezing

Hi team,

Outlook keeps freezing every time I open a PDF attachment.

Thanks,
Grace Wong
Office Manager
Cypress Accounting
"""

REPLY = """From: Kevin Wong <kevin.wong@greenleaflaw.example>
Subject: RE: RE: Scanner not sending to email

Still broken this morning, the scanner says SMTP error.

On Mon, Nov 2, 2026 at 4:40 PM Anika Patel
<apatel@baysideit.example> wrote:
> This is urgent, Acme Corp had the same.
"""


def parse(prompt: str, lookup: TenantLookupFake | None = None):
    return parse_ticket_prompt(
        prompt=prompt,
        reference=_reference(),
        me=member("jsmith"),
        lookup=lookup if lookup is not None else TenantLookupFake(),
        use_llm=False,
    )


def _reference() -> ReferenceData:
    from tickets.tests.ai.conftest import _reference as ref

    return ref()


def company_id(identifier: str) -> int:
    return next(c["id"] for c in tenant()["companies"] if c["identifier"] == identifier)


# --- the parts of an email ---------------------------------------------------------------------------


def test_headers_greeting_and_signature_are_kept_apart_from_the_ask() -> None:
    email = read_email(GRACE)
    assert email is not None
    assert email.subject == "Outlook keeps freezing"
    assert email.ask == "Outlook keeps freezing every time I open a PDF attachment."
    sender = email.senders[0]
    assert (sender.name, sender.address) == ("Grace Wong", "grace.wong@cypresscpa.example")
    assert sender.signature.splitlines()[1:] == [
        "Grace Wong",
        "Office Manager",
        "Cypress Accounting",
    ]


def test_a_quoted_reply_is_history_not_the_ask() -> None:
    email = read_email(REPLY)
    assert email is not None
    assert email.ask == "Still broken this morning, the scanner says SMTP error."
    assert [s.address for s in email.senders] == ["kevin.wong@greenleaflaw.example"]


def test_a_reply_written_below_the_quote_is_the_ask() -> None:
    email = read_email(
        "From: Ben Lindqvist <ben.lindqvist@northwind.example>\nSubject: Re: VPN\n\n"
        "On Mon, Nov 2, 2026 at 4:40 PM Anika Patel <apatel@baysideit.example> wrote:\n"
        "> Is the VPN working again? This is urgent.\n\nNo, the VPN tunnel is still down.\n"
    )
    assert email is not None
    assert email.ask == "No, the VPN tunnel is still down."


def test_an_outlook_original_message_under_a_reply_is_history() -> None:
    email = read_email(
        "From: Felix Schulz [mailto:felix.schulz@blueharbor.example]\nSubject: RE: Teller printer\n\n"
        "The camera feed is frozen.\n\n-----Original Message-----\nFrom: Rafael Garcia\n"
        "Subject: Teller printer\n\nThis is an emergency."
    )
    assert email is not None
    assert email.ask == "The camera feed is frozen."
    assert email.senders[0].address == "felix.schulz@blueharbor.example"


def test_a_forwarded_message_is_part_of_the_ask_and_its_sender_is_listed() -> None:
    email = read_email(
        "From: Jordan Smith <jsmith@baysideit.example>\nSubject: Fwd: Wi-Fi dropping\n\n"
        "Please log this one.\n\n---------- Forwarded message ---------\n"
        "From: Tom Nguyen <tom.nguyen@harborview.example>\nSubject: Wi-Fi dropping\n\n"
        "The guest Wi-Fi keeps dropping.\n\nTom Nguyen\nHarborview Hotel & Suites\n"
    )
    assert email is not None
    assert "The guest Wi-Fi keeps dropping." in email.ask
    assert [s.address for s in email.senders] == [
        "jsmith@baysideit.example",
        "tom.nguyen@harborview.example",
    ]
    assert email.senders[1].signature == "Tom Nguyen\nHarborview Hotel & Suites"


@pytest.mark.parametrize(
    ("raw", "name", "address"),
    [
        (
            '"Bello, Paul" <Paul.Bello@AcmeLabs.example>',
            "Paul Bello",
            "paul.bello@acmelabs.example",
        ),
        (
            "Felix Schulz [mailto:felix.schulz@blueharbor.example]",
            "Felix Schulz",
            "felix.schulz@blueharbor.example",
        ),
        ("grace.wong@cypresscpa.example", "", "grace.wong@cypresscpa.example"),
        ("Rafael Garcia", "Rafael Garcia", ""),
    ],
)
def test_from_lines_in_their_common_shapes(raw: str, name: str, address: str) -> None:
    sender = parse_sender(raw)
    assert (sender.name, sender.address) == (name, address)


def test_subject_prefixes_go_however_many() -> None:
    assert clean_subject("RE: RE: FW: [EXTERNAL] Printer jammed") == "Printer jammed"
    assert clean_subject("Fwd: Re: Re[2]: VPN down") == "VPN down"


def test_a_sentence_is_not_an_email() -> None:
    assert read_email("Acme Corp, Outlook not syncing, high priority, assign to me") is None
    assert read_email("Grace Wong's Outlook keeps freezing") is None
    assert read_email("Hi, Acme Corp printer is down, urgent") is None


# --- the offline engine on an email ------------------------------------------------------------------


def test_the_summary_is_the_subject_never_a_header_and_the_description_is_the_whole_email() -> None:
    found = extract(GRACE, _reference())
    assert found.summary == "Outlook keeps freezing"
    assert found.description == GRACE.strip()
    assert found.sender_address == "grace.wong@cypresscpa.example"
    assert found.signature_company_text == "Cypress Accounting"
    assert found.contact_names[0] == "Grace Wong"


def test_a_vague_subject_gives_way_to_the_bodys_first_request() -> None:
    found = extract(
        "From: Liam Carter <liam.carter@abdental.example>\nSubject: Question\n\nHi,\n\n"
        "Can you reset the password for our new receptionist? She is locked out.\n\nThanks,\nLiam",
        _reference(),
    )
    assert found.summary == "reset the password for our new receptionist"


def test_priority_words_in_a_quoted_reply_do_not_count() -> None:
    result = parse(REPLY)
    assert result.priority_id is None
    assert result.company_id == company_id("GreenleafLaw")


@pytest.mark.parametrize(
    ("body", "level"),
    [
        ("The whole office is down since 7am.", "Priority 1 - Emergency Response"),
        ("Outlook is broken, ASAP please.", "Priority 2 - Quick Response"),
        (
            "Outlook is slow. Not urgent, whenever you get a chance.",
            "Priority 4 - Schedule Maintenance",
        ),
    ],
)
def test_priority_cues_in_the_body_follow_the_sentence_rules(body: str, level: str) -> None:
    result = parse(
        f"From: Grace Wong <grace.wong@cypresscpa.example>\nSubject: Help\n\nHi,\n\n{body}\n\nGrace"
    )
    names = {p.id: p.name for p in _reference().priorities}
    assert names.get(result.priority_id or 0) == level


# --- the sender decides the company ------------------------------------------------------------------


def test_a_contacts_address_settles_a_name_two_companies_share_in_one_wave() -> None:
    lookup = TenantLookupFake()
    for address, identifier, contact_id in (
        ("kevin.wong@greenleaflaw.example", "GreenleafLaw", 1031),
        ("kevin.wong@quickfixauto.example", "SmithQuickFix", 1018),
    ):
        result = parse(
            f"From: Kevin Wong <{address}>\nSubject: Scanner not sending to email\n\nHelp!\n\nKevin",
            lookup,
        )
        assert (result.company_id, result.contact_id) == (company_id(identifier), contact_id)
        assert result.meta.psa_waves == 1
    assert len(lookup.waves) == 2  # one per parse


def test_an_unknown_address_at_a_companys_domain_is_assumed_with_a_warning() -> None:
    result = parse(
        "From: Front Desk <frontdesk@harborview.example>\nSubject: Key card encoder not working\n\n"
        "Guests can't get room keys."
    )
    assert result.company_id == company_id("HarborviewHotel")
    assert result.contact_id is None
    assert (
        "Assumed Harborview Hotel & Suites from the sender's address (frontdesk@harborview.example)"
        in result.warnings
    )


def test_a_free_mail_address_never_implies_a_company() -> None:
    result = parse(
        "From: Kevin Wong <kwong.home@gmail.com>\nSubject: Can't get into my email\n\n"
        "It keeps asking for the password.\n\nKevin Wong"
    )
    assert result.company_id is None and result.contact_id is None
    assert any(
        'Smith "Quick Fix" Auto Repair' in w and "Greenleaf & Marsh LLP" in w
        for w in result.warnings
    )


def test_the_signatures_company_fills_in_for_a_free_mail_sender() -> None:
    result = parse(
        "From: dana <dana.reyes1980@outlook.com>\nSubject: Phones down\n\nNo dial tone.\n\n"
        "Dana Reyes\nOffice Manager\nCoastal Insurance Agency"
    )
    assert result.company_id == company_id("CoastalInsurance")
    assert result.contact_id == 1053


def test_no_address_and_a_shared_name_leaves_the_company_empty_naming_both() -> None:
    result = parse("Hi team,\n\nThe plotter is jammed again.\n\nThanks,\nPaul Bello")
    assert result.company_id is None
    assert any("Summit Architecture Studio" in w and "Acme Labs" in w for w in result.warnings)


def test_a_colleague_forwarding_the_clients_mail_is_not_the_client() -> None:
    result = parse(
        "From: Jordan Smith <jsmith@baysideit.example>\nSubject: Fwd: Wi-Fi dropping in the lobby\n\n"
        "Please log this one.\n\n---------- Forwarded message ---------\n"
        "From: Tom Nguyen <tom.nguyen@harborview.example>\nSubject: Wi-Fi dropping in the lobby\n\n"
        "The guest Wi-Fi keeps dropping."
    )
    assert result.company_id == company_id("HarborviewHotel")
    assert result.contact_id == 1041


def test_a_domain_two_companies_use_implies_neither() -> None:
    companies = (
        PSACompany(id=1, identifier="A", name="Alpha", website="www.shared.example"),
        PSACompany(id=2, identifier="B", name="Beta", website="https://shared.example/"),
    )
    reference = ReferenceData(
        boards=(), statuses=(), priorities=(), members=(), companies=companies
    )
    choice = company_from_sender(
        address="x@shared.example", signature_company_text=None, reference=reference, contacts=()
    )
    assert choice.company is None
    assert (
        choice.warning
        == "The sender's domain shared.example is used by Alpha or Beta; pick the company"
    )


def test_a_subdomain_and_a_contacts_own_domain_count() -> None:
    companies = (PSACompany(id=1, identifier="A", name="Alpha"),)
    reference = ReferenceData(
        boards=(), statuses=(), priorities=(), members=(), companies=companies
    )
    contact = PSAContact(id=9, name="Ann Lee", company_id=1, email="ann@alpha-mail.example")
    choice = company_from_sender(
        address="bob@eu.alpha-mail.example",
        signature_company_text=None,
        reference=reference,
        contacts=(contact,),
    )
    assert choice.company == companies[0] and choice.contact is None and choice.from_address


def test_outlook_bold_headers_a_dash_dash_signature_and_a_topic_subject() -> None:
    email = read_email(
        "*From:* Priya Reyes <priya.reyes@lighthousecc.example>\n*Subject:* Livestream PC\n\n"
        "Good morning! The livestream PC blue screens when we start OBS.\n--\n"
        "Priya Reyes | Lighthouse Community Church"
    )
    assert email is not None
    assert email.senders[0].name == "Priya Reyes"
    assert email.ask == "The livestream PC blue screens when we start OBS."
    assert email.senders[0].signature == "--\nPriya Reyes | Lighthouse Community Church"
    result = parse(
        "*From:* Priya Reyes <priya.reyes@lighthousecc.example>\n*Subject:* Livestream PC\n\n"
        "Good morning! The livestream PC blue screens when we start OBS.\n"
    )
    # "Livestream PC" names a topic, not the problem: the body's first sentence is the summary.
    assert result.summary == "The livestream PC blue screens when we start OBS"
    assert result.contact_id == 1059


def test_begin_forwarded_message_and_a_mobile_sign_off() -> None:
    result = parse(
        "Begin forwarded message:\n\nFrom: Chloe O'Neil <chloe.oneil@riverside.example>\n"
        "Subject: Projector in room 12\n\nThe projector in room 12 won't turn on.\n\n"
        "Sent from my iPhone"
    )
    assert (result.company_id, result.contact_id) == (company_id("RiversideSchools"), 1034)
    assert result.summary == "The projector in room 12 won't turn on"
