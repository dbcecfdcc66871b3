"""What `bench_psa.py` measures with: the simulator it starts, the call trace, the results.

Every figure is read from the simulator's own counter (`/_sim/stats`).
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from serving_stack import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent

API = "/v4_6_release/apis/3.0"
# The simulator's public demo tenant (DESIGN.md); these are not secrets.
COMPANY = "baysideit"
PUBLIC_KEY = "rfdemo-public"
PRIVATE_KEY = "rfdemo-private"
CLIENT_ID = "bench"
BOARD_ID = 2  # "Network Operations" in the baysideit tenant: the board the page-level list uses
API_SEARCH = f"/api/integrations/psa/tickets/search?board_id={BOARD_ID}"
ME_IDENTIFIER = "jsmith"  # jordan's mapped ConnectWise member

# The Autotask simulator's Lakeside Managed IT API user (seed_demo's LAKESIDE; not secrets).
AT_API = "/ATServicesRest/V1.0"
AT_USERNAME = "rfdemo@lakesideit.example"
AT_SECRET = "rfdemo-secret"
AT_INTEGRATION_CODE = "RFDEMO"
AT_QUEUE_ID = 29682969  # "Level I Support" in Lakeside: the queue avery's list rows filter on
AT_API_SEARCH = f"/api/integrations/psa/tickets/search?board_id={AT_QUEUE_ID}"
AT_ME_IDENTIFIER = "abrooks"  # avery's mapped Autotask resource (29682900)


class BenchError(RuntimeError):
    """Something did not run (the simulator, a request, a view): the only reason to exit non-zero."""


# --- results --------------------------------------------------------------------------------------


@dataclass
class Result:
    level: str  # "baseline", "provider" or "page"
    name: str
    timings_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time per run
    calls: list[int] = field(default_factory=list)  # ConnectWise calls per run (simulator count)
    routes: Counter[str] = field(default_factory=Counter)  # calls per route, summed over runs
    waves: list[int] = field(default_factory=list)  # sequential waves of calls per run (traced)
    wave_detail: str = ""  # the waves of the last run, route by route
    target: str = ""  # human-readable target ("" = informational)
    met: bool | None = None  # None = no target to check
    limit_ms: float | None = None  # for a time target: the median it must not exceed
    inproc: Result | None = None  # the same request through Django's test client, in-process
    cw_ms: float | None = None  # median of the ConnectWise work inside it (the provider's row)
    server_cpu_ms: list[float] = field(default_factory=list)  # gunicorn workers' CPU per run
    psa: str = "ConnectWise"  # whose simulator counted the calls (and whose RTT it is divided by)

    @property
    def over(self) -> float | None:
        """What the request costs beyond its ConnectWise work."""
        return None if self.cw_ms is None else self.median - self.cw_ms

    def check_time(self, limit_ms: float, target: str) -> None:
        self.limit_ms, self.target, self.met = limit_ms, target, self.median <= limit_ms

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def p90(self) -> float:
        if len(self.timings_ms) < 2:
            return self.timings_ms[0]
        return statistics.quantiles(self.timings_ms, n=10, method="inclusive")[-1]

    @property
    def p95(self) -> float:
        if len(self.timings_ms) < 2:
            return self.timings_ms[0]
        return statistics.quantiles(self.timings_ms, n=20, method="inclusive")[-1]

    @property
    def calls_label(self) -> str:
        return _span(self.calls)

    @property
    def waves_label(self) -> str:
        return _span(self.waves) if self.waves else ""

    def routes_per_run(self) -> str:
        runs = len(self.calls)
        return ", ".join(f"{route} ×{n / runs:g}" for route, n in sorted(self.routes.items()))


def _span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


@dataclass
class Report:
    latency_ms: float
    runs: int
    rtt: Result
    results: list[Result] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at start and end
    server: str = ""  # how the HTTP server was sized
    at_rtt: Result | None = None  # the Autotask simulator's bare round trip, when benched

    def rtt_for(self, result: Result) -> float:
        """The round trip a row is divided by: its own PSA simulator's."""
        if result.psa == "Autotask" and self.at_rtt is not None:
            return self.at_rtt.median
        return self.rtt.median

    def ratio(self, result: Result) -> float:
        return result.median / self.rtt_for(result)


# --- the simulator --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Simulator:
    """`manage.py cwsim` in a child process, plus its uncounted control endpoints (`/_sim/...`)."""

    @classmethod
    def attach(cls, root: str, log_path: Path) -> Simulator:
        """The simulator the HTTP stack started (one simulator for every figure)."""
        sim = cls.__new__(cls)
        sim.port = int(root.rsplit(":", 1)[1])
        sim.root = root
        sim.log_path = log_path
        sim._log = log_path.open("ab")
        sim.process = None  # type: ignore[assignment]
        sim.control = requests.Session()
        return sim

    def __init__(self, latency_ms: float, log_path: Path) -> None:
        self.port = free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        # A separate process, so the simulator's latency sleeps and JSON work never compete with
        # the measured code for the GIL.
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "cwsim",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--latency-ms",
                f"{latency_ms:g}",
                "--jitter-ms",
                "0",
            ],
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.control = requests.Session()

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise BenchError(f"cwsim exited with status {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                self.stats()  # the port is open and the WSGI app answers
                return
            except (OSError, requests.RequestException):
                time.sleep(0.1)
        raise BenchError(f"cwsim did not listen on port {self.port} within {timeout:g}s")

    def stats(self) -> dict[str, Any]:
        response = self.control.get(f"{self.root}/_sim/stats", timeout=5)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self.control.post(f"{self.root}/_sim/reset", json={}, timeout=5).raise_for_status()

    def log_tail(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        self.control.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # cwsim stops cleanly on SIGTERM
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


# --- measuring --------------------------------------------------------------------------------------


class CallTrace:
    """Records (route, start, end) of every call a provider's client makes, to show its waves.

    It wraps the client's one request funnel on that provider instance only (app code is
    untouched). A call that starts after every earlier call has ended opens a new wave: waves
    are what costs round trips, however many calls run in parallel inside one.
    """

    def __init__(self, client: Any, route: Callable[[str], str] | None = None) -> None:
        from psa.providers.connectwise.client import route_template

        route_template = route or route_template
        self.calls: list[tuple[str, float, float]] = []
        self._lock = threading.Lock()
        funnel = client.request

        def traced(method: str, path: str, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return funnel(method, path, **kwargs)
            finally:
                with self._lock:
                    self.calls.append(
                        (f"{method} {route_template(path)}", started, time.perf_counter())
                    )

        client.request = traced

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def waves(self) -> list[list[str]]:
        waves: list[list[str]] = []
        wave_end = float("-inf")
        for route, start, end in sorted(self.calls, key=lambda c: c[1]):
            if start >= wave_end:
                waves.append([])
                wave_end = end
            else:
                wave_end = max(wave_end, end)
            waves[-1].append(route)
        return waves


def measure(
    sim: Simulator,
    level: str,
    name: str,
    fn: Callable[[], Any],
    *,
    runs: int,
    warmup: int = 1,
    before_each: Callable[[], Any] | None = None,
    trace: CallTrace | None = None,
    server_pids: list[int] | None = None,
    psa: str = "ConnectWise",
) -> Result:
    """Time `fn` `runs` times; count the ConnectWise calls of each run from the simulator.

    The stats are read outside the timed region (control calls are neither delayed nor counted),
    so reading them never inflates a timing or a count. Warm-up runs open pooled connections and
    fill template caches, which a real server has done long before a user clicks. CPU time is the
    whole process's (pool threads included): on a busy machine the wall time grows while it
    does not, which tells waiting on other processes apart from work our code does. With a
    `trace` on the provider doing the calls, each run also records how many sequential waves
    its calls made (and the trace must have seen every call the simulator counted).
    """
    for _ in range(warmup):
        if before_each:
            before_each()
        fn()
    result = Result(level, name, psa=psa)
    for _ in range(runs):
        if before_each:
            before_each()
        before = sim.stats()
        server_cpu = cpu_seconds(server_pids) if server_pids else 0.0
        if trace:
            trace.clear()
        cpu, started = time.process_time(), time.perf_counter()
        fn()
        result.timings_ms.append((time.perf_counter() - started) * 1000)
        result.cpu_ms.append((time.process_time() - cpu) * 1000)
        if server_pids:
            result.server_cpu_ms.append((cpu_seconds(server_pids) - server_cpu) * 1000)
        after = sim.stats()
        result.calls.append(after["total"] - before["total"])
        for route, n in after["routes"].items():
            if n - before["routes"].get(route, 0):
                result.routes[route] += n - before["routes"].get(route, 0)
        if trace:
            if len(trace.calls) != result.calls[-1]:
                raise BenchError(
                    f"{name}: the simulator counted {result.calls[-1]} calls but the trace saw "
                    f"{len(trace.calls)}: another provider instance made them"
                )
            waves = trace.waves()
            result.waves.append(len(waves))
            result.wave_detail = describe_waves(waves)
    return result


def measure_rtt(sim: Simulator, runs: int) -> Result:
    """One bare authenticated GET on a kept-alive connection: the unit every ratio divides by."""
    session = requests.Session()
    session.auth = (f"{COMPANY}+{PUBLIC_KEY}", PRIVATE_KEY)
    session.headers["clientId"] = CLIENT_ID
    url = f"{sim.root}{API}/service/priorities"

    def call() -> None:
        session.get(url, timeout=10).raise_for_status()

    try:
        return measure(
            sim, "baseline", "round trip: GET /service/priorities", call, runs=runs, warmup=2
        )
    finally:
        session.close()


def measure_at_rtt(sim: Simulator, runs: int) -> Result:
    """Autotask's bare round trip: one authenticated GET (ThresholdInformation, the cheapest)."""
    session = requests.Session()
    session.headers.update(
        {
            "UserName": AT_USERNAME,
            "Secret": AT_SECRET,
            "ApiIntegrationCode": AT_INTEGRATION_CODE,
            "Content-Type": "application/json",
        }
    )
    url = f"{sim.root}{AT_API}/ThresholdInformation"

    def call() -> None:
        session.get(url, timeout=10).raise_for_status()

    try:
        return measure(
            sim,
            "baseline",
            "round trip: GET ThresholdInformation",
            call,
            runs=runs,
            warmup=2,
            psa="Autotask",
        )
    finally:
        session.close()


def describe_waves(waves: list[list[str]]) -> str:
    parts = []
    for number, routes in enumerate(waves, 1):
        counted = Counter(routes)
        listed = ", ".join(f"{r}" + (f" ×{n}" if n > 1 else "") for r, n in counted.items())
        parts.append(f"wave {number} ({len(routes)} parallel): {listed}")
    return "; ".join(parts)
