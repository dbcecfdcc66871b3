"""AutotaskProvider: the PSAProvider operations in terms of the Autotask REST API v1.0.

One mixin per concern, each in its own module, on one `AutotaskConnection` (the client and the
caches): `reference` (queues, statuses, priorities, resources, companies), `ticket_search` (the
list), `tickets` (one ticket, its panel), `directory` (companies, contacts, configuration items),
`notes`, `resources` (assignees) and `ticket_writes`. All HTTP goes through `AutotaskClient`; all
JSON -> dataclass work lives in `mapping`; every filter is built with `query`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from psa.providers.autotask.reference import ReferenceLists
from psa.providers.autotask.ticket_writes import TicketWrites
from psa.providers.base import CallBudget, HealthStatus, PSACapabilities, PSAError

# One global status picklist for every queue; cursor pages without a total or a sort (the
# provider scans ids and sort keys, then reads the page by id); a resource is assigned with a
# role; a note is all-users or internal only (no resolution flag).
CAPABILITIES = PSACapabilities(
    name="Autotask",
    product_name="Autotask PSA",
    board_label="Queue",
    status_scope="global",
    paging="cursor",
    server_sort=False,
    assignee_needs_role=True,
    note_kinds=("discussion", "internal"),
    member_label="resource",
    summary_max=255,
)


class AutotaskProvider(TicketWrites, ReferenceLists):
    """One Autotask tenant. Build from an `AutotaskConfig`, or hand in an existing client."""

    capabilities = CAPABILITIES

    def health_check(self) -> HealthStatus:
        """Zone discovery plus one cheap authenticated call; never raises."""
        try:
            usage = self.client.get("ThresholdInformation")
        except PSAError as exc:
            return HealthStatus(
                ok=False, message=exc.message, details={"code": exc.code, "detail": exc.detail}
            )
        details = {"zone": self.client.api_root}
        if isinstance(usage, dict):
            details["requests_this_hour"] = (
                f"{usage.get('currentTimeframeRequestCount')}/{usage.get('externalRequestThreshold')}"
            )
        return HealthStatus(
            ok=True, message=f"Connected to Autotask as {self.config.username}.", details=details
        )

    def call_budget(self, *, refresh: bool = False) -> CallBudget | None:
        """The tenant's 10,000-requests-an-hour threshold (`AutotaskClient.call_budget`)."""
        return self.client.call_budget(refresh=refresh)

    def web_url(self, *, ticket_id: int) -> str:
        """Autotask's ticket detail page lives on the zone's web host (`webservicesN` -> `wwN`).

        Rendering a link must not cost a call: "" until the zone has been discovered.
        """
        root = self.client.known_api_root
        if not root:
            return ""
        parts = urlsplit(root)
        host = parts.netloc.replace("webservices", "ww", 1)
        return (
            f"{parts.scheme}://{host}/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False"
            f"&ticketId={int(ticket_id)}"
        )

    def close(self) -> None:
        self.client.close()
