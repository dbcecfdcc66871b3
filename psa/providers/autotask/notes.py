"""Adding a ticket note, signed by the engineer through impersonation.

`POST Tickets/{id}/Notes` with `{ticketID, title, description, noteType, publish}` (all five
required [C]); the note is attributed to `ImpersonationResourceId` — the engineer's resource
(`member_id`), else the connection's configured resource, else the API user. Autotask notes have
no "resolution" kind (a ticket's resolution is a field of the ticket): a resolution note is
posted as a note visible to all users, titled "Resolution", which the interface cannot yet say.
"""

from __future__ import annotations

from psa.providers.autotask import mapping
from psa.providers.autotask.directory import TenantDirectory
from psa.providers.base import NoteType, PSANote, PSAResponseError, PSAValidationError

TITLES = mapping.NOTE_TITLES
TITLE_LENGTH = 250


class TicketNotes(TenantDirectory):
    def add_note(
        self, *, ticket_id: int, text: str, note_type: NoteType, member_id: int | None = None
    ) -> PSANote:
        body = text.strip()
        if not body:
            raise PSAValidationError("A note needs some text.", fields={"text": ["Required."]})
        lists = self.picklists()
        default_type = next((v.value for v in lists.note_types if v.default), None)
        if default_type is None:
            default_type = next((v.value for v in lists.note_types if v.active), 1)
        payload = {
            "ticketID": int(ticket_id),
            "title": TITLES[note_type][:TITLE_LENGTH],
            "description": body,
            "noteType": default_type,
            "publish": mapping.PUBLISH_INTERNAL if note_type == "internal" else mapping.PUBLISH_ALL,
        }
        self.ticket_raw(ticket_id)  # a missing ticket reads as not found, not a refused note
        answer = self.client.post(f"Tickets/{int(ticket_id)}/Notes", payload, impersonate=member_id)
        note_id = answer.get("itemId") if isinstance(answer, dict) else None
        if not isinstance(note_id, int):
            raise PSAResponseError(
                "Autotask accepted the note but did not say its id.", detail=repr(answer)[:300]
            )
        raw = self.item(entity="TicketNotes", record_id=note_id, what=f"note {note_id}")
        return mapping.note_from(raw, resources=self.resources())
