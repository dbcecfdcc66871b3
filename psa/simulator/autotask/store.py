"""The Autotask tenant: its API users, its data (from ``lakeside.json`` or a generator) and a lock.

One :class:`AtTenant` per Autotask database. Every read and write holds ``lock``; nothing sleeps
while holding it. Records keep ascending ids (new ids are above every existing one), which is
the order Autotask answers queries in (README: no sort, ascending id).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from psa.simulator.autotask.schema import SERVED, fields_of
from psa.simulator.store import data_file_bytes

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "lakeside.json"


@dataclass(frozen=True)
class ApiUser:
    user_name: str
    secret: str
    integration_code: str


@dataclass(frozen=True)
class AtTenantConfig:
    database_id: str
    users: tuple[ApiUser, ...]
    data_file: Path = DATA_FILE
    # Builds the data instead of reading ``data_file`` (``atsim --tickets N``).
    data_factory: Callable[[], dict[str, Any]] | None = None


LAKESIDE = AtTenantConfig(
    database_id="lakeside",
    users=(ApiUser("rfdemo@lakesideit.example", "rfdemo-secret", "RFDEMO"),),
)


def now_iso() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class AtTenant:
    """One Autotask database's data, picklists, user-defined fields and lock."""

    def __init__(self, config: AtTenantConfig = LAKESIDE) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.data: dict[str, Any] = {}
        self.by_id: dict[str, dict[int, dict[str, Any]]] = {}
        self.reset()

    def reset(self) -> None:
        data = (
            self.config.data_factory()
            if self.config.data_factory is not None
            else json.loads(data_file_bytes(self.config.data_file))
        )
        with self.lock:
            self.data = data
            self.by_id = {}
            for entity in SERVED:
                records = data["entities"].setdefault(entity, [])
                records.sort(key=lambda r: r["id"])
                self.by_id[entity] = {r["id"]: r for r in records}

    # ----------------------------------------------------------------- users
    def user(self, user_name: str) -> ApiUser | None:
        # Spelled exactly as the API user was created: whether Autotask matches UserName (an
        # e-mail address) in any case is unconfirmed, so another case is an unknown user [U].
        return next((u for u in self.config.users if u.user_name == user_name), None)

    @property
    def api_resource_id(self) -> int:
        return int(self.data["apiResourceID"])

    def may_impersonate(self, resource_id: int) -> bool:
        resource = self.get("Resources", resource_id)
        return bool(
            resource and resource.get("isActive") and resource_id in self.data["impersonatable"]
        )

    @property
    def info(self) -> dict[str, Any]:
        return dict(self.data["tenant"])

    # ----------------------------------------------------------------- reads
    def records(self, entity: str) -> list[dict[str, Any]]:
        return self.data["entities"][entity]

    def get(self, entity: str, record_id: object) -> dict[str, Any] | None:
        if not isinstance(record_id, int) or isinstance(record_id, bool):
            return None
        return self.by_id[entity].get(record_id)

    def picklist(self, entity: str, name: str) -> list[dict[str, Any]] | None:
        return self.data["picklists"].get(entity, {}).get(name)

    def picklists(self, entity: str) -> dict[str, list[dict[str, Any]]]:
        return dict(self.data["picklists"].get(entity, {}))

    def udfs(self, entity: str) -> dict[str, str]:
        return {u["name"]: u["type"] for u in self.data["udfs"].get(entity, [])}

    def render(self, entity: str, record: dict[str, Any], include: list[str] | None) -> dict:
        """A record as Autotask answers it: every field of the entity, null when unset."""
        names = include if include is not None else list(fields_of(entity))
        out: dict[str, Any] = {}
        for name in names:
            if name == "userDefinedFields":
                out[name] = [dict(u) for u in record.get(name) or []]
            else:
                out[name] = record.get(name)
        return out

    def render_all(
        self, entity: str, records: list[dict[str, Any]], include: list[str] | None
    ) -> list[dict[str, Any]]:
        """Records as one answer renders them. When none of them has a UDF value, the answer
        leaves ``userDefinedFields`` out altogether [C: Autotask's "REST API: User-defined
        fields (UDFs)" page: "the response will not include the userDefinedFields collection"]."""
        items = [self.render(entity, record, include) for record in records]
        if not any(
            udf.get("value") is not None
            for item in items
            for udf in item.get("userDefinedFields") or []
        ):
            for item in items:
                item.pop("userDefinedFields", None)
        return items

    # ----------------------------------------------------------------- writes
    def insert(self, entity: str, record: dict[str, Any]) -> int:
        records = self.records(entity)
        record["id"] = (records[-1]["id"] if records else 0) + 1
        records.append(record)
        self.by_id[entity][record["id"]] = record
        return int(record["id"])

    def remove(self, entity: str, record_id: int) -> None:
        record = self.by_id[entity].pop(record_id)
        self.records(entity).remove(record)
