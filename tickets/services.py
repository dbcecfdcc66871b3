"""Ticket writes. Each one validates against the account's reference data before the PSA sees
it, verifies the change actually took (the PSA can answer 200 and ignore a change), attributes
it to the engineer's own member and leaves an audit entry whatever the outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from psa.providers.base import (
    NoteType,
    PSAChangeNotApplied,
    PSAError,
    PSANotFound,
    PSAResource,
    PSAResponseError,
    PSATicket,
    PSAUnavailable,
)
from psa.selectors import (
    capabilities_for_account,
    member_for_user,
    provider_for_account,
    reference_data_get,
)
from resolutionflow.models import Account

from .models import TicketAuditEntry
from .outbox import NOTE_TYPES, NoteSubmission, pending_note_submit
from .selectors import resources_flag_rf_users
from .writes import audited, existing_ticket_id, field_error, member_of_reference

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A status write the PSA took. `confirmed` is False when reading the ticket back
    failed: the write stands, `ticket` shows what was written and `unconfirmed_because` why
    it could not be checked. (A write the PSA refused or ignored raises instead.)"""

    ticket_id: int
    previous_status: str
    new_status: str
    ticket: PSATicket
    confirmed: bool = True
    unconfirmed_because: str = ""


class StatusMovedOn(PSAError):
    """The ticket's status changed in the PSA since the engineer saw it: the change is not
    sent until they confirm overwriting the newer status."""

    code = "status_changed_meanwhile"
    http_status = 409

    def __init__(self, message: str, *, ticket: PSATicket, wanted: str) -> None:
        super().__init__(message)
        self.ticket = ticket  # as the PSA has it now
        self.wanted = wanted  # the status the engineer picked


# --- status -------------------------------------------------------------------------------------------


def ticket_status_update(
    *,
    account: Account,
    user: Any,
    ticket_id: int,
    status_id: int,
    seen_status_id: int | None = None,
) -> StatusChange:
    """Set the ticket's status. `seen_status_id`: the status the engineer's view showed; when
    the PSA has moved on from it meanwhile, `StatusMovedOn` is raised and nothing is sent.

    Reported by what happened to the write: confirmed (read back as asked); taken but not
    confirmed (the read-back failed: `confirmed=False`); refused or ignored (raises)."""
    ticket_id = existing_ticket_id(ticket_id, account=account)
    provider = provider_for_account(account=account)
    current = provider.get_ticket(ticket_id=ticket_id)
    reference = reference_data_get(account=account, provider=provider)
    psa = provider.capabilities
    # Where statuses are one global list, it is repeated under every board: look in this one's,
    # or in the whole list for a ticket on no board (where the PSA allows one).
    offered = reference.statuses_for(current.board_id) if current.board_id is not None else ()
    if not offered and not psa.statuses_per_board:
        offered = reference.statuses
    target = next((s for s in offered if s.id == status_id), None)
    if target is None:
        raise field_error(
            "status_id",
            f"That status is not one of the {current.board_name or 'ticket'} "
            f"{psa.board_label.lower()}'s statuses.",
        )
    if seen_status_id is not None and current.status_id not in (seen_status_id, status_id):
        raise StatusMovedOn(
            f"Ticket #{ticket_id} is now “{current.status_name}” in {psa.name} (someone "
            f"changed it since you opened it). Set “{target.name}” anyway?",
            ticket=current,
            wanted=target.name,
        )
    with audited(
        account=account,
        user=user,
        action=TicketAuditEntry.Action.STATUS,
        ticket_id=ticket_id,
        before={"status_id": current.status_id, "status": current.status_name},
    ) as audit:
        try:
            provider.update_status(ticket_id=ticket_id, status_id=status_id)
        except (PSAUnavailable, PSAResponseError):
            # The answer was lost, not necessarily the write: it counts as taken only if the
            # ticket now has the status (a read that fails too leaves the write's error).
            try:
                landed = provider.get_ticket(ticket_id=ticket_id)
            except PSAError:
                landed = None
            if landed is None or landed.status_id != status_id:
                raise
        try:
            updated = provider.get_ticket(ticket_id=ticket_id)
        except PSAError as exc:
            # The PSA took the write; only checking it failed. Say so, never "not changed".
            written = replace(
                current, status_id=target.id, status_name=target.name, closed=target.closed
            )
            audit.set(
                after={"status_id": target.id, "status": target.name, "confirmed": False},
                message=exc.message,
            )
            return StatusChange(
                ticket_id=ticket_id,
                previous_status=current.status_name,
                new_status=target.name,
                ticket=written,
                confirmed=False,
                unconfirmed_because=exc.message,
            )
        if updated.status_id != status_id:
            raise PSAChangeNotApplied(
                f"{provider.capabilities.name} accepted the change but ticket #{ticket_id} is still "
                f"“{updated.status_name}”. A workflow rule may block “{target.name}”."
            )
        audit.set(after={"status_id": updated.status_id, "status": updated.status_name})
    return StatusChange(
        ticket_id=ticket_id,
        previous_status=current.status_name,
        new_status=updated.status_name,
        ticket=updated,
    )


# --- resources ------------------------------------------------------------------------------------------


def ticket_resource_add(
    *, account: Account, user: Any, ticket_id: int, member_id: int, role_id: int | None = None
) -> PSAResource:
    """Assign the member; `role_id` where the PSA's assignments carry a role (None: the default)."""
    ticket_id = existing_ticket_id(ticket_id, account=account)
    provider = provider_for_account(account=account)
    member = member_of_reference(reference_data_get(account=account, provider=provider), member_id)
    caps = provider.capabilities
    if member is None:
        raise field_error(
            "member_id",
            f"{caps.member_label.capitalize()} {member_id} does not exist in {caps.name}.",
        )
    if member.inactive:
        raise field_error("member_id", f"{member.name} is inactive in {caps.name}.")
    with audited(
        account=account, user=user, action=TicketAuditEntry.Action.RESOURCE_ADD, ticket_id=ticket_id
    ) as audit:
        provider.add_resource(ticket_id=ticket_id, member_id=member_id, role_id=role_id)
        current = provider.list_resources(ticket_id=ticket_id)
        added = next((r for r in current if r.member_id == member_id), None)
        if added is None:
            raise PSAChangeNotApplied(
                f"{caps.name} did not keep {member.name} on ticket #{ticket_id}."
            )
        audit.set(after={"member_id": member_id, "member": member.identifier, "role": added.role})
    return resources_flag_rf_users(account=account, resources=[added])[0]


def ticket_resource_remove(*, account: Account, user: Any, ticket_id: int, member_id: int) -> None:
    ticket_id = existing_ticket_id(ticket_id, account=account)
    provider = provider_for_account(account=account)
    # Named, never numbered: an engineer knows "Anika Patel", not "member 21".
    member = member_of_reference(reference_data_get(account=account, provider=provider), member_id)
    who = member.name if member else f"That {provider.capabilities.member_label}"
    with audited(
        account=account,
        user=user,
        action=TicketAuditEntry.Action.RESOURCE_REMOVE,
        ticket_id=ticket_id,
        before={"member_id": member_id, "member": member.identifier if member else ""},
    ):
        try:
            provider.remove_resource(ticket_id=ticket_id, member_id=member_id)
        except PSANotFound as exc:
            # The ticket is there but the member is not on it (removed from another tab or in
            # the PSA meanwhile): say who, by name.
            try:
                still = provider.list_resources(ticket_id=ticket_id)
            except PSAError:
                raise exc from None
            if any(r.member_id == member_id for r in still):
                raise
            raise PSANotFound(
                f"{who} is no longer assigned to ticket #{ticket_id}: "
                "someone removed them meanwhile."
            ) from exc
        if any(r.member_id == member_id for r in provider.list_resources(ticket_id=ticket_id)):
            raise PSAChangeNotApplied(
                f"{provider.capabilities.name} still lists {who} on ticket #{ticket_id}. "
                "A workflow rule may keep them on it."
            )


# --- notes -----------------------------------------------------------------------------------------------


def ticket_note_add(
    *,
    account: Account,
    user: Any,
    ticket_id: int,
    text: str,
    note_type: NoteType,
    client_key: str | None = None,
) -> NoteSubmission:
    """Post a note as the engineer's own PSA member (unmapped engineers sign the text),
    or queue it in the outbox when the PSA cannot take it now; see `tickets.outbox`.

    The same `client_key` never posts twice: a repeated key returns the first request's
    outcome. Raises the PSAError when the PSA refuses the note for good (400/403/404): the
    caller shows it and keeps the draft."""
    ticket_id = existing_ticket_id(ticket_id, account=account)
    text = text.strip()
    if not text:
        raise field_error("text", "Write something before adding the note.")
    kinds = capabilities_for_account(account=account).note_kinds
    if note_type not in NOTE_TYPES or note_type not in kinds:
        # Only the kinds the account's PSA can store (`note_kinds`: not every PSA has resolution).
        raise field_error("type", f"Choose {', '.join(kinds[:-1])} or {kinds[-1]}.")
    me = member_for_user(account=account, user=user)
    if me is None:
        name = user.get_full_name() or user.get_username()
        text = f"{text}\n\n— via ResolutionFlow, {name}"
    return pending_note_submit(
        account=account,
        user=user,
        ticket_id=ticket_id,
        text=text,
        note_type=note_type,
        member=me,
        client_key=client_key,
    )
