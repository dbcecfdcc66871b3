"""One cache for the whole service on the embedded default: `make run`'s two gunicorn worker
processes share the usage meters and the cached ticket rows, so a limit is the limit whichever
worker counts, and a panel opens from the list's rows whichever worker answers."""

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
            "GUNICORN_CMD_ARGS": "--access-logformat '%(p)s %(U)s %(s)s'",
            "AI_PARSE_PER_USER": "30",
            "AI_PARSE_PER_ACCOUNT": "300",
        },
    )
    yield running
    running.stop()


def _served(stack: Any, path: str) -> Counter[str]:
    """Which worker process answered how many requests for `path` (from the access log)."""
    assert stack.tmp is not None
    log = (stack.tmp / "gunicorn.log").read_text(errors="replace")
    return Counter(pid for pid, url, _ in ACCESS.findall(log) if url == path)


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

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(parse, range(70)))

    assert statuses.count(429) == 40, Counter(statuses)
    assert sum(1 for s in statuses if s < 400) == 30, Counter(statuses)
    workers = _served(stack, "/tickets/new/parse/")
    assert len(workers) == 2, workers  # both processes counted against the one limit


def test_a_listed_ticket_opens_with_no_connectwise_call_on_either_worker(stack: Any) -> None:
    session = sign_in(stack.base_url, "jordan")
    listing = session.get(f"{stack.base_url}/tickets/", timeout=60)
    ids = re.findall(r'data-ticket-id="(\d+)"', listing.text)
    assert ids, listing.text[:500]
    calls_before = sum(stack.sim_stats()["routes"].values())

    panel = f"/tickets/{ids[0]}/panel/"
    for _ in range(12):
        response = session.get(
            f"{stack.base_url}{panel}",
            headers={**_fresh_connection(session), "HX-Request": "true"},
            timeout=60,
        )
        assert response.status_code == 200
        if len(_served(stack, panel)) == 2:
            break

    assert len(_served(stack, panel)) == 2  # each worker opened it at least once
    assert sum(stack.sim_stats()["routes"].values()) == calls_before
