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
# Each test run gets its own shared cache directory (the gunicorn workers and subprocesses it
# starts inherit it): runs never clear each other's cache or a running demo's.
if "CACHE_DIR" not in os.environ:
    os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="rf-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CACHE_DIR"], ignore_errors=True)
