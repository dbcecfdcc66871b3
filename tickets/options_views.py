"""Options for dependent selects (htmx fragments): a board's statuses, companies matching what
was typed. Both read the reference cache, through the one htmx error path when it fails."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from psa.htmx_errors import psa_errors
from psa.selectors import reference_data_get
from resolutionflow.tenancy import account_of, account_required

from . import selectors
from .forms import int_or_none


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
        # a retired (inactive) status cannot be given to a new ticket: the PSA refuses it
        statuses = sorted(
            (s for s in reference.statuses_for(board_id) if not s.inactive),
            key=lambda s: s.sort_order,
        )
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
def role_options(request: HttpRequest) -> HttpResponse:
    """The chosen member's roles, for PSAs whose assignments carry one (default selected)."""
    member_id = int_or_none(request.GET.get("member_id"))
    roles = (
        selectors.assignee_roles_list(account=account_of(request), member_id=member_id)
        if member_id
        else []
    )
    return render(
        request,
        "tickets/options.html#roles",
        {"roles": roles, "field_id": request.GET.get("field_id", "add-role")},
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
