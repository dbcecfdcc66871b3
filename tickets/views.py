"""The Tickets page (htmx, server-rendered): the filter bar, the results and, for a link to one
ticket, its panel on the same page.

Views parse input, call one selector or service and render a template or one of its partials.
ConnectWise failures go through the one htmx error path (`psa.htmx_errors`): not connected is a
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
from django_htmx.http import replace_url

from psa.htmx_errors import psa_errors, read_or
from psa.providers.base import PSANotConfigured
from psa.selectors import reference_data_get
from resolutionflow.htmx import is_partial
from resolutionflow.tenancy import account_of, account_required

from . import selectors
from .filters import PAGE_SIZE, TicketQuery, closed_status_hint
from .panel_views import panel_context

# --- the list ---------------------------------------------------------------------------------------


@require_GET
@account_required
@vary_on_headers("HX-Target")  # the results alone, or the whole page
@psa_errors(not_configured_page=("tickets/not_connected.html", {"active_nav": "tickets"}))
def ticket_list(request: HttpRequest) -> HttpResponse:
    account = account_of(request)
    asked = TicketQuery.from_params(request.GET)
    page = read_or(
        lambda: selectors.ticket_list_page_get(
            account=account, user=request.user, query=asked, page_size=PAGE_SIZE
        ),
        # the reference data (filter bar) could not be loaded
        otherwise=lambda exc: selectors.TicketListPage(
            query=TicketQuery.from_params(request.GET), filter_bar=[], error=exc
        ),
        passes=(PSANotConfigured,),
    )
    context: dict[str, Any] = {
        "active_nav": "tickets",
        "page_size": PAGE_SIZE,
        "query": page.query,
        "filter_bar": page.filter_bar,
        "result": page.result,
        "error": page.error,
        "notice": page.notice,
        "retry_url": request.get_full_path(),
        "first": page.first,
        "last": page.last,
        "has_next": page.has_next,
        "has_prev": page.has_prev,
        "active_filters": page.active_filters,
    }
    if page.result is not None and not page.result.items:
        context["closed_hint"] = closed_status_hint(
            reference=reference_data_get(account=account), query=page.query
        )
        context["include_closed_url"] = page.query.url(closed="true", page="", ticket=None)
    moved = page.query.page != asked.page  # past the last page: the address says where we are
    if is_partial(request) and request.headers.get("HX-Target") == "results":
        # Only an htmx swap carries the status filter out of band; a full page has its own.
        response = render(request, "tickets/list.html#results", {**context, "partial": True})
        return replace_url(response, page.query.url()) if moved else response
    if moved:
        return redirect(page.query.url())
    if page.query.ticket:
        ticket_id = page.query.ticket
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
