"""The notes outbox: a note the engineer wrote is never lost and reaches the PSA exactly once.

`tickets.services.ticket_note_add` (the one entry point for views and the API) checks the note
and hands it to `pending_note_submit`, which stores it as a `PendingNote` with a client key,
already claimed, and tries it at once. This module owns the rows: it alone creates, claims and
changes them (`tickets.outbox_selectors` reads them). When the PSA cannot take it now (down, timing out, 5xx, 429) the row stays
`pending` and is delivered later by `pending_note_deliver` (called by the Celery task, the beat
sweep, and the `outbox_drain` loop `make run` starts), with backoff. Exactly once rests on
three things:

* the client key: the same request sent twice (double click, network retry) finds its row and
  never posts a second time;
* the claim: a worker moves a row to `posting` with a lease in one conditional UPDATE, so two
  workers never post the same row at once (a dead worker's lease simply runs out);
* settling: after an attempt whose outcome is unknown (a timeout, a dropped connection, a 5xx
  after sending) the next attempt first looks for the note on the ticket (same member, same
  text, same type, written since the first attempt, not already adopted) and adopts it.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from psa.providers.base import (
    NoteType,
    PSAError,
    PSAMember,
    PSANotConfigured,
    PSANote,
    PSANotFound,
    PSAPermissionError,
    PSAProvider,
    PSARateLimited,
    PSAResponseError,
    PSAUnavailable,
    PSAValidationError,
)
from psa.security import account_connection_target
from psa.selectors import provider_for_account
from resolutionflow.models import Account

from .models import PendingNote, TicketAuditEntry
from .tasks import deliver_pending_note

logger = logging.getLogger(__name__)

NOTE_TYPES: tuple[NoteType, ...] = ("discussion", "internal", "resolution")
# Longer than one attempt can take (a reconciling read with its retries, then the POST), so a
# live worker never loses its claim; a dead worker's row is picked up when it runs out.
LEASE = timedelta(seconds=150)
# How far before the first attempt a found note may have been written (clock skew).
CLOCK_SKEW = timedelta(minutes=2)
# The PSA refuses these for good: retrying cannot help, the engineer has to act.
REFUSED_FOR_GOOD = (PSAValidationError, PSAPermissionError, PSANotFound)
# The answer was lost or unreadable: the note may be in the PSA already.
OUTCOME_UNKNOWN = (PSAUnavailable, PSAResponseError)
UNPOSTED = (PendingNote.State.PENDING, PendingNote.State.POSTING)


class ConnectionChanged(PSAValidationError):
    """The note was written for the tenant the connection pointed at then; it has been
    re-pointed (another site, company or key) since. Posting it would put one customer's note
    into another's ticket of the same number, so it is held with its text to copy."""

    code = "connection_changed"

    def __init__(self, *, psa_name: str) -> None:
        super().__init__(
            f"Not posted: the {psa_name} connection changed (another site, company or key) "
            "after this note was written, so it was not sent to the new one. Copy the text "
            "and add it again if it belongs there."
        )


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def backoff_seconds(attempts: int) -> float:
    """10 s, 20 s, then at most 40 s (x0.75-1 jitter): a recovered PSA gets the note
    within a minute, and many queued notes do not retry in step."""
    base = _setting("NOTE_OUTBOX_BACKOFF_BASE", 10)
    cap = _setting("NOTE_OUTBOX_BACKOFF_CAP", 40)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.75, 1.0)


@dataclass(frozen=True, slots=True)
class NoteSubmission:
    """What `ticket_note_add` did: `note` is set when the PSA has it (posted now or before)."""

    outbox: PendingNote
    note: PSANote | None

    @property
    def queued(self) -> bool:
        return self.outbox.queued


# --- submitting ------------------------------------------------------------------------------------


def pending_note_submit(
    *,
    account: Account,
    user: Any,
    ticket_id: int,
    text: str,
    note_type: NoteType,
    member: PSAMember | None,
    client_key: str | None = None,
) -> NoteSubmission:
    """Store a checked note for the outbox and try it at once; see the module docstring.

    `member`: who writes it in the PSA (None: the text is already signed). The same
    `client_key` never posts twice: a repeated key returns the first request's outcome; one
    reused for a different note is refused."""
    key = (client_key or uuid.uuid4().hex)[:128]
    now = timezone.now()
    try:
        with transaction.atomic():
            # Stored already claimed (`posting`, with a lease): no worker takes it while the
            # first attempt runs here.
            note = PendingNote.objects.create(
                account=account,
                user=user,
                client_key=key,
                ticket_id=ticket_id,
                member_id=member.id if member else None,
                member_identifier=member.identifier if member else "",
                author_name=member.name if member else "",
                text=text,
                note_type=note_type,
                state=PendingNote.State.POSTING,
                attempts=1,
                next_attempt_at=now,
                lease_expires_at=now + LEASE,
                first_attempt_at=now,
            )
    except IntegrityError:
        note = PendingNote.objects.get(account=account, user=user, client_key=key)
        if note.ticket_id != ticket_id or note.text != text or note.note_type != note_type:
            raise PSAValidationError(
                "This Idempotency-Key was already used for a different note. "
                "Send a new key for each new note.",
                fields={"Idempotency-Key": ["Already used for a different note."]},
            ) from None
        # The same request again: whatever the first one did stands; nothing is posted twice.
        return NoteSubmission(outbox=note, note=note.as_posted_note())
    return _deliver_now(account=account, note=note)


def _deliver_now(*, account: Account, note: PendingNote) -> NoteSubmission:
    """The first attempt, while the engineer waits, at a note just stored claimed (`posting`): posted, or queued for later, or refused for good (re-raised; the row
    goes, so the same client key is free for the corrected retry)."""
    if _waits_for_earlier(note):
        # Notes of one ticket reach the PSA in the order they were written: this one
        # queues behind the earlier ones still waiting.
        _finish(note, state=PendingNote.State.PENDING, lease_expires_at=None, attempts=0)
        _enqueue(note)
        return NoteSubmission(outbox=note, note=None)
    try:
        provider = provider_for_account(account=account)
        posted = _attempt(provider, note)
    except (*REFUSED_FOR_GOOD, PSANotConfigured) as exc:
        # Refused while the engineer waits (or there is no usable connection to post to): the
        # composer keeps the draft and says why, and the key is free again for the retry.
        _audit(note, TicketAuditEntry.Outcome.FAILED, exc.message)
        note.delete()
        raise
    except PSAError as exc:
        _reschedule(note, exc)
        _audit(
            note,
            TicketAuditEntry.Outcome.FAILED,
            f"{exc.message} Queued: it will post when {provider.capabilities.name} answers.",
        )
        _enqueue(note)
        return NoteSubmission(outbox=note, note=None)
    return NoteSubmission(outbox=note, note=posted)


def _enqueue(note: PendingNote) -> None:
    """With a broker, a task retries this note with backoff; the beat sweep is the safety net.
    Without one (eager Celery under `make run`), the `outbox_drain` loop delivers it."""
    if deliver_pending_note.app.conf.task_always_eager:
        return
    pk, eta = note.pk, note.next_attempt_at
    transaction.on_commit(lambda: _send_task(deliver_pending_note, pk, eta))


def _send_task(task: Any, pk: int, eta: datetime) -> None:
    try:
        task.apply_async((pk,), eta=eta)
    except Exception:  # a broker outage must not lose the note: the sweep finds it
        logger.warning("Could not enqueue delivery of queued note %s; the sweep will.", pk)


# --- delivering ------------------------------------------------------------------------------------


def pending_note_deliver(*, pending_id: int, now: datetime | None = None) -> PendingNote | None:
    """One delivery attempt for a queued note, if it is due and nobody else holds it.

    Returns the row as it stands afterwards (None if it no longer exists). Never raises for a
    PSA failure: the row records it and when to try again.
    """
    note = _claim(pending_id, now or timezone.now())
    if note is None:
        return PendingNote.objects.filter(pk=pending_id).first()
    try:
        provider = provider_for_account(account=note.account)
        _attempt(provider, note)
    except ConnectionChanged as exc:
        _finish(
            note,
            state=PendingNote.State.HELD,
            last_error=exc.message,
            error_code=exc.code,
            lease_expires_at=None,
        )
        _audit(note, TicketAuditEntry.Outcome.FAILED, exc.message)
        _release_followers(note)
    except REFUSED_FOR_GOOD as exc:
        _finish(
            note,
            state=PendingNote.State.FAILED,
            last_error=exc.message,
            error_code=exc.code,
            lease_expires_at=None,
        )
        _audit(note, TicketAuditEntry.Outcome.FAILED, exc.message)
        _release_followers(note)
    except PSAError as exc:
        _reschedule(note, exc)
    except Exception as exc:  # a bug must not strand the row in `posting` until the lease ends
        logger.exception("Delivering queued note %s failed unexpectedly", note.pk)
        _reschedule(note, PSAError(f"Unexpected error: {exc.__class__.__name__}"))
    return note


def due_note_ids(*, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Queued notes whose next attempt is due, and claims whose worker has gone (lease over)."""
    now = now or timezone.now()
    due = Q(state=PendingNote.State.PENDING, next_attempt_at__lte=now) | Q(
        state=PendingNote.State.POSTING, lease_expires_at__lte=now
    )
    # In the order they were written (ids grow), so one ticket's notes post in that order.
    return list(PendingNote.objects.filter(due).order_by("id").values_list("pk", flat=True)[:limit])


def outbox_drain(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Deliver every due note once, oldest first. Once an account's PSA fails to answer,
    its other notes wait for the next pass instead of each waiting out the same timeout."""
    counts = {"posted": 0, "failed": 0, "queued": 0}
    unreachable: set[int] = set()
    for pk in due_note_ids(now=now, limit=limit):
        account_id = PendingNote.objects.filter(pk=pk).values_list("account_id", flat=True).first()
        if account_id is None or account_id in unreachable:
            continue
        if _waits_for_earlier_id(pk):
            continue  # its ticket's earlier note goes first (and then releases this one)
        note = pending_note_deliver(pending_id=pk, now=now)
        if note is None:
            continue
        if note.state == PendingNote.State.POSTED:
            counts["posted"] += 1
        elif note.state == PendingNote.State.FAILED:
            counts["failed"] += 1
        else:
            counts["queued"] += 1
            if note.error_code in (PSAUnavailable.code, PSARateLimited.code):
                unreachable.add(account_id)
    return counts


def _waits_for_earlier(note: PendingNote) -> bool:
    """Whether an earlier note of the same ticket has not reached the PSA yet."""
    return PendingNote.objects.filter(
        account_id=note.account_id, ticket_id=note.ticket_id, pk__lt=note.pk, state__in=UNPOSTED
    ).exists()


def _waits_for_earlier_id(pk: int) -> bool:
    note = PendingNote.objects.filter(pk=pk).only("account_id", "ticket_id").first()
    return note is not None and _waits_for_earlier(note)


def _release_followers(note: PendingNote) -> None:
    """The ticket's next queued note was waiting for this one: it is due now."""
    follower = (
        PendingNote.objects.filter(
            account_id=note.account_id,
            ticket_id=note.ticket_id,
            pk__gt=note.pk,
            state=PendingNote.State.PENDING,
        )
        .order_by("pk")
        .first()
    )
    if follower is None:
        return
    now = timezone.now()
    if follower.next_attempt_at > now:
        PendingNote.objects.filter(pk=follower.pk, state=PendingNote.State.PENDING).update(
            next_attempt_at=now
        )
        follower.next_attempt_at = now
    _enqueue(follower)


def _claim(pk: int, now: datetime) -> PendingNote | None:
    """Take the row for one attempt: a conditional UPDATE, so exactly one worker wins it.
    A note whose ticket has an earlier one still unposted is not taken (written order)."""
    if _waits_for_earlier_id(pk):
        return None
    lease = now + LEASE
    won = PendingNote.objects.filter(
        pk=pk, state=PendingNote.State.PENDING, next_attempt_at__lte=now
    ).update(state=PendingNote.State.POSTING, lease_expires_at=lease, attempts=F("attempts") + 1)
    if not won:
        # A worker died holding it: its POST may or may not have reached the PSA.
        won = PendingNote.objects.filter(
            pk=pk, state=PendingNote.State.POSTING, lease_expires_at__lte=now
        ).update(lease_expires_at=lease, attempts=F("attempts") + 1, outcome_unknown=True)
    if not won:
        return None
    note = PendingNote.objects.select_related("account", "user").get(pk=pk)
    if note.first_attempt_at is None:
        note.first_attempt_at = now
        note.save(update_fields=["first_attempt_at"])
    return note


def _attempt(provider: PSAProvider, note: PendingNote) -> PSANote:
    """Settle a possibly-posted note first, then post. The row must be claimed (`posting`).
    Nothing is read or written when the connection now points at another tenant."""
    if note.connection_target != account_connection_target(note.account_id):
        raise ConnectionChanged(psa_name=provider.capabilities.name)
    if note.outcome_unknown:
        found = _find_posted(provider, note)
        if found is not None:
            return _mark_posted(note, found, adopted=True, psa_name=provider.capabilities.name)
    try:
        posted = provider.add_note(
            ticket_id=note.ticket_id,
            text=note.text,
            note_type=note.note_type,  # type: ignore[arg-type]
            member_id=note.member_id,
        )
    except OUTCOME_UNKNOWN:
        note.outcome_unknown = True
        raise
    return _mark_posted(note, posted, adopted=False, psa_name=provider.capabilities.name)


def _same_text(a: str, b: str) -> bool:
    """The PSA may store line breaks as CRLF or trim trailing space."""
    return " ".join(a.split()) == " ".join(b.split())


def _find_posted(provider: PSAProvider, note: PendingNote) -> PSANote | None:
    """The ticket note an earlier attempt of `note` made, newest first; None if there is none."""
    since = (note.first_attempt_at or note.created_at) - CLOCK_SKEW
    taken = set(
        PendingNote.objects.filter(
            account_id=note.account_id, ticket_id=note.ticket_id, psa_note_id__isnull=False
        )
        .exclude(pk=note.pk)
        .values_list("psa_note_id", flat=True)
    )
    author = (note.member_identifier or provider.api_member_identifier).casefold()
    for candidate in reversed(provider.list_ticket_notes(ticket_id=note.ticket_id)):
        if candidate.id in taken or candidate.kind != "note":
            continue
        if candidate.created_at is not None and candidate.created_at < since:
            break  # oldest-first list read backwards: everything further is older still
        if (
            _same_text(candidate.text, note.text)
            and candidate.type == note.note_type
            and (not author or candidate.author_identifier.casefold() == author)
        ):
            return candidate
    return None


def _mark_posted(note: PendingNote, posted: PSANote, *, adopted: bool, psa_name: str) -> PSANote:
    now = timezone.now()
    _finish(
        note,
        state=PendingNote.State.POSTED,
        psa_note_id=posted.id,
        posted_at=posted.created_at or now,
        author_name=posted.author_name or note.author_name,
        lease_expires_at=None,
        last_error="",
        error_code="",
    )
    _audit(
        note,
        TicketAuditEntry.Outcome.SUCCESS,
        f"Found in {psa_name} after a lost answer; not posted again." if adopted else "",
        after={"note_id": posted.id, "type": note.note_type, "attempts": note.attempts},
    )
    _release_followers(note)
    return posted


def _reschedule(note: PendingNote, exc: PSAError) -> None:
    now = timezone.now()
    wait = backoff_seconds(note.attempts)
    if isinstance(exc, PSARateLimited) and exc.retry_after:
        wait = max(wait, float(exc.retry_after))
    if note.outcome_unknown and isinstance(exc, PSAUnavailable) and exc.__cause__ is not None:
        # No answer at all (the client raises from the transport error: a timeout or a dropped
        # connection): the PSA may still be writing the note, so the next look for it
        # waits until it surely would have finished.
        wait = max(wait, _setting("NOTE_OUTBOX_SETTLE_SECONDS", 40))
    _finish(
        note,
        state=PendingNote.State.PENDING,
        next_attempt_at=now + timedelta(seconds=wait),
        lease_expires_at=None,
        last_error=exc.message,
        error_code=exc.code,
        outcome_unknown=note.outcome_unknown,
    )


def _finish(note: PendingNote, **changes: Any) -> None:
    """Record an attempt's outcome, unless the claim was lost (the lease ran out and another
    worker took the row: its outcome is the one that counts)."""
    updated = PendingNote.objects.filter(
        pk=note.pk, state=PendingNote.State.POSTING, lease_expires_at=note.lease_expires_at
    ).update(**changes)
    if updated:
        for name, value in changes.items():
            setattr(note, name, value)
    else:
        note.refresh_from_db()


def _audit(
    note: PendingNote, outcome: str, message: str, *, after: dict[str, Any] | None = None
) -> None:
    TicketAuditEntry.objects.create(
        account_id=note.account_id,
        user_id=note.user_id,
        ticket_id=note.ticket_id,
        action=TicketAuditEntry.Action.NOTE,
        outcome=outcome,
        message=message.replace("\x00", ""),
        after=after,
    )


# --- retrying now, forgetting --------------------------------------------------------------------


def pending_notes_retry_now(*, ids: Iterable[int]) -> int:
    """Make these queued notes due at once (the admin's "try again now"); returns how many.
    Only queued ones: a refused note would be refused again, and a note being posted right now
    is its worker's (its lease decides)."""
    return PendingNote.objects.filter(pk__in=list(ids), state=PendingNote.State.PENDING).update(
        next_attempt_at=timezone.now()
    )


def pending_note_dismiss(*, account: Account, user: Any, pending_id: int) -> None:
    """Forget a refused or held note once the engineer has copied it."""
    PendingNote.objects.filter(
        pk=pending_id,
        account=account,
        user=user,
        state__in=[PendingNote.State.FAILED, PendingNote.State.HELD],
    ).delete()
