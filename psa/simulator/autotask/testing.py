"""An in-process client for the Autotask simulator's WSGI app (no sockets), for tests.

sim = AtClient()                                     # the demo API user, a fresh app
sim.query("Tickets", {"filter": [{"op": "gte", "field": "id", "value": 0}], "MaxRecords": 5})
sim.get("Tickets/7001").json["item"]
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from psa.simulator.autotask.app import API_PREFIX, AutotaskApp
from psa.simulator.wsgi_client import (
    UNSET,
    InProcessClient,
    SimResponse,
    body_of,
    call_wsgi,
    wsgi_environ,
)

DEMO_HEADERS = {
    "UserName": "rfdemo@lakesideit.example",
    "Secret": "rfdemo-secret",
    "ApiIntegrationCode": "RFDEMO",
}
EVERYTHING = [{"op": "gte", "field": "id", "value": 0}]


class AtClient(InProcessClient):
    def __init__(self, app: AutotaskApp | None = None, *, host: str = "atsim.test") -> None:
        self.app = app or AutotaskApp()
        self.host = host

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = UNSET,
        data: bytes | None = None,
        headers: dict[str, str | None] | None = None,
        remote_addr: str = "127.0.0.1",
    ) -> SimResponse:
        if path.startswith("http"):
            parts = urlsplit(path)
            path, query = parts.path, parts.query
        else:
            query = urlencode(params or {})
            if not path.startswith("/"):
                path = f"{API_PREFIX}/{path}"
        environ = wsgi_environ(
            method,
            path,
            query=query,
            body=body_of(json, data),
            host=self.host,
            remote_addr=remote_addr,
        )
        merged: dict[str, str | None] = {**DEMO_HEADERS, **(headers or {})}
        for name, value in merged.items():
            key = (
                "CONTENT_TYPE"
                if name.lower() == "content-type"
                else "HTTP_" + name.upper().replace("-", "_")
            )
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        return call_wsgi(self.app, environ)

    def query(self, entity: str, search: dict[str, Any], **kwargs: Any) -> SimResponse:
        return self.post(f"{entity}/query", search, **kwargs)
