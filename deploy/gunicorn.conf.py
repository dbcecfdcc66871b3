"""gunicorn settings for a ResolutionFlow web node (read with `gunicorn -c deploy/gunicorn.conf.py`).

A request mostly waits on ConnectWise (100 ms or more away), so each process runs threads
(gthread): processes use the cores, threads overlap the waits. Defaults: one process per core
and 4 threads each; set WEB_CONCURRENCY / GUNICORN_THREADS to change them. Everything a node
shares (sessions, cache, rate-limit cooldowns, the task queue) lives in PostgreSQL and Redis, so
nodes are added behind the load balancer, not made bigger.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# ConnectWise's read timeout is 20 s and a page may make two waves of calls.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then (bounded memory), not all at once.
max_requests = 2000
max_requests_jitter = 200
# Behind a load balancer that terminates TLS: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# /dev/shm for the heartbeat files: container overlay filesystems can stall them.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - gunicorn's advice for containers, not a temp file
