"""Output shapes of the JSON API, named after the spec's DTOs. They read our dataclasses."""

from __future__ import annotations

from rest_framework import serializers

from psa.providers.base import RELATION_LABELS


class AssigneeSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    name = serializers.CharField()


class TicketSearchResultSerializer(serializers.Serializer):
    """PSATicketSearchResult: what one compact list row needs."""

    id = serializers.IntegerField()
    summary = serializers.CharField()
    company_id = serializers.IntegerField(allow_null=True)
    company_name = serializers.CharField()
    board_id = serializers.IntegerField(allow_null=True)
    board_name = serializers.CharField()
    status_id = serializers.IntegerField(allow_null=True)
    status_name = serializers.CharField()
    priority_id = serializers.IntegerField(allow_null=True)
    priority_name = serializers.CharField()
    priority_sort = serializers.IntegerField(allow_null=True)
    assignees = AssigneeSerializer(many=True)
    date_entered = serializers.DateTimeField(allow_null=True)
    last_updated = serializers.DateTimeField(allow_null=True)
    sla_status = serializers.CharField()
    closed = serializers.BooleanField()


class TicketListResponseSerializer(serializers.Serializer):
    items = TicketSearchResultSerializer(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    ordered = serializers.IntegerField(
        allow_null=True,
        help_text="Where the PSA cannot sort and more tickets match than are sorted here: how "
        "many of the newest matches the order covers (pages past them are empty). Null when "
        "every match is in order.",
    )


class TicketInfoSerializer(serializers.Serializer):
    """PSATicketInfo, with the ids the New Ticket modal pre-fills from."""

    id = serializers.IntegerField()
    summary = serializers.CharField()
    company_id = serializers.IntegerField(allow_null=True)
    company_name = serializers.CharField(allow_null=True)
    board_id = serializers.IntegerField(allow_null=True)
    board_name = serializers.CharField(allow_null=True)
    status_id = serializers.IntegerField(allow_null=True)
    status_name = serializers.CharField(allow_null=True)
    priority_id = serializers.IntegerField(allow_null=True)
    priority_name = serializers.CharField(allow_null=True)
    contact_name = serializers.CharField()
    sla_status = serializers.CharField()
    closed = serializers.BooleanField()
    date_entered = serializers.DateTimeField(allow_null=True)
    last_updated = serializers.DateTimeField(allow_null=True)
    assignees = AssigneeSerializer(many=True)


class ResourceSerializer(serializers.Serializer):
    """PSAResource."""

    member_id = serializers.IntegerField()
    member_name = serializers.CharField()
    member_identifier = serializers.CharField()
    is_rf_user = serializers.BooleanField()
    primary = serializers.BooleanField(
        help_text="The ticket's primary assignee, where the PSA has one (false elsewhere)."
    )
    role = serializers.CharField(
        allow_blank=True,
        help_text="The role the member is assigned in, where the PSA's assignments carry one.",
    )


class TicketCreatedSerializer(serializers.Serializer):
    """PSATicketCreated."""

    id = serializers.IntegerField()
    summary = serializers.CharField()
    board_name = serializers.CharField()
    status_name = serializers.CharField()
    priority_name = serializers.CharField()
    company_name = serializers.CharField()
    resources = ResourceSerializer(many=True)


class StatusUpdateSerializer(serializers.Serializer):
    """PSATicketStatusUpdate."""

    ticket_id = serializers.IntegerField()
    previous_status = serializers.CharField()
    new_status = serializers.CharField()
    # False: the PSA took the write but reading the ticket back failed (`new_status` is
    # what was written, `unconfirmed_because` why it could not be checked).
    confirmed = serializers.BooleanField()
    unconfirmed_because = serializers.CharField(allow_blank=True)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket_id = serializers.IntegerField()
    text = serializers.CharField()
    type = serializers.CharField()
    author_name = serializers.CharField()
    author_identifier = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    kind = serializers.ChoiceField(
        choices=["note", "time_entry"],
        help_text="`time_entry`: the notes of a time entry (with the time worked), "
        "as the PSA's ticket view shows them; `note`: a ticket note.",
    )
    time_start = serializers.DateTimeField(allow_null=True)
    time_end = serializers.DateTimeField(allow_null=True)


class PostedNoteSerializer(NoteSerializer):
    """A note the PSA has (201): posted now, or by the first request with the same key."""

    queued = serializers.BooleanField(help_text="Always false here: the note is in the PSA.")
    client_key = serializers.CharField(
        help_text="The note's Idempotency-Key (generated when none was sent)."
    )


class QueuedNoteSerializer(serializers.Serializer):
    """A note in the outbox (202): the PSA could not take it yet, or refused it for good."""

    queued = serializers.BooleanField(help_text="True while it waits to be posted.")
    state = serializers.ChoiceField(
        choices=["queued", "posting", "failed", "held"],
        help_text="`queued`: will post when the PSA answers; `posting`: being sent now; "
        "`failed`: the PSA refused it for good (see `last_error`; the text is kept); "
        "`held`: not posted because the connection was re-pointed at another tenant since.",
    )
    outbox_id = serializers.IntegerField()
    client_key = serializers.CharField()
    ticket_id = serializers.IntegerField()
    text = serializers.CharField()
    type = serializers.CharField()
    author_name = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class TicketNotesSerializer(serializers.Serializer):
    notes = NoteSerializer(many=True, help_text="The ticket's notes in the PSA, oldest first.")
    pending = QueuedNoteSerializer(
        many=True, help_text="Notes written here that are not in the PSA yet."
    )
    notes_unavailable = serializers.CharField(
        allow_blank=True,
        help_text="Why `notes` is empty when the PSA could not be read ('' otherwise).",
    )


class CompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    identifier = serializers.CharField()
    name = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    title = serializers.CharField()


class ConfigurationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type_name = serializers.CharField()
    serial_number = serializers.CharField()
    model = serializers.CharField()
    ip_address = serializers.CharField()
    os = serializers.CharField()


class RelatedTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    summary = serializers.CharField()
    status_name = serializers.CharField()
    relation = serializers.ChoiceField(
        choices=list(RELATION_LABELS),
        help_text="How it relates: linked (parent, child, merged_parent), or a neighbour where "
        "the PSA links little (same_company: another open ticket of the company; "
        "same_configuration: a ticket on the same configuration item).",
    )
    relation_label = serializers.CharField(
        help_text="The relation in words, as the panel shows it."
    )
    closed = serializers.BooleanField()


class TicketContextSerializer(serializers.Serializer):
    ticket = TicketInfoSerializer()
    company = CompanySerializer(allow_null=True)
    contact = ContactSerializer(allow_null=True)
    configurations = ConfigurationSerializer(many=True)
    notes = NoteSerializer(many=True)
    related = RelatedTicketSerializer(many=True)


class BoardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    board_id = serializers.IntegerField()
    closed = serializers.BooleanField()
    default = serializers.BooleanField()


class PrioritySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sort = serializers.IntegerField()
    color = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="member.id")
    identifier = serializers.CharField(source="member.identifier")
    name = serializers.CharField(source="member.name")
    inactive = serializers.BooleanField(source="member.inactive")
    is_rf_user = serializers.BooleanField()


class MemberMappingSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    member_id = serializers.IntegerField()
    member_identifier = serializers.CharField()
    member_name = serializers.CharField()
    match_method = serializers.CharField()


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    summary = serializers.CharField()
    status_name = serializers.CharField()


class ParsedConfigurationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type_name = serializers.CharField()


class ParseMetaSerializer(serializers.Serializer):
    engine = serializers.CharField()
    model = serializers.CharField(help_text="The Anthropic model, empty for the offline parser.")
    latency_ms = serializers.IntegerField()
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    model_calls = serializers.IntegerField()
    tool_calls = serializers.IntegerField()
    psa_waves = serializers.IntegerField(help_text="Rounds of parallel PSA lookups.")


class AiParseResponseSerializer(serializers.Serializer):
    summary = serializers.CharField(allow_null=True)
    company_id = serializers.IntegerField(allow_null=True)
    board_id = serializers.IntegerField(allow_null=True)
    priority_id = serializers.IntegerField(allow_null=True)
    status_id = serializers.IntegerField(allow_null=True)
    assigned_member_id = serializers.IntegerField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    missing_fields = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    possible_duplicates = DuplicateSerializer(many=True)
    contact_id = serializers.IntegerField(
        allow_null=True, help_text="The contact the prompt names, found in the PSA."
    )
    contact_name = serializers.CharField(allow_null=True)
    configuration_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Devices to attach to the created ticket."
    )
    configurations = ParsedConfigurationSerializer(many=True)
    meta = ParseMetaSerializer(help_text="Engine, model, tokens and latency of this parse.")


class ErrorBodySerializer(serializers.Serializer):
    """Documents resolutionflow.api_errors' body (the handler builds it; nothing serializes it)."""

    code = serializers.CharField(help_text="Stable, machine-readable: e.g. invalid, psa_not_found.")
    message = serializers.CharField(help_text="Written for a person to act on.")
    # A declared field named like Serializer.fields: DRF's metaclass moves it into
    # _declared_fields, so `.fields` keeps working; only the type checker sees a clash.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages (validation errors only): field name -> messages.",
    )


class ErrorSerializer(serializers.Serializer):
    """Every error the API returns: `{"error": {"code", "message", "fields"?}}`."""

    error = ErrorBodySerializer()
