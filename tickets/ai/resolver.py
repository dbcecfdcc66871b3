"""The resolver: an engine's `Extraction` -> ids that exist in the account's reference data and tenant.

An engine (offline or Anthropic) hands over text as the dispatcher wrote it; each vocabulary in
`tickets.ai.vocab` (priority, board, status, member, company, contact, configuration) maps its part
onto records, and this orchestrator settles how they combine:

1. The company the prompt names (full name, identifier, short form; or a misspelling within a small
   edit distance, with "Assumed <company> for '<text>'").
2. A linked ticket's company (`context_company_id`, a spin-off from ResolutionAssist) is the default
   when the prompt names none; a partial match of ANOTHER company does not replace it, it becomes a
   warning ("'Riverside' may mean Riverside Academy; kept O'Brien & Sons Plumbing ...").
3. Contacts and configurations found in the tenant for the prompt's names (`TenantMatches`, one
   wave): when no company is named they settle it (a contact's or device's company), and when the
   named one is ambiguous ("Acme") they pick among its candidates; two companies -> none + warning.
4. A pasted email's sender (`sender`): the `From` address of a known contact, else a domain one
   company uses ("Assumed ... from the sender's address"), else the signature's company.
5. A configuration's type informs the board when the work does not (firewall -> network, server
   or NAS with an alert -> monitoring).

Nothing it returns is outside `ReferenceData` or the tenant's own answers: anything it cannot pin
down to exactly one record becomes None plus a warning that says why.
"""

from __future__ import annotations

import re

from psa.providers.base import (
    PSABoard,
    PSACapabilities,
    PSACompany,
    PSAConfiguration,
    PSAContact,
    PSAMember,
    ReferenceData,
    TenantMatches,
)

from .limits import MAX_DESCRIPTION_CHARS
from .normalize import fold
from .sender import company_from_sender
from .types import REQUIRED_FIELDS, Extraction, ParseResult
from .vocab.board import boards_of_kind, resolve_board
from .vocab.company import CompanyResolution, resolve_company_text
from .vocab.configuration import (
    ConfigurationChoice,
    board_kind_for_configurations,
    choose_configurations,
)
from .vocab.contact import ContactChoice, choose_contact
from .vocab.member import resolve_assignee
from .vocab.priority import resolve_priority
from .vocab.status import resolve_status

# An AI-written summary is one line: 100 characters, which every PSA takes
# (PSACapabilities.summary_max).
SUMMARY_MAX = 100
NO_COMPANY = "Could not determine company from context"
DESCRIPTION_CUT = (
    f"The description keeps the first {MAX_DESCRIPTION_CHARS:,} characters (a ticket holds no more)"
)


def clean_summary(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip().strip(",;:-– ").strip()
    if not text:
        return None
    if len(text) > SUMMARY_MAX:
        cut = text[: SUMMARY_MAX + 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > SUMMARY_MAX // 2 else cut[:SUMMARY_MAX]).rstrip(",;:-– ")
    first = text.split()[0]
    if first[0].islower() and not any(ch.isupper() for ch in first[1:]):  # not "iPhone", "eBay"
        text = text[0].upper() + text[1:]
    return text


class _Tenant:
    """The prompt's contacts and devices, chosen within one company (or none yet)."""

    def __init__(
        self, extraction: Extraction, tenant: TenantMatches, companies: dict[int, PSACompany]
    ) -> None:
        self.extraction, self.tenant, self.companies = extraction, tenant, companies

    def within(self, company_id: int | None) -> tuple[ContactChoice, ConfigurationChoice]:
        return (
            choose_contact(
                self.extraction.contact_names,
                self.tenant.contacts,
                company_id=company_id,
                companies=self.companies,
            ),
            choose_configurations(
                self.extraction.device_names,
                self.tenant.configurations,
                company_id=company_id,
                companies=self.companies,
            ),
        )


def _company_contact_configurations(
    extraction: Extraction,
    reference: ReferenceData,
    tenant: TenantMatches,
    context_company_id: int | None,
    warnings: list[str],
) -> tuple[PSACompany | None, PSAContact | None, tuple[PSAConfiguration, ...]]:
    companies = {c.id: c for c in reference.companies}
    context = companies.get(context_company_id) if context_company_id is not None else None
    text = (extraction.company_text or "").strip()
    named = resolve_company_text(text, reference) if text else CompanyResolution(None)
    company, company_warning = named.company, (named.warning if text else None)
    if context and company and company.id != context.id and named.level <= 2:
        # A short form or a misspelling of another company than the linked ticket's.
        company_warning = (
            f"'{text}' may mean {company.name}; kept {context.name} from the linked ticket "
            "- change the company if that is wrong"
        )
        company = context
        named = CompanyResolution(context, level=4)

    sender = company_from_sender(
        address=extraction.sender_address,
        signature_company_text=extraction.signature_company_text,
        reference=reference,
        contacts=tenant.contacts,
    )
    sender_warning = sender.warning
    if sender.company is not None and (sender.from_address or company is None):
        # The sender's address outranks what the email's text seems to name; the signature
        # only fills in when the text names no company.
        if company is not None and company.id != sender.company.id and text:
            sender_warning = (
                f"Used {sender.company.name} (the sender's company) rather than "
                f"{company.name} for '{text}'"
            )
        company, company_warning = sender.company, None
        named = CompanyResolution(company, level=4)

    lookups = _Tenant(extraction, tenant, companies)
    firm = company if company is not None and not named.assumed else None
    contact_choice, config_choice = lookups.within(firm.id if firm else None)
    if sender.contact is not None and firm is not None and sender.contact.company_id == firm.id:
        contact_choice = ContactChoice(sender.contact)
    if firm is None:
        implied = list(
            dict.fromkeys(c for c in (contact_choice.company_id, config_choice.company_id) if c)
        )
        ambiguous = {c.id for c in named.ambiguous}
        if len(implied) == 1 and implied[0] in companies and implied[0] in (ambiguous or implied):
            found = companies[implied[0]]
            if company is not None and company.id != found.id:
                company_warning = (
                    f"Used {found.name} (the company of the contact or device named) rather "
                    f"than {company.name} for '{text}'"
                )
            elif company is None:
                company_warning = None
            company = found
            contact_choice, config_choice = lookups.within(found.id)
        elif len(implied) > 1:
            names = " and ".join(companies[c].name for c in implied if c in companies)
            company_warning = (
                f"The contact and the device named belong to different companies ({names}); "
                "pick the company"
            )
            company = None
            contact_choice, config_choice = ContactChoice(), ConfigurationChoice()
    if company is None and context is not None and not named.ambiguous:
        company = context
        if text:
            company_warning = (
                f"No company matches '{text}'; kept {context.name} from the linked ticket"
            )
    found_warnings = [
        w
        for w in (company_warning, sender_warning, contact_choice.warning, config_choice.warning)
        if w
    ]
    warnings.extend(found_warnings)
    if company is None and not found_warnings:
        warnings.append(NO_COMPANY)
    return company, contact_choice.contact, config_choice.configurations


def _board(
    extraction: Extraction,
    reference: ReferenceData,
    configurations: tuple[PSAConfiguration, ...],
    prompt: str,
    warnings: list[str],
) -> PSABoard | None:
    board, warning = resolve_board(extraction.board_text, reference, implied=True)
    if board is None and extraction.implied_board_text:
        implied, _ = resolve_board(extraction.implied_board_text, reference)
        if implied is not None:
            if warning:
                warning = (
                    f"No board matches '{(extraction.board_text or '').strip()}'; "
                    f"chose {implied.name} from the work described"
                )
            board = implied
    if board is None and not warning and configurations:
        kind = board_kind_for_configurations(configurations, prompt)
        candidates = (
            boards_of_kind(kind, (b for b in reference.boards if not b.inactive)) if kind else []
        )
        if len(candidates) == 1:
            board = candidates[0]
    if warning:
        warnings.append(warning)
    if board is None:
        warnings.append("Could not determine board from context")
    return board


def resolve(
    extraction: Extraction,
    reference: ReferenceData,
    me: PSAMember | None,
    *,
    tenant: TenantMatches | None = None,
    context_company_id: int | None = None,
    prompt: str = "",
    psa: PSACapabilities | None = None,
) -> ParseResult:
    """Map an extraction onto ids in `reference` and `tenant`; every unresolved required id lands
    in missing_fields. `psa`: the connected PSA's capabilities, for the warnings' words."""
    warnings: list[str] = []
    company, contact, configurations = _company_contact_configurations(
        extraction, reference, tenant or TenantMatches(), context_company_id, warnings
    )
    work = prompt or " ".join(filter(None, (extraction.summary, extraction.description)))
    board = _board(extraction, reference, configurations, work, warnings)
    priority = resolve_priority(extraction.priority_text, reference)
    status, warning = resolve_status(extraction.status_text, board, reference)
    if warning:
        warnings.append(warning)
    assignee_id = resolve_assignee(extraction, reference, me, warnings, psa=psa)

    summary = clean_summary(extraction.summary)
    description = (extraction.description or "").strip() or None
    if description and len(description) > MAX_DESCRIPTION_CHARS:
        description = description[:MAX_DESCRIPTION_CHARS].rstrip()
        warnings.append(DESCRIPTION_CUT)
    if description and summary and fold(description) == fold(summary):
        description = None

    missing = {
        "company_id": company is None,
        "board_id": board is None,
        "priority_id": priority is None,
        "status_id": status is None,
    }
    return ParseResult(
        summary=summary,
        company_id=company.id if company else None,
        board_id=board.id if board else None,
        priority_id=priority.id if priority else None,
        status_id=status.id if status else None,
        assigned_member_id=assignee_id,
        description=description,
        missing_fields=tuple(f for f in REQUIRED_FIELDS if missing[f]),
        warnings=tuple(dict.fromkeys(warnings)),
        engine=extraction.engine,
        contact=contact,
        configurations=configurations,
    )
