"""The demo stack as `make run` serves it, on free loopback ports, for `make bench` and `make load`.

`Stack` starts the ConnectWise simulator (fixed latency, no jitter), with `autotask=True` the
Autotask simulator beside it (the same latency; `make run` starts both), and gunicorn with the
same config `make run` uses (resolutionflow/gunicorn.conf.py, hashed static files) against a throwaway
SQLite database seeded with `seed_demo`. Or `Stack.existing(url)` targets a server already running
(`make run`), seeded by it. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from resolutionflow.serving import GUNICORN_CONF, gunicorn_argv  # noqa: E402

PASSWORD = "resolutionflow"  # the demo users' password (DESIGN.md); not a secret


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, *, process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StackError(f"{process.args!r} exited with status {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise StackError(f"{url} did not answer within {timeout:g}s")


def sign_in(base_url: str, username: str, password: str = PASSWORD) -> requests.Session:
    """A requests session signed in through the real login form (CSRF and all)."""
    session = requests.Session()
    form = session.get(f"{base_url}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    response = session.post(
        f"{base_url}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": f"{base_url}/accounts/login/"},
        timeout=10,
    )
    if "Sign out" not in response.text:
        raise StackError(f"could not sign in as {username} at {base_url}")
    return session


@dataclass
class Stack:
    base_url: str
    sim_root: str | None = None
    at_root: str | None = None  # the Autotask simulator (zone discovery host), if started
    workers: int = 0
    threads: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    tmp: Path | None = None

    @classmethod
    def existing(cls, base_url: str) -> Stack:
        _wait_http(f"{base_url.rstrip('/')}/healthz", process=None, timeout=10)
        return cls(base_url=base_url.rstrip("/"))

    @classmethod
    def start(
        cls,
        *,
        latency_ms: float,
        workers: int | None = None,
        threads: int | None = None,
        env: dict[str, str] | None = None,
        autotask: bool = False,
    ) -> Stack:
        tmp = Path(tempfile.mkdtemp(prefix="rf-stack-"))
        stack = cls(base_url="", tmp=tmp)
        try:
            stack._start(
                latency_ms=latency_ms,
                workers=workers,
                threads=threads,
                env=env or {},
                autotask=autotask,
            )
        except BaseException:
            stack.stop()
            raise
        return stack

    def _env(self, extra: dict[str, str]) -> dict[str, str]:
        assert self.tmp is not None
        env = {
            "DEBUG": "1",  # the demo's development defaults, unless the caller set DEBUG
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.tmp / 'db.sqlite3'}",
            "STATIC_HASHED": "1",
            # A throwaway stack: development keys, any simulator port (not the checkout's demo).
            "RF_DEMO_ENV_FILE": "",
            "PSA_LOG_LEVEL": "WARNING",  # no log line per ConnectWise call under load
            "RF_QUIET_DEV_WARNINGS": "1",
        }
        env.pop("REDIS_URL", None)  # the embedded default: one disk cache shared by the workers
        env.update(extra)
        return env

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        assert self.tmp is not None
        log = (self.tmp / f"{name}.log").open("wb")
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def _start(
        self,
        *,
        latency_ms: float,
        workers: int | None,
        threads: int | None,
        env: dict[str, str],
        autotask: bool,
    ) -> None:
        manage = [sys.executable, "manage.py"]
        sim_port, web_port = free_port(), free_port()
        self.sim_root = f"http://127.0.0.1:{sim_port}"
        base_env = self._env(env)
        latency = ["--latency-ms", f"{latency_ms:g}", "--jitter-ms", "0"]
        sim = self._spawn(
            "cwsim",
            [*manage, "cwsim", "--host", "127.0.0.1", "--port", str(sim_port), *latency],
            base_env,
        )
        seed = ["seed_demo", "--cw-url", self.sim_root]
        if autotask:
            # Seeding Lakeside maps avery to abrooks through the simulator's resources, so it
            # must answer before seed_demo runs.
            at_port = free_port()
            self.at_root = f"http://127.0.0.1:{at_port}"
            at_sim = self._spawn(
                "atsim",
                [*manage, "atsim", "--host", "127.0.0.1", "--port", str(at_port), *latency],
                base_env,
            )
            _wait_http(f"{self.at_root}/_sim/stats", process=at_sim, timeout=60)
            seed += ["--at-url", self.at_root]
        for step in (["migrate", "--noinput", "-v0"], seed):
            subprocess.run(
                [*manage, *step], cwd=ROOT, env=base_env, check=True, capture_output=True
            )
        if not (ROOT / "staticfiles" / "staticfiles.json").exists():
            subprocess.run(
                [*manage, "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=base_env,
                check=True,
                capture_output=True,
            )
        _wait_http(f"{self.sim_root}/_sim/stats", process=sim, timeout=30)
        web_env = dict(base_env)
        if workers:
            web_env["WEB_CONCURRENCY"] = str(workers)
        if threads:
            web_env["GUNICORN_THREADS"] = str(threads)
        import runpy

        conf = runpy.run_path(str(GUNICORN_CONF))  # the sizing this environment gets
        self.workers = workers or int(conf["workers"])
        self.threads = threads or int(conf["threads"])
        web = self._spawn("gunicorn", gunicorn_argv(bind=f"127.0.0.1:{web_port}"), web_env)
        self.base_url = f"http://127.0.0.1:{web_port}"
        _wait_http(f"{self.base_url}/healthz", process=web, timeout=60)

    def sim_stats(self) -> dict[str, Any]:
        if not self.sim_root:
            raise StackError("the simulator's counter is only known for a stack started here")
        response = requests.get(f"{self.sim_root}/_sim/stats", timeout=5)
        response.raise_for_status()
        return response.json()

    def pids(self) -> dict[str, list[int]]:
        """Process ids per role (gunicorn: master and workers), for CPU accounting."""
        import psutil

        out: dict[str, list[int]] = {}
        for name, process in self.processes.items():
            try:
                parent = psutil.Process(process.pid)
                out[name] = [parent.pid, *(c.pid for c in parent.children(recursive=True))]
            except psutil.NoSuchProcess:
                out[name] = []
        return out

    def log_tail(self, name: str) -> str:
        if self.tmp is None or not (self.tmp / f"{name}.log").exists():
            return ""
        return (self.tmp / f"{name}.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (0 for ones that are gone)."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total
