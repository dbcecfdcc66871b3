"""The gunicorn command line, in one place: `make run` (rundemo), the benchmark and load-test
stack (scripts/serving_stack.py) and the scale and two-node scripts (scripts/_stack.py) all
start the server this builds, so what they measure is what `make run` serves.

No Django imports: scripts build it before any settings exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn.conf.py"


def gunicorn_argv(
    *,
    bind: str,
    workers: int | None = None,
    threads: int | None = None,
    access_log: str | None = None,
) -> list[str]:
    """gunicorn with resolutionflow/gunicorn.conf.py, listening on `bind` ("host:port").

    The config sizes the server from the environment (WEB_CONCURRENCY, GUNICORN_THREADS, ...);
    `workers`/`threads` override that sizing for one run, `access_log` ("-" for stdout) turns
    the access log on.
    """
    argv = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "--bind", bind]
    if workers is not None:
        argv += ["--workers", str(workers)]
    if threads is not None:
        argv += ["--threads", str(threads)]
    if access_log is not None:
        argv += ["--access-logfile", access_log]
    return argv
