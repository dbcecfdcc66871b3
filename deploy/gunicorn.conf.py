"""gunicorn settings for a ResolutionFlow web node in a container (`gunicorn -c deploy/gunicorn.conf.py`).

The sizing and its knobs are the serving config's, `resolutionflow/gunicorn.conf.py` (`make run`
uses it too): one process per core, gthread workers with threads to overlap ConnectWise waits,
tuned with WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT, ... It is read first; this
file adds only what a container behind a load balancer needs: listen on every interface, trust the balancer's X-Forwarded-* headers, log
requests to stdout, recycle workers now and then, heartbeat files in memory.

Everything a node shares (sessions, cache, rate-limit cooldowns, the task queue) lives in
PostgreSQL and Redis, so capacity grows by adding nodes behind the balancer.
"""

from __future__ import annotations

import os
from pathlib import Path

# The image holds the whole tree, so the serving config is always there: read it, then override.
_serving = Path(__file__).resolve().parent.parent / "resolutionflow" / "gunicorn.conf.py"
exec(compile(_serving.read_text(), str(_serving), "exec"))  # noqa: S102 - our own config file

# --- container overrides -------------------------------------------------------------------------
bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = max_requests // 10
# gunicorn's advice for containers: overlay filesystems can stall the heartbeat files.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - not a temp file, the heartbeat directory
