"""Diagnostics: every call shape the product sends to ConnectWise, run once against a tenant.

Used by `python manage.py psa_doctor` and the "Run diagnostics" button on /account/integrations/.
Each check calls the provider exactly as the product does (same conditions, orderBy, fields), on a
private provider built for the run: no retries (each call's own answer is what we want to see),
no shared rate-limit cooldown, and a recorder of the HTTP statuses every call got.

Read-only by default. With `write_ticket_id`, it also adds and removes an internal note and an
assignee (schedule entry) on that ticket.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import requests

from .models import PSAConnection
from .providers.base import PSAError, PSATicket, TicketFilters
from .providers.connectwise.client import ConnectWiseClient
from .providers.connectwise.provider import ConnectWiseProvider
from .registry import build_provider

Verdict = Literal["pass", "fail", "skip"]

DIAGNOSTIC_NOTE = "ResolutionFlow diagnostics: checking that notes can be added (removed again)."

# What to do about a failure, by error code; `{area}` is where the check's permission lives.
FIXES = {
    "psa_not_configured": "Correct the site URL and keys under Account → Integrations.",
    "psa_auth_failed": (
        "Check the company id, public key and private key (Integrations → Connection settings); "
        "API keys are made under System → Members → API Members → API Keys."
    ),
    "psa_forbidden": (
        "Give the API member's security role Inquire access to {area} "
        "(System → Security Roles), and check the clientId is registered."
    ),
    "psa_not_found": (
        "ConnectWise has no such route or record: check the site's codebase and API version "
        "under Connection settings."
    ),
    "psa_validation": (
        "ConnectWise refused the request's shape (a field name, condition or value): report "
        "this row to ResolutionFlow; it is our bug, not your setup."
    ),
    "psa_rate_limited": "ConnectWise is rate limiting this API member: wait a minute and re-run.",
    "psa_unavailable": (
        "ConnectWise did not answer: check the site URL; if it persists, the site is overloaded "
        "or down (ConnectWise answers database timeouts with HTTP 500)."
    ),
    "psa_bad_response": (
        "The answer was not ConnectWise JSON: check the site URL points at the API host "
        "(e.g. https://api-na.myconnectwise.net)."
    ),
    "psa_change_not_applied": (
        "ConnectWise accepted the write but did not apply it: a workflow rule on the board may "
        "undo it."
    ),
}


@dataclass(frozen=True, slots=True)
class CheckResult:
    call: str  # e.g. "GET /service/tickets/{id}/allNotes"
    verdict: Verdict
    status: int | None  # the HTTP status that decided the verdict (None: no answer)
    duration_ms: float
    detail: str = ""  # what was found, or why it failed
    fix: str = ""

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"


@dataclass(frozen=True, slots=True)
class DiagnosticsReport:
    results: tuple[CheckResult, ...]

    @property
    def counted(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.verdict != "skip")

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.counted)

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.passed == self.total

    @property
    def summary(self) -> str:
        return f"{self.passed}/{self.total} checks passed"


class _StatusRecorder:
    """Wraps a session's `request` to note the HTTP status of every call (thread-safe)."""

    def __init__(self, session: requests.Session) -> None:
        self._real = session.request
        self._lock = threading.Lock()
        self.statuses: list[int] = []
        session.request = self  # type: ignore[method-assign]

    def __call__(self, *args: Any, **kwargs: Any) -> requests.Response:
        response = self._real(*args, **kwargs)
        with self._lock:
            self.statuses.append(response.status_code)
        return response

    def take(self) -> list[int]:
        with self._lock:
            taken, self.statuses = self.statuses, []
        return taken


@dataclass
class _Run:
    provider: ConnectWiseProvider
    recorder: _StatusRecorder
    results: list[CheckResult] = field(default_factory=list)
    fixes: dict[str, str] = field(default_factory=lambda: FIXES)  # the PSA's general advice

    def check(
        self,
        call: str,
        area: str,
        body: Callable[[], str],
        *,
        fixes: dict[str, str] | None = None,
    ) -> bool:
        """Run one check; `body` returns what it found (a short text) or raises PSAError.

        `fixes` replaces the general advice for some error codes where this call knows better.
        """
        self.recorder.take()
        started = time.monotonic()
        try:
            detail = body()
        except PSAError as exc:
            statuses = self.recorder.take()
            failing = [s for s in statuses if s >= 400]
            self.results.append(
                CheckResult(
                    call=call,
                    verdict="fail",
                    status=failing[-1] if failing else (statuses[-1] if statuses else None),
                    duration_ms=_ms(started),
                    detail=exc.message,
                    fix={**self.fixes, **(fixes or {})}.get(exc.code, "").format(area=area),
                )
            )
            return False
        statuses = self.recorder.take()
        self.results.append(
            CheckResult(
                call=call,
                verdict="pass",
                status=statuses[-1] if statuses else None,
                duration_ms=_ms(started),
                detail=detail,
            )
        )
        return True

    def skip(self, call: str, why: str) -> None:
        self.results.append(
            CheckResult(call=call, verdict="skip", status=None, duration_ms=0.0, detail=why)
        )


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def _diagnostic_provider(connection: PSAConnection) -> ConnectWiseProvider:
    built = build_provider(connection)
    if not isinstance(built, ConnectWiseProvider):  # pragma: no cover - one provider today
        raise TypeError(f"No diagnostics for provider {connection.provider!r}")
    config = dataclasses.replace(built.config, max_retries=0)
    built.close()
    return ConnectWiseProvider(client=ConnectWiseClient(config))


def diagnostics_run(
    *, connection: PSAConnection, write_ticket_id: int | None = None
) -> DiagnosticsReport:
    """Every call shape the product sends, one check each, in the order the product needs them."""
    if connection.is_autotask:
        from .diagnostics_autotask import autotask_diagnostics_run  # it builds on this module

        return autotask_diagnostics_run(connection=connection, write_ticket_id=write_ticket_id)
    provider = _diagnostic_provider(connection)
    run = _Run(provider=provider, recorder=_StatusRecorder(provider.client.session))
    try:
        _read_checks(run)
        if write_ticket_id is not None:
            _write_checks(run, write_ticket_id)
    finally:
        provider.close()
    return DiagnosticsReport(results=tuple(run.results))


def _read_checks(run: _Run) -> None:
    p = run.provider
    found: dict[str, Any] = {}

    def system_info() -> str:
        info = p.client.get("/system/info")
        version = info.get("version") if isinstance(info, dict) else None
        return f"ConnectWise {version}" if version else "answered"

    def boards() -> str:
        found["boards"] = p.list_boards()
        if not found["boards"]:
            raise PSAError("No active service boards: the API member may see none.")
        return f"{len(found['boards'])} active boards"

    def statuses() -> str:
        board = found["boards"][0]
        rows = p.list_statuses(board_id=board.id)
        return f"{len(rows)} statuses on {board.name}"

    def priorities() -> str:
        return f"{len(p.list_priorities())} priorities"

    def members() -> str:
        found["members"] = p.list_members()
        return f"{len(found['members'])} members"

    def companies() -> str:
        rows = p.search_companies(query="a", limit=5)
        return f"{len(rows)} companies match 'a'"

    def schedule_type() -> str:
        kind = p.service_schedule_type()
        return f"type {kind.identifier!r} has id {kind.id}"

    def search() -> str:
        filters = TicketFilters(search="e", board_id=found["boards"][0].id)
        result = p.search_tickets(filters=filters, page=1, page_size=5)
        return f"{result.total} open tickets on {found['boards'][0].name} with 'e'"

    def search_assigned() -> str:
        member = next(m for m in found["members"] if not m.inactive)
        filters = TicketFilters(assigned="me", me_identifier=member.identifier)
        result = p.search_tickets(filters=filters, page=1, page_size=5)
        return f"{result.total} open tickets assigned to {member.identifier}"

    def search_recent() -> str:
        # The dashboard's "Recently updated, yours": a date condition, newest update first.
        member = next(m for m in found["members"] if not m.inactive)
        filters = TicketFilters(
            assigned="me",
            me_identifier=member.identifier,
            include_closed=True,
            updated_since=datetime.now(UTC) - timedelta(days=1),
        )
        result = p.search_tickets(filters=filters, page=1, page_size=5, order="updated")
        return f"{result.total} tickets of {member.identifier} updated in the last day"

    def search_boards() -> str:
        # The dashboard's "Unassigned on your boards": several boards, mine or nobody's.
        member = next(m for m in found["members"] if not m.inactive)
        boards = tuple(b.id for b in found["boards"][:3])
        filters = TicketFilters(
            assigned="me_or_unassigned", me_identifier=member.identifier, board_ids=boards
        )
        result = p.search_tickets(filters=filters, page=1, page_size=5)
        return (
            f"{result.total} open tickets of {member.identifier} or nobody on {len(boards)} boards"
        )

    def every_ticket() -> str:
        rows = p.search_tickets(filters=TicketFilters(include_closed=True), page=1, page_size=1)
        found["ticket"] = rows.items[0] if rows.items else None
        return f"{rows.total} tickets, closed included"

    run.check("GET /system/info", "System > API Reports", system_info)
    if not run.check("GET /service/boards", "Service Desk > Service Boards", boards):
        found["boards"] = []
    if found["boards"]:
        run.check("GET /service/boards/{id}/statuses", "Service Desk > Service Boards", statuses)
    else:
        run.skip("GET /service/boards/{id}/statuses", "no board to read statuses of")
    run.check("GET /service/priorities", "Service Desk > Service Tickets", priorities)
    if not run.check("GET /system/members", "System > Member Maintenance", members):
        found["members"] = []
    run.check("GET /company/companies (search)", "Companies > Company Maintenance", companies)
    run.check("GET /schedule/types", "Time & Expense > Schedule Entry", schedule_type)
    if found["boards"]:
        run.check(
            "GET /service/tickets + /count (search)", "Service Desk > Service Tickets", search
        )
    else:
        run.skip("GET /service/tickets + /count (search)", "no board to search")
    if any(not m.inactive for m in found["members"]):
        run.check(
            "GET /service/tickets + /count (assigned)",
            "Service Desk > Service Tickets",
            search_assigned,
        )
        run.check(
            "GET /service/tickets + /count (updated since)",
            "Service Desk > Service Tickets",
            search_recent,
        )
        if found["boards"]:
            run.check(
                "GET /service/tickets + /count (boards, mine or nobody's)",
                "Service Desk > Service Tickets",
                search_boards,
            )
    else:
        run.skip("GET /service/tickets + /count (assigned)", "no active member to filter by")
    run.check(
        "GET /service/tickets + /count (closed too)", "Service Desk > Service Tickets", every_ticket
    )

    ticket: PSATicket | None = found.get("ticket")
    if ticket is None:
        for call in (
            "GET /service/tickets/{id}",
            "GET /service/tickets/{id}/allNotes",
            "GET /service/tickets/{id}/configurations",
            "GET ticket context (panel)",
            "GET /schedule/entries",
            "GET /company/contacts",
            "GET /service/tickets (newest first)",
        ):
            run.skip(call, "the tenant has no ticket to read")
        return
    _ticket_checks(run, ticket)


def _ticket_checks(run: _Run, ticket: PSATicket) -> None:
    p = run.provider
    tickets_area = "Service Desk > Service Tickets"

    def detail() -> str:
        return f"#{p.get_ticket(ticket_id=ticket.id).id}"

    def all_notes() -> str:
        rows = p.client.get_all(f"/service/tickets/{ticket.id}/allNotes", {"orderBy": "id asc"})
        return f"{len(rows)} notes and time entries on #{ticket.id}"

    def configurations() -> str:
        rows = p.client.get_all(f"/service/tickets/{ticket.id}/configurations")
        return f"{len(rows)} configurations on #{ticket.id}"

    def context() -> str:
        ctx = p.get_ticket_context(ticket_id=ticket.id)
        return f"{len(ctx.notes)} notes, {len(ctx.related)} related, contact: {ctx.contact is not None}"

    def entries() -> str:
        return f"{len(p.list_resources(ticket_id=ticket.id))} assigned to #{ticket.id}"

    def contacts() -> str:
        if ticket.company_id is None:
            return "the ticket has no company"
        return f"{len(p.list_contacts(company_id=ticket.company_id))} contacts at its company"

    run.check("GET /service/tickets/{id}", tickets_area, detail)
    refused = (
        "Until the API member's security role may read {area} notes and time entries, "
        "ResolutionFlow reads /notes instead and the panel shows no time entries."
    )
    run.check(
        "GET /service/tickets/{id}/allNotes",
        tickets_area,
        all_notes,
        fixes={"psa_forbidden": refused, "psa_not_found": refused},
    )
    run.check(
        "GET /service/tickets/{id}/configurations", "Companies > Configurations", configurations
    )
    run.check("GET ticket context (panel)", tickets_area, context)
    run.check("GET /schedule/entries", "Time & Expense > Schedule Entry", entries)
    run.check("GET /company/contacts", "Companies > Contacts", contacts)

    def newest_first() -> str:
        if ticket.company_id is None:
            return "the ticket has no company"
        since = (ticket.date_entered or datetime.now(UTC)) - timedelta(days=1)
        rows = p.find_recent_tickets(
            company_id=ticket.company_id, board_id=ticket.board_id, since=since, limit=10
        )
        return f"{len(rows)} tickets of its company entered in the day before it"

    # The search that finds a ticket whose create answer was lost.
    run.check("GET /service/tickets (newest first)", tickets_area, newest_first)


def _write_checks(run: _Run, ticket_id: int) -> None:
    p = run.provider
    made: dict[str, Any] = {}

    def add_note() -> str:
        made["note"] = p.add_note(ticket_id=ticket_id, text=DIAGNOSTIC_NOTE, note_type="internal")
        return f"note {made['note'].id} on #{ticket_id}"

    def remove_note() -> str:
        p.client.delete(f"/service/tickets/{ticket_id}/notes/{made['note'].id}")
        return f"note {made['note'].id} removed"

    def add_assignee() -> str:
        assigned = {r.member_id for r in p.list_resources(ticket_id=ticket_id)}
        member = next(
            (m for m in p.list_members() if not m.inactive and m.id not in assigned), None
        )
        if member is None:
            raise PSAError("Every active member is already assigned; nobody left to try with.")
        made["member"] = member
        p.add_resource(ticket_id=ticket_id, member_id=member.id)
        return f"{member.identifier} assigned to #{ticket_id}"

    def remove_assignee() -> str:
        p.remove_resource(ticket_id=ticket_id, member_id=made["member"].id)
        return f"{made['member'].identifier} unassigned"

    area = "Service Desk > Service Tickets (Add/Edit)"
    if run.check("POST /service/tickets/{id}/notes", area, add_note):
        run.check("DELETE /service/tickets/{id}/notes/{noteId}", area, remove_note)
    else:
        run.skip("DELETE /service/tickets/{id}/notes/{noteId}", "no note was added")
    schedule_area = "Time & Expense > Schedule Entry (Add/Delete)"
    if run.check("POST /schedule/entries", schedule_area, add_assignee):
        run.check("DELETE /schedule/entries/{id}", schedule_area, remove_assignee)
    else:
        run.skip("DELETE /schedule/entries/{id}", "no assignee was added")


def format_report(report: DiagnosticsReport) -> str:
    """The report as a plain-text table (the command's output)."""
    rows = [("CALL", "HTTP", "TIME", "VERDICT", "DETAIL / FIX")]
    for r in report.results:
        note = r.detail if r.passed or r.verdict == "skip" else f"{r.detail} Fix: {r.fix}".strip()
        rows.append(
            (
                r.call,
                str(r.status) if r.status is not None else "-",
                f"{r.duration_ms:.0f} ms" if r.verdict != "skip" else "-",
                r.verdict.upper(),
                note,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    return "\n".join([*lines, "", report.summary])
