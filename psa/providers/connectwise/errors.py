"""ConnectWise's answers turned into the `PSAError` family, in one place.

What a person reads (`message`) never quotes anything but ConnectWise's own JSON error; what
else answered stays in `detail`, for our logs only.
"""

from __future__ import annotations

import re
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

# ConnectWise field names (first path segment) -> the names our forms and API use.
FIELD_NAMES = {
    "company": "company_id",
    "board": "board_id",
    "status": "status_id",
    "priority": "priority_id",
    "contact": "contact_id",
    "member": "member_id",
    "summary": "summary",
    "initialDescription": "description",
    "objectId": "ticket_id",
    "text": "text",
}


def no_answer(
    exc: requests.RequestException, *, timeout: tuple[float, float], site_root: str
) -> PSAError:
    """A call that got no HTTP answer: a timeout (connect or read) or no connection at all."""
    if isinstance(exc, requests.Timeout):
        limit = timeout[0] if isinstance(exc, requests.ConnectTimeout) else timeout[1]
        # A timeout cut by the request's deadline is a fraction: say it as a person would.
        shown = f"{limit:.0f}" if limit >= 1.5 else f"{limit:.1f}"
        return PSATimeout(
            f"ConnectWise did not answer within {shown} seconds. Try again in a moment.",
            detail=str(exc),
        )
    return PSAUnavailable(
        f"ConnectWise did not answer: could not connect to {site_root}.", detail=str(exc)
    )


def json_body(response: requests.Response, route: str) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise PSAResponseError(
            f"ConnectWise sent a response we could not read (not JSON) for {route}.",
            detail=response.text[:300],
        ) from exc


def rate_limited(response: requests.Response, retry_after: float | None) -> PSAError:
    cw_message = _error_body(response)[0]
    wait = f" Try again in {retry_after:.0f} seconds." if retry_after is not None else ""
    return PSARateLimited(
        f"ConnectWise is limiting how fast we can call it.{wait}",
        retry_after=retry_after,
        detail=cw_message,
    )


def redirected(response: requests.Response) -> PSAError:
    """A redirect is an error; where it pointed stays in our logs (`detail`), never in a
    message: whatever answered may not be ConnectWise, and its words (or an internal
    address it names) must not travel back to the admin who typed the site."""
    location = (response.headers.get("Location") or "").strip()
    return PSAResponseError(
        f"The site answered with a redirect (HTTP {response.status_code}); ResolutionFlow "
        "never follows redirects. Check the site address of the connection.",
        detail=f"HTTP {response.status_code} Location: {location[:500]}",
    )


def error_for(response: requests.Response, method: str, route: str) -> PSAError:
    status = response.status_code
    cw_message, errors = _error_body(response)
    suffix = f" ConnectWise said: {cw_message}" if cw_message else ""
    # For our logs only (PSAError.detail is never shown): what answered, when not ConnectWise.
    detail = cw_message or (response.text or "").strip()[:200]
    if status == 401:
        return PSAAuthError(
            "ConnectWise refused the API credentials. Check the company id, public key and "
            "private key of the PSA connection." + suffix,
            detail=detail,
        )
    if status == 403:
        return PSAPermissionError(
            "ConnectWise denied access. Either the API member's security role lacks permission "
            "for this request, or the clientId header is missing or not registered." + suffix,
            detail=detail,
        )
    if status == 404:
        return PSANotFound(f"ConnectWise has no record at {route}." + suffix, detail=detail)
    if status in (400, 409, 422):
        fields = _field_errors(errors)
        messages = "; ".join(
            str(e.get("message")) for e in errors if isinstance(e, dict) and e.get("message")
        )
        text = messages or cw_message or f"HTTP {status}"
        return PSAValidationError(
            f"ConnectWise rejected the request: {text}", fields=fields, detail=detail
        )
    if status >= 500:
        # It answered: an error on its side (a database timeout is a 500), not an outage.
        return PSAServerError(
            f"ConnectWise answered with an error (HTTP {status}). Try again in a moment." + suffix,
            detail=detail,
        )
    return PSAResponseError(
        f"ConnectWise answered {method} {route} with an unexpected HTTP {status}." + suffix,
        detail=detail,
    )


def _error_body(response: requests.Response) -> tuple[str, list[Any]]:
    """(message, errors) from a ConnectWise error body; tolerant of HTML and empty bodies.

    Only ConnectWise's own JSON error is ever quoted: `{"code": "<Name>", "message": "…"}`
    (plus `errors` for validation). A body of any other shape is not ConnectWise speaking (a
    proxy's page, or whatever server the site address points at), and its text must never
    travel into a message an admin sees.
    """
    try:
        body = response.json()
    except ValueError:
        return "", []
    if not _connectwise_shaped(body):
        return "", []
    errors = body.get("errors")
    return (
        " ".join(str(body["message"]).split())[:300],
        errors if isinstance(errors, list) else [],
    )


_CW_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{1,63}$")


def _connectwise_shaped(body: Any) -> bool:
    """ConnectWise errors carry a code that is an identifier (NotFound, InvalidObject,
    Unauthorized …) and a string message; anything else is someone else's error body."""
    return (
        isinstance(body, dict)
        and isinstance(body.get("code"), str)
        and bool(_CW_CODE.match(body["code"]))
        and isinstance(body.get("message"), str)
        and bool(body["message"].strip())
        and isinstance(body.get("errors", []), list)
    )


def _field_errors(errors: list[Any]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        if not isinstance(error, dict):
            continue
        raw = error.get("field")
        message = str(error.get("message") or error.get("code") or "Invalid value.")
        if not raw:
            continue
        head = re.split(r"[/.]", str(raw), maxsplit=1)[0]
        name = FIELD_NAMES.get(head, head)
        fields.setdefault(name, []).append(message)
    return fields
