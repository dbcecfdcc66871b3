"""The embedded default's shared cache: diskcache's Django backend, with its connections kept open.

Django closes every cache at the end of each request (`close_caches` on `request_finished`), a
no-op for local memory but, for diskcache, a reconnect of each SQLite shard on the next request:
its pragmas run again, ~15 ms of CPU on a list request and ~30 ms on a panel's context (measured
with `scripts/bench_psa.py`). diskcache's operations are atomic per call and its author advises
leaving caches open, so each thread keeps its connections for the life of the process.
"""

from __future__ import annotations

from typing import Any

from diskcache import DjangoCache


class KeptOpenDiskCache(DjangoCache):
    def close(self, **kwargs: Any) -> None:
        """Keep the shards' connections: called by Django after every request."""
