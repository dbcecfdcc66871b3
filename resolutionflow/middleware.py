from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_vary_headers


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's login-required default, adjusted for htmx and the JSON API.

    The API authenticates on its own (session or token) and must answer 401/403, not redirect;
    an htmx request whose session expired gets a full-page redirect instead of a login form
    swapped into a fragment.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):  # type: ignore[no-untyped-def]
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = (
                f"{resolve_url(self.get_login_url(view_func))}?next={request.path}"
            )
            return response
        return super().handle_no_permission(request, view_func)


class HtmxVaryMiddleware:
    """Pages render a partial for htmx and the full page otherwise, so caches must key on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response
