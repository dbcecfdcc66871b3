"""The configurations (devices) attached to a ticket.

``/service/tickets/{id}/configurations`` answers *references* to them - ConnectWise's
ConfigurationReference model: ``id`` and ``deviceIdentifier`` - never whole configurations;
a client reads the details from ``/company/configurations``.
"""

from __future__ import annotations

from typing import Any

from psa.simulator.errors import Validator, not_found
from psa.simulator.store import TenantStore, utc_now
from psa.simulator.writes.audit import mark_updated


def configuration_reference(configuration: dict[str, Any]) -> dict[str, Any]:
    return {"id": configuration["id"], "deviceIdentifier": configuration["deviceIdentifier"]}


def ticket_configurations(store: TenantStore, ticket_id: int) -> list[dict[str, Any]]:
    """References to the configurations attached to the ticket, in id order."""
    ids = store.ticket_configurations.configuration_ids(ticket_id)
    found = (store.get("configurations", config_id) for config_id in sorted(set(ids)))
    return [configuration_reference(c) for c in found if c is not None]


def _find_configuration(store: TenantStore, device_identifier: object) -> dict[str, Any] | None:
    wanted = str(device_identifier).lower()
    return next(
        (
            c
            for c in store.records("configurations")
            if str(c.get("deviceIdentifier", "")).lower() == wanted
        ),
        None,
    )


def ticket_configuration_add(
    store: TenantStore, ticket: dict[str, Any], body: object
) -> dict[str, Any]:
    validator = Validator("configuration")
    configuration = None
    if not isinstance(body, dict) or (
        body.get("id") is None and body.get("deviceIdentifier") is None
    ):
        validator.invalid("id", "id or deviceIdentifier is required.", code="MissingRequiredField")
    elif body.get("id") is not None:
        configuration = store.get("configurations", body.get("id"))
    else:
        configuration = _find_configuration(store, body.get("deviceIdentifier"))
    if not validator.errors and configuration is None:
        validator.invalid("id", "The configuration was not found.")
    validator.raise_if_any()
    assert configuration is not None
    link = {"ticketId": ticket["id"], "configurationId": configuration["id"]}
    # Attaching twice is not an error, and not a change either.
    if link not in store.ticket_configurations:
        store.ticket_configurations.append(link)
        mark_updated(store, "tickets", ticket, utc_now())
    return configuration_reference(configuration)


def ticket_configuration_remove(store: TenantStore, ticket: dict[str, Any], config_id: int) -> None:
    link = {"ticketId": ticket["id"], "configurationId": config_id}
    if link not in store.ticket_configurations:
        raise not_found(f"Configuration {config_id} is not attached to ticket {ticket['id']}.")
    store.ticket_configurations.remove(link)
    mark_updated(store, "tickets", ticket, utc_now())
