"""The slide-out panel (htmx fragments): a ticket's header, context, assignees, status and notes.

PSA failures go through the one htmx error path (`psa.htmx_errors`): reads fill their
place with a retryable message, writes toast and keep what the engineer typed. What a write
shows instead when it fails (the control put back as the PSA has it, the composer with its
draft) is the `on_error` argument of `psa_errors`, never an except block here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from psa.htmx_errors import inline_error, psa_errors, read_or
from psa.providers.base import PSAError, PSAResource, PSATicket
from psa.selectors import capabilities_for_account, reference_data_get
from resolutionflow.htmx import toast
from resolutionflow.tenancy import account_of, account_required

from . import selectors, services
from .filters import TicketQuery, statuses_in_scope
from .forms import NOTE_TYPE_CHOICES, int_or_none
from .outbox_views import outbox_context
from .sla import sla_state


def psa_name(request: HttpRequest) -> str:
    """The account's PSA as a message names it (its capabilities' `name`)."""
    return capabilities_for_account(account=account_of(request)).name


def note_types_offered(account: Any) -> list[tuple[str, str]]:
    """The note types the composer offers: only those the account's PSA can store."""
    kinds = capabilities_for_account(account=account).note_kinds
    return [(value, label) for value, label in NOTE_TYPE_CHOICES if value in kinds]


def panel_context(request: HttpRequest, ticket: PSATicket) -> dict[str, Any]:
    account = account_of(request)
    reference = reference_data_get(account=account)
    # The board's statuses, or the PSA's one list where statuses are not per board.
    statuses = statuses_in_scope(
        reference,
        board=ticket.board_id,
        status_scope=capabilities_for_account(account=account).status_scope,
    )

    def provider_link() -> str:
        from psa.selectors import provider_for_account

        return provider_for_account(account=account).web_url(ticket_id=ticket.id)

    return {
        "ticket": ticket,
        "statuses": statuses,
        # No link is better than no panel: the link is a convenience.
        "cw_url": read_or(provider_link, otherwise=lambda exc: ""),
        "note_types": note_types_offered(account),
        "sla": sla_state(
            text=ticket.sla_status,
            entered=ticket.date_entered,
            now=timezone.now(),
            closed=ticket.closed,
        ),
    }


@require_GET
@account_required
@psa_errors
def ticket_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.ticket_row_get(account=account_of(request), ticket_id=ticket_id)
    return render(request, "tickets/panel.html", panel_context(request, ticket))


def _list_query_of(request: HttpRequest) -> TicketQuery:
    """The filters of the Tickets list this fragment was asked for from (the page's address:
    htmx's HX-Current-URL, or the Referer of a prefetch), so links in it keep them. Only the
    parsed, validated filters are used; any other page gets the plain list."""
    for header in ("HX-Current-URL", "Referer"):
        address = request.headers.get(header, "")
        if address:
            parts = urlsplit(address)
            if parts.path != reverse("tickets:list"):
                break
            return TicketQuery.parse(QueryDict(parts.query))
    return TicketQuery()


@require_GET
@account_required
@vary_on_headers("HX-Current-URL", "Referer")  # the links in it keep the list's filters
@psa_errors
def ticket_context(request: HttpRequest, ticket_id: int) -> HttpResponse:
    account = account_of(request)
    context = selectors.ticket_context_get(
        account=account,
        ticket_id=ticket_id,
        known=selectors.ticket_row_cached(account=account, ticket_id=ticket_id),
    )
    return render(
        request,
        "tickets/panel.html#context",
        {"context": context, "ticket": context.ticket, "list_query": _list_query_of(request)},
    )


def _resources_context(
    request: HttpRequest, ticket_id: int, resources: list[PSAResource]
) -> dict[str, Any]:
    assigned = {r.member_id for r in resources}
    members = [
        option
        for option in selectors.members_list(account=account_of(request))
        if option.member.id not in assigned
    ]
    return {
        "ticket_id": ticket_id,
        "resources": resources,
        "member_options": members,
        "role_field_id": f"add-role-{ticket_id}",
    }


@require_GET
@account_required
@psa_errors
def ticket_resources(request: HttpRequest, ticket_id: int) -> HttpResponse:
    resources = selectors.ticket_resources_list(account=account_of(request), ticket_id=ticket_id)
    return render(
        request, "tickets/panel.html#resources", _resources_context(request, ticket_id, resources)
    )


def _row_oob(request: HttpRequest, ticket: PSATicket) -> str:
    """The list row for `ticket`, marked for an out-of-band swap so the list updates in place.
    Only the Tickets page has rows to swap (elsewhere, e.g. My Queue on the dashboard, htmx would
    report a missing target; that widget refreshes itself on `ticketUpdated` instead)."""
    selectors.ticket_rows_remember(account=account_of(request), tickets=[ticket])
    current = urlsplit(request.headers.get("HX-Current-URL", "")).path
    if current and current != reverse("tickets:list"):
        return ""
    return render_to_string(
        "tickets/list.html#row",
        {"ticket": ticket, "oob": True, "query": TicketQuery()},
        request=request,
    )


def _with_oob(response: HttpResponse, extra_html: str) -> HttpResponse:
    response.content = response.content + extra_html.encode()
    return response


def _status_moved_on(request: HttpRequest, moved: services.StatusMovedOn) -> HttpResponse:
    """The PSA's status changed since the engineer looked: the control shows it and asks
    before overwriting it (nothing was sent)."""
    target = next(
        (
            s
            for s in reference_data_get(account=account_of(request)).statuses
            if s.id == int_or_none(request.POST.get("status_id"))
        ),
        None,
    )
    context = panel_context(request, moved.ticket)
    context["status_notice"] = {"level": "warning", "message": moved.message, "overwrite": target}
    response = render(request, "tickets/panel.html#status", context)
    return _with_oob(response, _row_oob(request, moved.ticket))


def _status_as_the_psa_has_it(
    request: HttpRequest, exc: PSAError, ticket_id: int
) -> HttpResponse | None:
    """The status control put back to the ticket's real status (read fresh, else as listed)."""
    if isinstance(exc, services.StatusMovedOn):
        return _status_moved_on(request, exc)
    account = account_of(request)
    ticket = read_or(
        lambda: selectors.ticket_get(account=account, ticket_id=ticket_id),
        otherwise=lambda _: selectors.ticket_row_cached(account=account, ticket_id=ticket_id),
    )
    if ticket is None:
        return None  # nothing to revert to: leave the control and say why
    return render(request, "tickets/panel.html#status", panel_context(request, ticket))


@require_POST
@account_required
@psa_errors(
    action="Status not changed",
    on_error=_status_as_the_psa_has_it,
    said_in_place=(services.StatusMovedOn,),
)
def ticket_status_set(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Reported by what happened to the write: changed (confirmed), taken but not confirmed
    (says so and shows what was written), or not changed (refused or ignored: says why, via
    `psa_errors`). A change from a view whose status the PSA has moved on from is not sent:
    the control asks first."""
    change = services.ticket_status_update(
        account=account_of(request),
        user=request.user,
        ticket_id=ticket_id,
        status_id=int_or_none(request.POST.get("status_id")) or 0,
        seen_status_id=int_or_none(request.POST.get("seen_status_id")),
    )
    context = panel_context(request, change.ticket)
    if change.confirmed:
        message = f"#{ticket_id}: {change.previous_status} → {change.new_status}"
        level: Any = "success"
    else:
        message = (
            f"#{ticket_id}: set to “{change.new_status}” (was {change.previous_status}). "
            f"{psa_name(request)} took the change but could not confirm it just now: "
            f"{change.unconfirmed_because.rstrip('.')}."
        )
        level = "warning"
        context["status_notice"] = {"level": "warning", "message": message}
    response = render(request, "tickets/panel.html#status", context)
    _with_oob(response, _row_oob(request, change.ticket))
    trigger_client_event(response, "ticketUpdated", {"id": ticket_id})
    return toast(request, response, message, level=level)


def _refresh_row_after_resources(
    request: HttpRequest, response: HttpResponse, ticket_id: int
) -> None:
    ticket = read_or(
        lambda: selectors.ticket_get(account=account_of(request), ticket_id=ticket_id),
        # The resources section is right; the row catches up on the next list load.
        otherwise=lambda _: None,
    )
    if ticket is None:
        return
    _with_oob(response, _row_oob(request, ticket))
    trigger_client_event(response, "ticketUpdated", {"id": ticket_id})


def _resources_as_listed(account: Any, ticket_id: int) -> list[PSAResource] | None:
    ticket = selectors.ticket_row_cached(account=account, ticket_id=ticket_id)
    return (
        None if ticket is None else selectors.resources_for_ticket(account=account, ticket=ticket)
    )


def _resources_as_the_psa_has_them(
    request: HttpRequest, exc: PSAError, ticket_id: int, member_id: int | None = None
) -> HttpResponse | None:
    """The assignees section put back as the PSA has it (read fresh, else as listed)."""
    account = account_of(request)
    resources = read_or(
        lambda: selectors.ticket_resources_list(account=account, ticket_id=ticket_id),
        otherwise=lambda _: _resources_as_listed(account, ticket_id),
    )
    if resources is None:
        return None
    return render(
        request, "tickets/panel.html#resources", _resources_context(request, ticket_id, resources)
    )


def _resources_after_write(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The assignees section after a write that worked. If reading it back fails, the write
    still stands: the section says so and offers Retry instead of claiming the write failed."""

    def section() -> HttpResponse:
        resources = selectors.ticket_resources_list(
            account=account_of(request), ticket_id=ticket_id
        )
        response = render(
            request,
            "tickets/panel.html#resources",
            _resources_context(request, ticket_id, resources),
        )
        _refresh_row_after_resources(request, response, ticket_id)
        return response

    return read_or(
        section,
        otherwise=lambda exc: inline_error(
            request, exc, retry_url=reverse("tickets:resources", args=[ticket_id])
        ),
    )


@require_POST
@account_required
@psa_errors(action="Could not assign", on_error=_resources_as_the_psa_has_them)
def ticket_resource_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    added = services.ticket_resource_add(
        account=account_of(request),
        user=request.user,
        ticket_id=ticket_id,
        member_id=int_or_none(request.POST.get("member_id")) or 0,
        role_id=int_or_none(request.POST.get("role_id")),
    )
    response = _resources_after_write(request, ticket_id)
    return toast(request, response, f"{added.member_name} assigned to #{ticket_id}.")


@require_POST
@account_required
@psa_errors(action="Could not remove", on_error=_resources_as_the_psa_has_them)
def ticket_resource_remove(request: HttpRequest, ticket_id: int, member_id: int) -> HttpResponse:
    account = account_of(request)
    # Named from the cached member list, before the write, so the toast says who went.
    member = next(
        (m for m in reference_data_get(account=account).members if m.id == member_id), None
    )
    services.ticket_resource_remove(
        account=account, user=request.user, ticket_id=ticket_id, member_id=member_id
    )
    response = _resources_after_write(request, ticket_id)
    who = member.name if member else f"the {capabilities_for_account(account=account).member_label}"
    return toast(request, response, f"Removed {who} from #{ticket_id}.")


def _note_draft(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return {
        "ticket": {"id": ticket_id},
        "note_types": note_types_offered(account_of(request)),
        "text": request.POST.get("text", ""),
        "note_type": request.POST.get("type", "discussion"),
        "client_key": request.POST.get("client_key", "").strip()[:128] or None,
    }


def _composer_with_draft(request: HttpRequest, exc: PSAError, ticket_id: int) -> HttpResponse:
    """The draft survives with its key: the composer comes back with the text and the reason."""
    draft = _note_draft(request, ticket_id)
    context = {
        "ticket": draft["ticket"],
        "note_types": note_types_offered(account_of(request)),
        "draft_text": draft["text"],
        "draft_type": draft["note_type"],
        "note_error": exc.message,
        "client_key": draft["client_key"],
        **outbox_context(request, ticket_id),
    }
    return render(request, "tickets/panel.html#composer", context)


@require_POST
@account_required
@psa_errors(action="Note not added", on_error=_composer_with_draft)
def ticket_note_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Post the note, or queue it when the PSA cannot take it now (it posts later, once).
    The composer needs no PSA call, so it answers even when the PSA is down."""
    draft = _note_draft(request, ticket_id)
    submission = services.ticket_note_add(
        account=account_of(request),
        user=request.user,
        ticket_id=ticket_id,
        text=draft["text"],
        note_type=draft["note_type"],
        client_key=draft["client_key"],
    )
    context: dict[str, Any] = {
        "ticket": draft["ticket"],
        "note_types": note_types_offered(account_of(request)),
    }
    context.update(outbox_context(request, ticket_id), draft_type=draft["note_type"])
    if submission.note is None:
        response = render(request, "tickets/panel.html#composer", context)
        trigger_client_event(response, "noteQueued", {"id": ticket_id})
        return toast(
            request,
            response,
            f"{psa_name(request)} did not take the note yet, so it is queued: it will post "
            f"to #{ticket_id} when {psa_name(request)} answers.",
            level="warning",
        )
    context.update(new_note=submission.note)
    response = render(request, "tickets/panel.html#composer", context)
    trigger_client_event(response, "noteAdded", {"id": ticket_id})
    return toast(
        request, response, f"{submission.note.type.capitalize()} note added to #{ticket_id}."
    )
