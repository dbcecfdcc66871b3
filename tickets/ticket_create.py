"""Ticket create, idempotent: the same draft sent twice (a double click, a network retry, an
answer lost on the way back) makes one ticket in the PSA.

A create key is claimed before the POST and settled before it is released; an answer that was
lost is looked for in the PSA (`_find_just_created`) instead of posting again.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from psa.providers.base import (
    PSACapabilities,
    PSAError,
    PSAResponseError,
    PSATicket,
    PSAUnavailable,
    PSAValidationError,
    ReferenceData,
    TicketCreatePayload,
)
from psa.security import account_connection_target
from psa.selectors import member_mappings_list, provider_for_account, reference_data_get
from resolutionflow.models import Account

from .models import TicketAuditEntry, TicketCreateRequest
from .writes import audited, member_of_reference

logger = logging.getLogger(__name__)


class CreateInProgress(PSAError):
    """The same draft is being created right now (a double click racing itself): the client's
    doing, so a 409 Conflict rather than the 502 an unknown PSA error gets."""

    code = "create_in_progress"
    http_status = 409


def _validated_create(
    payload: TicketCreatePayload, reference: ReferenceData, caps: PSACapabilities
) -> TicketCreatePayload:
    psa = caps.name
    errors: dict[str, list[str]] = {}
    summary = " ".join(payload.summary.split())
    if not summary:
        errors["summary"] = ["Enter a summary."]
    elif len(summary) > caps.summary_max:
        errors["summary"] = [
            f"Keep the summary to {caps.summary_max} characters (it has {len(summary)})."
        ]
    if not any(c.id == payload.company_id for c in reference.companies):
        errors["company_id"] = [f"Company {payload.company_id} does not exist in {psa}."]
    if not any(b.id == payload.board_id and not b.inactive for b in reference.boards):
        errors["board_id"] = [f"{caps.board_label} {payload.board_id} does not exist in {psa}."]
    elif payload.status_id is not None and not any(
        s.id == payload.status_id for s in reference.statuses_for(payload.board_id)
    ):
        errors["status_id"] = [
            f"That status does not belong to the chosen {caps.board_label.casefold()}."
        ]
    if payload.priority_id is not None and not any(
        p.id == payload.priority_id for p in reference.priorities
    ):
        errors["priority_id"] = [f"Priority {payload.priority_id} does not exist in {psa}."]
    if payload.assigned_member_id is not None:
        member = member_of_reference(reference, payload.assigned_member_id)
        if member is None:
            errors["assigned_member_id"] = [
                f"{caps.member_label.capitalize()} {payload.assigned_member_id} does not exist."
            ]
        elif member.inactive:
            errors["assigned_member_id"] = [f"{member.name} is inactive in {psa}."]
    if errors:
        raise PSAValidationError(
            f"Some fields need attention before {psa} accepts the ticket.", fields=errors
        )
    return replace(
        payload, summary=summary, description=(payload.description or "").strip() or None
    )


# How long a live request may hold a create key: longer than any one create can take (the POST's
# read timeout, an assignment, a look for a lost answer), so a key older than this is a dead
# worker's. Reconciling then releasing it is what keeps a key from answering 409 forever.
CREATE_LEASE = timedelta(seconds=90)
# After a create got no answer at all (timeout, dropped connection), the PSA may still be
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
    """Create a ticket in the PSA. The same `idempotency_key` never creates a second ticket:
    a retry first settles the earlier attempt (finds its ticket, or learns it never landed)."""
    provider = provider_for_account(account=account)
    payload = _validated_create(
        payload, reference_data_get(account=account, provider=provider), provider.capabilities
    )
    request = _claim_idempotency_key(
        account=account, user=user, key=idempotency_key, payload=payload, provider=provider
    )
    if request is not None and request.state == TicketCreateRequest.State.DONE:
        assert request.ticket_id is not None
        return provider.get_ticket(ticket_id=request.ticket_id)

    started = request.attempt_started_at if request is not None else timezone.now()
    with audited(
        account=account, user=user, action=TicketAuditEntry.Action.CREATE, ticket_id=None
    ) as audit:
        try:
            ticket = provider.create_ticket(payload=payload)
        except (PSAUnavailable, PSAResponseError) as exc:
            # The POST may have reached the PSA before the answer was lost: look before
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
    landed, the key is taken over for this attempt. When the PSA cannot be asked, its
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
            f"Not sent: the {provider.capabilities.name} connection changed after this ticket "
            "was first sent. "
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
            f"{provider.capabilities.name} has not finished the first attempt yet. "
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
    attempt looks again before creating; wait longer when the PSA never answered."""
    if request is None:
        return
    now = timezone.now()
    request.outcome_unknown = True
    request.settle_after = now + CREATE_SETTLE if no_answer else now
    request.save(update_fields=["outcome_unknown", "settle_after"])


def _release(request: TicketCreateRequest | None) -> None:
    """The PSA surely made nothing (it refused, or the call never left): free the key."""
    if request is not None and request.state == TicketCreateRequest.State.PENDING:
        request.delete()


def _remember_api_member(*, account: Account, identifier: str) -> None:
    if identifier:
        cache.set(API_MEMBER_CACHE.format(account_id=account.pk), identifier, timeout=None)


def api_member_identifier(*, account: Account, provider: Any) -> str:
    """The PSA member our API keys act as: what the provider saw on its own writes, or
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
    """The ticket the PSA made for `payload` after `since`, when our POST's answer was lost.

    Only a ticket OUR API member entered (`_info.enteredBy`) counts, so an engineer's identical
    ticket typed into the PSA is never adopted; and never one another key already owns.
    Searched newest first within the time window (a minute of clock skew allowed), so a
    normal-priority ticket at a company with many open, more urgent tickets is still found.
    Raises the PSAError when the PSA cannot be asked.
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
        "Settling a lost create for account %s without knowing its PSA API member: "
        "%d candidate(s).",
        account.pk,
        len(unclaimed),
    )
    return unclaimed[0] if len(unclaimed) == 1 else None


def _mapped_member_identifiers(account: Account) -> list[str]:
    return [m.member_identifier for m in member_mappings_list(account=account)]
