"""One cache for the whole service on the embedded default: `make run`'s two gunicorn worker
processes share the usage meters and the cached ticket rows, so a limit is the limit whichever
worker counts, and a panel opens from the list's rows whichever worker answers.

The kernel hands a new connection to whichever worker wakes first, often the same one many
times in a row, so these tests do not wait for it to spread them: every worker process is
replaced after a few requests (`GUNICORN_MAX_REQUESTS`), and a request is bound to be served by
a process that holds nothing in memory from the ones before it."""

from __future__ import annotations

import re
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from serving_stack import Stack, sign_in  # noqa: E402

# One access-log line per request: "<worker pid> <path> <status>".
ACCESS = re.compile(r"^<?(\d+)>? (\S+) (\d{3})$", re.M)
# A worker process stops taking connections once it has begun this many requests, plus a jitter
# of a tenth (1); it still answers those it had accepted meanwhile: one after another that is
# at most one more (measured), side by side at most CLIENTS more.
MAX_REQUESTS = 12
MOST_PER_PROCESS = MAX_REQUESTS + 1 + 1
CLIENTS = 6


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    cache_dir = tmp_path_factory.mktemp("shared-cache")
    running = Stack.start(
        latency_ms=0,
        workers=2,
        threads=4,
        env={
            "CACHE_DIR": str(cache_dir),
            "GUNICORN_ACCESS_LOG": "-",
            "GUNICORN_MAX_REQUESTS": str(MAX_REQUESTS),
            "GUNICORN_CMD_ARGS": "--access-logformat '%(p)s %(U)s %(s)s'",
            "AI_PARSE_PER_USER": "30",
            "AI_PARSE_PER_ACCOUNT": "300",
            # Windows start on the clock; a burst must not straddle two of them.
            "METER_WINDOW_SECONDS": "1000000000",
        },
    )
    yield running
    running.stop()


def _served(stack: Any, path: str) -> Counter[str]:
    """Which worker process answered how many requests for `path` (from the access log)."""
    assert stack.tmp is not None
    log = (stack.tmp / "gunicorn.log").read_text(errors="replace")
    return Counter(pid for pid, url, _ in ACCESS.findall(log) if url == path)


def _last_server(stack: Any, path: str) -> str:
    """The worker process that answered the latest request for `path`."""
    assert stack.tmp is not None
    log = (stack.tmp / "gunicorn.log").read_text(errors="replace")
    return [pid for pid, url, _ in ACCESS.findall(log) if url == path][-1]


def _fresh_connection(session: requests.Session) -> dict[str, str]:
    # A new TCP connection per request: the kernel hands connections to either worker.
    return {"Connection": "close", "X-CSRFToken": session.cookies.get("csrftoken", "")}


def test_the_embedded_default_cache_is_shared_between_processes() -> None:
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.REDIS_URL:
        assert backend == "resolutionflow.cache.RedisWithLocalFallback"
    else:
        assert backend == "resolutionflow.disk_cache.KeptOpenDiskCache"
        cache.set("probe", 1)
        assert cache.incr("probe") == 2


def test_seventy_ai_parses_a_minute_on_two_workers_accept_exactly_thirty(stack: Any) -> None:
    session = sign_in(stack.base_url, "jordan")
    url = f"{stack.base_url}/tickets/new/parse/"

    def parse(n: int) -> int:
        response = session.post(
            url,
            data={"prompt": f"Printer on floor {n} jams", "tab": "quick"},
            headers={**_fresh_connection(session), "HX-Request": "true", "Referer": url},
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = list(pool.map(parse, range(70)))

    assert statuses.count(429) == 40, Counter(statuses)
    assert sum(1 for s in statuses if s < 400) == 30, Counter(statuses)
    workers = _served(stack, "/tickets/new/parse/")
    # No process answers more than MOST_PER_PROCESS + CLIENTS of them: at least three counted
    # against the one limit, side by side and one after another.
    assert len(workers) >= 70 // (MOST_PER_PROCESS + CLIENTS), workers


def test_a_listed_ticket_opens_with_no_connectwise_call_on_either_worker(stack: Any) -> None:
    session = sign_in(stack.base_url, "jordan")
    listing = session.get(f"{stack.base_url}/tickets/", timeout=60)
    ids = re.findall(r'data-ticket-id="(\d+)"', listing.text)
    assert ids, listing.text[:500]
    calls_before = sum(stack.sim_stats()["routes"].values())

    lister = _last_server(stack, "/tickets/")

    panel = f"/tickets/{ids[0]}/panel/"
    # One after another, so no process serves more than MOST_PER_PROCESS of them: the lister
    # and one other cannot answer them all, so two processes that did not render the list
    # have opened it (usually within a dozen).
    for _ in range(3 * MOST_PER_PROCESS):
        response = session.get(
            f"{stack.base_url}{panel}",
            headers={**_fresh_connection(session), "HX-Request": "true"},
            timeout=60,
        )
        assert response.status_code == 200
        assert ids[0] in response.text
        if len(_served(stack, panel).keys() - {lister}) >= 2:
            break

    assert len(_served(stack, panel).keys() - {lister}) >= 2, (lister, _served(stack, panel))
    assert sum(stack.sim_stats()["routes"].values()) == calls_before
