"""The state one ConnectWise connection keeps, shared by every concern of the provider.

`ConnectWiseProvider` is assembled from one mixin per concern (tickets, ticket writes, notes,
resources, the tenant's directory, reference lists); each builds on this class, so each sees the
client, the caches and the reads every concern needs (a ticket by id, a member's identifier).
"""

from __future__ import annotations

import threading
from typing import Any

from psa.providers.base import (
    PSANotFound,
    PSAProvider,
    PSAResponseError,
    PSAScheduleType,
    PSAValidationError,
)
from psa.providers.connectwise import mapping
from psa.providers.connectwise.client import ConnectWiseClient
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.replies import not_found_as, ticket_not_found


class ConnectWiseConnection(PSAProvider):
    """One ConnectWise tenant. Build from a `ConnectWiseConfig`, or hand in an existing client."""

    def __init__(
        self,
        config: ConnectWiseConfig | None = None,
        *,
        client: ConnectWiseClient | None = None,
    ) -> None:
        if client is None:
            if config is None:
                raise TypeError("ConnectWiseProvider needs a config or a client")
            client = ConnectWiseClient(config)
        self.client = client
        self.config = client.config
        self._member_identifiers: dict[int, str] = {}
        self._lock = threading.Lock()
        self._schedule_type: PSAScheduleType | None = None
        # Some tenants' API roles may not read /allNotes; once refused, this connection reads
        # /notes (without time entries) instead of asking again on every ticket.
        self.all_notes_refused = False
        # The member our keys act as, learned from what ConnectWise stamps on records we write
        # (`_info.enteredBy` of a ticket, `createdBy` of a note posted without a member).
        self._api_member_identifier = ""

    @property
    def api_member_identifier(self) -> str:
        with self._lock:
            return self._api_member_identifier

    def _learn_identity(self, identifier: str) -> None:
        if identifier:
            with self._lock:
                self._api_member_identifier = identifier

    def _ticket_raw(self, ticket_id: int) -> dict[str, Any]:
        with not_found_as(ticket_not_found(ticket_id)):
            raw = self.client.get(f"/service/tickets/{ticket_id}")
        if not isinstance(raw, dict):
            raise PSAResponseError(
                f"ConnectWise sent ticket #{ticket_id} in a shape we could not read.",
                detail=repr(raw)[:300],
            )
        return raw

    def _ticket_exists(self, ticket_id: int) -> None:
        with not_found_as(ticket_not_found(ticket_id)):
            self.client.get(f"/service/tickets/{ticket_id}", {"fields": "id"})

    def _member_identifier(self, member_id: int) -> str:
        with self._lock:
            known = self._member_identifiers.get(member_id)
        if known:
            return known
        try:
            raw = self.client.get(f"/system/members/{member_id}", {"fields": "id,identifier"})
        except PSANotFound as exc:
            raise PSAValidationError(
                f"No ConnectWise member has id {member_id}.",
                fields={"assigned": [f"Unknown member {member_id}."]},
                detail=exc.detail,
            ) from exc
        member = mapping.member_from_cw(raw)
        with self._lock:
            self._member_identifiers[member_id] = member.identifier
        return member.identifier
