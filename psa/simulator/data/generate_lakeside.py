"""Generate ``lakeside.json``, the Autotask demo tenant "Lakeside Managed IT", deterministically.

Run: ``python psa/simulator/data/generate_lakeside.py`` (rewrites the file next to it).
``build(tickets=N, companies=C, resources=R)`` grows or shrinks the same tenant (``atsim
--tickets N``): the same seed, the same picklists, queues, roles and the same first records.
Records carry the fields a ticket tool reads (Autotask's camelCase names, from
``autotask_schema.json``); the simulator answers every other field of the entity as null.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261201
NOW = datetime(2026, 12, 1, 15, 0, 0, tzinfo=UTC)
OUT = Path(__file__).resolve().parent / "lakeside.json"
DEFAULT_SIZES = {"tickets": 640, "companies": 42, "resources": 14}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _pick(value: int, label: str, order: int, *, system: bool = False, **extra: Any) -> dict:
    return {
        "value": str(value),
        "label": label,
        "isDefaultValue": extra.pop("default", False),
        "sortOrder": order,
        "parentValue": str(extra.pop("parent", "")),
        "isActive": extra.pop("active", True),
        "isSystem": system,
    }


# Autotask's system statuses (1 New, 5 Complete, 7 Waiting Customer: README) plus this tenant's.
STATUSES = [
    _pick(1, "New", 1, system=True, default=True),
    _pick(8, "In Progress", 2),
    _pick(7, "Waiting Customer", 3, system=True),
    _pick(9, "Waiting Materials", 4),
    _pick(12, "Waiting Vendor", 5),
    _pick(10, "Dispatched", 6),
    _pick(11, "Escalate", 7),
    _pick(13, "On Hold (retired)", 8, active=False),
    _pick(5, "Complete", 9, system=True),
]
COMPLETE = 5
OPEN_STATUSES = [(1, 18), (8, 34), (7, 16), (9, 6), (12, 8), (10, 10), (11, 8)]
# Autotask's default priority picklist: Critical sorts first (value 4).
PRIORITIES = [
    _pick(4, "Critical", 1),
    _pick(1, "High", 2),
    _pick(2, "Medium", 3, default=True),
    _pick(3, "Low", 4),
    _pick(6, "Planned Maintenance", 5, active=False),
]
PRIORITY_WEIGHTS = [(4, 5), (1, 20), (2, 50), (3, 25)]
QUEUES = [
    (29682833, "Client Portal"),
    (29682969, "Level I Support"),
    (29683354, "Level II Support"),
    (29683481, "Monitoring Alert"),
    (29683482, "Network & Infrastructure"),
    (29683483, "Security"),
    (29683484, "Onboarding"),
]
SOURCES = [(-1, "Insourced"), (1, "Phone"), (2, "Email"), (4, "Client Portal"), (6, "Monitoring Alert")]
ISSUES = {
    5: ("Hardware", ["Laptop", "Printer", "Peripheral"]),
    6: ("Software", ["Microsoft 365", "Line of Business App", "Browser"]),
    7: ("Network", ["Wi-Fi", "VPN", "Firewall"]),
    8: ("Email", ["Mailbox", "Spam / Phishing"]),
    9: ("Security", ["Malware", "Account Compromise"]),
    10: ("Account Access", ["Password Reset", "New User", "Permissions"]),
}
TICKET_TYPES = [(1, "Service Request"), (2, "Incident"), (3, "Problem"), (4, "Change Request")]
NOTE_TYPES = [
    _pick(1, "Task Summary", 1),
    _pick(2, "Task Detail", 2, default=True),
    _pick(3, "Task Notes", 3),
    _pick(13, "Workflow Rule Note", 4, system=True),
    _pick(18, "Client Portal Note", 5),
]
PUBLISH = [_pick(1, "All Autotask Users", 1, default=True), _pick(2, "Internal Users Only", 2)]
CI_TYPES = [(1, "Workstation"), (2, "Server"), (3, "Network Device"), (4, "Printer"), (5, "Laptop")]
ROLES = [
    (29683400, "Tier 1 Technician", 95.0),
    (29683401, "Tier 2 Engineer", 135.0),
    (29683402, "Network Engineer", 150.0),
    (29683403, "Security Analyst", 165.0),
    (29683404, "Service Coordinator", 85.0),
    (29683405, "Project Manager", 140.0),  # not a service-desk role of anyone: refused on tickets
]
ENGINEER_ROLES = [29683400, 29683401, 29683402, 29683403]
UDFS = {"Tickets": [{"name": "Site Visit Required", "type": "string"}]}

API_RESOURCE_ID = 29682885
FIRST_NAMES = "Avery Jordan Priya Mateo Hana Liam Noor Ezra Sofia Kai Imani Lars Mei Tobias Zara Felix Ines Omar Ruth Diego".split()
LAST_NAMES = "Brooks Okafor Raman Silva Tanaka Novak Haddad Lindgren Moreau Reyes Osei Berg Chen Keller Abbasi Quinn Duarte Farouk Stone Varga".split()
COMPANY_WORDS = "Harbor Pine Birch Granite Cedar Summit Willow Maple Iron Bluewater Aspen Falcon Meadow Copper Lantern Riverside Northwind Oak Prairie Heron Tamarack".split()
COMPANY_KINDS = "Dental|Law Group|Logistics|Veterinary Clinic|Credit Union|Architects|Brewing Co.|Realty|Pediatrics|Marine Supply|Accounting|Construction".split("|")
CITIES = [("Madison", "WI"), ("Green Bay", "WI"), ("Duluth", "MN"), ("Marquette", "MI"), ("Eau Claire", "WI")]
TROUBLES = [
    (5, "Laptop will not power on after update", 2),
    (5, "Printer on {floor} jams on every job", 2),
    (6, "Outlook keeps asking for the password", 2),
    (6, "Line of business app crashes at login", 2),
    (7, "Wi-Fi drops in the {floor} conference room", 2),
    (7, "VPN disconnects every 10 minutes", 2),
    (7, "Firewall alert: WAN link down", 2),
    (8, "Shared mailbox missing for a new hire", 1),
    (8, "Suspicious email reported by staff", 2),
    (9, "Antivirus flagged a file on a workstation", 2),
    (10, "Password reset for {person}", 1),
    (10, "New user setup: {person}", 1),
    (10, "Grant {person} access to the finance share", 1),
    (6, "Install the accounting update on all PCs", 4),
]
NOTE_TEXTS = [
    "Called the user, reproduced the problem remotely.",
    "Rebooted the device and confirmed it is working again.",
    "Waiting on the customer to confirm a time for a site visit.",
    "Escalated to Tier 2: the logs show repeated authentication failures.",
    "Ordered a replacement part from the vendor; ETA two business days.",
    "Applied the fix and documented the steps in the knowledge base.",
    "Ticket status changed by workflow rule.",
]


def _weighted(rng: random.Random, pairs: list[tuple[int, int]]) -> int:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def _person(index: int) -> tuple[str, str]:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return first, last


def _picklists() -> dict[str, dict[str, list[dict[str, Any]]]]:
    issue_values = [_pick(v, name, i + 1) for i, (v, (name, _)) in enumerate(ISSUES.items())]
    sub_issues: list[dict[str, Any]] = []
    for value, (_, subs) in ISSUES.items():
        for offset, name in enumerate(subs):
            sub_value = value * 100 + offset + 1
            sub_issues.append(_pick(sub_value, name, len(sub_issues) + 1, parent=value))
    return {
        "Tickets": {
            "status": STATUSES,
            "priority": PRIORITIES,
            "queueID": [_pick(v, name, i + 1) for i, (v, name) in enumerate(QUEUES)],
            "source": [_pick(v, name, i + 1) for i, (v, name) in enumerate(SOURCES)],
            "issueType": issue_values,
            "subIssueType": sub_issues,
            "ticketType": [_pick(v, n, i + 1) for i, (v, n) in enumerate(TICKET_TYPES)],
            "ticketCategory": [_pick(3, "Standard", 1, default=True), _pick(4, "Alert", 2)],
        },
        "TicketNotes": {"noteType": NOTE_TYPES, "publish": PUBLISH},
        "ConfigurationItems": {
            "configurationItemType": [_pick(v, n, i + 1) for i, (v, n) in enumerate(CI_TYPES)]
        },
    }


def _resources(count: int) -> tuple[list[dict], list[dict], list[dict]]:
    resources: list[dict[str, Any]] = [
        {
            "id": API_RESOURCE_ID,
            "userName": "rfdemo@lakesideit.example",
            "email": "rfdemo@lakesideit.example",
            "firstName": "ResolutionFlow",
            "lastName": "API",
            "isActive": True,
            "resourceType": "Employee",
            "licenseType": 7,  # API User licence
            "title": "API User",
            "defaultServiceDeskRoleID": None,
        }
    ]
    desk_roles: list[dict[str, Any]] = []
    role_queues: list[dict[str, Any]] = []
    queue_ids = [q for q, _ in QUEUES]
    for index in range(count):
        first, last = _person(index)
        resource_id = 29682900 + index
        user = "abrooks" if index == 0 else f"{first[0]}{last}{index // 20 or ''}".lower()
        roles = [ENGINEER_ROLES[index % 4]]
        if index % 3 == 0:
            roles.append(ENGINEER_ROLES[(index + 1) % 4])
        if index % 7 == 6:
            roles = [29683404]  # a coordinator
        resources.append(
            {
                "id": resource_id,
                "userName": user,
                "email": f"{user}@lakesideit.example",
                "firstName": first,
                "lastName": last,
                "isActive": index % 11 != 10,
                "resourceType": "Employee",
                "licenseType": 1,
                "title": "Service Coordinator" if roles == [29683404] else "Service Engineer",
                "defaultServiceDeskRoleID": roles[0],
            }
        )
        for position, role in enumerate(roles):
            desk_roles.append(
                {
                    "id": 30100 + len(desk_roles),
                    "resourceID": resource_id,
                    "roleID": role,
                    "isDefault": position == 0,
                    "isActive": True,
                }
            )
        for offset in range(2 + index % 3):
            role_queues.append(
                {
                    "id": 30500 + len(role_queues),
                    "resourceID": resource_id,
                    "queueID": queue_ids[(index + offset * 2) % len(queue_ids)],
                }
            )
    return resources, desk_roles, role_queues


def _companies(rng: random.Random, count: int) -> tuple[list, list, list, list]:
    companies: list[dict[str, Any]] = []
    locations: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    contact_index = 0
    for index in range(count):
        word = COMPANY_WORDS[index % len(COMPANY_WORDS)]
        kind = COMPANY_KINDS[(index * 5 + index // len(COMPANY_WORDS)) % len(COMPANY_KINDS)]
        name = f"{word} {kind}" if index else "Lakeside Managed IT (Internal)"
        city, state = CITIES[index % len(CITIES)]
        company_id = 174 + index
        created = NOW - timedelta(days=400 + rng.randrange(900))
        companies.append(
            {
                "id": company_id,
                "companyName": name,
                "companyNumber": f"C{1000 + index}",
                "companyType": 3 if index else 5,  # 3 customer, 5 own company
                "isActive": index % 19 != 18,
                "phone": f"(608) 555-{1000 + index:04d}",
                "city": city,
                "state": state,
                "address1": f"{100 + index * 7} {word} Street",
                "createDate": iso(created),
                "lastActivityDate": iso(NOW - timedelta(days=rng.randrange(60))),
            }
        )
        for site in range(1 + (index % 4 == 0)):
            locations.append(
                {
                    "id": 5000 + len(locations),
                    "companyID": company_id,
                    "name": "Headquarters" if site == 0 else "Branch Office",
                    "isPrimary": site == 0,
                    "isActive": True,
                    "address1": f"{100 + index * 7 + site} {word} Street",
                    "city": city,
                    "state": state,
                }
            )
        for position in range(3 + rng.randrange(3)):
            first, last = _person(contact_index + 3)
            contacts.append(
                {
                    "id": 30000 + len(contacts),
                    "companyID": company_id,
                    "firstName": first,
                    "lastName": last,
                    "emailAddress": f"{first}.{last}{contact_index}@{word.lower()}.example".lower(),
                    "phone": f"(608) 555-{2000 + contact_index % 8000:04d}",
                    "isActive": 0 if contact_index % 23 == 22 else 1,  # an integer in Autotask
                    "primaryContact": position == 0,
                    "title": rng.choice(["Office Manager", "Owner", "Accountant", "Staff", "CFO"]),
                    "createDate": iso(created + timedelta(days=rng.randrange(300))),
                }
            )
            contact_index += 1
        for n in range(4 + rng.randrange(3)):
            kind_id, kind_name = CI_TYPES[(n + index) % len(CI_TYPES)]
            items.append(
                {
                    "id": 40000 + len(items),
                    "companyID": company_id,
                    "configurationItemType": kind_id,
                    "referenceTitle": f"{word[:3].upper()}-{kind_name[:3].upper()}-{n + 1:02d}",
                    "serialNumber": f"SN{rng.randrange(10**8):08d}",
                    "isActive": n % 9 != 8,
                    "productID": 200 + kind_id,
                    "installDate": iso(created + timedelta(days=30 + n)),
                    "createDate": iso(created + timedelta(days=30 + n)),
                }
            )
    return companies, locations, contacts, items


def build(**sizes: int | None) -> dict[str, Any]:
    """The tenant at the given sizes (defaults: ``DEFAULT_SIZES``)."""
    size = {name: sizes.get(name) or default for name, default in DEFAULT_SIZES.items()}
    rng = random.Random(SEED)
    resources, desk_roles, role_queues = _resources(size["resources"])
    companies, locations, contacts, items = _companies(rng, size["companies"])
    pairs: dict[int, list[int]] = {}
    for pair in desk_roles:
        pairs.setdefault(pair["resourceID"], []).append(pair["roleID"])
    active = {r["id"] for r in resources if r["isActive"]}
    queue_members: dict[int, list[int]] = {}
    for membership in role_queues:
        if membership["resourceID"] in active:
            queue_members.setdefault(membership["queueID"], []).append(membership["resourceID"])
    by_company: dict[int, tuple[list[int], list[int]]] = {c["id"]: ([], []) for c in companies}
    for contact in contacts:
        by_company[contact["companyID"]][0].append(contact["id"])
    for item in items:
        by_company[item["companyID"]][1].append(item["id"])
    engineers = [r for r in resources if r["id"] != API_RESOURCE_ID]
    first_location: dict[int, int] = {}
    for location in locations:
        first_location.setdefault(location["companyID"], location["id"])

    tickets: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    secondaries: list[dict[str, Any]] = []
    extra_items: list[dict[str, Any]] = []
    problems: list[int] = []
    for index in range(size["tickets"]):
        ticket_id = 7001 + index
        # Newer tickets are denser: ages skew towards today (open ones especially).
        age = timedelta(hours=int(24 * 365 * (rng.random() ** 2.2)))
        created = NOW - age - timedelta(minutes=rng.randrange(60))
        is_open = age < timedelta(days=45) and rng.random() < 0.7 or rng.random() < 0.06
        company = companies[1 + rng.randrange(len(companies) - 1) if len(companies) > 1 else 0]
        contact_ids, item_ids = by_company[company["id"]]
        issue, title, ticket_type = rng.choice(TROUBLES)
        person = rng.choice(FIRST_NAMES)
        title = title.format(floor=rng.choice(["2nd floor", "front office"]), person=person)
        queue_id = [q for q, _ in QUEUES][rng.randrange(len(QUEUES))]
        status = _weighted(rng, OPEN_STATUSES) if is_open else COMPLETE
        members = queue_members.get(queue_id) or [e["id"] for e in engineers if e["isActive"]]
        assigned = None if status == 1 and rng.random() < 0.6 else rng.choice(members)
        if ticket_type == 2 and problems and rng.random() < 0.12:
            problem_link: int | None = rng.choice(problems[-6:])
        else:
            problem_link = None
        if ticket_type == 2 and rng.random() < 0.03:
            ticket_type = 3
        created_s = iso(created)
        ticket: dict[str, Any] = {
            "id": ticket_id,
            "ticketNumber": f"T{created:%Y%m%d}.{index % 10000:04d}",
            "title": title,
            "description": f"{title}. Reported by {person} via the {rng.choice(['phone', 'portal', 'email'])}.",
            "companyID": company["id"],
            "companyLocationID": first_location[company["id"]],
            "contactID": rng.choice(contact_ids) if contact_ids and rng.random() < 0.9 else None,
            "configurationItemID": rng.choice(item_ids) if item_ids and rng.random() < 0.5 else None,
            "queueID": queue_id,
            "status": status,
            "priority": _weighted(rng, PRIORITY_WEIGHTS),
            "issueType": issue,
            "subIssueType": issue * 100 + 1 + rng.randrange(len(ISSUES[issue][1])),
            "ticketType": ticket_type,
            "ticketCategory": 3,
            "source": rng.choice(SOURCES)[0],
            "assignedResourceID": assigned,
            "assignedResourceRoleID": pairs[assigned][0] if assigned else None,
            "creatorResourceID": rng.choice(engineers)["id"],
            "creatorType": 1,
            "createDate": created_s,
            "dueDateTime": iso(created + timedelta(days=1 + rng.randrange(5))),
            "lastActivityDate": created_s,
            "completedDate": None,
            "resolvedDateTime": None,
            "problemTicketId": problem_link,
            "userDefinedFields": [
                {"name": "Site Visit Required", "value": rng.choice(["Yes", "No", None])}
            ],
        }
        if ticket_type == 3:
            problems.append(ticket_id)
        last = created
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4, 6])):
            last = min(NOW, last + timedelta(minutes=20 + rng.randrange(60 * 30)))
            note_type = int(rng.choice(NOTE_TYPES)["value"])
            notes.append(
                {
                    "id": 90001 + len(notes),
                    "ticketID": ticket_id,
                    "title": "Workflow rule" if note_type == 13 else rng.choice(["Update", "Call", "Work done"]),
                    "description": NOTE_TEXTS[-1] if note_type == 13 else rng.choice(NOTE_TEXTS[:-1]),
                    "noteType": note_type,
                    "publish": 1 if rng.random() < 0.6 else 2,
                    "creatorResourceID": assigned or rng.choice(engineers)["id"],
                    "createDateTime": iso(last),
                    "lastActivityDate": iso(last),
                }
            )
        ticket["lastActivityDate"] = iso(last)
        if status == COMPLETE:
            done = min(NOW, last + timedelta(hours=1 + rng.randrange(48)))
            ticket.update(completedDate=iso(done), resolvedDateTime=iso(done))
            ticket["completedByResourceID"] = assigned
            ticket["lastActivityDate"] = iso(done)
        ticket["lastTrackedModificationDateTime"] = ticket["lastActivityDate"]
        if assigned and rng.random() < 0.15:
            others = [m for m in members if m != assigned]
            for other in rng.sample(others, min(len(others), rng.choice([1, 1, 2, 3]))):
                secondaries.append(
                    {
                        "id": 60001 + len(secondaries),
                        "ticketID": ticket_id,
                        "resourceID": other,
                        "roleID": rng.choice(pairs[other]),
                    }
                )
        if item_ids and rng.random() < 0.12:
            spare = [i for i in item_ids if i != ticket["configurationItemID"]]
            for item_id in rng.sample(spare, min(len(spare), 1 + rng.randrange(2))):
                extra_items.append(
                    {"id": 70001 + len(extra_items), "ticketID": ticket_id, "configurationItemID": item_id}
                )
        tickets.append(ticket)

    return {
        "tenant": {"companyName": "Lakeside Managed IT", "zoneName": "America East 3", "ci": 3},
        "apiResourceID": API_RESOURCE_ID,
        "impersonatable": [r["id"] for r in engineers if r["isActive"]],
        "picklists": _picklists(),
        "udfs": UDFS,
        "entities": {
            "Companies": companies,
            "CompanyLocations": locations,
            "Contacts": contacts,
            "ConfigurationItems": items,
            "Resources": resources,
            "Roles": [
                {"id": i, "name": n, "description": n, "hourlyRate": rate, "isActive": True, "isSystemRole": False}
                for i, n, rate in ROLES
            ],
            "ResourceServiceDeskRoles": desk_roles,
            "ResourceRoleQueues": role_queues,
            "Tickets": tickets,
            "TicketNotes": notes,
            "TicketSecondaryResources": secondaries,
            "TicketAdditionalConfigurationItems": extra_items,
        },
    }


def main() -> None:
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
