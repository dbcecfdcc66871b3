"""The dashboard (the home page): active assistant sessions, then My Queue, then the other ticket
widgets. It lives with the tickets because most of it is theirs; the Active sessions card is the
assistant's own template tag (`{% active_sessions %}`), since tickets may not import the
assistant."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from resolutionflow.tenancy import account_of, account_required

from .widgets import DASHBOARD_SECTION, MY_QUEUE, queue_state


@account_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Active sessions, then My Queue, then the dashboard section. Nothing here calls
    the PSA: sessions show what they cached of their ticket, the widgets load themselves."""
    account = account_of(request)
    context = {
        "active_nav": "dashboard",
        "state": queue_state(account=account, user=request.user),
        "queue": MY_QUEUE.worded_for(account),
        "section": tuple(widget.worded_for(account) for widget in DASHBOARD_SECTION),
    }
    return render(request, "tickets/dashboard.html", context)
