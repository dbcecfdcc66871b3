"""What Autotask knows: entities, their fields and types, and the routes, from ``autotask_schema.json``.

``data/autotask_schema.json`` is a copy of the shared ``autotask/schema.json`` (Autotask's own
Swagger document, via panoramicdata/AutoTask.Psa.Api); a test keeps the two equal. The routes
the simulator serves are the schema's routes for the entities it holds data for; a route the
schema lacks does not exist (404/405), so e.g. a note cannot be created at ``POST TicketNotes``:
Autotask only has ``POST Tickets/{parentId}/Notes`` (child writes through child URLs, README).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "data" / "autotask_schema.json"

# The entities a ticket tool needs and the simulator holds data for.
SERVED = (
    "Tickets",
    "TicketNotes",
    "TicketSecondaryResources",
    "TicketAdditionalConfigurationItems",
    "Companies",
    "CompanyLocations",
    "Contacts",
    "ConfigurationItems",
    "Resources",
    "ResourceRoleQueues",
    "ResourceServiceDeskRoles",
    "Roles",
)

# Child URL segment under a parent -> (entity, the field naming the parent). The names are the
# schema's (`/V1.0/Tickets/{parentId}/Notes` holds TicketNote models, and so on).
CHILDREN: dict[tuple[str, str], tuple[str, str]] = {
    ("Tickets", "Notes"): ("TicketNotes", "ticketID"),
    ("Tickets", "SecondaryResources"): ("TicketSecondaryResources", "ticketID"),
    ("Tickets", "AdditionalConfigurationItems"): ("TicketAdditionalConfigurationItems", "ticketID"),
    ("Companies", "Locations"): ("CompanyLocations", "companyID"),
    ("Companies", "Contacts"): ("Contacts", "companyID"),
    ("Resources", "RoleQueues"): ("ResourceRoleQueues", "resourceID"),
    ("Resources", "ServiceDeskRoles"): ("ResourceServiceDeskRoles", "resourceID"),
}

# Fields no filter may name. `userDefinedFields` is a list (UDFs are queried with "udf": true);
# long free text (`description`, `resolution`) is marked not queryable in Autotask's field
# metadata for notes and tickets as far as integrations report it - unconfirmed, so refused:
# stricter than Autotask, never more lenient.
NOT_QUERYABLE = {"userDefinedFields", "description", "resolution"}

# Fields Autotask sets itself; a create or update naming them is refused (stricter: Autotask
# may silently ignore some of them - unconfirmed).
READ_ONLY = {
    "id",
    "createDate",
    "createDateTime",
    "creatorResourceID",
    "creatorType",
    "impersonatorCreatorResourceID",
    "impersonatorUpdaterResourceID",
    "lastActivityDate",
    "lastActivityResourceID",
    "lastActivityPersonType",
    "lastTrackedModificationDateTime",
    "ticketNumber",
    "completedDate",
    "completedByResourceID",
}

# Required on create (`entityInformation/fields` says so): Autotask's documented required ticket
# fields, plus queueID, which Lakeside's tenant settings make required (tenant-specific, README).
REQUIRED = {
    "Tickets": ("companyID", "title", "status", "priority", "queueID"),
    "TicketNotes": ("ticketID", "title", "description", "noteType", "publish"),
    "TicketSecondaryResources": ("ticketID", "resourceID", "roleID"),
    "TicketAdditionalConfigurationItems": ("ticketID", "configurationItemID"),
}

# The most characters a text field takes: entityInformation/fields reports it as `length` and a
# write past it is refused (below, rules.check_body). A ticket's description takes 8,000 and a
# note's 32,000, its title 250 (Autotask's Ticket and TicketNote entity pages, SOAP) [C for SOAP,
# U for REST]; every other text field 255, the common size [U: stricter than Autotask for its
# longer fields such as a ticket's resolution].
TEXT_LENGTHS = {
    ("Tickets", "description"): 8000,
    ("TicketNotes", "description"): 32000,
    ("TicketNotes", "title"): 250,
}
TEXT_LENGTH = 255


def text_length(entity: str, name: str) -> int:
    return TEXT_LENGTHS.get((entity, name), TEXT_LENGTH)


# Reference fields -> the entity they point at (entityInformation/fields `referenceEntityType`).
REFERENCES = {
    "companyID": "Companies",
    "contactID": "Contacts",
    "companyLocationID": "CompanyLocations",
    "configurationItemID": "ConfigurationItems",
    "assignedResourceID": "Resources",
    "assignedResourceRoleID": "Roles",
    "resourceID": "Resources",
    "roleID": "Roles",
    "ticketID": "Tickets",
    "problemTicketId": "Tickets",
    "creatorResourceID": "Resources",
}


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def fields_of(entity: str) -> dict[str, str]:
    """Field name -> type ("integer", "string", "datetime", "boolean", "number", "list")."""
    return dict(schema()["entities"][entity]["fields"])


def model_name(entity: str) -> str:
    return str(schema()["entities"][entity]["model"])


@cache
def routes() -> dict[str, frozenset[str]]:
    """Route pattern (lower-case, without ``/V1.0``) -> allowed methods, for served entities."""
    table: dict[str, frozenset[str]] = {}
    for pattern, methods in schema()["routes"].items():
        path = pattern.removeprefix("/V1.0")
        head = path.strip("/").split("/")[0]
        if head in SERVED or head in ("ThresholdInformation", "ZoneInformation"):
            table[path.lower()] = frozenset(methods)
    return table


def allowed_methods(pattern: str) -> frozenset[str]:
    return routes().get(pattern.lower(), frozenset())
