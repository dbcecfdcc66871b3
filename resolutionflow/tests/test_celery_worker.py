"""A real Celery worker process, a real Redis broker and the real database.

Runs when REDIS_URL is set and the database is one another process can open (PostgreSQL);
`.ci/run` runs it that way. On the embedded default (eager tasks, in-memory SQLite) it skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from psa.selectors import reference_cache_key, reference_data_get
from psa.tasks import refresh_reference_data
from psa.tests.factories import PSAConnectionFactory
from resolutionflow.celery import app

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("the worker cannot open the test run's in-memory SQLite database")
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker(transactional_db):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "resolutionflow",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not come up")
        yield queue
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_reference_refresh_runs_in_a_real_worker_and_fills_the_shared_cache(worker, cw_sim):
    account = PSAConnectionFactory(site=cw_sim.root_url).account

    result = refresh_reference_data.apply_async(args=[account.pk], queue=worker)
    counts = result.get(timeout=60)

    assert counts == {
        "boards": 5,
        "statuses": 38,
        "priorities": 5,
        "members": 17,
        "companies": 24,
        "schedule_type_id": 4,
    }
    before = requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()["total"]
    data = reference_data_get(account=account)  # served from Redis, filled by the worker
    assert len(data.companies) == 24
    assert requests.get(f"{cw_sim.root_url}/_sim/stats", timeout=5).json()["total"] == before
    assert cache.get(reference_cache_key(account)) is not None
