"""ResolutionAssist: an engineer's private chat sessions, their messages and suggested actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from resolutionflow.models import Account


class ChatSession(models.Model):
    """One troubleshooting conversation, optionally about one PSA ticket.

    The linked ticket's company, board and summary are cached when it is linked, so the page and
    the New Ticket pre-fill never wait for the PSA.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="chat_sessions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_sessions"
    )
    title = models.CharField(max_length=200, blank=True)
    linked_ticket_id = models.PositiveIntegerField(null=True, blank=True)
    linked_summary = models.CharField(max_length=300, blank=True)
    linked_company_id = models.PositiveIntegerField(null=True, blank=True)
    linked_company_name = models.CharField(max_length=200, blank=True)
    linked_board_id = models.PositiveIntegerField(null=True, blank=True)
    linked_board_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A closed session keeps its history and TaskLane but takes no new messages.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["account", "user", "-updated_at"])]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.linked_ticket_id:
            return self.linked_summary or f"Ticket #{self.linked_ticket_id}"
        return "New session"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ChatMessage(models.Model):
    class Role(models.TextChoices):
        USER = "user", "Engineer"
        ASSISTANT = "assistant", "ResolutionAssist"

    class State(models.TextChoices):
        PENDING = "pending", "Writing…"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=16, choices=Role.choices)
    content = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.COMPLETE)
    error = models.TextField(blank=True)
    engine = models.CharField(
        max_length=32, blank=True, help_text="Which engine wrote an assistant reply."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.content[:60]}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def is_failed(self) -> bool:
        return self.state == self.State.FAILED


class SuggestedAction(models.Model):
    """An `[ACTIONS]` entry of a reply; `create_spin_off_ticket` ones show in the TaskLane."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="actions")
    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="actions")
    label = models.CharField(max_length=200)
    command = models.CharField(max_length=64)
    description = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_ticket_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def origin(self) -> str:
        """What the New Ticket modal carries through, so a create can find its action."""
        return f"action-{self.pk}"
