from __future__ import annotations

from collections.abc import Callable, ItemsView, Mapping, ValuesView
from typing import Any

from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse
from django.http.request import HttpHeaders
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


class _HeadersRead(HttpHeaders):
    """`request.headers` that remembers which headers were asked for (by name, however spelled:
    `get`, `[]` and `in` all count; listing every header does not)."""

    def __init__(self, environ: Mapping[str, Any]) -> None:
        super().__init__(environ)
        self.asked: dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        name = key.replace("_", "-")
        # django-htmx asks for `<name>-URI-AutoEncoded` beside a header it decodes: it changes
        # only the spelling of a value already named, not the answer.
        if not name.lower().endswith("-uri-autoencoded"):
            self.asked.setdefault(name.lower(), name)
        return super().__getitem__(key)

    def items(self) -> ItemsView[str, str]:
        return dict(self._store.values()).items()

    def values(self) -> ValuesView[str]:
        return dict(self._store.values()).values()


class HtmxVaryMiddleware:
    """`Vary` names every request header the answer was made from, so a cache (the browser's
    back button included) never serves one kind of answer for another.

    Every page renders a fragment for htmx and the whole page otherwise, a history restore
    included (`HX-Request`, `HX-History-Restore-Request`: always named). Beyond those, a view
    that reads a header through `request.headers` (django-htmx's `request.htmx` does) has it
    named: `HX-Target` on the Tickets list, `HX-Current-URL` on the panel, `X-Health-Token` on
    /healthz. A view that reads a header only on some requests also declares it with
    `vary_on_headers`, so every answer from one address names the same headers.
    """

    ALWAYS = ("HX-Request", "HX-History-Restore-Request")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        headers = _HeadersRead(request.META)
        request.headers = headers
        response = self.get_response(request)
        named = {name.lower(): name for name in (*self.ALWAYS, *headers.asked.values())}
        patch_vary_headers(response, tuple(named.values()))
        return response
