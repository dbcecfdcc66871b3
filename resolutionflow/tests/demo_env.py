"""pytest plugin (loaded with `-p` from pyproject's addopts, before Django reads its settings).

DEBUG is off unless the environment sets it; the test suite runs against the embedded demo's
defaults (development keys, loopback simulator allowed, plain HTTP, unhashed static files), so it
sets DEBUG=1 unless the caller chose otherwise. pytest-django still runs each test with
settings.DEBUG = False, as Django's own runner does; only the derived defaults come from here.
Subprocesses the tests start (rundemo, a Celery worker) inherit it.
"""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")
