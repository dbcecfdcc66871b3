"""The embedded default's cache stays connected between requests (a reconnect per request cost
~15 ms of CPU on a list and ~30 ms on a panel's context)."""

from __future__ import annotations

import sqlite3
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished

pytestmark = pytest.mark.skipif(
    bool(settings.REDIS_URL), reason="the embedded default (no REDIS_URL) uses the disk cache"
)


@pytest.mark.django_db
def test_the_end_of_a_request_does_not_reconnect_the_cache() -> None:
    cache.set("probe", 1)  # this thread's shards are open

    with mock.patch("sqlite3.connect", wraps=sqlite3.connect) as connect:
        request_finished.send(sender=None)  # Django closes every cache here
        assert cache.get("probe") == 1
        cache.incr("probe")

    assert connect.call_count == 0
    assert cache.get("probe") == 2


@pytest.mark.django_db
def test_a_tenant_cooldown_read_on_the_call_pool_reuses_the_cache() -> None:
    """Every PSA call reads the tenant's cooldown on a pool thread; each read building a new
    cache backend reopened its database (~5 ms of CPU a call, ~30 ms a panel)."""
    from psa.cooldown import CacheCooldown
    from psa.providers.parallel import MAX_WORKERS, run_parallel

    cooldown = CacheCooldown("psa:cooldown:probe")
    reads = [cooldown.remaining] * MAX_WORKERS
    run_parallel(*reads)  # each pool thread may open its own connection once

    with mock.patch("sqlite3.connect", wraps=sqlite3.connect) as connect:
        for _ in range(5):
            assert run_parallel(*reads) == [0.0] * MAX_WORKERS

    assert connect.call_count <= MAX_WORKERS  # at most once per pool thread, not once per read
