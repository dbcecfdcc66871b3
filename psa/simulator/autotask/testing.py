"""An in-process client for the Autotask simulator's WSGI app (no sockets), for tests.

sim = AtClient()                                     # the demo API user, a fresh app
sim.query("Tickets", {"filter": [{"op": "gte", "field": "id", "value": 0}], "MaxRecords": 5})
sim.get("Tickets/7001").json["item"]
"""

from __future__ import annotations

import io
import json as jsonlib
from typing import Any
from urllib.parse import urlencode, urlsplit

from psa.simulator.autotask.app import API_PREFIX, AutotaskApp
from psa.simulator.testing import SimResponse

DEMO_HEADERS = {
    "UserName": "rfdemo@lakesideit.example",
    "Secret": "rfdemo-secret",
    "ApiIntegrationCode": "RFDEMO",
}
EVERYTHING = [{"op": "gte", "field": "id", "value": 0}]
_UNSET: Any = object()


class AtClient:
    def __init__(self, app: AutotaskApp | None = None, *, host: str = "atsim.test") -> None:
        self.app = app or AutotaskApp()
        self.host = host

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = _UNSET,
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
        body = (
            data if data is not None else (b"" if json is _UNSET else jsonlib.dumps(json).encode())
        )
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method.upper(),
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": self.host,
            "SERVER_PORT": "80",
            "HTTP_HOST": self.host,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/json",
            "REMOTE_ADDR": remote_addr,
        }
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
        captured: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
            captured["status"] = int(status.split()[0])
            captured["headers"] = dict(response_headers)

        payload = b"".join(self.app(environ, start_response))
        return SimResponse(captured["status"], captured["headers"], payload)

    def get(self, path: str, **kwargs: Any) -> SimResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = _UNSET, **kwargs: Any) -> SimResponse:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = _UNSET, **kwargs: Any) -> SimResponse:
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> SimResponse:
        return self.request("DELETE", path, **kwargs)

    def query(self, entity: str, search: dict[str, Any], **kwargs: Any) -> SimResponse:
        return self.post(f"{entity}/query", search, **kwargs)
