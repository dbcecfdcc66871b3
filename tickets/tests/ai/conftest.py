"""Reference data for the AI parser tests, built from the Bayside IT tenant.

The simulator's copy (`psa/simulator/data/baysideit.json`) is preferred; without it the shared
ConnectWise tenant (`../shared/connectwise/tenant.json`, next to the repository) is used. Both are
the ConnectWise REST shapes, mapped here to the normalized types.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from psa.providers.base import (
    PSAAssignee,
    PSABoard,
    PSACompany,
    PSAConfiguration,
    PSAContact,
    PSAMember,
    PSAPriority,
    PSAStatus,
    PSATicket,
    ReferenceData,
    TenantMatches,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
TENANT_CANDIDATES = (
    REPO / "psa" / "simulator" / "data" / "baysideit.json",
    REPO.parent / "shared" / "connectwise" / "tenant.json",
)


@cache
def tenant() -> dict[str, Any]:
    for path in TENANT_CANDIDATES:
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    pytest.skip("no tenant JSON available (psa/simulator/data/baysideit.json)")
    raise AssertionError  # unreachable


def reference_from_tenant(data: dict[str, Any]) -> ReferenceData:
    return ReferenceData(
        boards=tuple(
            PSABoard(id=b["id"], name=b["name"], inactive=bool(b.get("inactiveFlag")))
            for b in data["boards"]
        ),
        statuses=tuple(
            PSAStatus(
                id=s["id"],
                name=s["name"],
                board_id=s["board"]["id"],
                closed=bool(s.get("closedStatus")),
                default=bool(s.get("defaultFlag")),
                sort_order=int(s.get("sortOrder") or 0),
                inactive=bool(s.get("inactive")),
            )
            for s in data["boardStatuses"]
        ),
        priorities=tuple(
            PSAPriority(
                id=p["id"],
                name=p["name"],
                sort=int(p.get("sortOrder") or 0),
                color=p.get("color") or "",
                default=bool(p.get("defaultFlag")),
            )
            for p in data["priorities"]
        ),
        members=tuple(
            PSAMember(
                id=m["id"],
                identifier=m["identifier"],
                name=f"{m.get('firstName', '')} {m.get('lastName', '')}".strip(),
                first_name=m.get("firstName") or "",
                last_name=m.get("lastName") or "",
                email=m.get("officeEmail") or "",
                inactive=bool(m.get("inactiveFlag")),
            )
            for m in data["members"]
        ),
        companies=tuple(
            PSACompany(
                id=c["id"],
                identifier=c["identifier"],
                name=c["name"],
                website=c.get("website") or "",
            )
            for c in data["companies"]
            if not c.get("deletedFlag")
        ),
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def ticket_from_tenant(t: dict[str, Any]) -> PSATicket:
    priority = t.get("priority") or {}
    return PSATicket(
        id=t["id"],
        summary=t["summary"],
        company_id=(t.get("company") or {}).get("id"),
        company_name=(t.get("company") or {}).get("name", ""),
        board_id=(t.get("board") or {}).get("id"),
        board_name=(t.get("board") or {}).get("name", ""),
        status_id=(t.get("status") or {}).get("id"),
        status_name=(t.get("status") or {}).get("name", ""),
        priority_id=priority.get("id"),
        priority_name=priority.get("name", ""),
        priority_sort=priority.get("sort"),
        assignees=tuple(
            PSAAssignee(identifier=r.get("identifier", ""), name=r.get("name", ""))
            for r in (t.get("resources") or [])
            if isinstance(r, dict)
        ),
        date_entered=_when((t.get("_info") or {}).get("dateEntered")),
        closed=bool(t.get("closedFlag")),
    )


@cache
def _reference() -> ReferenceData:
    return reference_from_tenant(tenant())


@pytest.fixture
def reference() -> ReferenceData:
    return _reference()


def member(identifier: str | None) -> PSAMember | None:
    if identifier is None:
        return None
    return next(m for m in _reference().members if m.identifier == identifier)


def open_tickets_for(company_id: int) -> list[PSATicket]:
    return [
        ticket_from_tenant(t)
        for t in tenant()["tickets"]
        if (t.get("company") or {}).get("id") == company_id and not t.get("closedFlag")
    ]


def load_cases(name: str) -> list[dict[str, Any]]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _email(contact: dict[str, Any]) -> str:
    """The contact's default email communication item (what the provider maps)."""
    items = [
        i
        for i in contact.get("communicationItems") or []
        if i.get("communicationType") == "Email" and i.get("value")
    ]
    items.sort(key=lambda i: not i.get("defaultFlag"))
    return items[0]["value"] if items else ""


class TenantLookupFake:
    """`PSAProvider.tenant_search` over the tenant JSON, with ConnectWise's matching (exact
    names, case-insensitive, active records only) and a count of the waves asked for."""

    def __init__(self) -> None:
        self.waves: list[tuple[tuple[str, ...], tuple[str, ...]]] = []

    def __call__(self, contacts: Sequence[str], devices: Sequence[str]) -> TenantMatches:
        self.waves.append((tuple(contacts), tuple(devices)))
        data = tenant()
        full = {" ".join(n.casefold().split()) for n in contacts}
        found_contacts = tuple(
            PSAContact(
                id=c["id"],
                name=f"{c['firstName']} {c['lastName']}",
                company_id=c["company"]["id"],
                first_name=c["firstName"],
                last_name=c["lastName"],
                email=_email(c),
            )
            for c in data["contacts"]
            if not c.get("inactiveFlag")
            and (
                f"{c['firstName']} {c['lastName']}".casefold() in full
                or c["firstName"].casefold() in full
            )
        )
        names = {d.casefold() for d in devices}
        found_configs = tuple(
            PSAConfiguration(
                id=c["id"],
                name=c["name"],
                type_name=c["type"]["name"],
                company_id=c["company"]["id"],
                device_identifier=c.get("deviceIdentifier", ""),
            )
            for c in data["configurations"]
            if c.get("activeFlag", True)
            and (c["name"].casefold() in names or c.get("deviceIdentifier", "").casefold() in names)
        )
        return TenantMatches(contacts=found_contacts, configurations=found_configs)
