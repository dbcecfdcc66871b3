"""The ``_info`` stamps ConnectWise keeps on every record a write changes."""

from __future__ import annotations

from typing import Any

from psa.simulator.store import TenantStore


def mark_updated(store: TenantStore, collection: str, record: dict[str, Any], now: str) -> None:
    """Stamp ``record`` as changed by the API member."""
    record.setdefault("_info", {}).update(
        {"lastUpdated": now, "updatedBy": store.api_member["identifier"]}
    )
