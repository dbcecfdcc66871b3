"""One table from a PSA error to a response, for both front doors.

Each row says, for one kind of `PSAError`: the HTTP status, how the failure reads to the engineer
(headline, kind, hint), whether asking again can help, and what `Retry-After` to send. The JSON
API's exception handler (`exception_handler` below, set as DRF's) and the htmx error path
(`psa.htmx_errors`) both answer from `answer_for`, so an outage cannot read one way to an API
client and another to the browser (they had drifted: only the API sent `Retry-After`).

The errors' own `code` and `message` (written for a person, in `psa.providers.base`) are the
body; this table adds only what the boundary itself does not know. A headline names the PSA as
"{psa}": whoever shows it fills in the account's PSA (`ErrorShape.named`, from its
capabilities), so the table itself knows no vendor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from rest_framework.response import Response

from resolutionflow.api_errors import error_response
from resolutionflow.api_errors import exception_handler as generic_exception_handler

from .providers import base as psa

logger = logging.getLogger("resolutionflow.api")

RECONNECT_HINT = "An owner or admin can check the connection under Account → Integrations."
# What an outage's Retry-After advises when the PSA gave no wait of its own.
OUTAGE_RETRY_AFTER = 30


@dataclass(frozen=True, slots=True)
class ErrorShape:
    """How one kind of PSA failure answers: one row of the table."""

    status: int  # the HTTP status (a page that is only a message answers it too)
    headline: str  # the inline message's first words
    # outage | timeout | server_error | rate_limited | auth | invalid | not_found |
    # not_configured | bad_answer | error
    kind: str
    hint: str = ""  # what to do about it, after the PSA's own message
    # Whether asking again can help: a Retry is offered only then (refused credentials, a refused
    # value or a missing record stay so until someone changes something).
    retryable: bool = True
    # Retry-After, in seconds, when the error does not carry the PSA's own wait.
    retry_after: int | None = None
    # Whether the engineer is told to wait that long (a rate limit disables Retry until then);
    # an outage's Retry-After is advice to clients, not a wait anyone knows.
    wait_is_known: bool = False

    def named(self, psa_name: str) -> ErrorShape:
        """This row in the words of one PSA: its name where the headline says "{psa}"."""
        headline = self.headline.format(psa=psa_name)
        return replace(self, headline=headline[:1].upper() + headline[1:])


# Most specific first (PSATimeout and PSAServerError before PSAUnavailable).
TABLE: list[tuple[type[psa.PSAError], ErrorShape]] = [
    (
        psa.PSANotConfigured,
        ErrorShape(409, "{psa} is not connected.", "not_configured", retryable=False),
    ),
    (
        psa.PSARateLimited,
        ErrorShape(
            503,
            "{psa} asked us to slow down.",
            "rate_limited",
            retry_after=OUTAGE_RETRY_AFTER,
            wait_is_known=True,
        ),
    ),
    (
        psa.PSAAuthError,
        ErrorShape(502, "{psa} refused our credentials.", "auth", RECONNECT_HINT, False),
    ),
    (
        psa.PSAPermissionError,
        ErrorShape(502, "{psa} denied access.", "auth", RECONNECT_HINT, False),
    ),
    (
        psa.PSAValidationError,
        ErrorShape(400, "{psa} did not accept that.", "invalid", retryable=False),
    ),
    (psa.PSANotFound, ErrorShape(404, "Not found in {psa}.", "not_found", retryable=False)),
    (
        psa.PSATimeout,
        ErrorShape(503, "{psa} did not answer in time.", "timeout", retry_after=OUTAGE_RETRY_AFTER),
    ),
    # It answered: saying it "could not be reached" would send the engineer to check the network.
    (
        psa.PSAServerError,
        ErrorShape(
            503,
            "{psa} had a problem on its side.",
            "server_error",
            retry_after=OUTAGE_RETRY_AFTER,
        ),
    ),
    (
        psa.PSAUnavailable,
        ErrorShape(503, "{psa} could not be reached.", "outage", retry_after=OUTAGE_RETRY_AFTER),
    ),
    (
        psa.PSAResponseError,
        ErrorShape(502, "{psa} sent an answer we could not read.", "bad_answer"),
    ),
    (
        psa.PSAChangeNotApplied,
        ErrorShape(502, "{psa} did not apply the change.", "bad_answer"),
    ),
]
# Any other PSAError (one raised above the provider) says only what its message says.
FALLBACK_SHAPE = ErrorShape(502, "{psa} could not do that.", "error")


def shape_of(exc: psa.PSAError) -> ErrorShape:
    return next((shape for cls, shape in TABLE if isinstance(exc, cls)), FALLBACK_SHAPE)


@dataclass(frozen=True, slots=True)
class ErrorAnswer:
    """The table's row applied to one error: what both front doors send."""

    shape: ErrorShape
    status: int
    code: str
    message: str
    retry_after: int | None  # the Retry-After header, if any
    wait: int | None  # what the engineer is told to wait (a rate limit's), if anything

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


def answer_for(exc: psa.PSAError) -> ErrorAnswer:
    shape = shape_of(exc)
    retry_after = shape.retry_after
    if isinstance(exc, psa.PSARateLimited) and exc.retry_after:
        retry_after = max(1, round(exc.retry_after))
    return ErrorAnswer(
        shape=shape,
        # An error raised above the provider may carry its own status (a create in progress).
        status=getattr(exc, "http_status", None) or shape.status,
        code=exc.code,
        message=exc.message,
        retry_after=retry_after,
        wait=retry_after if shape.wait_is_known else None,
    )


def explain(exc: psa.PSAError) -> str:
    """The PSA's message, with the fields it refused and what to do next."""
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


def worth_logging(exc: psa.PSAError) -> bool:
    """The engineer's own doing (a refused value, a missing record, no connection, a conflict
    raised above the provider with a 4xx of its own) is no news."""
    if (getattr(exc, "http_status", None) or 500) < 500:
        return False
    return not isinstance(exc, (psa.PSAValidationError, psa.PSANotFound, psa.PSANotConfigured))


# --- the JSON API ---------------------------------------------------------------------------------


def api_response(exc: psa.PSAError) -> Response:
    answer = answer_for(exc)
    fields = exc.fields if isinstance(exc, psa.PSAValidationError) else None
    response = error_response(answer.code, answer.message, answer.status, fields)
    for name, value in answer.headers.items():
        response[name] = value
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler (settings.REST_FRAMEWORK): PSA errors from the table, everything
    else from the foundation's handler, in the same `{"error": ...}` shape."""
    if isinstance(exc, psa.PSAError):
        if worth_logging(exc):
            logger.warning(
                "PSA error on %s: %s (%s)", context.get("request"), exc.message, exc.detail
            )
        return api_response(exc)
    return generic_exception_handler(exc, context)
