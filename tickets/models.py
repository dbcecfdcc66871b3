from __future__ import annotations

from django.conf import settings
from django.db import models

from resolutionflow.models import Account


class TicketAuditEntry(models.Model):
    """Every ticket mutation made through ResolutionFlow, whether ConnectWise accepted it or not."""

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
    """Remembers an Idempotency-Key so a retried or double-clicked create makes one ticket."""

    class State(models.TextChoices):
        PENDING = "pending", "In progress"
        DONE = "done", "Created"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    ticket_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "key"], name="tickets_create_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} → #{self.ticket_id or '…'} ({self.state})"
