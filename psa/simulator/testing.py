"""An in-process client for the simulator's WSGI app (no sockets), for tests.

sim = SimClient()                       # baysideit demo credentials, a fresh app
resp = sim.get("/service/tickets", params={"pageSize": 5})
resp.status, resp.headers["Link"], resp.json
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from psa.simulator.app import SimulatorApp
from psa.simulator.server import API_PATH
from psa.simulator.wsgi_client import (
    UNSET,
    InProcessClient,
    SimResponse,
    body_of,
    call_wsgi,
    wsgi_environ,
)

DEMO_CREDENTIALS = {
    "baysideit": ("rfdemo-public", "rfdemo-private"),
    "northshore": ("nsdemo-public", "nsdemo-private"),
}
ACCEPT = "application/vnd.connectwise.com+json; version=2025.8"


def basic_auth(company_id: str, public_key: str, private_key: str) -> str:
    token = base64.b64encode(f"{company_id}+{public_key}:{private_key}".encode()).decode("ascii")
    return f"Basic {token}"


class SimClient(InProcessClient):
    """Calls a :class:`SimulatorApp` directly through WSGI, authenticated as one tenant."""

    def __init__(
        self,
        app: SimulatorApp | None = None,
        *,
        company_id: str = "baysideit",
        client_id: str = "rf-tests",
        host: str = "sim.test",
    ) -> None:
        self.app = app or SimulatorApp()
        self.company_id = company_id
        self.client_id = client_id
        self.host = host

    def as_tenant(self, company_id: str) -> SimClient:
        return SimClient(self.app, company_id=company_id, client_id=self.client_id, host=self.host)

    def url_path(self, path: str) -> str:
        if path.startswith(("/_sim", "/login/")) or "/apis/3.0" in path:
            return path
        return f"{API_PATH}{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | str | None = None,
        json: Any = UNSET,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        authorization: str | None = UNSET,
        client_id: str | None = UNSET,
        remote_addr: str = "127.0.0.1",
    ) -> SimResponse:
        query = params if isinstance(params, str) else urlencode(params or {})
        environ = wsgi_environ(
            method,
            self.url_path(path),
            query=query,
            body=body_of(json, data),
            host=self.host,
            remote_addr=remote_addr,
        )
        environ["HTTP_ACCEPT"] = ACCEPT
        if authorization is UNSET:
            public_key, private_key = DEMO_CREDENTIALS[self.company_id]
            authorization = basic_auth(self.company_id, public_key, private_key)
        if authorization is not None:
            environ["HTTP_AUTHORIZATION"] = authorization
        if client_id is UNSET:
            client_id = self.client_id
        if client_id is not None:
            environ["HTTP_CLIENTID"] = client_id
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        return call_wsgi(self.app, environ)
