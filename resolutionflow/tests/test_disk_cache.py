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
