from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_GET

from .tenancy import account_of, account_required


@account_required
def dashboard(request: HttpRequest) -> HttpResponse:
    from tickets.widgets import queue_state

    state = queue_state(account=account_of(request), user=request.user)
    return render(request, "dashboard.html", {"active_nav": "dashboard", "state": state})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the API's error shape for unknown paths, not an HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "not_found", "message": f"No API endpoint at {request.path}."}},
            status=404,
        )
    return defaults.page_not_found(request, exception)
