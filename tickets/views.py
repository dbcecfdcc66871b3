"""The Tickets page (htmx, server-rendered): the filter bar, the results and, for a link to one
ticket, its panel on the same page.

Views parse input, call one selector or service and render a template or one of its partials.
PSA failures go through the one htmx error path (`psa.htmx_errors`): not connected is a
page of its own; a filter bar that could not load, or a linked ticket that could not open, is
said in its place on an otherwise working page. The panel's fragments are in `panel_views`, the
New Ticket modal in `create_views`, the dependent selects' options in `options_views`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, replace_url

from psa.htmx_errors import psa_errors, read_or
from resolutionflow.htmx import is_partial
from resolutionflow.tenancy import account_of, account_required

from . import selectors
from .filters import PAGE_SIZE
from .list_page import ticket_list_page_get
from .panel_views import panel_context

# --- the list ---------------------------------------------------------------------------------------


@require_GET
@account_required
# The results alone or the whole page (HX-Target); pushed to history after a filter change
# (HX-Trigger): every answer from the list's address names both.
@vary_on_headers("HX-Target", "HX-Trigger")
@psa_errors(not_configured_page=("tickets/not_connected.html", {"active_nav": "tickets"}))
def ticket_list(request: HttpRequest) -> HttpResponse:
    account = account_of(request)
    page = ticket_list_page_get(
        account=account, user=request.user, params=request.GET, page_size=PAGE_SIZE
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
    if page.capabilities is not None:
        context["psa_capabilities"] = page.capabilities
    if is_partial(request) and request.headers.get("HX-Target") == "results":
        # Only an htmx swap carries the status filter out of band; a full page has its own.
        response = render(request, "tickets/list.html#results", {**context, "partial": True})
        # The address is the server's to say: only the filters that apply (a status another
        # board dropped, empty fields and the company box's text are not in it).
        if page.moved:  # past the last page: the address says where we are
            return replace_url(response, query.url())
        if request.headers.get("HX-Trigger") == "filters":
            return push_url(response, query.url())
        return response
    if page.moved:
        return redirect(query.url())
    if query.ticket:
        ticket_id = query.ticket
        context.update(
            read_or(
                lambda: {
                    "panel": panel_context(
                        request, selectors.ticket_row_get(account=account, ticket_id=ticket_id)
                    )
                },
                otherwise=lambda exc: {"panel_error": exc},
            )
        )
    return render(request, "tickets/list.html", context)
