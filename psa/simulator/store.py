"""Thread-safe in-memory tenants, each loaded from a JSON file shipped in ``data/``.

One :class:`TenantStore` per ConnectWise company id, each with its own re-entrant lock: every
read and write of a tenant happens while holding that tenant's lock, and nothing sleeps while
holding it (latency is injected outside, in the WSGI app). The JSON files are read from disk
once per process; a store (re)builds its working copy from those bytes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from psa.simulator.indexes import (
    INDEXED_PATHS,
    CollectionIndexes,
    ConfigurationLinks,
    equality_terms,
    id_terms,
    parsed,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

# Collections of the tenant file and the name ConnectWise uses for one of them (error bodies).
COLLECTIONS: dict[str, str] = {
    "companies": "company",
    "contacts": "contact",
    "members": "member",
    "boards": "board",
    "boardStatuses": "status",
    "boardTypes": "type",
    "priorities": "priority",
    "slas": "sla",
    "scheduleTypes": "scheduleType",
    "configurations": "configuration",
    "tickets": "ticket",
    "ticketNotes": "serviceNote",
    "scheduleEntries": "scheduleEntry",
}


@dataclass(frozen=True)
class TenantConfig:
    company_id: str
    company_name: str
    public_key: str
    private_key: str
    data_file: Path
    # Builds the tenant's data instead of reading ``data_file`` (``cwsim --tickets N``).
    data_factory: Callable[[], dict[str, Any]] | None = None


TENANTS: dict[str, TenantConfig] = {
    "baysideit": TenantConfig(
        company_id="baysideit",
        company_name="Bayside IT Solutions",
        public_key="rfdemo-public",
        private_key="rfdemo-private",
        data_file=DATA_DIR / "baysideit.json",
    ),
    "northshore": TenantConfig(
        company_id="northshore",
        company_name="Northshore Networks",
        public_key="nsdemo-public",
        private_key="nsdemo-private",
        data_file=DATA_DIR / "northshore.json",
    ),
}

_RAW: dict[Path, bytes] = {}
_RAW_LOCK = threading.Lock()


def data_file_bytes(path: Path) -> bytes:
    """A tenant's JSON file, read once per process: every reset and every test's fresh app
    parses it again (a fresh copy) but reads no disk (both simulators use it)."""
    with _RAW_LOCK:
        if path not in _RAW:
            _RAW[path] = path.read_bytes()
        return _RAW[path]


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TenantStore:
    """One ConnectWise tenant's data, indices and lock."""

    def __init__(self, config: TenantConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.data: dict[str, Any] = {}
        self.by_id: dict[str, dict[int, dict[str, Any]]] = {}
        self.ticket_configurations: ConfigurationLinks = ConfigurationLinks()
        self.indexes = CollectionIndexes()
        self.reset()

    # ----------------------------------------------------------------- loading
    def reset(self) -> None:
        """Restore the tenant's data to what the JSON file holds."""
        if self.config.data_factory is not None:
            data = self.config.data_factory()
        else:
            data = json.loads(data_file_bytes(self.config.data_file))
        with self.lock:
            self.data = data
            self.indexes.clear()
            self.ticket_configurations = ConfigurationLinks(data.get("ticketConfigurations", []))
            self.by_id = {}
            for name in COLLECTIONS:
                records = data.setdefault(name, [])
                records.sort(key=lambda r: r["id"])
                self.by_id[name] = {r["id"]: r for r in records}

    # ----------------------------------------------------------------- reads
    @property
    def api_member(self) -> dict[str, Any]:
        identifier = self.data.get("apiMember", "")
        for member in self.data["members"]:
            if member["identifier"] == identifier:
                return member
        raise LookupError(f"API member {identifier!r} missing from tenant data")

    @property
    def codebase(self) -> str:
        return str(self.data.get("codebase", "v4_6_release/"))

    @property
    def api_version(self) -> str:
        return str(self.data.get("apiVersion", "2025.8"))

    def records(self, collection: str) -> list[dict[str, Any]]:
        return self.data[collection]

    def get(self, collection: str, record_id: object) -> dict[str, Any] | None:
        if isinstance(record_id, bool) or not isinstance(record_id, int):
            return None
        return self.by_id[collection].get(record_id)

    def candidates(
        self, collection: str, conditions: str | None, resolve: Callable[[str], str | None]
    ) -> list[dict[str, Any]]:
        """The records a list query must look at: one index bucket when the conditions allow.

        ``resolve`` gives a field's canonical spelling (the route's schema), or None."""
        records = self.data[collection]
        node = parsed(conditions)
        if node is None:
            return records
        best = records
        for ids in id_terms(node, resolve):
            # `id in (1, 2)` / `id = 1`: straight from the id index, in id order.
            found = [self.by_id[collection][i] for i in sorted(ids) if i in self.by_id[collection]]
            if len(found) < len(best):
                best = found
        for term in equality_terms(node):
            path = resolve(term.field)
            if path not in INDEXED_PATHS.get(collection, ()):
                continue
            bucket = self.matching(collection, path, term.value)  # type: ignore[arg-type]
            if len(bucket) < len(best):
                best = bucket
        return best

    def matching(self, collection: str, path: str, value: int | bool) -> list[dict[str, Any]]:
        """Records whose ``path`` may equal ``value`` (a superset, in id order)."""
        return self.indexes.index(collection, path, self.data[collection]).lookup(value)

    def find_member(self, ref: object) -> dict[str, Any] | None:
        return self._find_by_ref("members", ref, "identifier")

    def find_company(self, ref: object) -> dict[str, Any] | None:
        return self._find_by_ref("companies", ref, "identifier")

    def find_schedule_type(self, ref: object) -> dict[str, Any] | None:
        return self._find_by_ref("scheduleTypes", ref, "identifier")

    def _find_by_ref(self, collection: str, ref: object, key: str) -> dict[str, Any] | None:
        if not isinstance(ref, dict):
            return None
        if ref.get("id") is not None:
            return self.get(collection, ref.get("id"))
        wanted = ref.get(key)
        if isinstance(wanted, str):
            for record in self.data[collection]:
                if str(record.get(key, "")).lower() == wanted.lower():
                    return record
        return None

    # ----------------------------------------------------------------- writes
    def next_id(self, collection: str) -> int:
        index = self.by_id[collection]
        return (max(index) if index else 0) + 1

    def insert(self, collection: str, record: dict[str, Any]) -> dict[str, Any]:
        self.data[collection].append(record)
        self.by_id[collection][record["id"]] = record
        self.indexes.inserted(collection, record)
        return record

    def touched(self, collection: str, record: dict[str, Any]) -> None:
        """Tell the store a record changed in place (so its indexes follow)."""
        self.indexes.changed(collection, record)

    def delete(self, collection: str, record_id: int) -> dict[str, Any] | None:
        record = self.by_id[collection].pop(record_id, None)
        if record is not None:
            self.data[collection] = [r for r in self.data[collection] if r["id"] != record_id]
            self.indexes.deleted(collection, record_id)
        return record


class TenantRegistry:
    """Lazily built stores for every known tenant; shared by one simulator app."""

    def __init__(self, tenants: dict[str, TenantConfig] | None = None) -> None:
        self.configs = dict(TENANTS if tenants is None else tenants)
        self._stores: dict[str, TenantStore] = {}
        self._lock = threading.Lock()

    def config(self, company_id: str) -> TenantConfig | None:
        for key, config in self.configs.items():
            if key.lower() == company_id.lower():
                return config
        return None

    def store(self, company_id: str) -> TenantStore:
        config = self.config(company_id)
        if config is None:
            raise KeyError(company_id)
        with self._lock:
            store = self._stores.get(config.company_id)
            if store is None:
                store = TenantStore(config)
                self._stores[config.company_id] = store
            return store

    def reset_data(self) -> None:
        with self._lock:
            stores = list(self._stores.values())
        for store in stores:
            store.reset()
