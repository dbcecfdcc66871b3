"""What every ticket write shares: an audit entry whatever the outcome, the ticket number
checked before any call, a field error said the same way, a member looked up in the reference
data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psa.providers.base import PSAError, PSAMember, PSANotFound, PSAValidationError, ReferenceData
from psa.selectors import capabilities_for_account
from resolutionflow.models import Account

from .limits import MAX_ID
from .models import TicketAuditEntry


class Audit:
    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    def set(self, **fields: Any) -> None:
        self.fields.update(fields)


def _storable(value: Any) -> Any:
    """PSA text can hold NUL characters, which PostgreSQL refuses in text and jsonb: an audit
    row must never turn a change the PSA already made into a 500."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable(v) for v in value]
    return value


@contextmanager
def audited(
    *, account: Account, user: Any, action: str, ticket_id: int | None, before: Any = None
) -> Iterator[Audit]:
    audit = Audit(ticket_id=ticket_id, before=before, after=None, message="")
    try:
        yield audit
    except PSAError as exc:
        TicketAuditEntry.objects.create(
            account=account,
            user=user,
            action=action,
            outcome=TicketAuditEntry.Outcome.FAILED,
            **_storable({**audit.fields, "message": exc.message}),
        )
        raise
    TicketAuditEntry.objects.create(
        account=account,
        user=user,
        action=action,
        outcome=TicketAuditEntry.Outcome.SUCCESS,
        **_storable(audit.fields),
    )


def existing_ticket_id(ticket_id: int, *, account: Account) -> int:
    """A ticket number that cannot exist in the PSA (ids are 32-bit) is "not found" before any
    call (and before the audit log, whose ticket column could not even hold it)."""
    if not 1 <= ticket_id <= MAX_ID:
        psa = capabilities_for_account(account=account).name
        raise PSANotFound(f"Ticket #{ticket_id} was not found in {psa}.")
    return ticket_id


def field_error(field: str, message: str) -> PSAValidationError:
    return PSAValidationError(message, fields={field: [message]})


def member_of_reference(reference: ReferenceData, member_id: int) -> PSAMember | None:
    return next((m for m in reference.members if m.id == member_id), None)
