"""pytest plugin (loaded with `-p` from pyproject's addopts, before Django reads its settings).

DEBUG is off unless the environment sets it; the test suite runs against the embedded demo's
defaults (development keys, loopback simulator allowed, plain HTTP, unhashed static files), so it
sets DEBUG=1 unless the caller chose otherwise. pytest-django still runs each test with
settings.DEBUG = False, as Django's own runner does; only the derived defaults come from here.
Subprocesses the tests start (rundemo, a Celery worker) inherit it and the cache directory.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DEBUG", "1")
# Not this checkout's demo secrets (var/demo.env): a run does not depend on `make run` having run.
os.environ.setdefault("RF_DEMO_ENV_FILE", "")
# The suite's SQLite database is in memory, shared between the test and live-server threads by
# table locks that do not wait: transactions start as before (test_demo_production_shaped runs
# the file database `make run` uses, in IMMEDIATE mode).
os.environ.setdefault("SQLITE_TRANSACTION_MODE", "DEFERRED")
# Each test run gets its own shared cache directory (the gunicorn workers and subprocesses it
# starts inherit it): runs never clear each other's cache or a running demo's.
if "CACHE_DIR" not in os.environ:
    os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="rf-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CACHE_DIR"], ignore_errors=True)
