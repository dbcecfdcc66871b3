"""Diagnostics for an Autotask tenant: the same report as ConnectWise's (`psa.diagnostics`), one
check per call shape the product sends — zone and authentication, the picklists, resources,
companies, the ticket search, one ticket and its panel.

Read-only. Autotask's API cannot delete a ticket note, so the note-and-assignee write checks
(`--write-ticket`) are reported as skipped rather than leaving a note behind on every run.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .diagnostics import DiagnosticsReport, _Run, _StatusRecorder
from .models import PSAConnection
from .providers.autotask.client import AutotaskClient
from .providers.autotask.provider import AutotaskProvider
from .providers.base import PSAError, PSATicket, TicketFilters
from .registry import build_provider

# What to do about a failure, by error code; `{area}` is the Autotask permission involved.
AUTOTASK_FIXES = {
    "psa_not_configured": "Correct the user name, Secret and zone under Account → Integrations.",
    "psa_auth_failed": (
        "Check the API user's UserName, Secret and API integration code (Integrations → "
        "Connection settings); the user must be an API-only resource (Admin → Resources)."
    ),
    "psa_forbidden": (
        "Give the API user's security level access to {area} (Admin → Security Levels)."
    ),
    "psa_not_found": "Autotask has no such entity or record: check the zone override.",
    "psa_validation": (
        "Autotask refused the request's shape (a field, filter or value): report this row to "
        "ResolutionFlow; it is our bug, not your setup."
    ),
    "psa_rate_limited": (
        "Autotask is throttling this integration (hourly threshold or 3 concurrent calls per "
        "endpoint): wait and re-run."
    ),
    "psa_unavailable": "Autotask did not answer: check the zone; if it persists, it is down.",
    "psa_bad_response": "The answer was not Autotask JSON: check the zone override.",
}


def _diagnostic_provider(connection: PSAConnection) -> AutotaskProvider:
    built = build_provider(connection)
    if not isinstance(built, AutotaskProvider):
        raise TypeError(f"{connection.provider!r} is not an Autotask connection")
    # No retries (each call's own answer is the point) and no shared cooldown.
    config = dataclasses.replace(built.config, max_retries=0)
    built.close()
    return AutotaskProvider(client=AutotaskClient(config))


def autotask_diagnostics_run(
    *, connection: PSAConnection, write_ticket_id: int | None = None
) -> DiagnosticsReport:
    provider = _diagnostic_provider(connection)
    run = _Run(
        provider=provider,  # type: ignore[arg-type]
        recorder=_StatusRecorder(provider.client.session),
        fixes=AUTOTASK_FIXES,
    )
    try:
        _read_checks(run, provider)
        if write_ticket_id is not None:
            for call in ("POST /Tickets/{id}/Notes", "POST /TicketSecondaryResources"):
                run.skip(call, "write checks are not run on Autotask (its notes cannot be deleted)")
    finally:
        provider.close()
    return DiagnosticsReport(results=tuple(run.results))


def _read_checks(run: _Run, p: AutotaskProvider) -> None:
    found: dict[str, Any] = {"boards": [], "members": []}

    def threshold() -> str:
        usage = p.client.get("ThresholdInformation")
        count = usage.get("currentTimeframeRequestCount") if isinstance(usage, dict) else None
        limit = usage.get("externalRequestThreshold") if isinstance(usage, dict) else None
        return f"zone {p.client.api_root}; {count}/{limit} requests this hour"

    def boards() -> str:
        found["boards"] = p.list_boards()
        if not found["boards"]:
            raise PSAError("No active queues: the ticket queue picklist is empty.")
        return f"{len(found['boards'])} queues"

    def statuses() -> str:
        return f"{len(p.list_all_statuses())} statuses (one list for every queue)"

    def priorities() -> str:
        return f"{len(p.list_priorities())} priorities"

    def members() -> str:
        found["members"] = p.list_members()
        return f"{len(found['members'])} resources"

    def companies() -> str:
        return f"{len(p.search_companies(query='a', limit=5))} companies match 'a'"

    def search() -> str:
        board = found["boards"][0]
        result = p.search_tickets(filters=TicketFilters(search="e", board_id=board.id), page_size=5)
        return f"{result.total} open tickets in {board.name} with 'e'"

    def search_assigned() -> str:
        member = next(m for m in found["members"] if not m.inactive)
        filters = TicketFilters(assigned="me", me_identifier=member.identifier)
        return f"{p.search_tickets(filters=filters, page_size=5).total} open tickets of {member.identifier}"

    def every_ticket() -> str:
        rows = p.search_tickets(filters=TicketFilters(include_closed=True), page_size=1)
        found["ticket"] = rows.items[0] if rows.items else None
        return f"{rows.total} tickets, closed included"

    run.check("GET /zoneInformation + /ThresholdInformation", "the API user", threshold)
    run.check("GET /Tickets/entityInformation/fields (queues)", "Tickets", boards)
    run.check("ticket status picklist", "Tickets", statuses)
    run.check("ticket priority picklist", "Tickets", priorities)
    run.check("POST /Resources/query", "Resources", members)
    run.check("POST /Companies/query (search)", "Companies", companies)
    searches = (
        ("POST /Tickets/query (search)", search, bool(found["boards"])),
        ("POST /Tickets/query (assigned to me)", search_assigned, bool(found["members"])),
    )
    for call, body, possible in searches:
        if possible:
            run.check(call, "Tickets", body)
        else:
            run.skip(call, "no queue or resource to search with")
    run.check("POST /Tickets/query (every ticket)", "Tickets", every_ticket)
    ticket = found.get("ticket")
    if ticket is None:
        run.skip("ticket detail and panel", "the tenant has no ticket to read")
        return
    _ticket_checks(run, p, ticket)


def _ticket_checks(run: _Run, p: AutotaskProvider, ticket: PSATicket) -> None:
    def detail() -> str:
        return f"#{p.get_ticket(ticket_id=ticket.id).id}"

    def context() -> str:
        ctx = p.get_ticket_context(ticket_id=ticket.id)
        return f"{len(ctx.notes)} notes, {len(ctx.related)} related, contact: {ctx.contact is not None}"

    def resources() -> str:
        return f"{len(p.list_resources(ticket_id=ticket.id))} assigned to #{ticket.id}"

    def contacts() -> str:
        if ticket.company_id is None:
            return "the ticket has no company"
        return f"{len(p.list_contacts(company_id=ticket.company_id))} contacts at its company"

    run.check("GET /Tickets/{id}", "Tickets", detail)
    run.check("ticket context (panel)", "Tickets, TicketNotes", context)
    run.check("POST /TicketSecondaryResources/query", "Tickets", resources)
    run.check("POST /Contacts/query", "Contacts", contacts)
