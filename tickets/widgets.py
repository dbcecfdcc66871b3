"""The dashboard's My Queue widget (spec section 4): the engineer's five most urgent open tickets."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from psa.providers.base import PSAError
from psa.selectors import connection_get, member_mapping_get
from resolutionflow.tenancy import account_of, account_required

from . import selectors

logger = logging.getLogger(__name__)

QUEUE_SIZE = 5


def queue_state(*, account: object, user: object) -> str:
    """hidden (no connection), prompt (no mapping) or load — decided without calling ConnectWise."""
    connection = connection_get(account=account)  # type: ignore[arg-type]
    if connection is None or not connection.is_active:
        return "hidden"
    if member_mapping_get(account=account, user=user) is None:  # type: ignore[arg-type]
        return "prompt"
    return "load"


@require_GET
@account_required
def my_queue(request: HttpRequest) -> HttpResponse:
    account = account_of(request)
    state = queue_state(account=account, user=request.user)
    context: dict[str, object] = {"state": state}
    if state == "load":
        try:
            result = selectors.my_queue(account=account, user=request.user, limit=QUEUE_SIZE)
        except PSAError as exc:
            # The dashboard must never nag: no toast, just an honest muted line.
            logger.info("my queue unavailable for %s: %s", request.user, exc.message)
            context["state"] = "error"
        else:
            selectors.ticket_rows_remember(account=account, tickets=result.items)
            context.update(state="populated" if result.items else "empty", result=result)
    return render(request, "tickets/queue_widget.html", context)
