from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from psa.providers.base import PSANote
from psa.security import account_connection_target
from resolutionflow.models import Account


class TicketAuditEntry(models.Model):
    """Every ticket mutation made through ResolutionFlow, whether the PSA accepted it or not."""

    class Action(models.TextChoices):
        CREATE = "create", "Created ticket"
        STATUS = "status", "Changed status"
        RESOURCE_ADD = "resource_add", "Added resource"
        RESOURCE_REMOVE = "resource_remove", "Removed resource"
        NOTE = "note", "Added note"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Succeeded"
        FAILED = "failed", "Failed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="ticket_audit")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "ticket audit entry"
        verbose_name_plural = "ticket audit entries"

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} #{self.ticket_id or '—'} by {self.user} ({self.outcome})"
        )


class TicketCreateRequest(models.Model):
    """Remembers an Idempotency-Key so a retried or double-clicked create makes one ticket.

    A key stays `pending` while one attempt is (or may still be) in flight. `settle_after` is
    when a retry may stop waiting for it: the attempt's lease for a live request, or a short
    grace after an answer was lost (the PSA may still be writing the ticket). A retry after
    that first looks for the ticket our API member entered, and only then takes the key over,
    so a worker that died mid-request cannot wedge the key and a lost answer cannot file twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", "In progress"
        DONE = "done", "Created"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    ticket_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the attempt sent, so a retry settles it by what was really asked for.
    summary = models.CharField(max_length=200, blank=True)
    company_id = models.PositiveIntegerField(null=True, blank=True)
    board_id = models.PositiveIntegerField(null=True, blank=True)
    attempt_started_at = models.DateTimeField(null=True, blank=True)
    settle_after = models.DateTimeField(null=True, blank=True)
    outcome_unknown = models.BooleanField(default=False)
    # The PSA's `_info.enteredBy` of the ticket made: the API member our keys act as.
    entered_by = models.CharField(max_length=100, blank=True)
    # The tenant the key was first sent to (psa.security.connection_target): after the
    # connection is re-pointed, the key is neither replayed nor retried against another tenant.
    connection_target = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "key"], name="tickets_create_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} → #{self.ticket_id or '…'} ({self.state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.connection_target:
            self.connection_target = account_connection_target(self.account_id)
        super().save(*args, **kwargs)


class PendingNote(models.Model):
    """A note on its way to the PSA: the notes outbox.

    Every note goes through here with a client key, so a retried request never posts twice.
    One that the PSA could not take now (down, timing out, 429) stays `pending` and is
    delivered later by the drain (a Celery task with backoff, the beat sweep, or `outbox_drain`
    under `make run`). A worker claims a row by moving it to `posting` with a lease in one
    conditional UPDATE, so two workers never post the same note. When an attempt's outcome is
    unknown (timeout, dropped connection, 5xx after sending), the next attempt first looks for
    the note on the ticket and adopts it instead of posting again.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Queued"
        POSTING = "posting", "Posting"
        POSTED = "posted", "Posted"
        FAILED = "failed", "Refused by the PSA"
        # Accepted for a connection that has since been re-pointed (another site, company or
        # key): never posted anywhere; the writer sees the text to copy.
        HELD = "held", "Not posted: the connection changed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="pending_notes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_notes"
    )
    ticket_id = models.PositiveIntegerField(db_index=True)
    # The engineer's mapped member (None: the API member posts and the text is signed).
    member_id = models.PositiveIntegerField(null=True, blank=True)
    member_identifier = models.CharField(max_length=100, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    note_type = models.CharField(max_length=16)
    client_key = models.CharField(max_length=128)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    outcome_unknown = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    psa_note_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    # The tenant the note was written for (psa.security.connection_target); see State.HELD.
    connection_target = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "client_key"], name="tickets_note_client_key"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="tickets_outbox_due")]

    def __str__(self) -> str:
        return f"Note on #{self.ticket_id} by {self.user} ({self.state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Stamped when the note is accepted: the tenant it was written for.
        if self._state.adding and not self.connection_target:
            self.connection_target = account_connection_target(self.account_id)
        super().save(*args, **kwargs)

    @property
    def queued(self) -> bool:
        return self.state in (self.State.PENDING, self.State.POSTING)

    def as_posted_note(self) -> PSANote | None:
        """The note as the PSA has it, once posted (for the feed and a replayed request)."""
        if self.state != self.State.POSTED or self.psa_note_id is None:
            return None
        return PSANote(
            id=self.psa_note_id,
            ticket_id=self.ticket_id,
            text=self.text,
            type=self.note_type,  # type: ignore[arg-type]
            author_name=self.author_name,
            author_identifier=self.member_identifier,
            created_at=self.posted_at,
        )
