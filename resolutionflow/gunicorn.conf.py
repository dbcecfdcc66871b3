"""gunicorn settings for `make run` and production (`gunicorn -c resolutionflow/gunicorn.conf.py`).

Sizing: a request spends most of its time waiting on the PSA (a round trip of 100 ms or
more) and a few milliseconds of CPU rendering. Threads cover the waiting; processes cover the
CPU, because one Python process runs Python on one core at a time (the GIL). So: one worker
process per core, and enough threads per worker that waiting requests never queue behind each
other. A browser's kept-alive connection stays on the worker that accepted it, and the kernel
does not spread connections evenly (in the 16-engineer load test one worker held 11 of 16), so
each worker gets threads for every engineer, not half of them: 2 workers × 16 threads on the
2-core demo machine (measured: 8 threads per worker queued the busier worker's requests,
p95 540 ms; 16 threads, p95 380 ms at a higher machine load).

Change it with environment variables, no file edits:

| variable | default | meaning |
|---|---|---|
| WEB_CONCURRENCY | CPU cores (at least 2) | worker processes |
| GUNICORN_THREADS | 16 | threads per worker (requests in flight per process) |
| GUNICORN_TIMEOUT | 60 | seconds a worker may be silent before it is restarted |
| GUNICORN_KEEPALIVE | 5 | seconds an idle keep-alive connection stays open |
| GUNICORN_MAX_REQUESTS | 0 (off) | recycle a worker after this many requests (+ jitter) |
| GUNICORN_ACCESS_LOG | unset (off) | `-` for stdout, or a file path |
| BIND | 127.0.0.1:8000 | address; `HOST`/`PORT` set it when BIND is unset |

Every worker shares one cache: on the embedded default a directory of SQLite shards under var/
(diskcache, atomic across processes), with REDIS_URL Redis shared by every node too. Limits,
the 429 cooldown, reference data and cached rows are the same whichever worker answers.
"""

from __future__ import annotations

import os

_cores = os.cpu_count() or 1

bind = os.environ.get("BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, _cores))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 16)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 10
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 5)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 0)
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
wsgi_app = "resolutionflow.wsgi:application"
