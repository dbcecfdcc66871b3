"""Autotask's answers turned into the `PSAError` family, in one place.

Autotask speaks `{"errors": ["..."]}`, and answers most refusals — a value it will not take, a
business rule, a missing permission, a missing record on delete — with HTTP 500, not 4xx
(README "Errors" [C]). So a 500 WITH an errors list is a refused value (`PSAValidationError`):
retrying it would only be refused again. Only a 500 without one, or one saying "An unexpected
error has occurred", is Autotask failing on its side (`PSAServerError`, worth asking again).
What a person reads quotes nothing but Autotask's own error strings; anything else stays in
`detail`.
"""

from __future__ import annotations

from typing import Any

import requests

from psa.providers.base import (
    PSAAuthError,
    PSAError,
    PSANotFound,
    PSAPermissionError,
    PSARateLimited,
    PSAResponseError,
    PSAServerError,
    PSATimeout,
    PSAUnavailable,
    PSAValidationError,
)
from psa.providers.retry import parse_retry_after

__all__ = ["error_for", "json_body", "no_answer", "rate_limited"]

# Autotask's own wording for the refusals that are not about a value (README "Errors" [C]).
_PERMISSION = "does not have the adequate permissions"
_NO_RECORD = "no matching records found"
_UNEXPECTED = "an unexpected error has occurred"


def autotask_errors(response: requests.Response) -> list[str]:
    """The strings of an `{"errors": [...]}` body; [] for any other body (never quoted)."""
    try:
        body = response.json()
    except ValueError:
        return []
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return []
    return [" ".join(str(e).split())[:300] for e in body["errors"] if str(e).strip()]


def json_body(response: requests.Response, route: str) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise PSAResponseError(
            f"Autotask sent a response we could not read (not JSON) for {route}.",
            detail=response.text[:300],
        ) from exc


def no_answer(
    exc: requests.RequestException, *, timeout: tuple[float, float], host: str
) -> PSAError:
    """A call that got no HTTP answer: a timeout (connect or read) or no connection at all."""
    if isinstance(exc, requests.Timeout):
        limit = timeout[0] if isinstance(exc, requests.ConnectTimeout) else timeout[1]
        shown = f"{limit:.0f}" if limit >= 1.5 else f"{limit:.1f}"
        return PSATimeout(
            f"Autotask did not answer within {shown} seconds. Try again in a moment.",
            detail=str(exc),
        )
    return PSAUnavailable(f"Autotask did not answer: could not connect to {host}.", detail=str(exc))


def rate_limited(response: requests.Response | None, retry_after: float | None) -> PSARateLimited:
    said = "; ".join(autotask_errors(response)) if response is not None else ""
    wait = f" Try again in {retry_after:.0f} seconds." if retry_after is not None else ""
    return PSARateLimited(
        "Autotask is limiting how fast we can call it (its hourly request threshold, or three "
        f"calls at once per endpoint).{wait}",
        retry_after=retry_after,
        detail=said,
    )


def is_server_fault(response: requests.Response) -> bool:
    """A 5xx Autotask did not explain with a refusal: its side failed, worth asking again."""
    if response.status_code < 500:
        return False
    errors = autotask_errors(response)
    return not errors or all(_UNEXPECTED in e.lower() for e in errors)


def error_for(response: requests.Response, method: str, route: str) -> PSAError:
    status = response.status_code
    errors = autotask_errors(response)
    said = "; ".join(errors)
    suffix = f" Autotask said: {said}" if said else ""
    detail = said or (response.text or "").strip()[:200]
    lowered = said.lower()
    if status == 401:
        # Autotask does not say which of the three was wrong (empty body [U]).
        return PSAAuthError(
            "Autotask refused the API credentials. Check the user name, secret and API "
            "integration code of the PSA connection.",
            detail=detail,
        )
    if status == 403 or _PERMISSION in lowered:
        return PSAPermissionError(
            "Autotask denied access: the API user's security level lacks permission for this "
            "request." + suffix,
            detail=detail,
        )
    if status == 404 or _NO_RECORD in lowered:
        return PSANotFound(f"Autotask has no record at {route}." + suffix, detail=detail)
    if status == 429:
        return rate_limited(response, parse_retry_after(response.headers.get("Retry-After")))
    if is_server_fault(response):
        return PSAServerError(
            f"Autotask answered with an error (HTTP {status}). Try again in a moment." + suffix,
            detail=detail,
        )
    if errors and (status >= 500 or 400 <= status < 500):
        return PSAValidationError(f"Autotask refused the request: {said}", detail=detail)
    return PSAResponseError(
        f"Autotask answered {method} {route} with an unexpected HTTP {status}." + suffix,
        detail=detail,
    )
