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

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from psa.providers.base import (
    NoteType,
    PSAChangeNotApplied,
    PSAError,
    PSAMember,
    PSANotFound,
    PSAResource,
    PSAResponseError,
    PSATicket,
    PSAUnavailable,
    PSAValidationError,
    ReferenceData,
    TicketCreatePayload,
)
from psa.security import account_connection_target
from psa.selectors import member_for_user, provider_for_account, reference_data_get
from resolutionflow.models import Account

from .limits import MAX_ID, SUMMARY_MAX
from .models import TicketAuditEntry, TicketCreateRequest
from .outbox import NOTE_TYPES as NOTE_TYPES  # the API validates note types against it
from .outbox import NoteSubmission, pending_note_submit
from .selectors import resources_flag_rf_users

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A status write ConnectWise took. `confirmed` is False when reading the ticket back
    failed: the write stands, `ticket` shows what was written and `unconfirmed_because` why
    it could not be checked. (A write ConnectWise refused or ignored raises instead.)"""

    ticket_id: int
    previous_status: str
    new_status: str
    ticket: PSATicket
    confirmed: bool = True
    unconfirmed_because: str = ""


class StatusMovedOn(PSAError):
    """The ticket's status changed in ConnectWise since the engineer saw it: the change is not
    sent until they confirm overwriting the newer status."""

    code = "status_changed_meanwhile"
    http_status = 409

    def __init__(self, message: str, *, ticket: PSATicket, wanted: str) -> None:
        super().__init__(message)
        self.ticket = ticket  # as ConnectWise has it now
        self.wanted = wanted  # the status the engineer picked


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

# How long a live request may hold a create key: longer than any one create can take (the POST's
# read timeout, an assignment, a look for a lost answer), so a key older than this is a dead
# worker's. Reconciling then releasing it is what keeps a key from answering 409 forever.
CREATE_LEASE = timedelta(seconds=90)
# After a create got no answer at all (timeout, dropped connection), ConnectWise may still be
# writing the ticket: a retry within this time that finds nothing is told to wait, not sent.
CREATE_SETTLE = timedelta(seconds=40)
# A lost create is searched for from a minute before its attempt started (clock skew).
CREATE_SKEW = timedelta(minutes=1)
API_MEMBER_CACHE = "tickets:api-member:{account_id}"


def ticket_create(
    *,
    account: Account,
    user: Any,
    payload: TicketCreatePayload,
    idempotency_key: str | None = None,
) -> PSATicket:
    """Create a ticket in ConnectWise. The same `idempotency_key` never creates a second ticket:
    a retry first settles the earlier attempt (finds its ticket, or learns it never landed)."""
    provider = provider_for_account(account=account)
    payload = _validated_create(payload, reference_data_get(account=account, provider=provider))
    request = _claim_idempotency_key(
        account=account, user=user, key=idempotency_key, payload=payload, provider=provider
    )
    if request is not None and request.state == TicketCreateRequest.State.DONE:
        assert request.ticket_id is not None
        return provider.get_ticket(ticket_id=request.ticket_id)

    started = request.attempt_started_at if request is not None else timezone.now()
    with _audited(
        account=account, user=user, action=TicketAuditEntry.Action.CREATE, ticket_id=None
    ) as audit:
        try:
            ticket = provider.create_ticket(payload=payload)
        except (PSAUnavailable, PSAResponseError) as exc:
            # The POST may have reached ConnectWise before the answer was lost: look before
            # letting the engineer retry, so a flaky network can't file the ticket twice.
            try:
                found = _find_just_created(
                    account=account,
                    provider=provider,
                    request=request,
                    payload=payload,
                    since=started,
                )
            except PSAError:
                found = None  # the key stays unsettled: the next attempt looks again
            if found is None:
                _outcome_unknown(request, no_answer=exc.__cause__ is not None)
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
    _remember_api_member(account=account, identifier=ticket.entered_by)
    _done(request, ticket_id=ticket.id, entered_by=ticket.entered_by)
    return ticket


def _claim_idempotency_key(
    *,
    account: Account,
    user: Any,
    key: str | None,
    payload: TicketCreatePayload,
    provider: Any,
) -> TicketCreateRequest | None:
    """The key's row, claimed for one attempt now; DONE when an earlier attempt made the ticket.

    A key already pending is settled first: held by a live request (within its lease, or
    within the grace after a lost answer) it answers 409; otherwise the earlier attempt's
    ticket is looked for (ours, in its window, newest first) and adopted, or, when it never
    landed, the key is taken over for this attempt. When ConnectWise cannot be asked, its
    PSAError propagates and the key stays as it was: nothing is sent that could file twice.
    """
    if not key:
        return None
    key = key[:128]
    now = timezone.now()
    fresh = {
        "state": TicketCreateRequest.State.PENDING,
        "summary": payload.summary[:200],
        "company_id": payload.company_id,
        "board_id": payload.board_id,
        "attempt_started_at": now,
        "settle_after": now + CREATE_LEASE,
        "outcome_unknown": False,
    }
    try:
        with transaction.atomic():
            return TicketCreateRequest.objects.create(account=account, user=user, key=key, **fresh)
    except IntegrityError:
        pass
    existing = TicketCreateRequest.objects.get(account=account, user=user, key=key)
    if existing.connection_target != account_connection_target(account.pk):
        # First sent to the tenant the connection pointed at then: neither replayed nor
        # retried against the one it points at now (its ids mean other tickets there).
        raise PSAValidationError(
            "Not sent: the ConnectWise connection changed after this ticket was first sent. "
            "Start a new ticket for the new connection.",
            fields={"Idempotency-Key": ["Used before the connection changed."]},
        )
    if existing.state == TicketCreateRequest.State.DONE:
        return existing
    settle_after = existing.settle_after or existing.created_at + CREATE_LEASE
    if existing.outcome_unknown or settle_after <= now:
        # The earlier attempt lost its answer or its worker is gone: did it make the ticket?
        earlier = _payload_of(existing, fallback=payload)
        found = _find_just_created(
            account=account,
            provider=provider,
            request=existing,
            payload=earlier,
            since=existing.attempt_started_at or existing.created_at,
        )
        if found is not None:
            _done(existing, ticket_id=found.id, entered_by=found.entered_by)
            return existing
    if settle_after > now:
        wait = int((settle_after - now).total_seconds()) + 1
        raise CreateInProgress(
            "This ticket is already being created (the same draft was sent twice), or "
            "ConnectWise has not finished the first attempt yet. "
            f"Try again in {wait} seconds; it will not be filed twice.",
        )
    # Settled: the earlier attempt made nothing. Take the key over, unless another retry
    # just did (the conditional UPDATE lets exactly one through).
    taken = TicketCreateRequest.objects.filter(
        pk=existing.pk,
        state=TicketCreateRequest.State.PENDING,
        settle_after=existing.settle_after,
    ).update(**fresh)
    if not taken:
        raise CreateInProgress(
            "This ticket is already being created (the same draft was sent twice). "
            "Wait a moment; it will appear in the list."
        )
    existing.refresh_from_db()
    return existing


def _payload_of(request: TicketCreateRequest, *, fallback: TicketCreatePayload) -> Any:
    if not request.summary or request.company_id is None:
        return fallback
    return replace(
        fallback,
        summary=request.summary,
        company_id=request.company_id,
        board_id=request.board_id or fallback.board_id,
    )


def _done(request: TicketCreateRequest | None, *, ticket_id: int, entered_by: str) -> None:
    if request is None:
        return
    request.state = TicketCreateRequest.State.DONE
    request.ticket_id = ticket_id
    request.outcome_unknown = False
    request.entered_by = entered_by[:100]
    request.save(update_fields=["state", "ticket_id", "outcome_unknown", "entered_by"])


def _outcome_unknown(request: TicketCreateRequest | None, *, no_answer: bool) -> None:
    """The POST's answer was lost and its ticket not found (yet). Keep the key, so the next
    attempt looks again before creating; wait longer when ConnectWise never answered."""
    if request is None:
        return
    now = timezone.now()
    request.outcome_unknown = True
    request.settle_after = now + CREATE_SETTLE if no_answer else now
    request.save(update_fields=["outcome_unknown", "settle_after"])


def _release(request: TicketCreateRequest | None) -> None:
    """ConnectWise surely made nothing (it refused, or the call never left): free the key."""
    if request is not None and request.state == TicketCreateRequest.State.PENDING:
        request.delete()


def _remember_api_member(*, account: Account, identifier: str) -> None:
    if identifier:
        cache.set(API_MEMBER_CACHE.format(account_id=account.pk), identifier, timeout=None)


def api_member_identifier(*, account: Account, provider: Any) -> str:
    """The ConnectWise member our API keys act as: what the provider saw on its own writes, or
    what an earlier create recorded (`_info.enteredBy`); "" while nothing has shown it."""
    known = str(provider.api_member_identifier or "")
    if known:
        return known
    cached = cache.get(API_MEMBER_CACHE.format(account_id=account.pk))
    if cached:
        return str(cached)
    recorded = (
        TicketCreateRequest.objects.filter(account=account)
        .exclude(entered_by="")
        .order_by("-pk")
        .values_list("entered_by", flat=True)
        .first()
    )
    return recorded or ""


def _find_just_created(
    *,
    account: Account,
    provider: Any,
    request: TicketCreateRequest | None,
    payload: TicketCreatePayload,
    since: Any,
) -> PSATicket | None:
    """The ticket ConnectWise made for `payload` after `since`, when our POST's answer was lost.

    Only a ticket OUR API member entered (`_info.enteredBy`) counts, so an engineer's identical
    ticket typed into ConnectWise is never adopted; and never one another key already owns.
    Searched newest first within the time window (a minute of clock skew allowed), so a
    normal-priority ticket at a company with many open, more urgent tickets is still found.
    Raises the PSAError when ConnectWise cannot be asked.
    """
    ours = api_member_identifier(account=account, provider=provider).casefold()
    window = since - CREATE_SKEW
    candidates = provider.find_recent_tickets(
        company_id=payload.company_id, board_id=payload.board_id, since=window, limit=100
    )
    others = TicketCreateRequest.objects.filter(account=account, ticket_id__isnull=False)
    if request is not None:
        others = others.exclude(pk=request.pk)
    owned = set(others.values_list("ticket_id", flat=True))
    matches = [
        t
        for t in candidates
        if t.summary == payload.summary
        and t.board_id == payload.board_id
        and t.id not in owned
        and t.date_entered is not None
        and t.date_entered >= window
    ]
    if ours:
        return next((t for t in matches if t.entered_by.casefold() == ours), None)
    # No write through this connection has shown its API member yet (a new connection whose
    # very first create lost its answer). Adopt only an unambiguous match that none of the
    # account's engineers entered; anything less certain is left alone.
    engineers = {identifier.casefold() for identifier in _mapped_member_identifiers(account)}
    unclaimed = [t for t in matches if t.entered_by and t.entered_by.casefold() not in engineers]
    logger.warning(
        "Settling a lost create for account %s without knowing its ConnectWise API member: "
        "%d candidate(s).",
        account.pk,
        len(unclaimed),
    )
    return unclaimed[0] if len(unclaimed) == 1 else None


def _mapped_member_identifiers(account: Account) -> list[str]:
    from psa.models import PSAMemberMapping

    return list(
        PSAMemberMapping.objects.filter(account=account).values_list("member_identifier", flat=True)
    )


# --- status -------------------------------------------------------------------------------------------


def ticket_status_update(
    *,
    account: Account,
    user: Any,
    ticket_id: int,
    status_id: int,
    seen_status_id: int | None = None,
) -> StatusChange:
    """Set the ticket's status. `seen_status_id`: the status the engineer's view showed; when
    ConnectWise has moved on from it meanwhile, `StatusMovedOn` is raised and nothing is sent.

    Reported by what happened to the write: confirmed (read back as asked); taken but not
    confirmed (the read-back failed: `confirmed=False`); refused or ignored (raises)."""
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
    if seen_status_id is not None and current.status_id not in (seen_status_id, status_id):
        raise StatusMovedOn(
            f"Ticket #{ticket_id} is now “{current.status_name}” in ConnectWise (someone "
            f"changed it since you opened it). Set “{target.name}” anyway?",
            ticket=current,
            wanted=target.name,
        )
    with _audited(
        account=account,
        user=user,
        action=TicketAuditEntry.Action.STATUS,
        ticket_id=ticket_id,
        before={"status_id": current.status_id, "status": current.status_name},
    ) as audit:
        try:
            provider.update_status(ticket_id=ticket_id, status_id=status_id)
        except (PSAUnavailable, PSAResponseError):
            # The answer was lost, not necessarily the write: it counts as taken only if the
            # ticket now has the status (a read that fails too leaves the write's error).
            try:
                landed = provider.get_ticket(ticket_id=ticket_id)
            except PSAError:
                landed = None
            if landed is None or landed.status_id != status_id:
                raise
        try:
            updated = provider.get_ticket(ticket_id=ticket_id)
        except PSAError as exc:
            # ConnectWise took the write; only checking it failed. Say so, never "not changed".
            written = replace(
                current, status_id=target.id, status_name=target.name, closed=target.closed
            )
            audit.set(
                after={"status_id": target.id, "status": target.name, "confirmed": False},
                message=exc.message,
            )
            return StatusChange(
                ticket_id=ticket_id,
                previous_status=current.status_name,
                new_status=target.name,
                ticket=written,
                confirmed=False,
                unconfirmed_because=exc.message,
            )
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
    # Named, never numbered: an engineer knows "Anika Patel", not "member 21".
    member = _member(reference_data_get(account=account, provider=provider), member_id)
    who = member.name if member else "That member"
    with _audited(
        account=account,
        user=user,
        action=TicketAuditEntry.Action.RESOURCE_REMOVE,
        ticket_id=ticket_id,
        before={"member_id": member_id, "member": member.identifier if member else ""},
    ):
        try:
            provider.remove_resource(ticket_id=ticket_id, member_id=member_id)
        except PSANotFound as exc:
            # The ticket is there but the member is not on it (removed from another tab or in
            # ConnectWise meanwhile): say who, by name.
            try:
                still = provider.list_resources(ticket_id=ticket_id)
            except PSAError:
                raise exc from None
            if any(r.member_id == member_id for r in still):
                raise
            raise PSANotFound(
                f"{who} is no longer assigned to ticket #{ticket_id}: "
                "someone removed them meanwhile."
            ) from exc
        if any(r.member_id == member_id for r in provider.list_resources(ticket_id=ticket_id)):
            raise PSAChangeNotApplied(
                f"ConnectWise still lists {who} on ticket #{ticket_id}. "
                "A workflow rule may keep them on it."
            )


# --- notes -----------------------------------------------------------------------------------------------


def ticket_note_add(
    *,
    account: Account,
    user: Any,
    ticket_id: int,
    text: str,
    note_type: NoteType,
    client_key: str | None = None,
) -> NoteSubmission:
    """Post a note as the engineer's own ConnectWise member (unmapped engineers sign the text),
    or queue it in the outbox when ConnectWise cannot take it now; see `tickets.outbox`.

    The same `client_key` never posts twice: a repeated key returns the first request's
    outcome. Raises the PSAError when ConnectWise refuses the note for good (400/403/404): the
    caller shows it and keeps the draft."""
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
    return pending_note_submit(
        account=account,
        user=user,
        ticket_id=ticket_id,
        text=text,
        note_type=note_type,
        member=me,
        client_key=client_key,
    )
