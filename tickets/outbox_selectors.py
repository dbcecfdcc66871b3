"""Reads of the notes outbox: what the panel and the API show of the notes not in the PSA yet.

The rows are `tickets.outbox`'s; nothing here changes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from psa.providers.base import PSANote, PSARateLimited, PSAResponseError, PSAUnavailable
from psa.selectors import provider_for_account
from resolutionflow.models import Account

from .models import PendingNote
from .outbox import UNPOSTED


@dataclass(frozen=True, slots=True)
class TicketNotes:
    notes: list[PSANote]
    pending: list[PendingNote]
    # Why `notes` is empty when the PSA could not be read ("" otherwise).
    unavailable: str = ""


def ticket_notes_list(*, account: Account, user: Any, ticket_id: int) -> TicketNotes:
    """The ticket's notes in the PSA plus the ones still in the outbox. Queued notes are
    shown even while the PSA is down: that is when they matter."""
    pending = pending_notes_list(account=account, ticket_id=ticket_id, user=user)
    try:
        notes = provider_for_account(account=account).list_ticket_notes(ticket_id=ticket_id)
    except (PSAUnavailable, PSARateLimited, PSAResponseError) as exc:
        if not pending:
            raise
        return TicketNotes(notes=[], pending=pending, unavailable=exc.message)
    return TicketNotes(notes=notes, pending=pending)


def pending_notes_list(*, account: Account, ticket_id: int, user: Any) -> list[PendingNote]:
    """Notes of the ticket not in the PSA yet: everyone's queued ones, and the user's own
    that the PSA refused or that were held when the connection changed (with the reason and
    the text to copy)."""
    return list(
        PendingNote.objects.filter(account=account, ticket_id=ticket_id).filter(
            Q(state__in=UNPOSTED)
            | Q(state__in=[PendingNote.State.FAILED, PendingNote.State.HELD], user=user)
        )
    )


def pending_notes_posted(*, account: Account, ticket_id: int, ids: Iterable[int]) -> list[PSANote]:
    """Of the outbox rows the page showed (`ids`), the ones that have reached the PSA since,
    as the feed shows a posted note."""
    rows = PendingNote.objects.filter(
        account=account, ticket_id=ticket_id, pk__in=list(ids), state=PendingNote.State.POSTED
    )
    return [note for row in rows if (note := row.as_posted_note()) is not None]


def pending_note_attempts(*, pending_id: int) -> int | None:
    """How many attempts the note has had (None: no such row), to tell whether one was made."""
    return PendingNote.objects.filter(pk=pending_id).values_list("attempts", flat=True).first()
