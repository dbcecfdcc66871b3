"""The New Ticket draft: one form behind both modal tabs, so nothing typed is lost between them."""

from __future__ import annotations

from typing import Any

from django import forms

from psa.providers.base import PSAValidationError, ReferenceData

from .ai.limits import MAX_DESCRIPTION_CHARS
from .ai.types import ParseResult
from .limits import SUMMARY_MAX

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
    "contact_id",
)
MAX_CONFIGURATIONS = 20
# Repeated hidden `parsed_fields` inputs name the fields the last Quick Create parse filled, so a
# re-parse can tell them (replaced, or cleared when it does not set them) from the engineer's own.
PARSED_FIELDS = "parsed_fields"
REQUIRED_FIELDS = ("summary", "company_id", "board_id")
# What goes with a parsed field when a re-parse clears it.
_CLEARED_WITH = {
    "company_id": ("company_q",),
    "contact_id": ("contact_label",),
    "configuration_ids": ("configuration_label",),
}


def int_or_none(value: Any) -> int | None:
    """A posted id: a positive whole number, or None for anything else (blank, 0, not a number)."""
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None


def _values(data: Any, name: str) -> list[Any]:
    """Every value posted for `name` (a QueryDict's getlist; a plain dict's list or value)."""
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name)
    return list(value) if isinstance(value, list | tuple) else ([value] if value else [])


class IdListField(forms.Field):
    """Repeated `name=<id>` inputs (checkboxes) -> a tuple of distinct positive ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> tuple[int, ...]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids: list[int] = []
        for raw in values:
            try:
                number = int(raw)
            except (TypeError, ValueError):
                raise forms.ValidationError("Not a configuration id.") from None
            if number < 1:
                raise forms.ValidationError("Not a configuration id.")
            ids.append(number)
        if len(ids) > MAX_CONFIGURATIONS:
            raise forms.ValidationError(f"Attach at most {MAX_CONFIGURATIONS} configurations.")
        return tuple(dict.fromkeys(ids))


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
    description = forms.CharField(required=False, max_length=MAX_DESCRIPTION_CHARS)
    assigned_member_id = forms.IntegerField(min_value=1, required=False)
    # Resolved by Quick Create from the tenant; shown with their names, each can be unticked.
    contact_id = forms.IntegerField(min_value=1, required=False)
    contact_label = forms.CharField(required=False, max_length=200)
    configuration_ids = IdListField(required=False)
    idempotency_key = forms.CharField(max_length=128)

    def __init__(self, *args: Any, board_label: str = "Board", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Named as the account's PSA names it (PSACapabilities.board_label): "Choose a queue."
        # beside a field labelled Queue.
        self.fields["board_id"].error_messages["required"] = f"Choose a {board_label.lower()}."

    def value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(name, "")
        return self.initial.get(name, "")

    def configuration_choices(self) -> list[dict[str, Any]]:
        """The configurations on the draft, with the labels the parse found for them:
        [{"id", "label", "checked"}]. Labels travel as repeated hidden `configuration_label`
        inputs (`id: label`), so unticking a device keeps it on screen to tick again."""
        if self.is_bound:
            lines = _values(self.data, "configuration_label")
            checked = set(_values(self.data, "configuration_ids"))
        else:
            lines = list(self.initial.get("configuration_label", ()))
            checked = {str(v) for v in self.initial.get("configuration_ids", ())}
        labels: dict[str, str] = {}
        for line in lines[:MAX_CONFIGURATIONS]:
            key, _, label = str(line).partition(":")
            if key.strip().isdigit():
                labels[key.strip()] = label.strip()[:200]
        return [{"id": k, "label": v, "checked": k in checked} for k, v in labels.items()]

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

    def parsed_field_names(self) -> list[str]:
        """The fields the last Quick Create parse filled (rendered back as hidden inputs)."""
        if self.is_bound:
            return [str(v) for v in _values(self.data, PARSED_FIELDS)]
        return list(self.initial.get(PARSED_FIELDS, ()))

    def context_company_id(self) -> Any:
        """The company a parse should default to: the draft's, unless a parse put it there (then
        the new sentence decides, as it does for every other parsed field)."""
        if "company_id" in self.parsed_field_names():
            return None
        return self.value("company_id")

    def missing_after(self, parsed: ParseResult) -> set[str]:
        """Exactly the fields the review must flag: required and still empty. A field the parse
        left unresolved but that may stay empty (priority: "Board default"; no assignee) is
        valid as it is, so it is not marked missing."""
        return {name for name in REQUIRED_FIELDS if self.value(name) in (None, "")}

    def warnings_after(self, parsed: ParseResult) -> list[str]:
        """The parse's warnings, less "could not determine the board/company" when the draft
        has one anyway (pre-filled or chosen by the engineer)."""
        answered = {
            "board": self.value("board_id") not in (None, ""),
            "company": self.value("company_id") not in (None, ""),
        }
        return [
            warning
            for warning in parsed.warnings
            if not any(
                has and warning.startswith(f"Could not determine {field}")
                for field, has in answered.items()
            )
        ]

    def unbound_copy(self) -> TicketDraftForm:
        """The draft as typed, without validation errors (for re-rendering after a parse)."""
        initial: dict[str, Any] = {k: v for k, v in self.data.items() if k != "csrfmiddlewaretoken"}
        initial["configuration_ids"] = _values(self.data, "configuration_ids")
        initial["configuration_label"] = _values(self.data, "configuration_label")
        initial[PARSED_FIELDS] = _values(self.data, PARSED_FIELDS)
        return TicketDraftForm(initial=initial)

    def merged_with(self, parsed: ParseResult) -> TicketDraftForm:
        """Parsed values fill the draft. A field the previous parse filled and this one does not set
        is cleared (a re-parse is a new sentence, not an addition to the old one); what the
        engineer chose themselves stays when the parser cannot tell."""
        initial = {k: v for k, v in self.data.items() if k != "csrfmiddlewaretoken"}
        initial["configuration_ids"] = _values(self.data, "configuration_ids")
        initial["configuration_label"] = _values(self.data, "configuration_label")
        previous = set(_values(self.data, PARSED_FIELDS))
        sets = {
            name
            for name in (*DRAFT_FIELDS, "configuration_ids")
            if getattr(parsed, name, None) not in (None, "", ())
        }
        for name in previous - sets:
            for key in (name, *_CLEARED_WITH.get(name, ())):
                initial.pop(key, None)
        # Parsed from now on: what this parse set, unless it only repeated the engineer's value.
        initial[PARSED_FIELDS] = sorted(
            name
            for name in sets
            if name in previous or str(getattr(parsed, name)) != str(self.data.get(name, ""))
        )
        if parsed.company_id and str(parsed.company_id) != str(self.data.get("company_id", "")):
            # Another company: the draft's contact and devices were the old company's.
            for name in ("contact_id", "contact_label", "configuration_ids", "configuration_label"):
                initial.pop(name, None)
        for name in DRAFT_FIELDS:
            value = getattr(parsed, name, None)
            if value not in (None, ""):
                initial[name] = value
        if parsed.contact is not None:
            initial["contact_label"] = parsed.contact.name
        if parsed.configurations:
            initial["configuration_ids"] = [c.id for c in parsed.configurations]
            initial["configuration_label"] = [
                f"{c.id}: {c.name}" + (f" ({c.type_name})" if c.type_name else "")
                for c in parsed.configurations
            ]
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
