"""Ticket writes. Each one validates against the account's reference data before ConnectWise sees
it, verifies the change actually took (ConnectWise can answer 200 and ignore a change), attributes
it to the engineer's own member and leaves an audit entry whatever the outcome."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from psa.providers.base import (
    NoteType,
    PSAChangeNotApplied,
    PSAError,
    PSAMember,
    PSANote,
    PSANotFound,
    PSAResource,
    PSATicket,
    PSAUnavailable,
    PSAValidationError,
    ReferenceData,
    TicketCreatePayload,
)
from psa.selectors import member_for_user, provider_for_account, reference_data_get
from resolutionflow.models import Account

from .models import TicketAuditEntry, TicketCreateRequest
from .selectors import resources_flag_rf_users

logger = logging.getLogger(__name__)

SUMMARY_MAX = 100
# ConnectWise record ids are 32-bit signed integers (and so is the audit log's ticket column).
MAX_ID = 2**31 - 1
NOTE_TYPES: tuple[NoteType, ...] = ("discussion", "internal", "resolution")


@dataclass(frozen=True, slots=True)
class StatusChange:
    ticket_id: int
    previous_status: str
    new_status: str
    ticket: PSATicket


class CreateInProgress(PSAError):
    """The same draft is being created right now (a double click racing itself): the client's
    doing, so a 409 Conflict rather than the 502 an unknown PSA error gets."""

    code = "create_in_progress"
    http_status = 409


# --- audit ----------------------------------------------------------------------------------------


class _Audit:
    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    def set(self, **fields: Any) -> None:
        self.fields.update(fields)


def _storable(value: Any) -> Any:
    """ConnectWise text can hold NUL characters, which PostgreSQL refuses in text and jsonb: an
    audit row must never turn a change ConnectWise already made into a 500."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable(v) for v in value]
    return value


@contextmanager
def _audited(
    *, account: Account, user: Any, action: str, ticket_id: int | None, before: Any = None
) -> Iterator[_Audit]:
    audit = _Audit(ticket_id=ticket_id, before=before, after=None, message="")
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


def _existing_ticket_id(ticket_id: int) -> int:
    """A ticket number that cannot exist in ConnectWise is "not found" before any call (and
    before the audit log, whose ticket column could not even hold it)."""
    if not 1 <= ticket_id <= MAX_ID:
        raise PSANotFound(f"Ticket #{ticket_id} was not found in ConnectWise.")
    return ticket_id


# --- validation against reference data --------------------------------------------------------------


def _field_error(field: str, message: str) -> PSAValidationError:
    return PSAValidationError(message, fields={field: [message]})


def _validated_create(
    payload: TicketCreatePayload, reference: ReferenceData
) -> TicketCreatePayload:
    errors: dict[str, list[str]] = {}
    summary = " ".join(payload.summary.split())
    if not summary:
        errors["summary"] = ["Enter a summary."]
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = [
            f"Keep the summary to {SUMMARY_MAX} characters (it has {len(summary)})."
        ]
    if not any(c.id == payload.company_id for c in reference.companies):
        errors["company_id"] = [f"Company {payload.company_id} does not exist in ConnectWise."]
    if not any(b.id == payload.board_id and not b.inactive for b in reference.boards):
        errors["board_id"] = [f"Board {payload.board_id} does not exist in ConnectWise."]
    elif payload.status_id is not None and not any(
        s.id == payload.status_id for s in reference.statuses_for(payload.board_id)
    ):
        errors["status_id"] = ["That status does not belong to the chosen board."]
    if payload.priority_id is not None and not any(
        p.id == payload.priority_id for p in reference.priorities
    ):
        errors["priority_id"] = [f"Priority {payload.priority_id} does not exist in ConnectWise."]
    if payload.assigned_member_id is not None:
        member = _member(reference, payload.assigned_member_id)
        if member is None:
            errors["assigned_member_id"] = [f"Member {payload.assigned_member_id} does not exist."]
        elif member.inactive:
            errors["assigned_member_id"] = [f"{member.name} is inactive in ConnectWise."]
    if errors:
        raise PSAValidationError(
            "Some fields need attention before ConnectWise accepts the ticket.", fields=errors
        )
    return replace(
        payload, summary=summary, description=(payload.description or "").strip() or None
    )


def _member(reference: ReferenceData, member_id: int) -> PSAMember | None:
    return next((m for m in reference.members if m.id == member_id), None)


# --- create -------------------------------------------------------------------------------------------


def ticket_create(
    *,
    account: Account,
    user: Any,
    payload: TicketCreatePayload,
    idempotency_key: str | None = None,
) -> PSATicket:
    """Create a ticket in ConnectWise. The same `idempotency_key` never creates a second ticket."""
    provider = provider_for_account(account=account)
    payload = _validated_create(payload, reference_data_get(account=account, provider=provider))
    request = _claim_idempotency_key(account=account, user=user, key=idempotency_key)
    if request is not None and request.state == TicketCreateRequest.State.DONE:
        assert request.ticket_id is not None
        return provider.get_ticket(ticket_id=request.ticket_id)

    started = timezone.now()
    with _audited(
        account=account, user=user, action=TicketAuditEntry.Action.CREATE, ticket_id=None
    ) as audit:
        try:
            ticket = provider.create_ticket(payload=payload)
        except PSAUnavailable:
            # The POST may have reached ConnectWise before the answer was lost: look before
            # letting the engineer retry, so a flaky network can't file the ticket twice.
            found = _find_just_created(provider=provider, payload=payload, since=started)
            if found is None:
                _release(request)
                raise
            ticket = found
        except PSAError:
            _release(request)
            raise
        audit.set(
            ticket_id=ticket.id,
            after={
                "summary": ticket.summary,
                "board": ticket.board_name,
                "status": ticket.status_name,
            },
        )
    if request is not None:
        request.state = TicketCreateRequest.State.DONE
        request.ticket_id = ticket.id
        request.save(update_fields=["state", "ticket_id"])
    return ticket


def _claim_idempotency_key(
    *, account: Account, user: Any, key: str | None
) -> TicketCreateRequest | None:
    if not key:
        return None
    key = key[:128]
    try:
        with transaction.atomic():
            return TicketCreateRequest.objects.create(account=account, user=user, key=key)
    except IntegrityError:
        existing = TicketCreateRequest.objects.get(account=account, user=user, key=key)
        if existing.state == TicketCreateRequest.State.DONE:
            return existing
        raise CreateInProgress(
            "This ticket is already being created (the same draft was sent twice). "
            "Wait a moment; it will appear in the list."
        ) from None


def _release(request: TicketCreateRequest | None) -> None:
    if request is not None and request.state == TicketCreateRequest.State.PENDING:
        request.delete()


def _find_just_created(
    *, provider: Any, payload: TicketCreatePayload, since: Any
) -> PSATicket | None:
    """The ticket ConnectWise made for `payload` after `since`, when our POST's answer was lost.

    Searched newest first within the time window (a minute of clock skew allowed), so a
    normal-priority ticket at a company with many open, more urgent tickets is still found.
    """
    window = since - timedelta(minutes=1)
    try:
        candidates = provider.find_recent_tickets(
            company_id=payload.company_id, board_id=payload.board_id, since=window, limit=100
        )
    except PSAError:
        return None
    return next(
        (
            t
            for t in candidates
            if t.summary == payload.summary
            and t.board_id == payload.board_id
            and t.date_entered is not None
            and t.date_entered >= window
        ),
        None,
    )


# --- status -------------------------------------------------------------------------------------------


def ticket_status_update(
    *, account: Account, user: Any, ticket_id: int, status_id: int
) -> StatusChange:
    ticket_id = _existing_ticket_id(ticket_id)
    provider = provider_for_account(account=account)
    current = provider.get_ticket(ticket_id=ticket_id)
    reference = reference_data_get(account=account, provider=provider)
    target = next((s for s in reference.statuses if s.id == status_id), None)
    if target is None or target.board_id != current.board_id:
        raise _field_error(
            "status_id",
            f"That status is not one of the {current.board_name or 'ticket'} board's statuses.",
        )
    with _audited(
        account=account,
        user=user,
        action=TicketAuditEntry.Action.STATUS,
        ticket_id=ticket_id,
        before={"status_id": current.status_id, "status": current.status_name},
    ) as audit:
        provider.update_status(ticket_id=ticket_id, status_id=status_id)
        updated = provider.get_ticket(ticket_id=ticket_id)
        if updated.status_id != status_id:
            raise PSAChangeNotApplied(
                f"ConnectWise accepted the change but ticket #{ticket_id} is still "
                f"“{updated.status_name}”. A workflow rule may block “{target.name}”."
            )
        audit.set(after={"status_id": updated.status_id, "status": updated.status_name})
    return StatusChange(
        ticket_id=ticket_id,
        previous_status=current.status_name,
        new_status=updated.status_name,
        ticket=updated,
    )


# --- resources ------------------------------------------------------------------------------------------


def ticket_resource_add(
    *, account: Account, user: Any, ticket_id: int, member_id: int
) -> PSAResource:
    ticket_id = _existing_ticket_id(ticket_id)
    provider = provider_for_account(account=account)
    member = _member(reference_data_get(account=account, provider=provider), member_id)
    if member is None:
        raise _field_error("member_id", f"Member {member_id} does not exist in ConnectWise.")
    if member.inactive:
        raise _field_error("member_id", f"{member.name} is inactive in ConnectWise.")
    with _audited(
        account=account, user=user, action=TicketAuditEntry.Action.RESOURCE_ADD, ticket_id=ticket_id
    ) as audit:
        provider.add_resource(ticket_id=ticket_id, member_id=member_id)
        current = provider.list_resources(ticket_id=ticket_id)
        added = next((r for r in current if r.member_id == member_id), None)
        if added is None:
            raise PSAChangeNotApplied(
                f"ConnectWise did not keep {member.name} on ticket #{ticket_id}."
            )
        audit.set(after={"member_id": member_id, "member": member.identifier})
    return resources_flag_rf_users(account=account, resources=[added])[0]


def ticket_resource_remove(*, account: Account, user: Any, ticket_id: int, member_id: int) -> None:
    ticket_id = _existing_ticket_id(ticket_id)
    provider = provider_for_account(account=account)
    with _audited(
        account=account,
        user=user,
        action=TicketAuditEntry.Action.RESOURCE_REMOVE,
        ticket_id=ticket_id,
        before={"member_id": member_id},
    ):
        provider.remove_resource(ticket_id=ticket_id, member_id=member_id)
        if any(r.member_id == member_id for r in provider.list_resources(ticket_id=ticket_id)):
            raise PSAChangeNotApplied(
                f"ConnectWise still lists member {member_id} on ticket #{ticket_id}."
            )


# --- notes -----------------------------------------------------------------------------------------------


def ticket_note_add(
    *, account: Account, user: Any, ticket_id: int, text: str, note_type: NoteType
) -> PSANote:
    """Post a note as the engineer's own ConnectWise member; unmapped engineers sign the text."""
    ticket_id = _existing_ticket_id(ticket_id)
    text = text.strip()
    if not text:
        raise _field_error("text", "Write something before adding the note.")
    if note_type not in NOTE_TYPES:
        raise _field_error("type", "Choose discussion, internal or resolution.")
    me = member_for_user(account=account, user=user)
    if me is None:
        name = user.get_full_name() or user.get_username()
        text = f"{text}\n\n— via ResolutionFlow, {name}"
    provider = provider_for_account(account=account)
    with _audited(
        account=account, user=user, action=TicketAuditEntry.Action.NOTE, ticket_id=ticket_id
    ) as audit:
        note = provider.add_note(
            ticket_id=ticket_id, text=text, note_type=note_type, member_id=me.id if me else None
        )
        audit.set(after={"note_id": note.id, "type": note_type})
    return note
