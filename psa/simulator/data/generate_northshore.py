"""Generate ``northshore.json``, the second (smaller) simulator tenant, deterministically.

Run: ``python psa/simulator/data/generate_northshore.py`` (rewrites the file next to it).
Same shapes as ``baysideit.json`` (ConnectWise Manage REST API 3.0), fictional names.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 20261120
NOW = datetime(2026, 11, 20, 15, 0, 0, tzinfo=UTC)
OUT = Path(__file__).resolve().parent / "northshore.json"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


COMPANIES = [
    # id, identifier, name, city, state, domain
    (501, "ONeillPartners", "O'Neill & Partners", "Duluth", "MN", "oneill.example"),
    (502, "LakesideMarket", 'Lakeside "Fresh" Market', "Two Harbors", "MN", "lakeside.example"),
    (503, "AeroeShipping", "Ærø Shipping ApS", "Superior", "WI", "aeroe.example"),
    (504, "CafeZoe", "Café Zoë", "Duluth", "MN", "cafezoe.example"),
    (505, "OrganicFarms", "100% Organic Farms", "Cloquet", "MN", "organic.example"),
    (506, "SmithAndSmith", "Smith & Smith, LLC", "Hermantown", "MN", "smithsmith.example"),
    (507, "BeianTrading", "北岸 Trading Co.", "Duluth", "MN", "beian.example"),
    (508, "NorthshoreInternal", "Northshore Networks (Internal)", "Duluth", "MN", "northshore.example"),
]

MEMBERS = [
    # id, identifier, first, last, title, inactive
    (101, "cdiaz", "Casey", "Diaz", "Service Engineer III", False),
    (102, "hpark", "Harper", "Park", "Service Engineer II", False),
    (103, "oweiss", "Omar", "Weiss", "Network Engineer", False),
    (104, "ylindqvist", "Ylva", "Lindqvist", "Service Coordinator", False),
    (105, "cdiazjr", "Carlos", "Diaz Jr.", "Service Engineer I", False),
    (106, "tbrandt", "Tomas", "Brandt", "Service Engineer II", True),
    (107, "nsapi", "Northshore", "API", "API Member", False),
]
API_MEMBER = "nsapi"

BOARDS = [(1, "Help Desk"), (2, "Projects & Network"), (3, "Alerts")]
STATUS_NAMES = [
    ("New", False, True),
    ("Assigned", False, False),
    ("In Progress", False, False),
    ("Waiting on Customer", False, False),
    ("Resolved", True, False),
    ("Closed", True, False),
]
TYPE_NAMES = {1: ["Incident", "Request"], 2: ["Change", "Project Task"], 3: ["Alert"]}

PRIORITIES = [
    {"id": 8, "name": "Priority 1 - Emergency Response", "sortOrder": 1, "color": "Red", "level": "Level1", "defaultFlag": False},
    {"id": 15, "name": "Priority 2 - Quick Response", "sortOrder": 2, "color": "Orange", "level": "Level2", "defaultFlag": False},
    {"id": 4, "name": "Priority 3 - Normal Response", "sortOrder": 6, "color": "Green", "level": "Level3", "defaultFlag": True},
    {"id": 7, "name": "Priority 4 - Schedule Maintenance", "sortOrder": 8, "color": "Blue", "level": "Level4", "defaultFlag": False},
]

SUMMARIES = [
    "Point-of-sale terminal offline",
    "VPN drops every 20 minutes",
    "New hire laptop setup",
    "Printer shows paper jam with no paper",
    "Email bouncing from vendor domain",
    "Wi-Fi slow in the warehouse",
    "Replace failing UPS battery",
    "Shared drive permissions for finance",
    "Firewall firmware update",
    "Phones ring but no audio",
    "Backup job failed overnight",
    "MFA reset for a locked-out user",
    "Kitchen display screen frozen",
    "Request: add a guest Wi-Fi network",
    "Disk space alert on file server",
    "Outlook keeps asking for password",
    "Café menu board not updating",
    "Scanner to email not working",
    "Printer offline after power outage",
    "Renew SSL certificate for the web shop",
]
NOTE_TEXTS = [
    "Called the customer, reproduced the issue remotely.",
    "Rebooted the device; monitoring for recurrence.",
    "Vendor ticket opened, waiting for their reply.",
    "Applied the fix and confirmed with the user — all good.",
    "Ordered a replacement part (ETA 2 business days).",
    "Customer says it happens mostly in the morning ☕.",
]
FIRST_NAMES = ["Ava", "Bjørn", "Chloé", "Dmitri", "Erin", "Fatima", "Gus", "Hana", "Iker", "Jules", "Kofi", "Lena"]
LAST_NAMES = ["Olsen", "Nakamura", "O'Connor", "Ferreira", "Novak", "Schäfer", "Mbeki", "Larsen"]


def member_ref(member: dict) -> dict:
    """How other records point at a member. A member record has no ``name``: the reference's
    name is ConnectWise's display name, first and last name joined."""
    return {
        "id": member["id"],
        "identifier": member["identifier"],
        "name": f"{member['firstName']} {member['lastName']}",
    }


def build() -> dict:
    rng = random.Random(SEED)
    companies = []
    for cid, ident, name, city, state, _domain in COMPANIES:
        companies.append(
            {
                "id": cid,
                "identifier": ident,
                "name": name,
                "status": {"id": 1, "name": "Active"},
                "types": [{"id": 1, "name": "Client"}],
                "addressLine1": f"{rng.randint(100, 9999)} Lake Ave",
                "city": city,
                "state": state,
                "zip": f"55{rng.randint(100, 999)}",
                "country": {"id": 1, "name": "United States"},
                "phoneNumber": f"218555{rng.randint(1000, 9999)}",
                "website": f"www.{_domain}",
                "market": {"id": 1, "name": "Retail"},
                "deletedFlag": False,
                "_info": {"lastUpdated": iso(NOW - timedelta(days=rng.randint(10, 300))), "updatedBy": "ylindqvist"},
            }
        )

    contacts = []
    contact_id = 3001
    for cid, _ident, name, *_rest, domain in COMPANIES:
        for index in range(2 if cid != 508 else 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            contacts.append(
                {
                    "id": contact_id,
                    "firstName": first,
                    "lastName": last,
                    "company": {"id": cid, "identifier": _ident, "name": name},
                    "title": "Owner" if index == 0 else "Office Manager",
                    "defaultFlag": index == 0,
                    "inactiveFlag": False,
                    "communicationItems": [
                        {
                            "type": {"id": 1, "name": "Email"},
                            "value": f"{first.lower()}.{last.lower().replace(chr(39), '')}@{domain}",
                            "defaultFlag": True,
                            "communicationType": "Email",
                        },
                        {
                            "type": {"id": 2, "name": "Direct"},
                            "value": f"218555{rng.randint(1000, 9999)}",
                            "defaultFlag": True,
                            "communicationType": "Phone",
                        },
                    ],
                }
            )
            contact_id += 1

    members = []
    for mid, ident, first, last, title, inactive in MEMBERS:
        email = "casey@northshore.example" if ident == "cdiaz" else f"{ident}@northshore.example"
        members.append(
            {
                "id": mid,
                "identifier": ident,
                "firstName": first,
                "lastName": last,
                "title": title,
                "inactiveFlag": inactive,
                "officeEmail": email,
                "primaryEmail": email,
                "licenseClass": "A",
                "defaultEmail": "Office",
                "defaultPhone": "Office",
                "securityRole": {"id": 70, "name": "API Integration" if ident == API_MEMBER else "Technician"},
                "defaultLocation": {"id": 3, "name": "Duluth Office"},
                "defaultDepartment": {"id": 20, "identifier": "Support", "name": "Support"},
                "serviceDefaultBoard": {"id": 1, "name": "Help Desk"},
            }
        )

    boards, statuses, types = [], [], []
    status_id, type_id = 200, 400
    for bid, bname in BOARDS:
        boards.append(
            {
                "id": bid,
                "name": bname,
                "location": {"id": 3, "name": "Duluth Office"},
                "department": {"id": 20, "identifier": "Support", "name": "Support"},
                "inactiveFlag": False,
                "projectFlag": False,
                "autoAssignNewTicketsFlag": False,
            }
        )
        for order, (sname, closed, default) in enumerate(STATUS_NAMES):
            statuses.append(
                {
                    "id": status_id,
                    "name": sname,
                    "board": {"id": bid, "name": bname},
                    "sortOrder": order,
                    "displayOnBoard": True,
                    "inactive": False,
                    "closedStatus": closed,
                    "timeEntryNotAllowed": False,
                    "defaultFlag": default,
                    "escalationStatus": "NotResponded",
                    "customerPortalFlag": True,
                }
            )
            status_id += 1
        for tname in TYPE_NAMES[bid]:
            types.append({"id": type_id, "name": tname, "board": {"id": bid, "name": bname}, "inactiveFlag": False})
            type_id += 1

    configurations = []
    config_id = 6001
    for cid, ident, name, *_rest in COMPANIES:
        for index in range(3):
            device = f"{ident[:5].upper()}-{['PC', 'FW', 'PRN'][index]}{index + 1:02d}"
            configurations.append(
                {
                    "id": config_id,
                    "name": device,
                    "deviceIdentifier": device,
                    "type": {"id": index + 1, "name": ["Workstation", "Firewall", "Printer"][index]},
                    "status": {"id": 1, "name": "Active"},
                    "company": {"id": cid, "identifier": ident, "name": name},
                    "serialNumber": f"NS{rng.randint(10_000_000, 99_999_999)}",
                    "modelNumber": ["OptiPlex 7010", "FortiGate 60F", "LaserJet M404"][index],
                    "ipAddress": f"10.{cid % 256}.0.{10 + index}",
                    "osType": ["Windows 11 Pro", "FortiOS 7.4", ""][index],
                    "activeFlag": True,
                }
            )
            config_id += 1

    engineers = [m for m in members if not m["inactiveFlag"] and m["identifier"] != API_MEMBER]
    all_engineers = [m for m in members if m["identifier"] != API_MEMBER]
    tickets, notes, links, entries = [], [], [], []
    note_id, entry_id = 95001, 75001
    for index in range(150):
        ticket_id = 1000 + index
        company = companies[index % len(companies)]
        board = boards[rng.choice([0, 0, 0, 1, 2])]
        board_statuses = [s for s in statuses if s["board"]["id"] == board["id"]]
        closed = rng.random() < 0.55
        status = rng.choice([s for s in board_statuses if s["closedStatus"] == closed])
        priority = rng.choice(PRIORITIES)
        ticket_type = rng.choice([t for t in types if t["board"]["id"] == board["id"]])
        company_contacts = [c for c in contacts if c["company"]["id"] == company["id"]]
        contact = rng.choice(company_contacts)
        entered = NOW - timedelta(days=rng.randint(1, 200), minutes=rng.randint(0, 1440))
        updated = entered + timedelta(hours=rng.randint(1, 72))
        summary = SUMMARIES[index % len(SUMMARIES)]
        if index == 7:
            summary = "Ünicode check: naïve café résumé — 北岸 ✓"
        contact_name = f"{contact['firstName']} {contact['lastName']}"
        ticket = {
            "id": ticket_id,
            "summary": summary,
            "recordType": "ServiceTicket",
            "board": {"id": board["id"], "name": board["name"]},
            "status": {"id": status["id"], "name": status["name"], "Sort": status["sortOrder"]},
            "company": {"id": company["id"], "identifier": company["identifier"], "name": company["name"]},
            "site": {"id": company["id"] + 300, "name": "Main"},
            "siteName": "Main",
            "addressLine1": company["addressLine1"],
            "city": company["city"],
            "stateIdentifier": company["state"],
            "zip": company["zip"],
            "contact": {"id": contact["id"], "name": contact_name},
            "contactName": contact_name,
            "contactPhoneNumber": contact["communicationItems"][1]["value"],
            "contactEmailAddress": contact["communicationItems"][0]["value"],
            "type": {"id": ticket_type["id"], "name": ticket_type["name"]},
            "team": {"id": 30, "name": "Support Team"},
            "priority": {"id": priority["id"], "name": priority["name"], "sort": priority["sortOrder"], "level": priority["level"]},
            "serviceLocation": {"id": 2, "name": rng.choice(["Remote", "On-Site"])},
            "source": {"id": 2, "name": rng.choice(["Email", "Phone", "Portal"])},
            "severity": rng.choice(["Low", "Medium", "High"]),
            "impact": rng.choice(["Low", "Medium", "High"]),
            "closedFlag": closed,
            "sla": {"id": 1, "name": "Standard SLA"},
            "slaStatus": "" if closed else f"Resolve by {(entered + timedelta(days=2)).strftime('%a %m/%d %I:%M %p')} UTC",
            "isInSla": True,
            "respondedHours": 2,
            "resplanHours": 24,
            "resolutionHours": 48,
            "resources": "",
            "hasChildTicket": False,
            "hasMergedChildTicketFlag": False,
            "billTime": "NoDefault",
            "billExpenses": "NoDefault",
            "billProducts": "Billable",
            "customerUpdatedFlag": False,
            "approved": True,
            "_info": {"dateEntered": iso(entered), "enteredBy": rng.choice([API_MEMBER, "Portal", "ylindqvist"]), "lastUpdated": iso(updated), "updatedBy": rng.choice(engineers)["identifier"]},
        }
        if closed:
            ticket["closedDate"] = iso(updated)
            ticket["closedBy"] = ticket["_info"]["updatedBy"]
        if rng.random() < 0.7:
            owner = rng.choice(all_engineers)
            ticket["owner"] = member_ref(owner)
        tickets.append(ticket)

        notes.append(
            {
                "id": note_id,
                "ticketId": ticket_id,
                "text": f"{summary}. Reported by {contact_name}.",
                "detailDescriptionFlag": True,
                "internalAnalysisFlag": False,
                "resolutionFlag": False,
                "contact": {"id": contact["id"], "name": contact_name},
                "dateCreated": iso(entered),
                "createdBy": ticket["_info"]["enteredBy"],
                "internalFlag": False,
                "externalFlag": False,
            }
        )
        note_id += 1
        for extra in range(rng.randint(0, 3)):
            author = rng.choice(engineers)
            internal = rng.random() < 0.3
            resolution = closed and extra == 0 and not internal
            notes.append(
                {
                    "id": note_id,
                    "ticketId": ticket_id,
                    "text": rng.choice(NOTE_TEXTS),
                    "detailDescriptionFlag": not internal and not resolution,
                    "internalAnalysisFlag": internal,
                    "resolutionFlag": resolution,
                    "member": member_ref(author),
                    "dateCreated": iso(entered + timedelta(hours=extra + 1)),
                    "createdBy": author["identifier"],
                    "internalFlag": internal,
                    "externalFlag": False,
                }
            )
            note_id += 1

        company_configs = [c for c in configurations if c["company"]["id"] == company["id"]]
        for config in rng.sample(company_configs, rng.randint(0, 2)):
            links.append({"ticketId": ticket_id, "configurationId": config["id"]})

        assigned = rng.sample(engineers, rng.choice([0, 1, 1, 1, 2]))
        for member in assigned:
            start = entered + timedelta(hours=rng.randint(2, 48))
            entries.append(
                {
                    "id": entry_id,
                    "objectId": ticket_id,
                    "name": f"{company['name']} / {summary}",
                    "member": member_ref(member),
                    "type": {"id": 4, "identifier": "S"},
                    "status": {"id": 2, "name": "Firm"},
                    "dateStart": iso(start),
                    "dateEnd": iso(start + timedelta(hours=1)),
                    "hours": 1.0,
                    "doneFlag": closed,
                    "acknowledgedFlag": True,
                    "ownerFlag": ticket.get("owner", {}).get("id") == member["id"],
                    "meetingFlag": False,
                    "allowScheduleConflictsFlag": True,
                    "_info": {"dateEntered": iso(entered), "enteredBy": "ylindqvist"},
                }
            )
            entry_id += 1
        open_members = [e["member"]["identifier"] for e in entries if e["objectId"] == ticket_id and not e["doneFlag"]]
        ticket["resources"] = ", ".join(dict.fromkeys(open_members))

    # A few parent/child pairs.
    for child, parent in ((1010, 1003), (1044, 1003), (1090, 1071)):
        tickets[child - 1000]["parentTicketId"] = parent
        tickets[parent - 1000]["hasChildTicket"] = True

    return {
        "_about": "Synthetic ConnectWise Manage tenant 'northshore' for demos and tests, generated by generate_northshore.py. Shapes follow the ConnectWise Manage REST API 3.0 (2025.x). All names are fictional.",
        "generatedNow": iso(NOW),
        "apiVersion": "2025.8",
        "codebase": "v4_6_release/",
        "companyId": "northshore",
        "apiMember": API_MEMBER,
        "companies": companies,
        "contacts": contacts,
        "members": members,
        "boards": boards,
        "boardStatuses": statuses,
        "boardTypes": types,
        "priorities": PRIORITIES,
        "slas": [{"id": 1, "name": "Standard SLA"}],
        "scheduleTypes": [{"id": 4, "identifier": "S", "name": "Service"}, {"id": 1, "identifier": "C", "name": "Activity"}],
        "configurations": configurations,
        "tickets": tickets,
        "ticketNotes": notes,
        "ticketConfigurations": links,
        "scheduleEntries": entries,
    }


def main() -> None:
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
