"""`make run`: the ConnectWise simulator and the web server together; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

SIM_FLAGS = {
    "CWSIM_LATENCY_MS": "--latency-ms",
    "CWSIM_JITTER_MS": "--jitter-ms",
    "CWSIM_FAIL_RATE": "--fail-rate",
    "CWSIM_RATE_LIMIT": "--rate-limit",
    "CWSIM_HANG_RATE": "--hang-rate",
}


def _wait_for_port(host: str, port: int, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.3)
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.1)
    return False


class Command(BaseCommand):
    help = "Serve the demo: ConnectWise simulator + seeded demo data + web server."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--cw-port", type=int, default=int(os.environ.get("CWSIM_PORT", "8765"))
        )

    def handle(self, *args: Any, host: str, port: int, cw_port: int, **options: Any) -> None:
        # Ctrl-C and a plain `kill` both stop the demo cleanly, even when started in the background
        # (where a shell leaves SIGINT ignored).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        manage = [sys.executable, "manage.py"]
        sim_cmd = [*manage, "cwsim", "--host", "127.0.0.1", "--port", str(cw_port)]
        for env_name, flag in SIM_FLAGS.items():
            if os.environ.get(env_name):
                sim_cmd += [flag, os.environ[env_name]]
        sim = subprocess.Popen(sim_cmd)
        web: subprocess.Popen[bytes] | None = None
        drain: subprocess.Popen[bytes] | None = None  # delivers queued notes (no Celery worker)
        try:
            if not _wait_for_port("127.0.0.1", cw_port, timeout=30):
                raise CommandError(f"The ConnectWise simulator did not start on port {cw_port}.")
            cw_url = f"http://127.0.0.1:{cw_port}"
            call_command("seed_demo", cw_url=cw_url)
            self.stdout.write(
                self.style.SUCCESS(f"\n  ResolutionFlow demo: http://{host}:{port}/\n")
                + "  Sign in as jordan / resolutionflow (engineer, mapped to jsmith)\n"
                + "  Also: morgan (admin), riley (no mapping), admin (superuser), casey (Northshore)\n"
                + f"  ConnectWise simulator: {cw_url}/v4_6_release/apis/3.0/\n"
                + "  Ctrl-C stops both.\n"
            )
            web = subprocess.Popen([*manage, "runserver", f"{host}:{port}", "--noreload"])
            if not os.environ.get("REDIS_URL"):
                drain = subprocess.Popen([*manage, "outbox_drain", "--loop"])
            while sim.poll() is None and web.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for proc in (drain, web, sim):
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGINT)
            for proc in (drain, web, sim):
                if proc is not None:
                    try:
                        proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
