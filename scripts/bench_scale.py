"""Do list, panel and queue times stay flat as the tenant grows? (`make bench-scale`)

For each size N (default 1,000, 10,000 and 100,000 tickets) this starts the simulator with
`cwsim --tickets N --companies C --members M`, a gunicorn server on a fresh SQLite database seeded
with the demo, signs in as jordan, and times over HTTP, as a browser would:

* the list partial   GET /tickets/?board=1           (htmx, the board's open tickets)
* the panel shell    GET /tickets/<id>/panel/        (htmx)
* the panel context  GET /tickets/<id>/context/      (htmx: notes, devices, contact, related)
* the queue widget   GET /tickets/queue/             (htmx: my open tickets)

It prints the median and p90 of each (ms) and how many ConnectWise calls one request made
(from the simulator's /_sim/stats), one row per size. Loopback only; every process it starts is
stopped when it ends. Usage: python scripts/bench_scale.py [--sizes 1000 10000 100000] [--runs 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import Stack, StackError, cwsim, free_port, gunicorn, sign_in, wait_http

API = "/v4_6_release/apis/3.0"
SIM_AUTH = ("baysideit+rfdemo-public", "rfdemo-private")
HTMX = {"HX-Request": "true"}
VIEWS = ("list", "panel", "context", "queue")


@dataclass
class Figure:
    median: float
    p90: float
    calls: float


@dataclass
class Row:
    tickets: int
    open_tickets: int
    notes: int
    startup: float
    figures: dict[str, Figure]


def _sim_get(root: str, path: str, params: dict[str, str]) -> requests.Response:
    response = requests.get(
        f"{root}{API}{path}",
        params=params,
        auth=SIM_AUTH,
        headers={"clientId": "bench-scale"},
        timeout=30,
    )
    response.raise_for_status()
    return response


def _total_calls(root: str) -> int:
    return int(requests.get(f"{root}/_sim/stats", timeout=10).json()["total"])


@dataclass
class Target:
    """One size's running simulator and server, signed in, with the requests to time."""

    sim_root: str
    calls: dict[str, Callable[[], requests.Response]]
    row: Row
    samples: dict[str, list[float]]
    cw_calls: dict[str, list[int]]


MARKERS = {"list": 'id="results"', "panel": "panel", "context": "<", "queue": "<"}


def start_size(stack: Stack, tickets: int, args: argparse.Namespace, db: Path) -> Target:
    sim_port, web_port = free_port(), free_port()
    sim_root, web = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{web_port}"
    started = time.monotonic()
    sim = stack.spawn(
        f"cwsim-{tickets}",
        cwsim(
            sim_port,
            "--tickets",
            str(tickets),
            "--companies",
            str(args.companies),
            "--members",
            str(args.members),
            "--latency-ms",
            str(args.latency_ms),
        ),
    )
    wait_http(f"{sim_root}/_sim/stats", sim, timeout=600)
    startup = time.monotonic() - started
    env = {"DATABASE_URL": f"sqlite:///{db}", "CWSIM_URL": sim_root}
    stack.manage("migrate", "--noinput", env=env)
    stack.manage("seed_demo", "--cw-url", sim_root, env=env)
    server = stack.spawn(f"gunicorn-{tickets}", gunicorn(web_port), env=env)
    wait_http(f"{web}/healthz", server)
    session = sign_in(web, "jordan")
    first_open = _sim_get(
        sim_root,
        "/service/tickets",
        {
            "conditions": "board/id=1 AND closedFlag=false",
            "orderBy": "priority/sort asc, id desc",
            "fields": "id",
            "pageSize": "1",
        },
    ).json()[0]["id"]
    total = _sim_get(sim_root, "/service/tickets/count", {}).json()["count"]
    open_count = _sim_get(
        sim_root, "/service/tickets/count", {"conditions": "closedFlag=false"}
    ).json()["count"]
    notes = len(
        _sim_get(sim_root, f"/service/tickets/{first_open}/notes", {"pageSize": "1000"}).json()
    )

    def get(path: str, **headers: str) -> Callable[[], requests.Response]:
        return lambda: session.get(f"{web}{path}", headers={**HTMX, **headers}, timeout=30)

    calls = {
        "list": get("/tickets/?board=1", **{"HX-Target": "results"}),
        "panel": get(f"/tickets/{first_open}/panel/"),
        "context": get(f"/tickets/{first_open}/context/"),
        "queue": get("/tickets/queue/"),
    }
    return Target(
        sim_root,
        calls,
        Row(total, open_count, notes, startup, {}),
        {view: [] for view in VIEWS},
        {view: [] for view in VIEWS},
    )


def time_once(target: Target, view: str, *, record: bool) -> None:
    before = _total_calls(target.sim_root)
    started = time.perf_counter()
    response = target.calls[view]()
    elapsed = (time.perf_counter() - started) * 1000
    calls = _total_calls(target.sim_root) - before
    if response.status_code != 200 or MARKERS[view] not in response.text:
        raise StackError(f"{response.url}: {response.status_code}, {MARKERS[view]!r} missing")
    if record:
        target.samples[view].append(elapsed)
        target.cw_calls[view].append(calls)


def summarise(target: Target) -> Row:
    for view in VIEWS:
        samples = sorted(target.samples[view])
        target.row.figures[view] = Figure(
            median=statistics.median(samples),
            p90=samples[int(0.9 * (len(samples) - 1))],
            calls=statistics.mean(target.cw_calls[view]),
        )
    return target.row


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    views = VIEWS
    print()
    print(
        f"ConnectWise simulator latency {args.latency_ms:g} ms; {args.companies} companies, "
        f"{args.members} members; gunicorn 2 workers x 4 threads per size, all sizes up at "
        f"once and timed in turn; {args.runs} runs per cell; "
        "median / p90 in ms, (ConnectWise calls per request)"
    )
    header = "| tickets | open | " + " | ".join(views) + " | simulator start |"
    print(header)
    print("|" + "---|" * (len(views) + 3))
    for row in rows:
        cells = [
            f"{row.figures[v].median:.1f} / {row.figures[v].p90:.1f} ({row.figures[v].calls:g})"
            for v in views
        ]
        print(
            f"| {row.tickets:,} | {row.open_tickets} | "
            + " | ".join(cells)
            + f" | {row.startup:.0f} s |"
        )
    first, last = rows[0], rows[-1]
    print()
    for view in views:
        ratio = last.figures[view].median / first.figures[view].median
        print(
            f"{view}: {first.tickets:,} -> {last.tickets:,} tickets: median x{ratio:.2f} "
            f"({first.figures[view].median:.1f} -> {last.figures[view].median:.1f} ms)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        Stack(log_dir=Path(tmp) / "logs", env=_env()) as stack,
    ):
        try:
            targets = []
            for size in args.sizes:
                print(f"starting {size:,} tickets ...", flush=True)
                targets.append(start_size(stack, size, args, Path(tmp) / f"db-{size}.sqlite3"))
            # Interleaved: every size sees the same machine (other load, CPU frequency) at
            # nearly the same moment, so a difference between rows is the size, not the noise.
            for run in range(args.warmup + args.runs):
                for view in VIEWS:
                    for target in targets:
                        time_once(target, view, record=run >= args.warmup)
            rows = [summarise(target) for target in targets]
        except StackError as error:
            print(f"bench-scale: {error}", file=sys.stderr)
            return 1
    print_table(rows, args)
    return 0


def _env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"RF_QUIET_DEV_WARNINGS": "1", "PSA_LOG_LEVEL": "WARNING", "DEBUG": "1"})
    env["RF_DEMO_ENV_FILE"] = ""  # a throwaway stack: development keys, not the checkout's demo
    return env


if __name__ == "__main__":
    raise SystemExit(main())
