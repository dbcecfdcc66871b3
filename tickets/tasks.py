"""Delivery of queued notes (the notes outbox) when a Celery broker is configured."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, max_retries=None, ignore_result=True)
def deliver_pending_note(self: Any, pending_id: int) -> str:
    """One attempt at a queued note; when the PSA still cannot take it, this task comes back
    at the note's next attempt time (the backoff lives on the row, shared by every worker).

    Only the task that made the attempt retries: one that found the note not due yet, or held
    by another worker, ends, so the sweep and retries never multiply the tasks per note."""
    from .models import PendingNote
    from .outbox import pending_note_deliver
    from .outbox_selectors import pending_note_attempts

    before = pending_note_attempts(pending_id=pending_id)
    note = pending_note_deliver(pending_id=pending_id)
    if note is None:
        return "gone"
    attempted = note.attempts != before
    if attempted and note.state == PendingNote.State.PENDING and not self.request.is_eager:
        wait = max(1.0, (note.next_attempt_at - timezone.now()).total_seconds())
        raise self.retry(countdown=wait)
    return str(note.state)


@shared_task(ignore_result=True)
def sweep_note_outbox() -> int:
    """Beat entry point: hand every due queued note (and any whose worker died holding it) to a
    delivery task. The safety net for notes whose task was lost (broker restart, enqueue failed)."""
    from .outbox import due_note_ids

    ids = due_note_ids()
    for pending_id in ids:
        deliver_pending_note.delay(pending_id)
    return len(ids)
