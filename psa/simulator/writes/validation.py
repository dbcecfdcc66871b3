"""Checks every kind of write shares: PATCH bodies, field types, dates and members."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeGuard

from psa.simulator.errors import FieldError, Validator, bad_request
from psa.simulator.store import TenantStore

FieldTypes = dict[str, type | tuple[type, ...]]


def field_error(resource: str, field_name: str, message: str) -> FieldError:
    return FieldError("InvalidField", message, resource, field_name)


def unknown_field_error(resource: str, name: str) -> FieldError:
    return field_error(resource, name, f"Unknown field '{name}' on {resource}.")


def has_text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def check_field_types(validator: Validator, values: dict[str, Any], types: FieldTypes) -> None:
    """Flag every field of ``values`` that is set but not of its type (None means unset)."""
    for name, expected in types.items():
        if name in values and values[name] is not None and not isinstance(values[name], expected):
            validator.invalid(name, f"The field {name} has an invalid value.")


def parse_datetime(value: object) -> datetime:
    """A ConnectWise date such as ``2026-01-01T09:00:00Z`` (ValueError when it is not one).

    A date without an offset is UTC, so any two dates can be compared or subtracted.
    """
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def check_datetimes(validator: Validator, values: dict[str, Any], *names: str) -> None:
    for name in names:
        value = values.get(name)
        if value is None:
            continue
        try:
            parse_datetime(value)
        except ValueError:
            validator.invalid(name, f"The field {name} must be a date like 2026-01-01T09:00:00Z.")


def find_active_member(
    store: TenantStore, validator: Validator, field_name: str, ref: object
) -> dict[str, Any] | None:
    """The member ``ref`` names, or None with the error ConnectWise gives for it."""
    member = store.find_member(ref)
    if member is None:
        validator.invalid(field_name, f"The {field_name} was not found.")
    elif member.get("inactiveFlag"):
        validator.invalid(field_name, f"Member '{member['identifier']}' is inactive.")
        return None
    return member


def patch_operations(body: object, resource: str) -> list[dict[str, Any]]:
    """The operations of a JSON Patch body, each with a known ``op``; anything else is a 400."""
    if not isinstance(body, list) or not body:
        raise bad_request(
            'PATCH expects a JSON array of operations like [{"op": "replace", "path": "status", '
            '"value": {"id": 1}}].',
            resource=resource,
        )
    for op in body:
        if not isinstance(op, dict) or str(op.get("op", "")).lower() not in (
            "replace",
            "add",
            "remove",
        ):
            raise bad_request(
                "Each patch operation needs op 'replace', 'add' or 'remove'.",
                field_name="op",
                resource=resource,
            )
    return body


def operation_value(op: dict[str, Any]) -> Any:
    # A "remove" clears the field whatever value it carries.
    return None if str(op["op"]).lower() == "remove" else op.get("value")
