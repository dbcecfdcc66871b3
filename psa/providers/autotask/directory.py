"""The tenant's directory: companies, contacts and configuration items, searched one query each.

Quick Create needs "is there a contact called Grace Wong", never a download: each search is one
`query` of at most `limit` rows. Name matching ignores case because Autotask's string
comparisons do (SQL Server collation [U]); the results are re-checked here all the same, so a
`contains`-style server match can never widen what we return.
"""

from __future__ import annotations

from collections.abc import Sequence

from psa.providers.autotask import mapping, query
from psa.providers.autotask.tickets import TicketReads
from psa.providers.base import PSACompany, PSAConfiguration, PSAContact

CONTACT_FIELDS = (
    "companyID",
    "firstName",
    "lastName",
    "emailAddress",
    "phone",
    "title",
    "isActive",
)
MAX_NAMES = 100  # each name is a condition (or two): stay far below the 500 per query


class TenantDirectory(TicketReads):
    def search_companies(self, *, query: str, limit: int = 25) -> list[PSACompany]:
        text = " ".join(query.split())
        limit = max(1, min(limit, 500))
        conditions = [_q.eq(field="isActive", value=True)]
        if text:
            # By name, or by the company number ("C1000") the product shows as its identifier.
            conditions.append(
                _q.any_of(
                    _q.cond(op="contains", field="companyName", value=text),
                    _q.eq(field="companyNumber", value=text),
                )
            )
        rows = self.rows(
            entity="Companies",
            filters=conditions,
            what="the companies",
            include_fields=("companyName", "companyNumber", "webAddress"),
            max_records=limit,
        )
        return sorted(map(mapping.company_from, rows), key=lambda c: (c.name.lower(), c.id))

    def list_contacts(self, *, company_id: int) -> list[PSAContact]:
        rows = self.rows(
            entity="Contacts",
            filters=[
                _q.eq(field="companyID", value=int(company_id)),
                _q.eq(field="isActive", value=1),
            ],
            what="the contacts",
            include_fields=CONTACT_FIELDS,
        )
        names = self.company_names([int(company_id)])
        contacts = [
            mapping.contact_from(r, company_name=names.get(int(company_id), "")) for r in rows
        ]
        return sorted(contacts, key=lambda c: (c.name.lower(), c.id))

    def contacts_search(self, *, names: Sequence[str], limit: int = 50) -> list[PSAContact]:
        wanted = {" ".join(n.split()).lower() for n in names if n.strip()}
        wanted = set(sorted(wanted)[:MAX_NAMES])
        if not wanted:
            return []
        options = []
        for name in sorted(wanted):
            first, _, last = name.partition(" ")
            if last:
                options.append(
                    _q.all_of(
                        _q.eq(field="firstName", value=first), _q.eq(field="lastName", value=last)
                    )
                )
            else:
                options.append(_q.eq(field="firstName", value=first))
        rows = self.rows(
            entity="Contacts",
            filters=[_q.eq(field="isActive", value=1), _q.any_of(*options)],
            what="the contacts",
            include_fields=CONTACT_FIELDS,
            max_records=max(1, min(limit, 500)),
        )
        contacts = [mapping.contact_from(r) for r in rows]
        names_of = self.company_names(c.company_id for c in contacts)
        return [
            mapping.contact_from(r, company_name=names_of.get(c.company_id or 0, ""))
            for r, c in zip(rows, contacts, strict=True)
            if c.name.lower() in wanted
            or (c.first_name.lower() in wanted and " " not in c.first_name)
        ]

    def configurations_search(
        self, *, names: Sequence[str], limit: int = 50
    ) -> list[PSAConfiguration]:
        wanted = sorted({" ".join(n.split()).lower() for n in names if n.strip()})[:MAX_NAMES]
        if not wanted:
            return []
        rows = self.rows(
            entity="ConfigurationItems",
            filters=[
                _q.eq(field="isActive", value=True),
                _q.any_of(
                    *(_q.eq(field="referenceTitle", value=n) for n in wanted),
                    *(_q.eq(field="referenceNumber", value=n) for n in wanted),
                ),
            ],
            what="the configuration items",
            max_records=max(1, min(limit, 500)),
        )
        found = self.configurations_from(rows)
        keep = set(wanted)
        return [c for c in found if c.name.lower() in keep or c.device_identifier.lower() in keep]


_q = query  # `search_companies` takes a parameter named `query` (the interface's name)
