"""An email's sender -> the client company (and contact), from the tenant's own records.

In order, the first that settles it:

1. The `From` address is a contact's email (the contacts the one lookup wave found carry their
   communication items) -> that contact and its company.
2. The address is unknown but its domain is used by exactly one company - its website
   (`www.cypresscpa.example`) or its contacts' addresses - -> that company, with "Assumed
   <company> from the sender's address (<address>)". A free-mail domain (gmail.com, outlook.com,
   ...) never implies a company; neither does a domain two companies use (a warning says so).
3. The company the signature names in full.

Nothing here can return a company or contact that is not in the reference data or the tenant's
answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from psa.providers.base import PSACompany, PSAContact, ReferenceData

from .vocab.common import join_names
from .vocab.company import resolve_company_text

_FREE_MAIL = """
    gmail.com googlemail.com outlook.com hotmail.com hotmail.co.uk live.com msn.com yahoo.com
    yahoo.co.uk ymail.com rocketmail.com aol.com icloud.com me.com mac.com proton.me
    protonmail.com pm.me gmx.com gmx.net gmx.de web.de mail.com zoho.com yandex.com yandex.ru
    comcast.net att.net verizon.net sbcglobal.net fastmail.com hey.com t-online.de orange.fr
    free.fr btinternet.com qq.com 163.com
"""
FREE_MAIL_DOMAINS = frozenset(_FREE_MAIL.split())


@dataclass(frozen=True)
class SenderChoice:
    company: PSACompany | None = None
    contact: PSAContact | None = None
    warning: str | None = None
    from_address: bool = False  # settled by the address (rules 1-2), not by the signature


def _host(website: str) -> str:
    host = website.strip().lower()
    host = host.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host.removeprefix("www.")


def _domain_matches(domain: str, host: str) -> bool:
    return bool(host) and (domain == host or domain.endswith("." + host))


def domain_owners(
    domain: str, companies: Sequence[PSACompany], contacts: Sequence[PSAContact]
) -> list[PSACompany]:
    """The companies whose website or contacts' addresses use `domain` (mail.x.example is x's)."""
    by_id = {c.id: c for c in companies}
    owners = [c for c in companies if _domain_matches(domain, _host(c.website))]
    for contact in contacts:
        used = contact.email.rpartition("@")[2].lower()
        if used and _domain_matches(domain, used) and contact.company_id in by_id:
            owners.append(by_id[contact.company_id])
    return list({c.id: c for c in owners}.values())


def company_from_sender(
    *,
    address: str | None,
    signature_company_text: str | None,
    reference: ReferenceData,
    contacts: Sequence[PSAContact],
) -> SenderChoice:
    companies = {c.id: c for c in reference.companies}
    address = (address or "").strip().lower()
    warning = None
    if address:
        exact = [c for c in contacts if c.email and c.email.strip().lower() == address]
        owner_ids = list(dict.fromkeys(c.company_id for c in exact if c.company_id in companies))
        if len(owner_ids) == 1:
            mine = [c for c in exact if c.company_id == owner_ids[0]]
            contact = mine[0] if len(mine) == 1 else None
            return SenderChoice(companies[owner_ids[0]], contact, from_address=True)
        domain = address.rpartition("@")[2]
        if domain and domain not in FREE_MAIL_DOMAINS:
            owners = domain_owners(domain, reference.companies, contacts)
            if len(owners) == 1:
                return SenderChoice(
                    owners[0],
                    warning=f"Assumed {owners[0].name} from the sender's address ({address})",
                    from_address=True,
                )
            if len(owners) > 1:
                warning = (
                    f"The sender's domain {domain} is used by {join_names(c.name for c in owners)}"
                    "; pick the company"
                )
    if signature_company_text:
        named = resolve_company_text(signature_company_text, reference)
        if named.company is not None and not named.assumed:
            return SenderChoice(named.company, warning=warning)
    return SenderChoice(warning=warning)
