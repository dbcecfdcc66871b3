"""An in-process client for the simulator's WSGI app (no sockets), for tests.

sim = SimClient()                       # baysideit demo credentials, a fresh app
resp = sim.get("/service/tickets", params={"pageSize": 5})
resp.status, resp.headers["Link"], resp.json
"""

from __future__ import annotations

import base64
import io
import json as jsonlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from psa.simulator.app import SimulatorApp
from psa.simulator.server import API_PATH

DEMO_CREDENTIALS = {
    "baysideit": ("rfdemo-public", "rfdemo-private"),
    "northshore": ("nsdemo-public", "nsdemo-private"),
}
ACCEPT = "application/vnd.connectwise.com+json; version=2025.8"
UNSET: Any = object()  # "not given", where None is a value (no Authorization header)


@dataclass
class SimResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return jsonlib.loads(self.body.decode("utf-8")) if self.body else None

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


def body_of(json: Any = UNSET, data: bytes | None = None) -> bytes:
    """A request body: raw ``data`` as given, else ``json`` encoded, else nothing."""
    if data is not None:
        return data
    return b"" if json is UNSET else jsonlib.dumps(json).encode()


def wsgi_environ(
    method: str, path: str, *, query: str, body: bytes, host: str, remote_addr: str
) -> dict[str, Any]:
    """A JSON request's environ as a WSGI server on ``host`` would build it."""
    return {
        "REQUEST_METHOD": method.upper(),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "REMOTE_ADDR": remote_addr,
    }


def call_wsgi(app: Any, environ: dict[str, Any]) -> SimResponse:
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        captured["status"] = int(status.split()[0])
        captured["headers"] = dict(response_headers)

    payload = b"".join(app(environ, start_response))
    return SimResponse(captured["status"], captured["headers"], payload)


def basic_auth(company_id: str, public_key: str, private_key: str) -> str:
    token = base64.b64encode(f"{company_id}+{public_key}:{private_key}".encode()).decode("ascii")
    return f"Basic {token}"


class SimClient:
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

    def get(self, path: str, **kwargs: Any) -> SimResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = UNSET, **kwargs: Any) -> SimResponse:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = UNSET, **kwargs: Any) -> SimResponse:
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> SimResponse:
        return self.request("DELETE", path, **kwargs)
