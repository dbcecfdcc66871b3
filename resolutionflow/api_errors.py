"""The JSON API's one exception handler: every error is `{"error": {"code", "message", "fields"?}}`.

Domain errors from the PSA boundary map to HTTP here and nowhere else, so no view decides on its
own what a ConnectWise outage looks like to an API client.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from psa.providers import base as psa

logger = logging.getLogger("resolutionflow.api")

# (HTTP status, code). The message comes from the error itself: written for a person.
PSA_STATUS: list[tuple[type[psa.PSAError], int]] = [
    (psa.PSANotConfigured, status.HTTP_409_CONFLICT),
    (psa.PSAValidationError, status.HTTP_400_BAD_REQUEST),
    (psa.PSANotFound, status.HTTP_404_NOT_FOUND),
    (psa.PSAAuthError, status.HTTP_502_BAD_GATEWAY),
    (psa.PSAPermissionError, status.HTTP_502_BAD_GATEWAY),
    (psa.PSARateLimited, status.HTTP_503_SERVICE_UNAVAILABLE),
    (psa.PSAUnavailable, status.HTTP_503_SERVICE_UNAVAILABLE),
    (psa.PSAChangeNotApplied, status.HTTP_502_BAD_GATEWAY),
    (psa.PSAResponseError, status.HTTP_502_BAD_GATEWAY),
]


def _error(
    code: str, message: str, http_status: int, fields: dict[str, list[str]] | None = None
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response({"error": body}, status=http_status)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail -> {"field" or "field.sub": [messages]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, "" if key == "non_field_errors" and not prefix else name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def psa_error_response(exc: psa.PSAError) -> Response:
    # An error raised above the provider may carry its own status (e.g. a create in progress).
    http_status = getattr(exc, "http_status", None) or next(
        (code for cls, code in PSA_STATUS if isinstance(exc, cls)), status.HTTP_502_BAD_GATEWAY
    )
    fields = exc.fields if isinstance(exc, psa.PSAValidationError) else None
    response = _error(exc.code, exc.message, http_status, fields)
    if isinstance(exc, psa.PSARateLimited):
        response["Retry-After"] = str(max(1, round(exc.retry_after or 30)))
    elif isinstance(exc, psa.PSAUnavailable):
        response["Retry-After"] = "30"
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, psa.PSAError):
        if not isinstance(exc, (psa.PSAValidationError, psa.PSANotFound, psa.PSANotConfigured)):
            logger.warning(
                "PSA error on %s: %s (%s)", context.get("request"), exc.message, exc.detail
            )
        return psa_error_response(exc)
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return _error("invalid", "Some fields are not valid.", status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a genuine bug: let Django's 500 handling and logging see it
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "Some fields are not valid."
        if set(fields) == {"non_field_errors"}:
            message = " ".join(fields["non_field_errors"])
        response.data = {"error": {"code": "invalid", "message": message, "fields": fields}}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, (dict, list)) else "Request failed."
        response.data = {
            "error": {
                "code": exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code,
                "message": message,
            }
        }
    return response
