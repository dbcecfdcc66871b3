"""`make run`'s command: both simulators + gunicorn come up; SIGTERM/Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(predicate, *, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_demo_serves_through_gunicorn_and_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    """SIGTERM takes the same path (rundemo maps it to KeyboardInterrupt); one run is enough."""
    web, cw, at = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "RF_QUIET_DEV_WARNINGS": "1",
        "PSA_LOG_LEVEL": "WARNING",
        "STATIC_HASHED": "0",  # no collectstatic needed: this test is about processes
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    demo = subprocess.Popen(
        [*manage, "rundemo", "--port", str(web), "--cw-port", str(cw), "--at-port", str(at)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[psutil.Process] = []
    try:
        assert _wait_until(lambda: _answers(f"http://127.0.0.1:{web}/healthz"), timeout=120)
        children = psutil.Process(demo.pid).children(recursive=True)
        commands = [" ".join(c.cmdline()) for c in children]
        assert any("cwsim" in c for c in commands)
        assert any("atsim" in c for c in commands)
        # The Autotask simulator answers a raw query with the README's demo credentials.
        query = requests.post(
            f"http://127.0.0.1:{at}/ATServicesRest/V1.0/Tickets/query",
            json={"filter": [{"op": "gte", "field": "id", "value": 0}], "MaxRecords": 3},
            headers={
                "UserName": "rfdemo@lakesideit.example",
                "Secret": "rfdemo-secret",
                "ApiIntegrationCode": "RFDEMO",
            },
            timeout=10,
        )
        assert query.status_code == 200 and len(query.json()["items"]) == 3
        gunicorn = [c for c in children if "gunicorn" in " ".join(c.cmdline())]
        assert len(gunicorn) == 3  # the master and its two workers

        demo.send_signal(signal.SIGINT)  # what Ctrl-C sends
        demo.wait(timeout=60)
        _, alive = psutil.wait_procs(children, timeout=20)
        assert alive == [], [" ".join(p.cmdline()) for p in alive]
        assert not _answers(f"http://127.0.0.1:{web}/healthz")
    finally:
        # A failed test must not leave the demo's processes behind (only the ones it started).
        for process in [*children, psutil.Process(demo.pid)] if demo.poll() is None else children:
            if process.is_running():
                process.kill()
