"""The Tickets page, the slide-out panel and the New Ticket modal (htmx, server-rendered).

Views parse input, call one selector or service and render a template or one of its partials.
ConnectWise failures become an inline, retryable message (reads) or a toast that keeps what the
engineer typed (writes), through the one htmx error path (`resolutionflow.htmx_errors`): the
write views below are their happy path plus, where a control must revert, what to show instead.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url, replace_url, reswap, retarget, trigger_client_event

from psa.providers.base import (
    PSAError,
    PSANotConfigured,
    PSAResource,
    PSATicket,
    PSAValidationError,
    TicketCreatePayload,
)
from psa.selectors import member_for_user, reference_data_get
from resolutionflow.htmx import is_partial, toast
from resolutionflow.htmx_errors import inline_error, psa_errors
from resolutionflow.tenancy import account_of, account_required
from resolutionflow.throttling import metered

from . import selectors, services
from .ai.eml import MAX_EML_BYTES, EmailFileError, eml_text
from .filters import PAGE_SIZE, TicketQuery
from .forms import NOTE_TYPE_CHOICES, TicketDraftForm
from .list_page import ticket_list_page_get
from .outbox_views import outbox_context
from .sla import sla_state

ORIGIN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


# --- the list ---------------------------------------------------------------------------------------


@require_GET
@account_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    account = account_of(request)
    try:
        page = ticket_list_page_get(
            account=account, user=request.user, params=request.GET, page_size=PAGE_SIZE
        )
    except PSANotConfigured as exc:
        return render(
            request, "tickets/not_connected.html", {"active_nav": "tickets", "error": exc}
        )
    query = page.query
    context: dict[str, Any] = {
        "active_nav": "tickets",
        "page_size": PAGE_SIZE,
        "page": page,
        "query": query,
        "filter_bar": page.filter_bar,
        "result": page.result,
        "error": page.error,
        "notice": page.notice,
        "first": page.first,
        "last": page.last,
        "has_next": page.has_next,
        "has_prev": page.has_prev,
    }
    if is_partial(request) and request.headers.get("HX-Target") == "results":
        # Only an htmx swap carries the status filter out of band; a full page has its own.
        response = render(request, "tickets/list.html#results", {**context, "partial": True})
        # The address is the server's to say: only the filters that apply (a status another
        # board dropped, empty fields and the company box's text are not in it).
        patch_vary_headers(response, ["HX-Trigger"])
        if page.moved:  # past the last page: the address says where we are
            return replace_url(response, query.url())
        if request.headers.get("HX-Trigger") == "filters":
            return push_url(response, query.url())
        return response
    if page.moved:
        return redirect(query.url())
    if query.ticket:
        try:
            ticket = selectors.ticket_row_get(account=account, ticket_id=query.ticket)
            context["panel"] = _panel_context(request, ticket)
        except PSAError as exc:
            context["panel_error"] = exc
    return render(request, "tickets/list.html", context)


# --- the panel --------------------------------------------------------------------------------------


def _panel_context(request: HttpRequest, ticket: PSATicket) -> dict[str, Any]:
    account = account_of(request)
    reference = reference_data_get(account=account)
    statuses = sorted(reference.statuses_for(ticket.board_id or 0), key=lambda s: s.sort_order)
    provider_link = ""
    try:
        from psa.selectors import provider_for_account

        provider_link = provider_for_account(account=account).web_url(ticket_id=ticket.id)
    except PSAError:
        provider_link = ""
    return {
        "ticket": ticket,
        "statuses": statuses,
        "cw_url": provider_link,
        "note_types": NOTE_TYPE_CHOICES,
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
    return render(request, "tickets/panel.html", _panel_context(request, ticket))


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
    return {"ticket_id": ticket_id, "resources": resources, "member_options": members}


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
    from django.template.loader import render_to_string

    return render_to_string(
        "tickets/list.html#row",
        {"ticket": ticket, "oob": True, "query": TicketQuery()},
        request=request,
    )


def _with_oob(response: HttpResponse, extra_html: str) -> HttpResponse:
    response.content = response.content + extra_html.encode()
    return response


def _status_as_connectwise_has_it(
    request: HttpRequest, exc: PSAError, ticket_id: int
) -> HttpResponse | None:
    """The status control put back to the ticket's real status (read fresh, else as listed)."""
    account = account_of(request)
    try:
        ticket = selectors.ticket_get(account=account, ticket_id=ticket_id)
    except PSAError:
        cached = selectors.ticket_row_cached(account=account, ticket_id=ticket_id)
        if cached is None:
            return None  # nothing to revert to: leave the control and say why
        ticket = cached
    return render(request, "tickets/panel.html#status", _panel_context(request, ticket))


@require_POST
@account_required
@psa_errors(action="Status not changed", on_error=_status_as_connectwise_has_it)
def ticket_status_set(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Reported by what happened to the write: changed (confirmed), taken but not confirmed
    (says so and shows what was written), or not changed (refused or ignored: says why, via
    `psa_errors`). A change from a view whose status ConnectWise has moved on from is not sent:
    the control asks first."""
    status_id = _int_or_none(request.POST.get("status_id")) or 0
    try:
        change = services.ticket_status_update(
            account=account_of(request),
            user=request.user,
            ticket_id=ticket_id,
            status_id=status_id,
            seen_status_id=_int_or_none(request.POST.get("seen_status_id")),
        )
    except services.StatusMovedOn as moved:
        target = next(
            (
                s
                for s in reference_data_get(account=account_of(request)).statuses
                if s.id == status_id
            ),
            None,
        )
        context = _panel_context(request, moved.ticket)
        context["status_notice"] = {
            "level": "warning",
            "message": moved.message,
            "overwrite": target,
        }
        response = render(request, "tickets/panel.html#status", context)
        _with_oob(response, _row_oob(request, moved.ticket))
        return response
    context = _panel_context(request, change.ticket)
    if change.confirmed:
        message = f"#{ticket_id}: {change.previous_status} → {change.new_status}"
        level: Any = "success"
    else:
        message = (
            f"#{ticket_id}: set to “{change.new_status}” (was {change.previous_status}). "
            f"ConnectWise took the change but could not confirm it just now: "
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
    try:
        ticket = selectors.ticket_get(account=account_of(request), ticket_id=ticket_id)
    except PSAError:
        return  # the resources section is right; the row catches up on the next list load
    _with_oob(response, _row_oob(request, ticket))
    trigger_client_event(response, "ticketUpdated", {"id": ticket_id})


def _resources_as_connectwise_has_them(
    request: HttpRequest, exc: PSAError, ticket_id: int, member_id: int | None = None
) -> HttpResponse | None:
    """The assignees section put back as ConnectWise has it (read fresh, else as listed)."""
    account = account_of(request)
    try:
        resources = selectors.ticket_resources_list(account=account, ticket_id=ticket_id)
    except PSAError:
        ticket = selectors.ticket_row_cached(account=account, ticket_id=ticket_id)
        if ticket is None:
            return None
        resources = selectors.resources_for_ticket(account=account, ticket=ticket)
    return render(
        request, "tickets/panel.html#resources", _resources_context(request, ticket_id, resources)
    )


def _resources_after_write(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The assignees section after a write that worked. If reading it back fails, the write
    still stands: the section says so and offers Retry instead of claiming the write failed."""
    try:
        resources = selectors.ticket_resources_list(
            account=account_of(request), ticket_id=ticket_id
        )
    except PSAError as exc:
        return inline_error(request, exc, retry_url=reverse("tickets:resources", args=[ticket_id]))
    response = render(
        request, "tickets/panel.html#resources", _resources_context(request, ticket_id, resources)
    )
    _refresh_row_after_resources(request, response, ticket_id)
    return response


@require_POST
@account_required
@psa_errors(action="Could not assign", on_error=_resources_as_connectwise_has_them)
def ticket_resource_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    try:
        member_id = int(request.POST.get("member_id", ""))
    except ValueError:
        member_id = 0
    added = services.ticket_resource_add(
        account=account_of(request), user=request.user, ticket_id=ticket_id, member_id=member_id
    )
    response = _resources_after_write(request, ticket_id)
    return toast(request, response, f"{added.member_name} assigned to #{ticket_id}.")


@require_POST
@account_required
@psa_errors(action="Could not remove", on_error=_resources_as_connectwise_has_them)
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
    who = member.name if member else "the member"
    return toast(request, response, f"Removed {who} from #{ticket_id}.")


@require_POST
@account_required
@psa_errors(action="Note not added")
def ticket_note_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Post the note, or queue it when ConnectWise cannot take it now (it posts later, once).
    The composer needs no ConnectWise call, so it answers even when ConnectWise is down."""
    account = account_of(request)
    text = request.POST.get("text", "")
    note_type = request.POST.get("type", "discussion")
    client_key = request.POST.get("client_key", "").strip()[:128] or None
    context: dict[str, Any] = {"ticket": {"id": ticket_id}, "note_types": NOTE_TYPE_CHOICES}
    try:
        submission = services.ticket_note_add(
            account=account,
            user=request.user,
            ticket_id=ticket_id,
            text=text,
            note_type=note_type,  # type: ignore[arg-type]
            client_key=client_key,
        )
    except PSAError as exc:
        # The draft survives with its key: the composer comes back with the text and the reason.
        context.update(
            draft_text=text, draft_type=note_type, note_error=exc.message, client_key=client_key
        )
        context.update(outbox_context(request, ticket_id))
        response = render(request, "tickets/panel.html#composer", context)
        return toast(request, response, f"Note not added: {exc.message}", level="error")
    context.update(outbox_context(request, ticket_id), draft_type=note_type)
    if submission.note is None:
        response = render(request, "tickets/panel.html#composer", context)
        trigger_client_event(response, "noteQueued", {"id": ticket_id})
        return toast(
            request,
            response,
            f"ConnectWise did not take the note yet, so it is queued: it will post to "
            f"#{ticket_id} when ConnectWise answers.",
            level="warning",
        )
    context.update(new_note=submission.note)
    response = render(request, "tickets/panel.html#composer", context)
    trigger_client_event(response, "noteAdded", {"id": ticket_id})
    return toast(
        request, response, f"{submission.note.type.capitalize()} note added to #{ticket_id}."
    )


# --- options for dependent selects -----------------------------------------------------------------------


@require_GET
@account_required
@psa_errors
def status_options(request: HttpRequest) -> HttpResponse:
    try:
        board_id = int(request.GET.get("board") or request.GET.get("board_id") or 0)
    except ValueError:
        board_id = 0
    statuses = []
    if board_id:
        reference = reference_data_get(account=account_of(request))
        statuses = sorted(reference.statuses_for(board_id), key=lambda s: s.sort_order)
    return render(
        request,
        "tickets/options.html#statuses",
        {
            "statuses": statuses,
            "name": request.GET.get("name", "status_id"),
            "board_id": board_id,
            "selected": request.GET.get("selected", ""),
            "default_choice": request.GET.get("default") == "1",
        },
    )


@require_GET
@account_required
@psa_errors
def company_options(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q") or request.GET.get("company_q") or ""
    companies = selectors.companies_search(account=account_of(request), query=query, limit=12)
    return render(
        request,
        "tickets/options.html#companies",
        {"companies": companies, "target": request.GET.get("target", "")},
    )


# --- New Ticket modal -----------------------------------------------------------------------------------------


def _origin(request: HttpRequest) -> str:
    """Who opened the modal (e.g. `action-12`, a TaskLane action); echoed in `ticketCreated`."""
    value = request.POST.get("origin") or request.GET.get("origin") or ""
    return value if ORIGIN_RE.match(value) else ""


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None


def _draft_context(request: HttpRequest, form: TicketDraftForm, **extra: Any) -> dict[str, Any]:
    account = account_of(request)
    reference = reference_data_get(account=account)
    board_id = form.board_value()
    context = {
        "form": form,
        "boards": [b for b in reference.boards if not b.inactive],
        "statuses": sorted(reference.statuses_for(board_id), key=lambda s: s.sort_order)
        if board_id
        else [],
        "priorities": sorted(reference.priorities, key=lambda p: p.sort),
        "members": selectors.members_list(account=account),
        "me": member_for_user(account=account, user=request.user),
        "company_name": form.company_name(reference),
        "summary_max": services.SUMMARY_MAX,
        "origin": _origin(request),
    }
    context.update(extra)
    return context


@require_GET
@account_required
@psa_errors
def ticket_new(request: HttpRequest) -> HttpResponse:
    """The modal, on its first tab, Quick Create (`?tab=full`: the Full Form); `company_id`,
    `board_id`, `summary`, `description` and `prompt` pre-fill."""
    initial = {
        k: request.GET.get(k)
        for k in ("company_id", "board_id", "summary", "description")
        if request.GET.get(k)
    }
    initial["idempotency_key"] = uuid.uuid4().hex
    form = TicketDraftForm(initial=initial)
    tab = "full" if request.GET.get("tab") == "full" else "quick"
    context = _draft_context(
        request,
        form,
        tab=tab,
        prompt=request.GET.get("prompt", ""),
    )
    return render(request, "tickets/new_ticket.html", context)


@require_POST
@account_required
@metered("ai_parse")
@psa_errors(action="Could not read the prompt")
def ticket_new_parse(request: HttpRequest) -> HttpResponse:
    """Quick Create: the prompt -> the review form, merged into the current draft."""
    account = account_of(request)
    prompt = request.POST.get("prompt", "").strip()
    draft = TicketDraftForm(request.POST)
    prompt_error = "Describe the problem in a sentence first."
    upload = request.FILES.get("eml")
    if upload is not None:  # an email file dropped or picked: read as its pasted text
        try:
            prompt = eml_text(upload.read(MAX_EML_BYTES + 1))
        except EmailFileError as exc:
            prompt, prompt_error = "", str(exc)
    if not prompt:
        # Said next to the empty box, in the Quick Create tab; the draft behind it is untouched.
        response = render(
            request, "tickets/new_ticket.html#prompt_error", {"prompt_error": prompt_error}
        )
        return retarget(reswap(response, "outerHTML"), "#quick-prompt-error")
    parsed = selectors.ticket_prompt_parse(
        account=account,
        user=request.user,
        prompt=prompt,
        # The draft's company (a linked ticket's, for a TaskLane spin-off) is the default.
        context_company_id=_int_or_none(draft.context_company_id()),
    )
    form = draft.merged_with(parsed)
    response = render(
        request,
        "tickets/new_ticket.html#draft",
        _draft_context(
            request,
            form,
            parsed=parsed,
            missing=form.missing_after(parsed),
            warnings=form.warnings_after(parsed),
            duplicates=parsed.possible_duplicates,
            reviewing=True,
        ),
    )
    return trigger_client_event(response, "showTicketTab", {"tab": "full"})


@require_POST
@account_required
@psa_errors(action="Ticket not created")
def ticket_new_create(request: HttpRequest) -> HttpResponse:
    account = account_of(request)
    form = TicketDraftForm(request.POST)
    if not form.is_valid():
        return render(request, "tickets/new_ticket.html#draft", _draft_context(request, form))
    data = form.cleaned_data
    try:
        ticket = services.ticket_create(
            account=account,
            user=request.user,
            payload=TicketCreatePayload(
                summary=data["summary"],
                company_id=data["company_id"],
                board_id=data["board_id"],
                status_id=data.get("status_id"),
                priority_id=data.get("priority_id"),
                description=data.get("description") or None,
                assigned_member_id=data.get("assigned_member_id"),
                contact_id=data.get("contact_id"),
                configuration_ids=data.get("configuration_ids") or (),
            ),
            idempotency_key=data["idempotency_key"],
        )
    except PSAValidationError as exc:
        form.add_psa_errors(exc)
        return render(request, "tickets/new_ticket.html#draft", _draft_context(request, form))
    except PSAError as exc:
        response = render(
            request,
            "tickets/new_ticket.html#draft",
            _draft_context(request, form, create_error=exc.message),
        )
        return toast(request, response, f"Ticket not created: {exc.message}", level="error")
    selectors.ticket_rows_remember(account=account, tickets=[ticket])
    response = HttpResponse(status=204)
    trigger_client_event(response, "closeModal", True)
    trigger_client_event(
        response,
        "ticketCreated",
        {"id": ticket.id, "summary": ticket.summary, "origin": _origin(request)},
    )
    return toast(request, response, f"Ticket #{ticket.id} created in ConnectWise")
