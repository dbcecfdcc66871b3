"""One simulated API call: the request as the handlers read it, the response they answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from psa.simulator.errors import ApiError
from psa.simulator.schema import RouteSchema
from psa.simulator.store import TenantStore


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: bytes
    base_url: str
    remote_addr: str | None = None
    ids: dict[str, int] = field(default_factory=dict)
    store: TenantStore | None = None
    schema: RouteSchema | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        if not self.body.strip():
            raise ApiError(400, "BadRequest", "The request body is empty; send a JSON object.")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(
                400, "BadRequest", f"The request body is not valid JSON: {error}"
            ) from None

    @property
    def tenant(self) -> TenantStore:
        assert self.store is not None
        return self.store

    @property
    def route_schema(self) -> RouteSchema:
        """The route's schema (every route that lists, counts or reads records has one)."""
        assert self.schema is not None, "no schema.json entity for this route"
        return self.schema


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    payload: bytes | None = None

    def serialise(self) -> bytes:
        if self.payload is None:
            if self.status == 204 or self.body is None:
                self.payload = b""
            else:
                text = json.dumps(self.body, ensure_ascii=False, separators=(",", ":"))
                self.payload = text.encode("utf-8")
        return self.payload
