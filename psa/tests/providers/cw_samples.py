"""ConnectWise-shaped sample records (trimmed from the demo tenant) for `responses` tests."""

from __future__ import annotations

from typing import Any

from psa.providers.base import PSAScheduleType, ReferenceData
from psa.providers.connectwise.client import ConnectWiseClient
from psa.providers.connectwise.config import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider

CONFIG = ConnectWiseConfig(
    site_url="cw.example.test",
    company_id="baysideit",
    public_key="pub-key",
    private_key="priv-key",
    client_id="11111111-2222-3333-4444-555555555555",
)
API = "https://cw.example.test/v4_6_release/apis/3.0"
# base64("baysideit+pub-key:priv-key")
AUTHORIZATION = "Basic YmF5c2lkZWl0K3B1Yi1rZXk6cHJpdi1rZXk="
ACCEPT = "application/vnd.connectwise.com+json; version=2025.8"


def make_provider(sleeps: list[float] | None = None, **config: Any) -> ConnectWiseProvider:
    cfg = ConnectWiseConfig(**{**_config_kwargs(CONFIG), **config})
    sink = sleeps if sleeps is not None else []
    client = ConnectWiseClient(cfg, sleep=sink.append, jitter=lambda: 0.5)
    return ConnectWiseProvider(client=client)


def _config_kwargs(cfg: ConnectWiseConfig) -> dict[str, Any]:
    return {name: getattr(cfg, name) for name in cfg.__dataclass_fields__}


def ticket(id: int = 1000, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": id,
        "summary": "Firewall rule request: allow SFTP to vendor",
        "board": {"id": 2, "name": "Network Operations"},
        "status": {"id": 112, "name": "Scheduled", "Sort": 4},
        "company": {
            "id": 257,
            "identifier": "UnterbergLogistik",
            "name": "Ünterberg Logistik GmbH",
        },
        "contact": {"id": 1020, "name": "Paul Alvarez"},
        "contactEmailAddress": "paul.alvarez@unterberg.example",
        "type": {"id": 304, "name": "Change"},
        "priority": {"id": 4, "name": "Priority 3 - Normal Response", "sort": 6},
        "severity": "Medium",
        "impact": "High",
        "closedFlag": False,
        "slaStatus": "Resolve by Sun 07/05 07:31 PM UTC",
        "resources": "lmartin, jsmithson",
        "hasChildTicket": False,
        "_info": {"dateEntered": "2026-07-03T19:31:47Z", "lastUpdated": "2026-07-08T09:31:47Z"},
        "owner": {"id": 25, "identifier": "lmartin", "name": "Lucia Martin"},
    }
    data.update(overrides)
    return data


NOTE = {
    "id": 90002,
    "ticketId": 1000,
    "text": "Checked event logs.",
    "detailDescriptionFlag": True,
    "internalAnalysisFlag": False,
    "resolutionFlag": False,
    "member": {"id": 25, "identifier": "lmartin", "name": "Lucia Martin"},
    "dateCreated": "2026-07-06T02:02:47Z",
    "createdBy": "lmartin",
}
CONFIGURATION = {
    "id": 5001,
    "name": "ACMEC-LT01",
    "type": {"id": 7, "name": "Laptop"},
    "serialNumber": "SN57895510",
    "modelNumber": "Latitude 5440",
    "ipAddress": "10.250.1.23",
    "osType": "Windows 11 Pro",
}
CONTACT = {
    "id": 1020,
    "firstName": "Paul",
    "lastName": "Alvarez",
    "company": {"id": 257, "identifier": "UnterbergLogistik", "name": "Ünterberg Logistik GmbH"},
    "title": "Owner",
    "communicationItems": [
        {
            "type": {"id": 1, "name": "Email"},
            "value": "paul@x.example",
            "defaultFlag": True,
            "communicationType": "Email",
        },
        {
            "type": {"id": 2, "name": "Direct"},
            "value": "7115552964",
            "defaultFlag": True,
            "communicationType": "Phone",
        },
    ],
}
ENTRY = {
    "id": 70001,
    "objectId": 1000,
    "member": {"id": 25, "identifier": "lmartin", "name": "Lucia Martin"},
    "type": {"id": 4, "identifier": "S"},
    "doneFlag": False,
}
BOARD = {"id": 1, "name": "Service Desk", "inactiveFlag": False}
STATUS = {
    "id": 100,
    "name": "New",
    "board": {"id": 1, "name": "Service Desk"},
    "sortOrder": 0,
    "inactive": False,
    "closedStatus": False,
    "defaultFlag": True,
}
PRIORITY = {"id": 8, "name": "Priority 1 - Emergency Response", "sortOrder": 1, "color": "Red"}
MEMBER = {
    "id": 17,
    "identifier": "jsmith",
    "firstName": "Jordan",
    "lastName": "Smith",
    "inactiveFlag": False,
    "officeEmail": "jsmith@baysideit.example",
}
COMPANY = {"id": 250, "identifier": "AcmeCorp", "name": "Acme Corp"}

SCHEDULE_TYPE = {"id": 4, "identifier": "S", "name": "Service"}
REFERENCE_WITH_SCHEDULE_TYPE = ReferenceData(
    boards=(),
    statuses=(),
    priorities=(),
    members=(),
    companies=(),
    schedule_type=PSAScheduleType(id=4, identifier="S", name="Service"),
)
