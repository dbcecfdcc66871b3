"""The New Ticket modal: Quick Create (a prompt or an email file, parsed into a draft) and the
Full Form that creates the ticket in the PSA.

A create the PSA refuses or cannot take keeps the draft: the form comes back with the
reason next to the fields it names (`psa_errors(on_error=...)`), never an empty modal.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from psa.htmx_errors import psa_errors
from psa.providers.base import PSAError, PSAValidationError, TicketCreatePayload
from psa.selectors import capabilities_for_account, member_for_user, reference_data_get
from resolutionflow.htmx import toast
from resolutionflow.tenancy import account_of, account_required
from resolutionflow.throttling import metered

from . import selectors
from .ai.eml import MAX_EML_BYTES, EmailFileError, eml_text
from .forms import TicketDraftForm, int_or_none
from .row_cache import ticket_rows_remember
from .ticket_create import ticket_create

ORIGIN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _origin(request: HttpRequest) -> str:
    """Who opened the modal (e.g. `action-12`, a TaskLane action); echoed in `ticketCreated`."""
    value = request.POST.get("origin") or request.GET.get("origin") or ""
    return value if ORIGIN_RE.match(value) else ""


def _draft_context(request: HttpRequest, form: TicketDraftForm, **extra: Any) -> dict[str, Any]:
    account = account_of(request)
    reference = reference_data_get(account=account)
    board_id = form.board_value()
    context = {
        "form": form,
        "boards": [b for b in reference.boards if not b.inactive],
        "statuses": sorted(
            (s for s in reference.statuses_for(board_id) if not s.inactive),
            key=lambda s: s.sort_order,
        )
        if board_id
        else [],
        "priorities": sorted(reference.priorities, key=lambda p: p.sort),
        "members": selectors.members_list(account=account),
        "me": member_for_user(account=account, user=request.user),
        "company_name": form.company_name(reference),
        "summary_max": capabilities_for_account(account=account).summary_max,
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
        context_company_id=int_or_none(draft.context_company_id()),
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


def _draft_again(request: HttpRequest, exc: PSAError) -> HttpResponse:
    """The draft as typed, with why the PSA did not create it: a refused field next to that
    field, anything else above the form (the draft is kept; the toast says it too)."""
    form = TicketDraftForm(request.POST)
    form.is_valid()  # the draft was valid when sent; this rebuilds its cleaned values
    extra: dict[str, Any] = {}
    if isinstance(exc, PSAValidationError):
        form.add_psa_errors(exc)
    else:
        extra["create_error"] = exc.message
    return render(request, "tickets/new_ticket.html#draft", _draft_context(request, form, **extra))


@require_POST
@account_required
@psa_errors(action="Ticket not created", on_error=_draft_again, said_in_place=(PSAValidationError,))
def ticket_new_create(request: HttpRequest) -> HttpResponse:
    account = account_of(request)
    board_label = capabilities_for_account(account=account).board_label
    form = TicketDraftForm(request.POST, board_label=board_label)
    if not form.is_valid():
        return render(request, "tickets/new_ticket.html#draft", _draft_context(request, form))
    data = form.cleaned_data
    ticket = ticket_create(
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
    ticket_rows_remember(account=account, tickets=[ticket])
    response = HttpResponse(status=204)
    trigger_client_event(response, "closeModal", True)
    trigger_client_event(
        response,
        "ticketCreated",
        {"id": ticket.id, "summary": ticket.summary, "origin": _origin(request)},
    )
    psa = capabilities_for_account(account=account).name
    return toast(request, response, f"Ticket #{ticket.id} created in {psa}")
