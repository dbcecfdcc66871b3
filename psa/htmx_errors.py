"""The htmx UI's one error path for the PSA boundary: the same table as the JSON API
(`psa.error_responses`), answered as a page, a fragment or a toast.

Every `PSAError` a page, fragment or form post meets ends here, so no view decides on its own
what a PSA outage looks like and none answers 500 for one:

* a read (GET) renders its place as an inline message with a Retry button (the wait for a
  rate limit, a reconnect hint for refused credentials, an Integrations link when not connected);
* a write (POST) answers a toast saying what did not happen and why, and - unless the view
  supplies a fragment that puts its control back the way the PSA really has it - tells htmx
  not to swap anything, so whatever the engineer typed stays where it was.

Views wrap themselves with `@psa_errors(...)` and keep only their happy path; what differs per
view (the words of the toast, the fragment to show instead, a page of its own for "not
connected") is an argument, not an except block. A secondary read whose failure belongs in its
own place on an otherwise good page (a section, a link, a choice list) goes through `read_or`.
`PSAErrorMiddleware` catches what an unwrapped view lets through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from resolutionflow.htmx import is_htmx, is_partial, toast

from .error_responses import answer_for, explain, worth_logging
from .providers import base as psa

logger = logging.getLogger("resolutionflow.htmx")

T = TypeVar("T")


def _log(request: HttpRequest, exc: psa.PSAError) -> None:
    if worth_logging(exc):
        logger.warning(
            "PSA error on %s %s: %s (%s)", request.method, request.path, exc.message, exc.detail
        )


def _with_headers(response: HttpResponse, exc: psa.PSAError) -> HttpResponse:
    for name, value in answer_for(exc).headers.items():
        response[name] = value
    return response


def inline_error(
    request: HttpRequest, exc: psa.PSAError, *, retry_url: str | None = None
) -> HttpResponse:
    """A read's place, filled with what went wrong and a way to try again.

    htmx gets the fragment with 200 (htmx swaps only 2xx); a browser navigating to the URL gets
    the same message on a page of its own, with the API's status code.
    """
    answer = answer_for(exc)
    not_configured = answer.shape.kind == "not_configured"
    context = {
        "error": exc,
        "not_configured": not_configured,
        "retry_url": request.get_full_path() if retry_url is None else retry_url,
    }
    if is_partial(request):
        response = render(request, "tickets/psa_error.html", context)
    else:
        # Not being connected is a state to explain, not a failure to report.
        status = 200 if not_configured else answer.status
        response = render(request, "tickets/psa_error_page.html", context, status=status)
    return _with_headers(response, exc)


def write_error(
    request: HttpRequest,
    exc: psa.PSAError,
    *,
    action: str,
    fragment: HttpResponse | None = None,
    said_in_place: bool = False,
) -> HttpResponse:
    """A write that did not happen: a toast with the reason, and either `fragment` (the control
    put back as the PSA has it) or nothing swapped at all, so typed text stays put.
    `said_in_place`: the fragment itself says why (a form's field errors), so no toast."""
    answer = answer_for(exc)
    if fragment is not None:
        response = fragment
    elif is_htmx(request):
        response = HttpResponse(status=answer.status)
        response["HX-Reswap"] = "none"
    else:
        return inline_error(request, exc, retry_url="")
    _with_headers(response, exc)
    if said_in_place:
        return response
    message = f"{action}: {explain(exc)}" if action else explain(exc)
    extra: dict[str, Any] = {"kind": answer.shape.kind}
    if answer.wait is not None:
        extra["retry_after"] = answer.wait
    return toast(request, response, message, level="error", **extra)


def psa_error_response(
    request: HttpRequest, exc: psa.PSAError, *, action: str = ""
) -> HttpResponse:
    """Reads get an inline message, writes a toast (the middleware's and decorator's default)."""
    _log(request, exc)
    if request.method in ("GET", "HEAD"):
        return inline_error(request, exc)
    return write_error(request, exc, action=action or "Not saved")


# on_error(request, exc, *view_args, **view_kwargs) -> the fragment to answer with, or None.
Fallback = Callable[..., HttpResponse | None]
View = Callable[..., HttpResponse]


def psa_errors(
    view: View | None = None,
    *,
    action: str = "",
    on_error: Fallback | None = None,
    said_in_place: tuple[type[psa.PSAError], ...] = (),
    not_configured_page: tuple[str, dict[str, Any]] | None = None,
) -> Any:
    """Turn the `PSAError` family raised by `view` into the right fragment or toast.

    `action` says what did not happen ("Status not changed"); `on_error` renders what to answer
    instead for a write - the control as the PSA really has it (a status that failed to
    change reverts in place), or the form again with the reason - and a PSA failure inside it
    falls back to the default answer. `said_in_place`: errors that `on_error`'s answer explains
    itself (field errors next to their fields), so no toast repeats them. `not_configured_page`:
    (template, context) of the page a read answers when the PSA is not connected at all.
    """

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return func(request, *args, **kwargs)
            except psa.PSAError as exc:
                _log(request, exc)
                if request.method in ("GET", "HEAD"):
                    if not_configured_page and isinstance(exc, psa.PSANotConfigured):
                        template, context = not_configured_page
                        return render(request, template, {**context, "error": exc})
                    return inline_error(request, exc)
                fragment = None
                if on_error is not None:
                    try:
                        fragment = on_error(request, exc, *args, **kwargs)
                    except psa.PSAError:
                        fragment = None
                return write_error(
                    request,
                    exc,
                    action=action or "Not saved",
                    fragment=fragment,
                    said_in_place=fragment is not None and isinstance(exc, said_in_place),
                )

        return wrapper

    return decorate(view) if view is not None else decorate


def read_or(
    read: Callable[[], T],
    *,
    otherwise: Callable[[psa.PSAError], T],
    passes: tuple[type[psa.PSAError], ...] = (),
) -> T:
    """A read whose failure the page shows in its own place (a section's message, a link left
    out, an empty choice list) instead of failing the whole answer: `otherwise(exc)` is used in
    its stead. Errors in `passes` go on to the view's `psa_errors` (e.g. "not connected", which
    the whole page says)."""
    try:
        return read()
    except psa.PSAError as exc:
        if isinstance(exc, passes):
            raise
        _log_quietly(exc)
        return otherwise(exc)


def _log_quietly(exc: psa.PSAError) -> None:
    # The page still answers and says so in place: worth a line, not a warning per view.
    if worth_logging(exc):
        logger.info("PSA read shown in place: %s (%s)", exc.message, exc.detail)


class PSAErrorMiddleware:
    """The safety net: a `PSAError` escaping any HTML view (not the API, which has its own
    handler) still becomes a message, never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, psa.PSAError) and not request.path.startswith("/api/"):
            return psa_error_response(request, exception)
        return None
