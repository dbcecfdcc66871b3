"""ConnectWiseProvider: the PSAProvider operations in terms of ConnectWise Manage REST API 3.0.

One mixin per concern, each in its own module, all on one `ConnectWiseConnection` (the client
and the caches): `tickets` (reads), `ticket_writes`, `notes`, `resources` (assignees),
`directory` (companies, contacts, configurations) and `reference` (boards, statuses, ...). All
HTTP goes through `ConnectWiseClient`; all JSON -> dataclass work lives in `mapping`; all
conditions are built with `conditions` (ticket search in `ticket_query`). Independent calls run
in parallel (`parallel`).
"""

from __future__ import annotations

from urllib.parse import quote as urlquote
from urllib.parse import urlsplit

from psa.providers.base import HealthStatus, PSACapabilities, PSAError
from psa.providers.connectwise.directory import TenantDirectory
from psa.providers.connectwise.notes import TicketNotes
from psa.providers.connectwise.reference import ReferenceLists
from psa.providers.connectwise.resources import TicketResources
from psa.providers.connectwise.ticket_writes import TicketWrites
from psa.providers.connectwise.tickets import TicketReads
from psa.providers.parallel import run_parallel

# Statuses belong to a service board; pages are numbered with a total (a parallel count);
# `orderBy` sorts on the server; a member is assigned without a role; notes are discussion,
# internal analysis or resolution flags on one note record.
CAPABILITIES = PSACapabilities(
    name="ConnectWise",
    product_name="ConnectWise Manage",
    board_label="Board",
    status_scope="board",
    paging="numbered",
    server_sort=True,
    assignee_needs_role=False,
    note_kinds=("discussion", "internal", "resolution"),
    member_label="member",
    summary_max=100,
)


class ConnectWiseProvider(
    TicketWrites, TicketReads, TicketNotes, TenantDirectory, TicketResources, ReferenceLists
):
    """One ConnectWise tenant. Build from a `ConnectWiseConfig`, or hand in an existing client."""

    capabilities = CAPABILITIES

    def health_check(self) -> HealthStatus:
        """A cheap authenticated call; never raises. `/system/info` adds the version if allowed."""

        def version() -> str:
            try:
                info = self.client.get("/system/info")
            except PSAError:
                return ""
            return str(info.get("version") or "") if isinstance(info, dict) else ""

        def probe() -> PSAError | None:
            try:
                self.client.get("/service/boards", {"fields": "id", "page": 1, "pageSize": 1})
            except PSAError as exc:
                return exc
            return None

        try:
            error, server_version = run_parallel(probe, version)
        except PSAError as exc:  # pragma: no cover - both callables catch PSAError
            error, server_version = exc, ""
        if error is not None:
            return HealthStatus(
                ok=False,
                message=error.message,
                details={"code": error.code, "detail": error.detail},
            )
        return HealthStatus(
            ok=True,
            message=f"Connected to ConnectWise as company {self.config.company_id!r}.",
            server_version=server_version,
            details={"site": self.config.site_root},
        )

    def web_url(self, *, ticket_id: int) -> str:
        """The ticket in ConnectWise's own UI. Cloud API hosts (`api-na.…`) map to `na.…`."""
        parts = urlsplit(self.config.site_root)
        host = parts.netloc.removeprefix("api-")
        return (
            f"{parts.scheme}://{host}/{self.config.codebase_path}services/system_io/Service/"
            f"fv_sr100_request.rails?service_recid={int(ticket_id)}"
            f"&companyName={urlquote(self.config.company_id, safe='')}"
        )

    def close(self) -> None:
        self.client.close()
