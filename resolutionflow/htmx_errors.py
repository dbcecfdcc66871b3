"""The htmx UI's one error path for the PSA boundary: the twin of `api_errors.py`.

Every `PSAError` a page, fragment or form post meets ends here, so no view decides on its own
what a ConnectWise outage looks like and none answers 500 for one:

* a read (GET) renders its place as an inline message with a Retry button (the wait for a
  rate limit, a reconnect hint for refused credentials, an Integrations link when not connected);
* a write (POST) answers a toast saying what did not happen and why, and - unless the view
  supplies a fragment that puts its control back the way ConnectWise really has it - tells htmx
  not to swap anything, so whatever the engineer typed stays where it was.

Views wrap themselves with `@psa_errors(...)` and keep only their happy path;
`PSAErrorMiddleware` catches what an unwrapped view lets through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from psa.providers import base as psa

from .api_errors import PSA_STATUS
from .htmx import is_htmx, is_partial, toast

logger = logging.getLogger("resolutionflow.htmx")

RECONNECT_HINT = "An owner or admin can check the connection under Account → Integrations."


@dataclass(frozen=True, slots=True)
class ErrorShape:
    """How one kind of PSA failure reads to the engineer."""

    headline: str  # the inline message's first words
    # outage | timeout | server_error | rate_limited | auth | invalid | not_found |
    # not_configured | bad_answer | error
    kind: str
    hint: str = ""  # what to do about it, after ConnectWise's own message
    # Whether asking again can help: a Retry is offered only then (refused credentials, a refused
    # value or a missing record stay so until someone changes something).
    retryable: bool = True


# Most specific first (PSARateLimited before the rest; every class is a PSAError).
SHAPES: list[tuple[type[psa.PSAError], ErrorShape]] = [
    (
        psa.PSANotConfigured,
        ErrorShape("ConnectWise is not connected.", "not_configured", retryable=False),
    ),
    (psa.PSARateLimited, ErrorShape("ConnectWise asked us to slow down.", "rate_limited")),
    (
        psa.PSAAuthError,
        ErrorShape("ConnectWise refused our credentials.", "auth", RECONNECT_HINT, False),
    ),
    (
        psa.PSAPermissionError,
        ErrorShape("ConnectWise denied access.", "auth", RECONNECT_HINT, False),
    ),
    (
        psa.PSAValidationError,
        ErrorShape("ConnectWise did not accept that.", "invalid", retryable=False),
    ),
    (psa.PSANotFound, ErrorShape("Not found in ConnectWise.", "not_found", retryable=False)),
    (psa.PSATimeout, ErrorShape("ConnectWise did not answer in time.", "timeout")),
    # It answered: saying it "could not be reached" would send the engineer to check the network.
    (psa.PSAServerError, ErrorShape("ConnectWise had a problem on its side.", "server_error")),
    (psa.PSAUnavailable, ErrorShape("ConnectWise could not be reached.", "outage")),
    (
        psa.PSAResponseError,
        ErrorShape("ConnectWise sent an answer we could not read.", "bad_answer"),
    ),
    (psa.PSAChangeNotApplied, ErrorShape("ConnectWise did not apply the change.", "bad_answer")),
]
# Any other PSAError (one raised above the provider) says only what its message says.
FALLBACK_SHAPE = ErrorShape("ConnectWise could not do that.", "error")


def shape_of(exc: psa.PSAError) -> ErrorShape:
    return next((shape for cls, shape in SHAPES if isinstance(exc, cls)), FALLBACK_SHAPE)


def http_status_of(exc: psa.PSAError) -> int:
    """The same status the JSON API answers for this error (see `api_errors.PSA_STATUS`)."""
    return getattr(exc, "http_status", None) or next(
        (code for cls, code in PSA_STATUS if isinstance(exc, cls)), 502
    )


def retry_after_of(exc: psa.PSAError) -> int | None:
    if isinstance(exc, psa.PSARateLimited):
        return max(1, round(exc.retry_after or 30))
    return None


def explain(exc: psa.PSAError) -> str:
    """ConnectWise's message, with the fields it refused and what to do next."""
    parts = [exc.message]
    if isinstance(exc, psa.PSAValidationError) and exc.fields:
        parts.extend(
            f"{name.replace('_id', '').replace('_', ' ')}: {' '.join(msgs)}"
            for name, msgs in exc.fields.items()
            if " ".join(msgs) not in exc.message
        )
    hint = shape_of(exc).hint
    if hint:
        parts.append(hint)
    return " ".join(part.rstrip(".") + "." for part in parts if part)


def _log(request: HttpRequest, exc: psa.PSAError) -> None:
    if not isinstance(exc, (psa.PSAValidationError, psa.PSANotFound, psa.PSANotConfigured)):
        logger.warning(
            "PSA error on %s %s: %s (%s)", request.method, request.path, exc.message, exc.detail
        )


def inline_error(
    request: HttpRequest, exc: psa.PSAError, *, retry_url: str | None = None
) -> HttpResponse:
    """A read's place, filled with what went wrong and a way to try again.

    htmx gets the fragment with 200 (htmx swaps only 2xx); a browser navigating to the URL gets
    the same message on a page of its own, with the API's status code.
    """
    shape = shape_of(exc)
    context = {
        "error": exc,
        "not_configured": shape.kind == "not_configured",
        "retry_url": request.get_full_path() if retry_url is None else retry_url,
    }
    if is_partial(request):
        response = render(request, "tickets/psa_error.html", context)
    else:
        # Not being connected is a state to explain, not a failure to report.
        status = 200 if shape.kind == "not_configured" else http_status_of(exc)
        response = render(request, "tickets/psa_error_page.html", context, status=status)
    if (wait := retry_after_of(exc)) is not None:
        response["Retry-After"] = str(wait)
    return response


def write_error(
    request: HttpRequest,
    exc: psa.PSAError,
    *,
    action: str,
    fragment: HttpResponse | None = None,
) -> HttpResponse:
    """A write that did not happen: a toast with the reason, and either `fragment` (the control
    put back as ConnectWise has it) or nothing swapped at all, so typed text stays put."""
    message = f"{action}: {explain(exc)}" if action else explain(exc)
    retry_after = retry_after_of(exc)
    if fragment is not None:
        response = fragment
    elif is_htmx(request):
        response = HttpResponse(status=http_status_of(exc))
        response["HX-Reswap"] = "none"
    else:
        return inline_error(request, exc, retry_url="")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    extra: dict[str, Any] = {"kind": shape_of(exc).kind}
    if retry_after is not None:
        extra["retry_after"] = retry_after
    return toast(request, response, message, level="error", **extra)


def psa_error_response(
    request: HttpRequest, exc: psa.PSAError, *, action: str = ""
) -> HttpResponse:
    """Reads get an inline message, writes a toast (the middleware's and decorator's default)."""
    _log(request, exc)
    if request.method in ("GET", "HEAD"):
        return inline_error(request, exc)
    return write_error(request, exc, action=action or "Not saved")


# on_error(request, exc, *view_args, **view_kwargs) -> the fragment to swap in, or None.
Fallback = Callable[..., HttpResponse | None]
View = Callable[..., HttpResponse]


def psa_errors(
    view: View | None = None, *, action: str = "", on_error: Fallback | None = None
) -> Any:
    """Turn the `PSAError` family raised by `view` into the right fragment or toast.

    `action` says what did not happen ("Status not changed"); `on_error` may render the
    control as ConnectWise really has it (a status that failed to change reverts in place). A
    PSA failure inside `on_error` itself falls back to the default answer.
    """

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return func(request, *args, **kwargs)
            except psa.PSAError as exc:
                _log(request, exc)
                if request.method in ("GET", "HEAD"):
                    return inline_error(request, exc)
                fragment = None
                if on_error is not None:
                    try:
                        fragment = on_error(request, exc, *args, **kwargs)
                    except psa.PSAError:
                        fragment = None
                return write_error(request, exc, action=action or "Not saved", fragment=fragment)

        return wrapper

    return decorate(view) if view is not None else decorate


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
