"""Which ticket fields a write may set, and how: plain values, references, or read-only."""

from __future__ import annotations

from psa.simulator.errors import Validator
from psa.simulator.writes.validation import FieldTypes

SUMMARY_MAX = 100

SCALAR_FIELDS: FieldTypes = {
    "summary": str,
    "severity": str,
    "impact": str,
    "siteName": str,
    "addressLine1": str,
    "addressLine2": str,
    "city": str,
    "stateIdentifier": str,
    "zip": str,
    "contactName": str,
    "contactPhoneNumber": str,
    "contactEmailAddress": str,
    "customerUpdatedFlag": bool,
    "approved": bool,
    "budgetHours": (int, float),
    "billTime": str,
    "billExpenses": str,
    "billProducts": str,
    "poNumber": str,
}
# Checked against the tenant's records before they are written.
REFERENCE_FIELDS = {
    "company",
    "board",
    "status",
    "priority",
    "type",
    "contact",
    "owner",
    "parentTicketId",
}
# Stored as sent: the simulator has no records for these to check them against.
PASSTHROUGH_REFS = {
    "source",
    "site",
    "team",
    "serviceLocation",
    "subType",
    "item",
    "agreement",
    "location",
    "department",
}
READ_ONLY = {
    "id",
    "_info",
    "resources",
    "recordType",
    "closedDate",
    "closedBy",
    "hasChildTicket",
    "hasMergedChildTicketFlag",
    "mergedParentTicket",
    "slaStatus",
    "isInSla",
    "dateResolved",
    "dateResplan",
    "dateResponded",
}


def canonical_ticket_field(name: str) -> str | None:
    """The field's spelling on a ticket: ConnectWise matches PATCH paths case-insensitively."""
    lowered = name.lower()
    for known in (
        *SCALAR_FIELDS,
        *REFERENCE_FIELDS,
        *PASSTHROUGH_REFS,
        *READ_ONLY,
        "closedFlag",
    ):
        if known.lower() == lowered:
            return known
    return None


def check_summary(validator: Validator, summary: object) -> None:
    if summary is None or (isinstance(summary, str) and not summary.strip()):
        validator.required("summary")
    elif not isinstance(summary, str):
        validator.invalid("summary", "The field summary must be a string.")
    elif len(summary) > SUMMARY_MAX:
        validator.invalid(
            "summary",
            f"The field summary must be a string with a maximum length of {SUMMARY_MAX}.",
        )
