"""A ticket's notes: read (with time entries where the tenant allows) and posted."""

from __future__ import annotations

from typing import Any

from psa.providers.base import (
    NoteType,
    PSANote,
    PSANotFound,
    PSAPermissionError,
    PSAValidationError,
)
from psa.providers.connectwise import mapping
from psa.providers.connectwise.connection import ConnectWiseConnection
from psa.providers.connectwise.replies import not_found_as, rows_of, ticket_not_found

NOTE_TYPES: tuple[NoteType, ...] = ("discussion", "internal", "resolution")


class TicketNotes(ConnectWiseConnection):
    """Notes on tickets; a note posted as the API member teaches the connection who that is."""

    def add_note(
        self, *, ticket_id: int, text: str, note_type: NoteType, member_id: int | None = None
    ) -> PSANote:
        if note_type not in NOTE_TYPES:
            raise PSAValidationError(
                f"Unknown note type {note_type!r}.",
                fields={"note_type": [f"Choose one of {', '.join(NOTE_TYPES)}."]},
            )
        if not text or not text.strip():
            raise PSAValidationError(
                "A note needs some text.", fields={"text": ["This field may not be blank."]}
            )
        body: dict[str, Any] = {"text": text, **mapping.note_flags(note_type)}
        if member_id is not None:
            body["member"] = {"id": member_id}
        with not_found_as(ticket_not_found(ticket_id)):
            raw = self.client.post(f"/service/tickets/{ticket_id}/notes", body)
        note = mapping.note_from_cw(raw, ticket_id=ticket_id)
        if member_id is None:
            self._learn_identity(note.author_identifier)
        return note

    def list_ticket_notes(self, *, ticket_id: int) -> list[PSANote]:
        """The newest 100 ticket notes (`/notes`: no time entries), oldest first."""
        with not_found_as(ticket_not_found(ticket_id)):
            rows = self.client.get(
                f"/service/tickets/{ticket_id}/notes",
                {"orderBy": "id desc", "page": 1, "pageSize": 100},
            )
        notes = [mapping.note_from_cw(n, ticket_id=ticket_id) for n in rows_of(rows, "notes")]
        return notes[::-1]

    def _ticket_notes(self, ticket_id: int) -> list[PSANote]:
        """`allNotes` (notes and time entries, as ConnectWise's ticket view shows them).

        Falls back to `/notes` when the tenant refuses `allNotes` (403, or 404 where the route
        is not offered), and remembers that for this connection.
        """
        refused_with_404 = False
        if not self.all_notes_refused:
            try:
                rows = self.client.get_all(
                    f"/service/tickets/{ticket_id}/allNotes", {"orderBy": "id asc"}
                )
            except PSAPermissionError:
                self.all_notes_refused = True
            except PSANotFound:
                refused_with_404 = True  # or the ticket is gone: /notes tells which
            else:
                return [mapping.all_note_from_cw(n, ticket_id=ticket_id) for n in rows]
        rows = self.client.get_all(f"/service/tickets/{ticket_id}/notes", {"orderBy": "id asc"})
        if refused_with_404:
            self.all_notes_refused = True
        return [mapping.note_from_cw(n, ticket_id=ticket_id) for n in rows]
