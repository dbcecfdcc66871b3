"""The in-process WSGI client both simulators' test clients build on (no sockets).

A subclass says how to address and authenticate one call (`request`); the verbs are shared.
"""

from __future__ import annotations

import io
import json as jsonlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


class InProcessClient:
    """HTTP verbs over `request(method, path, **options)`, which each simulator's client defines
    with the options it takes (credentials, headers, query)."""

    request: Callable[..., SimResponse]

    def get(self, path: str, **kwargs: Any) -> SimResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = UNSET, **kwargs: Any) -> SimResponse:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = UNSET, **kwargs: Any) -> SimResponse:
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> SimResponse:
        return self.request("DELETE", path, **kwargs)
