"""Writes as ConnectWise performs them: validation, defaults, derived fields.

Every function here expects the caller to hold ``store.lock``. One module per kind of record
(``tickets``, ``ticket_patching``, ``notes``, ``configurations``, ``schedule``); what they share
lives in ``references`` (reference shapes and lookup), ``validation`` (field checks, PATCH
bodies), ``audit`` (``_info`` stamps), ``ticket_fields`` and ``ticket_references``.
"""

from psa.simulator.errors import ApiError
from psa.simulator.writes.configurations import (
    ticket_configuration_add,
    ticket_configuration_remove,
    ticket_configurations,
)
from psa.simulator.writes.notes import note_create
from psa.simulator.writes.schedule import (
    recompute_resources,
    schedule_entry_create,
    schedule_entry_delete,
    schedule_entry_patch,
)
from psa.simulator.writes.ticket_patching import ticket_patch
from psa.simulator.writes.tickets import ticket_create, ticket_delete

__all__ = [
    "ApiError",
    "note_create",
    "recompute_resources",
    "schedule_entry_create",
    "schedule_entry_delete",
    "schedule_entry_patch",
    "ticket_configuration_add",
    "ticket_configuration_remove",
    "ticket_configurations",
    "ticket_create",
    "ticket_delete",
    "ticket_patch",
]
