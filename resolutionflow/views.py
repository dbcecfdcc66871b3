"""The foundation's own views: the health check and the API's not-found answer. Pages that show
an app's data (the dashboard is the tickets app's) live in that app."""

from __future__ import annotations

import hmac

from diskcache import DjangoCache
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.views import defaults
from django.views.decorators.http import require_GET

from .cache import RedisWithLocalFallback


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """`?live`: the process answers (a liveness probe). Otherwise whether this node can serve:
    database, cache and broker (503 when one is down).

    Strangers (the load balancer included) learn only up or down. Each dependency's state and
    each account's last PSA check (never a 503: one tenant's PSA being down is
    not this node being down) are for operators: a signed-in superuser, or a request carrying
    the `HEALTHZ_TOKEN` setting as `X-Health-Token`. Tenants' names, sites and errors are
    nobody else's business."""
    if "live" in request.GET:
        return JsonResponse({"ok": True, "live": True})
    checks = {"database": _database(), "cache": _cache(), "broker": _broker()}
    ok = all(check["ok"] for check in checks.values())
    status = 200 if ok else 503
    if not _operator(request):
        return JsonResponse({"ok": ok}, status=status)
    reports = {
        name: import_string(path)() if checks["database"]["ok"] else []
        for name, path in getattr(settings, "HEALTHZ_REPORTS", {}).items()
    }
    body = {"ok": ok, **checks, **reports}
    return JsonResponse(body, status=status)


def _operator(request: HttpRequest) -> bool:
    token = getattr(settings, "HEALTHZ_TOKEN", "")
    given = request.headers.get("X-Health-Token", "")
    if token and given and hmac.compare_digest(token.encode(), given.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def _database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"ok": False, "error": str(exc)[:200]}
    return {"ok": True, "vendor": connection.vendor}


def _cache() -> dict[str, object]:
    backend = caches["default"]
    if isinstance(backend, RedisWithLocalFallback):
        if backend.ping():
            return {"ok": True, "backend": "redis"}
        # Pages still work from process memory, but nodes no longer share the 429 cooldown
        # or cached PSA data: the shared cache is something the app needs.
        return {"ok": False, "backend": "redis", "error": "Redis unreachable; using process memory"}
    if isinstance(backend, DjangoCache):
        return {"ok": True, "backend": "shared-disk"}
    return {"ok": True, "backend": "local-memory"}


def _broker() -> dict[str, object]:
    from .celery import app

    if app.conf.task_always_eager:
        return {"ok": True, "mode": "in-process"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # kombu raises the transport's own errors; all mean "down"
        return {"ok": False, "mode": "celery", "error": str(exc)[:200]}
    return {"ok": True, "mode": "celery"}


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the API's error shape for unknown paths, not an HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "not_found", "message": f"No API endpoint at {request.path}."}},
            status=404,
        )
    return defaults.page_not_found(request, exception)
