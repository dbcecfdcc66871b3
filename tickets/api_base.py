"""What every JSON API view shares: the account scope, the error responses every PSA-backed
call documents, id and text fields that refuse what a PSA could never hold, and the
schema inspector."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from psa.selectors import capabilities_for_account
from resolutionflow.tenancy import HasAccount, account_of

from . import serializers as out
from .limits import MAX_ID

IDEMPOTENCY_KEY_MAX = 128
API_ERRORS: dict[int, OpenApiResponse] = {
    code: OpenApiResponse(out.ErrorSerializer, description=description)
    for code, description in [
        (400, "Invalid input, or the PSA rejected it; per-field messages in `fields`."),
        (401, "Not signed in: send `Authorization: Token <key>`."),
        (403, "Signed in, but not a member of an account."),
        (404, "No such record in the PSA."),
        (409, "No usable PSA connection yet, or this draft is being created already."),
        (429, "Too many requests, or an AI usage limit spent: try again after `Retry-After`."),
        (502, "The PSA refused its credentials or sent something unreadable."),
        (503, "The PSA did not answer or is limiting requests (see `Retry-After`)."),
    ]
}


def responses_with_errors(ok: dict[int, Any], *, not_found: bool = False) -> dict[int, Any]:
    """The operation's success response(s) plus the errors every PSA-backed call can return."""
    return {**ok, **{c: r for c, r in API_ERRORS.items() if c != 404 or not_found}}


def _path_id(name: str, description: str) -> OpenApiParameter:
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return OpenApiParameter(name, schema, OpenApiParameter.PATH, description=description)


TICKET_ID = _path_id("ticket_id", "The PSA ticket number.")
MEMBER_ID = _path_id("member_id", "The PSA member (or resource) id.")
BOARD_ID = _path_id("board_id", "The PSA board (or queue) id.")
PATH_IDS = ("ticket_id", "member_id", "board_id")


def id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class TextField(serializers.CharField):
    """A string and only a string: DRF's CharField would quietly turn `0` or `1.5` into text.

    `max_length` counts what the caller sent, as the OpenAPI schema says: DRF checks it after
    trimming, so a too-long text with a leading space would otherwise be accepted."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class ApiSchema(AutoSchema):
    """drf-spectacular's inspector, told three things it cannot see in our views."""

    def _get_parameters(self) -> list[dict[str, Any]]:
        # DRF reads an empty optional query parameter (`?board_id=`) as "not given".
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        # Our PATCH bodies are commands with required fields, not partial updates of a resource.
        method, self.method = self.method, ("PUT" if self.method == "PATCH" else self.method)
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's signature
        # The method's or the view's own docstring, not AccountApi's on every operation.
        view = type(self.view)
        action_doc = get_doc(getattr(view, self.method.lower(), None))
        return action_doc or (get_doc(view) if view.__doc__ else "")


class AccountApi(APIView):
    """Signed in (session or token) and a member of an account; the account scopes every call."""

    permission_classes = [IsAuthenticated, HasAccount]
    schema = ApiSchema()

    @property
    def account(self) -> Any:
        return account_of(self.request)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """After auth: an id in the path that cannot exist in the PSA (ids are 32-bit) is a
        404 without asking it, whatever the route converter let through."""
        super().initial(request, *args, **kwargs)
        for name in PATH_IDS:
            value = kwargs.get(name)
            if value is not None and not 1 <= value <= MAX_ID:
                psa = capabilities_for_account(account=self.account)
                label = {
                    "ticket_id": "Ticket #",
                    "member_id": f"{psa.member_label.capitalize()} ",
                    "board_id": f"{psa.board_label} ",
                }[name]
                raise exceptions.NotFound(f"{label}{value} was not found in {psa.name}.")


def idempotency_key(request: Request) -> str | None:
    """The create's `Idempotency-Key`: printable ASCII, at most 128 characters (a UUID fits)."""
    key = request.headers.get("Idempotency-Key")
    if key is None or not key.strip():
        return None
    key = key.strip()
    if len(key) > IDEMPOTENCY_KEY_MAX or not (key.isascii() and key.isprintable()):
        raise serializers.ValidationError(
            {
                "Idempotency-Key": [
                    f"Send at most {IDEMPOTENCY_KEY_MAX} printable ASCII characters, "
                    "e.g. a UUID per draft."
                ]
            }
        )
    return key


def idempotency_key_parameter(description: str) -> OpenApiParameter:
    """The optional `Idempotency-Key` header as the schema documents it (`idempotency_key` reads it)."""
    return OpenApiParameter(
        "Idempotency-Key",
        {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX, "pattern": "^[ -~]*$"},
        location=OpenApiParameter.HEADER,
        required=False,
        description=description,
    )
