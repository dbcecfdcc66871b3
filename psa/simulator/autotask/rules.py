"""Writes and the business rules Autotask documents for them (README "Tickets and their neighbours").

Each refusal is ``{"errors": [...]}`` with HTTP 500 (:func:`invalid`). Rules and sources
(C = confirmed, U = unconfirmed, so stricter than Autotask, never more lenient):

* a body may only name the entity's fields (schema) [U: Autotask may ignore unknown ones];
  fields Autotask sets itself (``id`` on create, ``createDate``, ``ticketNumber``, ...) are
  refused [U];
* values must have the field's type (integers are JSON integers, booleans literal, dates
  ISO-8601) [C for booleans and dates, U for integers sent as strings];
* text takes at most the field's length, as entityInformation/fields reports it (schema
  ``TEXT_LENGTHS``, with their sources) [U: the refusal's wording];
* picklist fields take an active value of their picklist; ``subIssueType`` must belong to the
  ticket's ``issueType`` (picklistParentValueField) [C];
* reference ids must exist [C]; the contact belongs to the ticket's company [C]; the
  configuration item belongs to it too [U];
* required fields on create (entityInformation/fields ``isRequired``) [C; set per tenant];
* the primary resource needs its role and the pair must be a resource's active service-desk role;
  a secondary resource likewise needs a role that is a valid pair [C: Autotask's ResourceRoles
  and ResourceRoleQueue entity pages: "A role is required when a resource is assigned to a
  ticket or task", queue membership no longer carries a role, ResourceServiceDeskRole holds the
  resource - service desk role pairs; integrators quote the refusal as HTTP 500 "Data violation:
  This Role (...) cannot ..." (help.giantrocketship.com)];
* a resource cannot be primary and secondary on one ticket [C]; the same resource+role twice as
  secondary, or the same additional configuration item twice, is refused [U];
* a child's parent field must be the parent of its URL [U: Autotask may take it from the URL];
* ``PATCH`` is sparse [C]; ``PUT`` replaces the record, clearing writable fields it omits [U];
* deleting a child that is not there: "No matching records found" [C].
"""

from __future__ import annotations

from typing import Any

from psa.simulator.autotask.errors import invalid
from psa.simulator.autotask.query import has_type
from psa.simulator.autotask.schema import READ_ONLY, REFERENCES, REQUIRED, fields_of, text_length
from psa.simulator.autotask.store import AtTenant, now_iso

COMPLETE = 5


def check_body(
    tenant: AtTenant, entity: str, body: Any, *, creating: bool, complete: bool | None = None
) -> dict[str, Any]:
    """The body as a dict of known, well-typed, valid values; refuse anything else. A create
    (no ``id``) and a PUT (``complete``: a whole record) must carry every required field."""
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    fields = fields_of(entity)
    errors: list[str] = []
    for name, value in body.items():
        if name not in fields:
            errors.append(f"Unknown field: {name}.")
        elif name in READ_ONLY and not (name == "id" and not creating):
            errors.append(f"The field {name} is read-only.")
        elif value is not None and not has_type(fields[name], value):
            errors.append(f"Invalid value for {name}: expected {fields[name]}.")
        elif isinstance(value, str) and len(value) > text_length(entity, name):
            errors.append(f"The field {name} takes at most {text_length(entity, name)} characters.")
    errors.extend(_udf_errors(tenant, entity, body.get("userDefinedFields")))
    if errors:
        raise invalid(*errors)
    for name, value in body.items():
        options = tenant.picklist(entity, name)
        if options is not None and value is not None:
            active = {o["value"] for o in options if o["isActive"]}
            if str(value) not in active:
                errors.append(f"Value {value} is not a valid value of the picklist {name}.")
        target = REFERENCES.get(name)
        if target and value is not None and options is None and tenant.get(target, value) is None:
            errors.append(f"The {name} {value} does not exist.")
    if creating if complete is None else complete:
        for name in REQUIRED.get(entity, ()):
            if body.get(name) in (None, ""):
                errors.append(f"The field {name} is required.")
    if errors:
        raise invalid(*errors)
    return dict(body)


def _udf_errors(tenant: AtTenant, entity: str, udfs: Any) -> list[str]:
    """``userDefinedFields`` is a list of ``{"name", "value"}`` naming the entity's UDFs [C: the
    shape Autotask answers]; an unknown name or another shape is refused [U]."""
    if udfs is None:
        return []
    known = tenant.udfs(entity)
    errors = []
    for item in udfs:
        if not isinstance(item, dict) or set(item) != {"name", "value"}:
            errors.append('Each user-defined field is {"name": ..., "value": ...}.')
        elif item["name"] not in known:
            errors.append(f"Unknown user-defined field: {item['name']}.")
        elif item["value"] is not None and not isinstance(item["value"], str):
            errors.append(f"The user-defined field {item['name']} takes a string.")
    return errors


def _merge_udfs(current: list[dict[str, Any]], changes: list[dict[str, Any]]) -> list[dict]:
    """An update changes the UDFs it names and keeps the others [U]."""
    merged = {u["name"]: dict(u) for u in current}
    for change in changes:
        merged[change["name"]] = dict(change)
    return list(merged.values())


def _valid_pair(tenant: AtTenant, resource_id: int, role_id: int) -> bool:
    resource = tenant.get("Resources", resource_id)
    if not resource or not resource.get("isActive"):
        return False
    return any(
        pair["resourceID"] == resource_id and pair["roleID"] == role_id and pair["isActive"]
        for pair in tenant.records("ResourceServiceDeskRoles")
    )


def _check_ticket(tenant: AtTenant, ticket: dict[str, Any]) -> None:
    errors: list[str] = []
    company = ticket.get("companyID")
    contact = tenant.get("Contacts", ticket.get("contactID"))
    if contact is not None and contact["companyID"] != company:
        errors.append("The contact does not belong to the ticket's company.")
    item = tenant.get("ConfigurationItems", ticket.get("configurationItemID"))
    if item is not None and item["companyID"] != company:
        errors.append("The configuration item does not belong to the ticket's company.")
    location = tenant.get("CompanyLocations", ticket.get("companyLocationID"))
    if location is not None and location["companyID"] != company:
        errors.append("The company location does not belong to the ticket's company.")
    resource, role = ticket.get("assignedResourceID"), ticket.get("assignedResourceRoleID")
    if (resource is None) != (role is None):
        errors.append("assignedResourceID and assignedResourceRoleID must be set together.")
    elif resource is not None and not _valid_pair(tenant, resource, int(role or 0)):
        errors.append("Data violation: the role is not a service desk role of this resource.")
    if resource is not None and any(
        s["ticketID"] == ticket.get("id") and s["resourceID"] == resource
        for s in tenant.records("TicketSecondaryResources")
    ):
        errors.append("A resource cannot be both primary and secondary on a ticket.")
    sub, issue = ticket.get("subIssueType"), ticket.get("issueType")
    if sub is not None:
        options = {o["value"]: o for o in tenant.picklist("Tickets", "subIssueType") or []}
        if issue is None or options.get(str(sub), {}).get("parentValue") != str(issue):
            errors.append("The subIssueType does not belong to the issueType.")
    if errors:
        raise invalid(*errors)


def _stamp_status(ticket: dict[str, Any], previous: int | None, actor: int) -> None:
    if ticket.get("status") == COMPLETE and previous != COMPLETE:
        ticket["completedDate"] = now_iso()
        ticket["completedByResourceID"] = actor
    elif ticket.get("status") != COMPLETE:
        ticket["completedDate"] = None
        ticket["completedByResourceID"] = None


def ticket_create(tenant: AtTenant, body: Any, *, actor: int, impersonator: int | None) -> int:
    values = check_body(tenant, "Tickets", body, creating=True)
    now = now_iso()
    ticket = {
        **values,
        "createDate": now,
        "lastActivityDate": now,
        "lastTrackedModificationDateTime": now,
        "creatorResourceID": actor,
        "creatorType": 1,
        "impersonatorCreatorResourceID": impersonator,
        "userDefinedFields": values.get("userDefinedFields") or [],
    }
    _check_ticket(tenant, ticket)
    _stamp_status(ticket, None, actor)
    ticket_id = tenant.insert("Tickets", ticket)
    ticket["ticketNumber"] = f"T{now[:10].replace('-', '')}.{ticket_id % 10000:04d}"
    return ticket_id


def ticket_update(tenant: AtTenant, body: Any, *, actor: int, full: bool) -> int:
    values = check_body(tenant, "Tickets", body, creating=False, complete=full)
    ticket = tenant.get("Tickets", values.pop("id", None))
    if ticket is None:
        raise invalid("An update needs the id of an existing ticket.")
    if full:
        # PUT replaces the record: a writable field it leaves out is cleared. Whether Autotask
        # keeps such fields instead is unconfirmed; clearing is the outcome a client must not
        # rely on PUT to avoid, so the simulator shows it (use PATCH for a sparse update).
        cleared = set(ticket) - set(values) - READ_ONLY - {"userDefinedFields"}
        values = {**dict.fromkeys(cleared), **values}
    if values.get("userDefinedFields") is not None:
        values["userDefinedFields"] = _merge_udfs(
            ticket.get("userDefinedFields") or [], values["userDefinedFields"]
        )
    candidate = {**ticket, **values}
    _check_ticket(tenant, candidate)
    previous = ticket.get("status")
    ticket.update(values)
    now = now_iso()
    ticket["lastActivityDate"] = now
    ticket["lastTrackedModificationDateTime"] = now  # what incremental syncs filter on
    ticket["lastActivityResourceID"] = actor
    _stamp_status(ticket, previous, actor)
    return int(ticket["id"])


def _child_body(tenant: AtTenant, entity: str, parent: dict, body: Any) -> dict[str, Any]:
    values = check_body(tenant, entity, body, creating=True)
    if values["ticketID"] != parent["id"]:
        raise invalid("ticketID must be the ticket of the URL.")
    return values


def note_create(
    tenant: AtTenant, ticket: dict, body: Any, *, actor: int, impersonator: int | None
) -> int:
    values = _child_body(tenant, "TicketNotes", ticket, body)
    now = now_iso()
    note = {
        **values,
        "createDateTime": now,
        "lastActivityDate": now,
        "creatorResourceID": actor,
        "impersonatorCreatorResourceID": impersonator,
    }
    ticket["lastActivityDate"] = now
    return tenant.insert("TicketNotes", note)


def secondary_create(tenant: AtTenant, ticket: dict, body: Any) -> int:
    values = _child_body(tenant, "TicketSecondaryResources", ticket, body)
    resource, role = values["resourceID"], values["roleID"]
    if resource == ticket.get("assignedResourceID"):
        raise invalid("A resource cannot be both primary and secondary on a ticket.")
    if not _valid_pair(tenant, resource, role):
        raise invalid("Data violation: the role is not a service desk role of this resource.")
    for existing in tenant.records("TicketSecondaryResources"):
        if existing["ticketID"] == ticket["id"] and existing["resourceID"] == resource:
            raise invalid("This resource is already a secondary resource on the ticket.")
    return tenant.insert("TicketSecondaryResources", values)


def configuration_item_add(tenant: AtTenant, ticket: dict, body: Any) -> int:
    values = _child_body(tenant, "TicketAdditionalConfigurationItems", ticket, body)
    item = tenant.get("ConfigurationItems", values["configurationItemID"])
    if item is None or item["companyID"] != ticket["companyID"]:
        raise invalid("The configuration item does not belong to the ticket's company.")
    if item["id"] == ticket.get("configurationItemID") or any(
        link["ticketID"] == ticket["id"] and link["configurationItemID"] == item["id"]
        for link in tenant.records("TicketAdditionalConfigurationItems")
    ):
        raise invalid("The configuration item is already on the ticket.")
    return tenant.insert("TicketAdditionalConfigurationItems", values)


def child_delete(tenant: AtTenant, entity: str, ticket: dict, child_id: int) -> int:
    child = tenant.get(entity, child_id)
    if child is None or child["ticketID"] != ticket["id"]:
        raise invalid("No matching records found.")
    tenant.remove(entity, child_id)
    return child_id
