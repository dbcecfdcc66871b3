"""The tenant's directory: companies, contacts and configurations, listed or found by name."""

from __future__ import annotations

from collections.abc import Sequence

from psa.providers.base import (
    PSACompany,
    PSAConfiguration,
    PSAContact,
    PSANotFound,
    PSAValidationError,
    TenantMatches,
)
from psa.providers.connectwise import mapping
from psa.providers.connectwise.conditions import Condition, and_, contains, eq, in_, or_
from psa.providers.connectwise.connection import ConnectWiseConnection
from psa.providers.connectwise.paging import first_page
from psa.providers.connectwise.ticket_query import search_names, search_text
from psa.providers.parallel import run_parallel

# What Quick Create needs of a contact / configuration it found by name (fields= keeps rows small).
# communicationItems: Quick Create matches a pasted email's sender against the contacts' addresses.
CONTACT_SEARCH_FIELDS = (
    "id,firstName,lastName,company/id,company/name,title,inactiveFlag,communicationItems"
)
CONFIGURATION_SEARCH_FIELDS = "id,name,deviceIdentifier,type/name,company/id,activeFlag"


class TenantDirectory(ConnectWiseConnection):
    """Companies, contacts and configurations (Quick Create's lookups and the panel's)."""

    def search_companies(self, *, query: str, limit: int = 25) -> list[PSACompany]:
        text = search_text(query)
        conditions = and_(
            eq("deletedFlag", False),
            or_(contains("name", text), contains("identifier", text)) if text else None,
        )
        rows = first_page(
            self.client,
            "/company/companies",
            {
                "conditions": str(conditions),
                "fields": "id,identifier,name",
                "orderBy": "name asc",
            },
            limit=limit,
            what="companies",
        )
        return [mapping.company_from_cw(row) for row in rows]

    def list_contacts(self, *, company_id: int) -> list[PSAContact]:
        rows = self.client.get_all(
            "/company/contacts",
            {
                "conditions": str(and_(eq("company/id", company_id), eq("inactiveFlag", False))),
                "orderBy": "lastName asc, firstName asc, id asc",
            },
        )
        return [mapping.contact_from_cw(row) for row in rows]

    def contacts_search(self, *, names: Sequence[str], limit: int = 50) -> list[PSAContact]:
        wanted: list[Condition | None] = []
        for name in search_names(names):
            first, _, last = name.partition(" ")
            wanted.append(
                and_(eq("firstName", first), eq("lastName", last))
                if last
                else eq("firstName", first)
            )
        if not wanted:
            return []
        rows = first_page(
            self.client,
            "/company/contacts",
            {
                "conditions": str(and_(eq("inactiveFlag", False), or_(*wanted))),
                "fields": CONTACT_SEARCH_FIELDS,
                "orderBy": "lastName asc, firstName asc, id asc",
            },
            limit=limit,
            what="contacts",
        )
        return [mapping.contact_from_cw(row) for row in rows]

    def configurations_search(
        self, *, names: Sequence[str], limit: int = 50
    ) -> list[PSAConfiguration]:
        wanted = search_names(names)
        if not wanted:
            return []
        rows = first_page(
            self.client,
            "/company/configurations",
            {
                "conditions": str(
                    and_(
                        eq("activeFlag", True),
                        or_(in_("name", wanted), in_("deviceIdentifier", wanted)),
                    )
                ),
                "fields": CONFIGURATION_SEARCH_FIELDS,
                "orderBy": "name asc, id asc",
            },
            limit=limit,
            what="configurations",
        )
        return [mapping.configuration_from_cw(row) for row in rows]

    def tenant_search(
        self, *, contact_names: Sequence[str], configuration_names: Sequence[str]
    ) -> TenantMatches:
        contacts, configurations = run_parallel(
            (lambda: self.contacts_search(names=contact_names)) if contact_names else list,
            (lambda: self.configurations_search(names=configuration_names))
            if configuration_names
            else list,
        )
        return TenantMatches(contacts=tuple(contacts), configurations=tuple(configurations))

    def _contact_or_none(self, contact_id: int | None) -> PSAContact | None:
        if contact_id is None:
            return None
        try:
            return mapping.contact_from_cw(self.client.get(f"/company/contacts/{contact_id}"))
        except PSANotFound:
            return None

    def _configuration_details(self, ids: list[int]) -> dict[int, PSAConfiguration]:
        rows = self.client.get_all("/company/configurations", {"conditions": str(in_("id", ids))})
        configs = (mapping.configuration_from_cw(row) for row in rows)
        return {c.id: c for c in configs}

    def _require_configurations(self, ids: list[int]) -> None:
        if not ids:
            return
        rows = self.client.get_all(
            "/company/configurations", {"conditions": str(in_("id", ids)), "fields": "id"}
        )
        missing = sorted(set(ids) - {row.get("id") for row in rows})
        if missing:
            listed = ", ".join(f"#{config_id}" for config_id in missing)
            raise PSAValidationError(
                f"ConnectWise has no configuration {listed}; nothing was created.",
                fields={"configuration_ids": [f"Unknown configuration {listed}."]},
            )
