"""Two web nodes, two Celery workers and one beat sharing PostgreSQL and Redis (`make two-nodes`).

On this machine, loopback only:
  * the ConnectWise simulator                      (cwsim, a free port)
  * web node A and web node B                      (gunicorn, two free ports, separate processes)
  * worker 1 and worker 2, and one beat            (celery -A resolutionflow ...)
  * PostgreSQL 127.0.0.1:5432, user postgres, a database of their own (resolutionflow_twonodes,
    created fresh, dropped at the end); Redis 127.0.0.1:6379 db 13 (flushed at start and end).

Then it proves, with assertions (exit 1 and the failing process's log if one fails):
  1. a session signed in on A works on B (and B refuses a request without it);
  2. a cache fill on A is a hit on B: A's first list loads the reference data from ConnectWise,
     B's list makes no reference call at all (simulator call counts);
  3. no stampede across nodes: 8 simultaneous first requests split over A and B cause one fetch
     per reference kind;
  4. both workers and the beat are up on the shared broker, and a task sent through it fills
     the cache the web nodes read;
  5. the 429 cooldown is shared: a 429 with Retry-After reached through A, then B does not call
     ConnectWise at all while the cooldown lasts, and says when to try again;
  6. the notes outbox is shared and drained once: notes queued through A and B while
     ConnectWise fails are posted by the workers, racing each other and the beat's sweep,
     with exactly one POST each.

Bounded: everything is stopped (by process-group id) and cleaned up after at most --timeout s.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import (
    BIN,
    ROOT,
    Stack,
    StackError,
    cwsim,
    free_port,
    gunicorn,
    sign_in,
    wait_http,
)

DB_NAME = "resolutionflow_twonodes"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_DB = 13
REDIS = f"redis://127.0.0.1:6379/{REDIS_DB}"
API = "/v4_6_release/apis/3.0"
SIM_AUTH = ("baysideit+rfdemo-public", "rfdemo-private")
HTMX = {"HX-Request": "true"}
NOTE_POSTS = "POST /service/tickets/{id}/notes"
# The beat's outbox sweep, short so that it races the delivery tasks in proof 6.
SWEEP_SECONDS = 3
# Delivery tasks sent at once for each queued note in proof 6 (Celery is at-least-once).
DUPLICATE_TASKS = 6
REFERENCE_ROUTES = (
    "GET /service/boards",
    "GET /service/priorities",
    "GET /system/members",
    "GET /company/companies",
)


class Failed(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)
    print(f"  ok: {message}")


@dataclass
class Cluster:
    stack: Stack
    sim: str
    a: str
    b: str
    redis: Any

    def stats(self) -> dict[str, Any]:
        return dict(requests.get(f"{self.sim}/_sim/stats", timeout=10).json())

    def sim_config(self, **settings: Any) -> None:
        requests.post(f"{self.sim}/_sim/config", json=settings, timeout=10).raise_for_status()

    def reset_counts(self) -> None:
        requests.post(f"{self.sim}/_sim/reset", json={}, timeout=10).raise_for_status()

    def forget(self, pattern: str) -> int:
        """Delete our keys matching `pattern` from the shared Redis database."""
        keys = list(self.redis.scan_iter(match=pattern))
        return int(self.redis.delete(*keys)) if keys else 0


def _routes_since(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    return {
        route: n - before["routes"].get(route, 0)
        for route, n in after["routes"].items()
        if n - before["routes"].get(route, 0)
    }


def _list(session: requests.Session, node: str) -> requests.Response:
    return session.get(
        f"{node}/tickets/?board=1", headers={**HTMX, "HX-Target": "results"}, timeout=60
    )


# --------------------------------------------------------------------------- the proofs


def prove_sessions_are_shared(c: Cluster) -> requests.Session:
    print("1. a session signed in on node A works on node B")
    session = sign_in(c.a, "jordan")
    on_b = session.get(f"{c.b}/tickets/", timeout=30, allow_redirects=False)
    check(
        on_b.status_code == 200,
        f"B serves jordan's ticket page with A's cookie ({on_b.status_code})",
    )
    check("jordan" in on_b.text.lower(), "B's page is jordan's")
    stranger = requests.get(f"{c.b}/tickets/", timeout=30, allow_redirects=False)
    check(stranger.status_code == 302, "B sends a request without the cookie to the login page")
    return session


def prove_cache_is_shared(c: Cluster, session: requests.Session) -> None:
    print("2. a cache fill on A is a hit on B (reference data)")
    c.forget("*psa:reference*")
    before = c.stats()
    check(_list(session, c.a).status_code == 200, "A lists board 1")
    on_a = _routes_since(before, c.stats())
    check(
        all(on_a.get(route) == 1 for route in REFERENCE_ROUTES),
        f"A loaded each reference kind from ConnectWise once: {on_a}",
    )
    before = c.stats()
    check(_list(session, c.b).status_code == 200, "B lists board 1")
    on_b = _routes_since(before, c.stats())
    check(
        not any(route in on_b for route in REFERENCE_ROUTES),
        f"B made no reference call, only the list itself: {on_b}",
    )


def prove_no_stampede_across_nodes(c: Cluster, session: requests.Session, callers: int = 8) -> None:
    print(f"3. {callers} simultaneous first requests over A and B: one fetch per reference kind")
    c.forget("*psa:reference*")
    c.sim_config(latency_ms=150)  # a load slow enough that every request arrives during it
    before = c.stats()
    barrier = threading.Barrier(callers)
    statuses: list[int] = []

    def first_request(node: str) -> None:
        barrier.wait()
        statuses.append(_list(session, node).status_code)

    threads = [
        threading.Thread(target=first_request, args=(c.a if i % 2 else c.b,))
        for i in range(callers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    c.sim_config(latency_ms=0)
    routes = _routes_since(before, c.stats())
    check(statuses == [200] * callers, f"all {callers} lists answered 200")
    check(
        all(routes.get(route) == 1 for route in REFERENCE_ROUTES),
        f"each reference kind was fetched once: { {r: routes.get(r) for r in REFERENCE_ROUTES} }",
    )


def prove_workers_share_the_broker(c: Cluster) -> None:
    print("4. two workers and one beat on the shared broker")
    env = c.stack.env
    import subprocess

    pong = subprocess.run(
        [str(BIN / "celery"), "-A", "resolutionflow", "inspect", "ping", "--timeout", "5"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(
        "worker1@" in pong.stdout and "worker2@" in pong.stdout,
        "worker1 and worker2 answer a ping through Redis",
    )
    beats = [p for p in c.stack.procs if p.name == "beat"]
    check(len(beats) == 1 and beats[0].popen.poll() is None, "one beat is running")
    c.forget("*psa:reference*")
    out = c.stack.manage(
        "shell",
        "-c",
        "from psa.tasks import refresh_reference_data; from psa.models import PSAConnection; "
        "pk = PSAConnection.objects.get(company_id='baysideit').account_id; "
        "r = refresh_reference_data.delay(pk); print(r.get(timeout=30)['companies'])",
    )
    last = out.strip().splitlines()[-1] if out.strip() else ""
    check(last == "24", f"a refresh task ran on a worker (companies: {last or out!r})")
    check(
        any(c.redis.scan_iter(match="*psa:reference*")), "the worker filled the shared Redis cache"
    )


def prove_cooldown_is_shared(c: Cluster, session: requests.Session) -> None:
    print("5. the 429 cooldown is shared")
    c.forget("*psa:cooldown*")
    c.sim_config(rate_limit=1)  # one request per minute, then 429 with Retry-After
    c.reset_counts()
    try:
        hit = _list(session, c.a)
        after_a = c.stats()
        check(after_a["statuses"].get("429", 0) >= 1, f"A reached a 429: {after_a['statuses']}")
        check(
            any(c.redis.scan_iter(match="*psa:cooldown*")),
            "A stored the tenant's cooldown in Redis",
        )
        on_b = _list(session, c.b)
        after_b = c.stats()
        check(
            after_b["total"] == after_a["total"],
            f"B made no ConnectWise call during the cooldown ({after_a['total']} calls before, "
            f"{after_b['total']} after)",
        )
        text = on_b.text + on_b.headers.get("HX-Trigger", "")
        check("Try again in" in text, "B tells the engineer when to try again")
        del hit
    finally:
        c.sim_config(rate_limit=0)
        c.forget("*psa:cooldown*")


def prove_outbox_drained_once(c: Cluster, session: requests.Session) -> None:
    """The notes outbox is shared by both nodes and drained exactly once (issue 9).

    While ConnectWise fails every call, a note written through A and one through B are both
    queued (rows in the shared database; the engineer is told). When ConnectWise is back, no
    web request happens: the two workers deliver them. Celery delivers a task at least once
    (a sweep, a retry, a message redelivered after a broker restart), so the proof makes that
    the normal case: the notes are made due and each gets DUPLICATE_TASKS delivery tasks at
    once, spread over both workers' threads, against a slowed ConnectWise so their attempts
    overlap; the beat's sweep runs every few seconds on top. Each note must reach ConnectWise
    with exactly one POST, and stay once after more sweeps.
    """
    print("6. the notes outbox is shared and drained once")
    ticket_id = _first_open_ticket(c)
    tag = uuid.uuid4().hex[:8]
    texts = {name: f"two-nodes outbox check {tag} via {name}" for name in ("A", "B")}

    def copies(text: str) -> int:
        notes = requests.get(
            f"{c.sim}{API}/service/tickets/{ticket_id}/notes",
            params={"pageSize": 1000},
            auth=SIM_AUTH,
            headers={"clientId": "two-nodes"},
            timeout=10,
        ).json()
        return sum(1 for note in notes if note.get("text") == text)

    c.sim_config(fail_rate=1.0)
    try:
        for name, node in (("A", c.a), ("B", c.b)):
            queued = session.post(
                f"{node}/tickets/{ticket_id}/notes/",
                data={"text": texts[name], "type": "internal"},
                headers={**HTMX, "X-CSRFToken": session.cookies.get("csrftoken", "")},
                timeout=30,
            )
            trigger = queued.headers.get("HX-Trigger", "")
            check(
                queued.status_code == 200 and "noteQueued" in trigger,
                f"{name} kept the note in the outbox while ConnectWise fails "
                f"({queued.status_code}, HX-Trigger {trigger[:120]!r})",
            )
    finally:
        c.sim_config(fail_rate=0.0)
    c.reset_counts()  # from here on every ConnectWise call is a worker's
    c.sim_config(latency_ms=300)
    try:
        out = c.stack.manage(
            "shell",
            "-c",
            "from django.utils import timezone; from tickets.models import PendingNote; "
            "from tickets.tasks import deliver_pending_note; "
            f"rows = PendingNote.objects.filter(text__startswith={f'two-nodes outbox check {tag} '!r}); "
            "print(rows.count()); "
            "rows.update(next_attempt_at=timezone.now()); "
            f"[deliver_pending_note.delay(pk) for pk in rows.values_list('pk', flat=True) "
            f"for _ in range({DUPLICATE_TASKS})]",
        )
        rows = out.strip().splitlines()[-1] if out.strip() else ""
        check(
            rows == "2",
            f"both notes are rows of the shared outbox ({rows or out!r}), and "
            f"{DUPLICATE_TASKS} delivery tasks for each went to the broker at once",
        )

        _wait_for(
            lambda: all(copies(text) >= 1 for text in texts.values()),
            90,
            "the workers delivered both queued notes once ConnectWise answered",
        )
        time.sleep(3 * SWEEP_SECONDS + 2)  # the rest of the tasks, more sweeps and retries
    finally:
        c.sim_config(latency_ms=0)
    check(
        all(copies(text) == 1 for text in texts.values()),
        "each note is in ConnectWise exactly once",
    )
    posts = c.stats()["routes"].get(NOTE_POSTS, 0)
    check(posts == len(texts), f"ConnectWise received one POST per note ({posts} for 2)")
    delivered = [
        proc.name
        for proc in c.stack.procs
        if proc.name.startswith("worker") and "deliver_pending_note" in proc.tail(400)
    ]
    check(bool(delivered), f"delivery tasks ran on the workers ({', '.join(delivered)})")


def _first_open_ticket(c: Cluster) -> int:
    rows = requests.get(
        f"{c.sim}{API}/service/tickets",
        params={"conditions": "board/id=1 AND closedFlag=false", "fields": "id", "pageSize": 1},
        auth=SIM_AUTH,
        headers={"clientId": "two-nodes"},
        timeout=10,
    ).json()
    return int(rows[0]["id"])


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise Failed(f"timed out waiting until {what}")
        time.sleep(0.5)
    print(f"  ok: {what}")


# --------------------------------------------------------------------------- setup


def _fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def run(args: argparse.Namespace, tmp: Path) -> None:
    import redis

    shared = redis.Redis.from_url(REDIS)
    shared.flushdb()  # our own database number only
    _fresh_database()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS,
        "DEBUG": "1",
        "RF_DEMO_ENV_FILE": "",  # a throwaway stack: development keys, not the checkout's demo
        "RF_QUIET_DEV_WARNINGS": "1",
        "PSA_LOG_LEVEL": "WARNING",
        # The beat runs, but its periodic refresh must not race the call counts proved below.
        "PSA_REFERENCE_REFRESH_SECONDS": "3600",
        "NOTE_OUTBOX_SWEEP_SECONDS": str(SWEEP_SECONDS),
    }
    with Stack(log_dir=tmp / "logs", env=env) as stack:
        try:
            sim_port = free_port()
            sim_root = f"http://127.0.0.1:{sim_port}"
            stack.env["CWSIM_URL"] = sim_root
            sim = stack.spawn("cwsim", cwsim(sim_port))
            wait_http(f"{sim_root}/_sim/stats", sim)
            print(f"simulator at {sim_root}; PostgreSQL {DB_NAME}; Redis db {REDIS_DB}")
            stack.manage("migrate", "--noinput")
            stack.manage("seed_demo", "--cw-url", sim_root)
            nodes = []
            for name in ("A", "B"):
                port = free_port()
                proc = stack.spawn(f"web-{name}", gunicorn(port, workers=1, threads=4))
                nodes.append((f"http://127.0.0.1:{port}", proc))
            for number in (1, 2):
                stack.spawn(
                    f"worker{number}",
                    [
                        str(BIN / "celery"),
                        "-A",
                        "resolutionflow",
                        "worker",
                        "-n",
                        f"worker{number}@%h",
                        "--pool",
                        "threads",
                        "--concurrency",
                        "2",
                        "--loglevel",
                        "INFO",
                    ],
                )
            stack.spawn(
                "beat",
                [
                    str(BIN / "celery"),
                    "-A",
                    "resolutionflow",
                    "beat",
                    "--schedule",
                    str(tmp / "beat-schedule"),
                    "--loglevel",
                    "INFO",
                ],
            )
            for url, proc in nodes:
                wait_http(f"{url}/healthz", proc)
            print(f"web A at {nodes[0][0]}, web B at {nodes[1][0]}; 2 workers, 1 beat")
            cluster = Cluster(stack, sim_root, nodes[0][0], nodes[1][0], shared)
            session = prove_sessions_are_shared(cluster)
            prove_cache_is_shared(cluster, session)
            prove_no_stampede_across_nodes(cluster, session)
            prove_workers_share_the_broker(cluster)
            prove_cooldown_is_shared(cluster, session)
            prove_outbox_drained_once(cluster, session)
            stack.check_alive()
        except (Failed, StackError):
            for proc in stack.procs:
                print(f"--- {proc.name} (last lines of {proc.log})\n{proc.tail(15)}")
            raise
        finally:
            shared.flushdb()
    _drop_database()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=int, default=300, help="stop everything after this")
    args = parser.parse_args()

    def out_of_time(signum: int, frame: object) -> None:
        raise StackError(f"two-nodes: still running after {args.timeout} s; stopping")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt()))
    signal.alarm(args.timeout)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="two-nodes-") as tmp:
            run(args, Path(tmp))
    except (Failed, StackError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
    print(f"two nodes: all proofs passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
