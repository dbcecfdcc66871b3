"""Contacts: the person a ticket is about, found by name in the tenant (never by a guess).

A full name ("Grace Wong", "Grace Wong's") names the contacts with exactly that first and last
name; a first name alone ("Kevin at Cypress") only counts next to a company that settles it.
Exactly one contact -> that contact (and, when no company was named, its company). The same
name at two companies -> no contact and no company, and a warning naming both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from psa.providers.base import PSACompany, PSAContact

from ..normalize import compact
from .common import join_names


@dataclass(frozen=True)
class ContactChoice:
    contact: PSAContact | None = None
    company_id: int | None = None  # the contact's company, when the contact settles it
    warning: str | None = None
    ambiguous_company_ids: tuple[int, ...] = ()


def _key(text: str) -> str:
    return compact(text)


def contacts_named(name: str, found: Sequence[PSAContact]) -> list[PSAContact]:
    """Contacts among `found` that `name` names: a full name exactly, a single word by first name."""
    words = name.split()
    if len(words) >= 2:
        key = _key(name)
        return [
            c for c in found if _key(c.name) == key or _key(f"{c.first_name} {c.last_name}") == key
        ]
    if len(words) == 1:
        key = _key(name)
        return [c for c in found if _key(c.first_name) == key]
    return []


def choose_contact(
    names: Sequence[str],
    found: Sequence[PSAContact],
    *,
    company_id: int | None,
    companies: dict[int, PSACompany],
) -> ContactChoice:
    """The one contact the prompt's names point at, within `company_id` when that is known."""

    def company_name(cid: int | None) -> str:
        return companies[cid].name if cid in companies else f"company {cid}"

    for name in names:
        full = len(name.split()) >= 2
        named = contacts_named(name, found)
        if not named:
            continue
        if company_id is not None:
            here = [c for c in named if c.company_id == company_id]
            if len(here) == 1:
                return ContactChoice(here[0])
            if len(here) > 1:
                return ContactChoice(
                    warning=f"'{name}' could be more than one contact at "
                    f"{company_name(company_id)}; pick the contact"
                )
            if full:
                others = join_names(company_name(c.company_id) for c in named)
                return ContactChoice(
                    warning=f"{name} is a contact at {others}, not at "
                    f"{company_name(company_id)}; no contact set"
                )
            continue
        if not full:
            continue  # a first name alone never chooses a company
        company_ids = tuple(dict.fromkeys(c.company_id for c in named if c.company_id))
        if len(named) == 1 and len(company_ids) == 1:
            return ContactChoice(named[0], company_ids[0])
        if len(company_ids) > 1:
            where = join_names(company_name(cid) for cid in company_ids)
            return ContactChoice(
                warning=f"{name} is a contact at {where}; pick the company",
                ambiguous_company_ids=company_ids,
            )
        return ContactChoice(
            company_id=company_ids[0] if company_ids else None,
            warning=f"'{name}' could be more than one contact; pick the contact",
        )
    return ContactChoice()
