"""`make run`: the ConnectWise and Autotask simulators and the web server; Ctrl-C stops them all.

The web server is gunicorn (resolutionflow/gunicorn.conf.py sizes it) unless `--dev` asks for
Django's autoreloading `runserver` (`make dev`). Each child runs in its own process group, so
stopping the demo stops the gunicorn master with all its workers and runserver with its
autoreload child, not just the process we started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from resolutionflow.serving import GUNICORN_CONF as GUNICORN_CONF  # the tests read it here
from resolutionflow.serving import gunicorn_argv

SIM_FLAGS = {
    "CWSIM_LATENCY_MS": "--latency-ms",
    "CWSIM_JITTER_MS": "--jitter-ms",
    "CWSIM_FAIL_RATE": "--fail-rate",
    "CWSIM_RATE_LIMIT": "--rate-limit",
    "CWSIM_HANG_RATE": "--hang-rate",
}
AT_SIM_FLAGS = {name.replace("CWSIM_", "ATSIM_"): flag for name, flag in SIM_FLAGS.items()}


def _simulator(command: str, port: int, flags: dict[str, str]) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "manage.py", command, "--host", "127.0.0.1", "--port", str(port)]
    for env_name, flag in flags.items():
        if os.environ.get(env_name):
            argv += [flag, os.environ[env_name]]
    return subprocess.Popen(argv, start_new_session=True)


def _wait_for_port(host: str, port: int, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.3)
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.1)
    return False


def _stop(proc: subprocess.Popen[bytes] | None, sig: int) -> None:
    if proc is not None and proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)


def _reap(proc: subprocess.Popen[bytes] | None, *, timeout: float) -> None:
    if proc is None:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc, signal.SIGKILL)
        proc.wait(timeout=5)


def web_command(*, host: str, port: int, dev: bool) -> list[str]:
    if dev:
        return [sys.executable, "manage.py", "runserver", f"{host}:{port}"]
    return gunicorn_argv(bind=f"{host}:{port}")


class Command(BaseCommand):
    help = "Serve the demo: ConnectWise and Autotask simulators + seeded demo data + web server."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--cw-port", type=int, default=int(os.environ.get("CWSIM_PORT", "8765"))
        )
        parser.add_argument(
            "--at-port", type=int, default=int(os.environ.get("ATSIM_PORT", "8766"))
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's runserver with autoreload instead of gunicorn (make dev).",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        cw_port: int,
        at_port: int,
        dev: bool,
        **options: Any,
    ) -> None:
        # Ctrl-C and a plain `kill` both stop the demo cleanly, even when started in the background
        # (where a shell leaves SIGINT ignored).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        manage = [sys.executable, "manage.py"]
        sim = _simulator("cwsim", cw_port, SIM_FLAGS)
        at_sim = _simulator("atsim", at_port, AT_SIM_FLAGS)
        web: subprocess.Popen[bytes] | None = None
        drain: subprocess.Popen[bytes] | None = None  # delivers queued notes (no Celery worker)
        try:
            if not _wait_for_port("127.0.0.1", cw_port, timeout=30):
                raise CommandError(f"The ConnectWise simulator did not start on port {cw_port}.")
            if not _wait_for_port("127.0.0.1", at_port, timeout=30):
                raise CommandError(f"The Autotask simulator did not start on port {at_port}.")
            cw_url = f"http://127.0.0.1:{cw_port}"
            at_url = f"http://127.0.0.1:{at_port}"
            call_command("seed_demo", cw_url=cw_url, at_url=at_url)
            self.stdout.write(
                self.style.SUCCESS(f"\n  ResolutionFlow demo: http://{host}:{port}/\n")
                + "  Sign in as jordan / resolutionflow (engineer, mapped to jsmith)\n"
                + "  Also: morgan (admin), riley (no mapping), admin (superuser), casey (Northshore)\n"
                + "  Autotask: avery (engineer, mapped to abrooks), blake (owner) at Lakeside\n"
                + f"  ConnectWise simulator: {cw_url}/v4_6_release/apis/3.0/\n"
                + f"  Autotask simulator: http://127.0.0.1:{at_port}/ATServicesRest/V1.0/"
                + " (Lakeside Managed IT; credentials in the README)\n"
                + f"  Web server: {'runserver (autoreload)' if dev else 'gunicorn'}\n"
                + "  Ctrl-C stops them all.\n"
            )
            web = subprocess.Popen(
                web_command(host=host, port=port, dev=dev), start_new_session=True
            )
            if not os.environ.get("REDIS_URL"):
                drain = subprocess.Popen(
                    [*manage, "outbox_drain", "--loop"], start_new_session=True
                )
            while sim.poll() is None and at_sim.poll() is None and web.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            # SIGTERM to each whole group: gunicorn's master finishes in-flight requests and
            # stops its workers; runserver's reloader and its child both go; cwsim, atsim and
            # the outbox drain stop.
            for proc in (drain, web, sim, at_sim):
                _stop(proc, signal.SIGTERM)
            _reap(drain, timeout=5)
            _reap(web, timeout=15)
            _reap(sim, timeout=5)
            _reap(at_sim, timeout=5)
