"""The New Ticket draft: one form behind both modal tabs, so nothing typed is lost between them."""

from __future__ import annotations

from typing import Any

from django import forms

from psa.providers.base import PSAValidationError, ReferenceData

from .ai.types import ParseResult
from .services import SUMMARY_MAX

NOTE_TYPE_CHOICES = [
    ("discussion", "Discussion"),
    ("internal", "Internal"),
    ("resolution", "Resolution"),
]

DRAFT_FIELDS = (
    "summary",
    "company_id",
    "board_id",
    "status_id",
    "priority_id",
    "description",
    "assigned_member_id",
)


class TicketDraftForm(forms.Form):
    summary = forms.CharField(
        max_length=SUMMARY_MAX,
        error_messages={
            "required": "Enter a summary.",
            "max_length": f"Keep the summary to {SUMMARY_MAX} characters.",
        },
    )
    company_id = forms.IntegerField(
        min_value=1, error_messages={"required": "Choose the client company."}
    )
    company_q = forms.CharField(required=False, max_length=200)
    board_id = forms.IntegerField(min_value=1, error_messages={"required": "Choose a board."})
    status_id = forms.IntegerField(min_value=1, required=False)
    priority_id = forms.IntegerField(min_value=1, required=False)
    description = forms.CharField(required=False, max_length=10000)
    assigned_member_id = forms.IntegerField(min_value=1, required=False)
    idempotency_key = forms.CharField(max_length=128)

    def value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(name, "")
        return self.initial.get(name, "")

    def board_value(self) -> int | None:
        try:
            return int(self.value("board_id") or 0) or None
        except (TypeError, ValueError):
            return None

    def company_name(self, reference: ReferenceData) -> str:
        try:
            company_id = int(self.value("company_id") or 0)
        except (TypeError, ValueError):
            return str(self.value("company_q") or "")
        match = next((c for c in reference.companies if c.id == company_id), None)
        return match.name if match else str(self.value("company_q") or "")

    def unbound_copy(self) -> TicketDraftForm:
        """The draft as typed, without validation errors (for re-rendering after a parse)."""
        return TicketDraftForm(
            initial={k: v for k, v in self.data.items() if k != "csrfmiddlewaretoken"}
        )

    def merged_with(self, parsed: ParseResult) -> TicketDraftForm:
        """Parsed values fill the draft; what the parser could not tell keeps the engineer's value."""
        initial = {k: v for k, v in self.data.items() if k != "csrfmiddlewaretoken"}
        for name in DRAFT_FIELDS:
            value = getattr(parsed, name, None)
            if value not in (None, ""):
                initial[name] = value
        if parsed.company_id:
            initial.pop("company_q", None)
        if (
            parsed.board_id
            and str(parsed.board_id) != str(self.data.get("board_id", ""))
            and not parsed.status_id
        ):
            initial.pop("status_id", None)  # a status of the old board would be invalid
        return TicketDraftForm(initial=initial)

    def add_psa_errors(self, exc: PSAValidationError) -> None:
        for field, messages in exc.fields.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)
        if not exc.fields:
            self.add_error(None, exc.message)
