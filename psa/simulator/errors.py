"""ConnectWise-shaped error responses.

ConnectWise answers errors with ``{"code", "message"}`` and, for validation failures,
``{"code": "InvalidObject", "message": "<resource> object is invalid", "errors": [{"code",
"message", "resource", "field"}]}``; field messages use .NET's data-annotation wording
("The summary field is required.").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    code: str
    message: str
    resource: str
    field: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": self.message,
            "resource": self.resource,
            "field": self.field,
        }


@dataclass
class ApiError(Exception):
    """An error answer: HTTP status plus a ConnectWise-shaped JSON body."""

    status: int
    code: str
    message: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            payload["errors"] = [e.as_dict() for e in self.errors]
        return payload


def invalid_object(resource: str, errors: list[FieldError]) -> ApiError:
    return ApiError(400, "InvalidObject", f"{resource} object is invalid", list(errors))


def not_found(message: str) -> ApiError:
    return ApiError(404, "NotFound", message)


def bad_request(message: str, *, field_name: str | None = None, resource: str = "") -> ApiError:
    errors = [FieldError("InvalidField", message, resource, field_name)] if field_name else []
    return ApiError(400, "BadRequest", message, errors)


class Validator:
    """Collects field errors for one resource and raises them together."""

    def __init__(self, resource: str) -> None:
        self.resource = resource
        self.errors: list[FieldError] = []

    def required(self, field_name: str) -> None:
        self.errors.append(
            FieldError(
                "MissingRequiredField",
                f"The {field_name} field is required.",
                self.resource,
                field_name,
            )
        )

    def invalid(self, field_name: str, message: str, code: str = "InvalidField") -> None:
        self.errors.append(FieldError(code, message, self.resource, field_name))

    def raise_if_any(self) -> None:
        if self.errors:
            raise invalid_object(self.resource, self.errors)
