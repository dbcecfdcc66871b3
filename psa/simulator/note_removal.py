"""``DELETE /service/tickets/{id}/notes/{noteId}``: ConnectWise deletes a ticket's note.

Used by ``psa_doctor --write-ticket`` to leave the ticket as it found it.
"""

from __future__ import annotations

from typing import Any

from psa.simulator.errors import not_found
from psa.simulator.store import TenantStore, utc_now
from psa.simulator.writes.audit import mark_updated


def note_delete(store: TenantStore, ticket: dict[str, Any], note_id: int) -> None:
    note = store.get("ticketNotes", note_id)
    if note is None or note.get("ticketId") != ticket["id"]:
        raise not_found(f"Note with id {note_id} was not found.")
    store.delete("ticketNotes", note_id)
    mark_updated(store, "tickets", ticket, utc_now())
