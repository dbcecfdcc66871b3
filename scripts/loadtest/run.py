"""Load test: N engineers against the demo stack as `make run` serves it (gunicorn + simulator).

    python scripts/loadtest/run.py [--users 16] [--seconds 30] [--latency-ms 100]
                                   [--scenario lists mixed] [--target URL] [--out docs/loadtest.md]

(`make load` runs it with the defaults.) It starts the ConnectWise simulator at a fixed latency
(L = 100 ms, no jitter) and gunicorn with resolutionflow/gunicorn.conf.py on free loopback ports
against a throwaway seeded SQLite database, or targets a running `make run` with `--target`.
Then, per scenario, Locust runs headless for a bounded time (and never more than `--max-requests`
requests a scenario): `lists` is 16 engineers loading lists back to back (the target: 0 errors,
p95 ≤ 3·L); `mixed` adds panel opens, notes and status changes with think time. The report
gives throughput and p50/p95 per view, and where the CPU went (gunicorn workers, simulator,
Locust itself, seconds of CPU per second of test) to name the bottleneck that remains.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

import psutil  # noqa: E402
from serving_stack import Stack, StackError, cpu_seconds  # noqa: E402

USER_CLASSES = {"lists": "ListLoader", "mixed": "WorkingEngineer"}  # in locustfile.py


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


@dataclass
class ScenarioResult:
    scenario: str
    users: int
    seconds: float
    rows: list[Row]
    total: Row
    cpu: dict[str, float]  # role -> CPU seconds per wall second
    load: tuple[float, float]
    failures_detail: str

    @property
    def met(self) -> bool:
        return self.total.failures == 0 and self.total.p95 <= self.limit_ms

    limit_ms: float = 0.0


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def _parse_stats(prefix: Path) -> tuple[list[Row], Row, str]:
    stats = prefix.with_name(f"{prefix.name}_stats.csv")
    rows: list[Row] = []
    total: Row | None = None
    with stats.open() as handle:
        for record in csv.DictReader(handle):
            row = Row(
                name=record["Name"],
                requests=int(record["Request Count"]),
                failures=int(record["Failure Count"]),
                rps=float(record["Requests/s"]),
                p50=_ms(record["50%"]),
                p95=_ms(record["95%"]),
                p99=_ms(record["99%"]),
            )
            if not row.requests:
                continue  # e.g. sign-in: the figures restart once everyone is signed in
            if record["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    if total is None:
        raise StackError("locust recorded no requests after sign-in")
    failures = prefix.with_name(f"{prefix.name}_failures.csv")
    detail = failures.read_text() if failures.exists() else ""
    return rows, total, detail


def run_scenario(
    stack: Stack, *, scenario: str, users: int, seconds: int, max_requests: int, tmp: Path
) -> ScenarioResult:
    """Run Locust headless; CPU is sampled from the moment every user has signed in (the
    locustfile touches LOAD_READY_FILE then, when it also restarts its figures) to the end."""
    prefix = tmp / scenario
    ready = tmp / f"{scenario}.ready"
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "locustfile.py"),
        USER_CLASSES[scenario],  # before --tags, which would swallow it as one more tag
        "--headless",
        "--host",
        stack.base_url,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--tags",
        scenario,
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "5",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LOAD_MAX_REQUESTS": str(max_requests), "LOAD_READY_FILE": str(ready)}
    load_start = os.getloadavg()[0]
    output = (tmp / f"{scenario}.log").open("w")
    locust = psutil.Popen(cmd, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + seconds + 120
        while not ready.exists() and locust.poll() is None:
            if time.monotonic() > deadline:
                raise StackError("locust did not finish")
            time.sleep(0.1)
        if not ready.exists():
            log = (tmp / f"{scenario}.log").read_text(errors="replace")[-2000:]
            raise StackError(f"not every engineer could sign in; locust said:\n{log}")
        roles = {
            **(stack.pids() if stack.processes else {}),
            "locust (load generator)": [locust.pid],
        }
        before = {role: cpu_seconds(p) for role, p in roles.items()}
        started = time.monotonic()
        # Sample the load generator's CPU until it exits (its pid is gone afterwards).
        after_locust = before["locust (load generator)"]
        while locust.poll() is None:
            if time.monotonic() > deadline:
                raise StackError("locust did not finish")
            after_locust = cpu_seconds([locust.pid]) or after_locust
            time.sleep(0.2)
        wall = time.monotonic() - started
    finally:
        if locust.poll() is None:
            locust.kill()
        output.close()
    cpu = {
        role: (cpu_seconds(p) - before[role]) / wall
        for role, p in roles.items()
        if role != "locust (load generator)"
    }
    cpu["locust (load generator)"] = (after_locust - before["locust (load generator)"]) / wall
    rows, total, detail = _parse_stats(prefix)
    return ScenarioResult(
        scenario=scenario,
        users=users,
        seconds=seconds,
        rows=sorted(rows, key=lambda r: -r.requests),
        total=total,
        cpu=cpu,
        load=(load_start, os.getloadavg()[0]),
        failures_detail=detail,
    )


def table(result: ScenarioResult) -> list[str]:
    lines = [
        "| view | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in [*result.rows, result.total]:
        name = "**all**" if r.name == "Aggregated" else r.name
        lines.append(
            f"| {name} | {r.requests} | {r.failures} | {r.rps:.1f} | {r.p50:.0f} | "
            f"{r.p95:.0f} | {r.p99:.0f} |"
        )
    return lines


def report(results: list[ScenarioResult], *, stack: Stack, latency_ms: float, command: str) -> str:
    nproc = os.cpu_count()
    lines = [
        "# Load test: engineers using the Tickets page at once",
        "",
        "Generated by `scripts/loadtest/run.py` (`make load`); re-run it to refresh this page.",
        "",
        f"- command: `{command}`",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {nproc} CPUs, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; Locust, gunicorn and the simulator share it",
        f"- server: gunicorn {stack.workers} workers × {stack.threads} threads (gthread), "
        "SQLite, local-memory cache per worker"
        if stack.processes
        else f"- server: {stack.base_url} (an already running `make run`)",
        f"- ConnectWise: the simulator at L = {latency_ms:g} ms per call, no jitter",
        "",
    ]
    for result in results:
        limit = 3 * latency_ms
        verdict = (
            f"target (0 errors, p95 ≤ 3·L = {limit:.0f} ms): "
            + ("**met**" if result.met else "**MISSED**")
            if result.scenario == "lists"
            else "informational"
        )
        lines += [
            f"## `{result.scenario}`: {result.users} engineers, {result.seconds} s",
            "",
            f"Throughput {result.total.rps:.1f} requests/s; {verdict}. "
            f"Load average (1 min) {result.load[0]:.2f} → {result.load[1]:.2f}.",
            "",
            *table(result),
            "",
            "CPU seconds per second of test (2.0 = both cores busy): "
            + ", ".join(f"{role} {share:.2f}" for role, share in result.cpu.items())
            + (
                f"; gunicorn ≈ {1000 * result.cpu['gunicorn'] / result.total.rps:.1f} ms CPU "
                "per request"
                if result.cpu.get("gunicorn") and result.total.rps
                else ""
            )
            + ".",
            "",
        ]
        if result.failures_detail.strip().count("\n") > 0:
            lines += ["Failures:", "", "```", result.failures_detail.strip()[:2000], "```", ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=45, help="per scenario, sign-in included")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument(
        "--scenario", nargs="+", default=["lists", "mixed"], choices=sorted(USER_CLASSES)
    )
    parser.add_argument("--target", default="", help="a running server (make run) instead")
    parser.add_argument("--workers", type=int, default=0, help="override WEB_CONCURRENCY")
    parser.add_argument("--threads", type=int, default=0, help="override GUNICORN_THREADS")
    parser.add_argument(
        "--max-requests", type=int, default=50000, help="stop a scenario after this many requests"
    )
    parser.add_argument("--out", default="docs/loadtest.md", help="Markdown file ('' = none)")
    args = parser.parse_args(argv)
    if args.target and not args.target.startswith(("http://127.", "http://localhost")):
        parser.error("--target must be a loopback URL")

    tmp = Path(tempfile.mkdtemp(prefix="rf-load-"))
    stack: Stack | None = None
    try:
        stack = (
            Stack.existing(args.target)
            if args.target
            else Stack.start(latency_ms=args.latency_ms, workers=args.workers, threads=args.threads)
        )
        print(f"server {stack.base_url}; simulator {stack.sim_root or '(theirs)'}")
        results = []
        for scenario in args.scenario:
            print(f"running {scenario}: {args.users} users for {args.seconds}s …", flush=True)
            result = run_scenario(
                stack,
                scenario=scenario,
                users=args.users,
                seconds=args.seconds,
                max_requests=args.max_requests,
                tmp=tmp,
            )
            result.limit_ms = 3 * args.latency_ms
            results.append(result)
            print("\n".join(table(result)))
            print(
                "CPU s/s: " + ", ".join(f"{k} {v:.2f}" for k, v in result.cpu.items()), flush=True
            )
        command = " ".join(["python scripts/loadtest/run.py", *(argv or sys.argv[1:])]).strip()
        text = report(results, stack=stack, latency_ms=args.latency_ms, command=command)
        if args.out:
            out = ROOT / args.out
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            print(f"\nwritten to {out}")
        return 0
    except (StackError, subprocess.CalledProcessError) as exc:
        print(f"loadtest: {exc}", file=sys.stderr)
        if stack is not None:
            print(stack.log_tail("gunicorn"), file=sys.stderr)
        return 1
    finally:
        if stack is not None and stack.processes:
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
