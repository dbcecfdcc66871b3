"""Start and stop our own processes (simulator, gunicorn, Celery) for the scale and two-node scripts.

Every process gets its own session (process group), is stopped by that group's id when the
script ends (TERM, then KILL after a grace period), and logs to a file the script names when
something fails. Loopback only.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PASSWORD = "resolutionflow"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Stack:
    """The processes one script started; `stop()` (or leaving the `with`) ends all of them."""

    log_dir: Path
    env: dict[str, str]
    procs: list[Proc] = field(default_factory=list)

    def __enter__(self) -> Stack:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def spawn(self, name: str, argv: Sequence[str], env: dict[str, str] | None = None) -> Proc:
        log = self.log_dir / f"{name}.log"
        handle = log.open("wb")
        popen = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so we stop its children too
        )
        handle.close()
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def manage(self, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def stop_one(self, proc: Proc, grace: float = 10) -> None:
        if proc.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.popen.pid, signal.SIGTERM)
            try:
                proc.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait(timeout=5)
        if proc in self.procs:
            self.procs.remove(proc)

    def stop(self) -> None:
        for proc in reversed(list(self.procs)):
            self.stop_one(proc)

    def check_alive(self) -> None:
        for proc in self.procs:
            if proc.popen.poll() is not None:
                raise StackError(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}")


def wait_http(url: str, proc: Proc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise StackError(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise StackError(f"{proc.name} did not answer {url} within {timeout:.0f} s:\n{proc.tail()}")


def sign_in(base: str, username: str, password: str = PASSWORD) -> requests.Session:
    """A browser-like session: the login form's CSRF token, then the POST."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    match = _CSRF.search(page.text)
    if page.status_code != 200 or match is None:
        raise StackError(f"no login form at {base}/accounts/login/ ({page.status_code})")
    done = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    if done.status_code != 302:
        raise StackError(f"signing in as {username} failed ({done.status_code})")
    return session


def gunicorn(port: int, *, workers: int = 2, threads: int = 4) -> list[str]:
    """`make run`'s server (resolutionflow.serving), sized per script."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from resolutionflow.serving import gunicorn_argv

    return gunicorn_argv(bind=f"127.0.0.1:{port}", workers=workers, threads=threads, access_log="-")


def cwsim(port: int, *extra: str) -> list[str]:
    return [PYTHON, "manage.py", "cwsim", "--port", str(port), *extra]
