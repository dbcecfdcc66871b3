"""Validate deploy/ as far as a machine without a container runtime allows (`make deploy-check`).

1. The compose file: `docker compose config` (or `docker-compose config`) with the example
   environment must succeed, and must fail when a required secret is missing. Without either
   tool, the YAML is parsed and its services checked by hand (and the report says so).
2. The image's command, outside a container: `collectstatic` as the Dockerfile runs it, then
   gunicorn with deploy/gunicorn.conf.py under production settings (DEBUG=0, secrets set,
   HTTPS behind a proxy), and deploy/healthcheck.py must report it healthy; and unhealthy once
   it is stopped. Loopback only; the server is stopped by its process-group id.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
SERVICES = {"balancer", "web", "worker", "beat", "db", "redis", "migrate"}


def _compose_tool() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def _example_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    from cryptography.fernet import Fernet

    env["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    return env


def check_compose() -> None:
    tool = _compose_tool()
    env = {"PATH": os.environ.get("PATH", ""), **_example_env()}
    if tool is None:
        import yaml

        spec = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
        missing = SERVICES - set(spec["services"])
        assert not missing, f"compose.yaml lacks {missing}"
        print("compose: no docker compose here; YAML parsed and services checked by hand")
        return
    compose = [*tool, "-f", str(DEPLOY / "compose.yaml")]
    done = subprocess.run([*compose, "config"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import yaml

    spec = yaml.safe_load(done.stdout)
    assert set(spec["services"]) == SERVICES, sorted(spec["services"])
    assert spec["services"]["web"]["healthcheck"]["test"][-1] == "deploy/healthcheck.py"
    print(
        f"compose: `{' '.join(tool)} config` accepts deploy/compose.yaml ({len(SERVICES)} services)"
    )
    without = {k: v for k, v in env.items() if k != "SECRET_KEY"}
    refused = subprocess.run([*compose, "config"], env=without, capture_output=True, text=True)
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr, refused.stderr
    print("compose: refuses to render without SECRET_KEY")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(env: dict[str, str]) -> bool:
    probe = [sys.executable, str(DEPLOY / "healthcheck.py")]
    return subprocess.run(probe, env=env, cwd=ROOT).returncode == 0


def check_image_command() -> None:
    from cryptography.fernet import Fernet

    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="deploy-check-") as tmp:
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=ROOT,
            env={
                **base,
                "DEBUG": "1",
                "SECRET_KEY": "collectstatic-only",
                "RF_QUIET_DEV_WARNINGS": "1",
            },
            check=True,
            capture_output=True,
        )
        env = {
            **base,
            "DEBUG": "0",
            "SECRET_KEY": "deploy-check-" + os.urandom(16).hex(),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "rf.example.test",
            "CSRF_TRUSTED_ORIGINS": "https://rf.example.test",
            "USE_X_FORWARDED_PROTO": "1",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "PORT": str(port),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        log = Path(tmp) / "gunicorn.log"
        with log.open("wb") as handle:
            server = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--config",
                    "deploy/gunicorn.conf.py",
                    "resolutionflow.wsgi",
                ],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 60
            while not _healthy(env):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn never became healthy:\n{log.read_text()}")
                time.sleep(0.5)
            print("image command: gunicorn -c deploy/gunicorn.conf.py under DEBUG=0 is healthy")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        assert not _healthy(env), "healthcheck.py reported a stopped server as healthy"
        print("image command: healthcheck.py reports the stopped server as unhealthy")


def main() -> int:
    try:
        check_compose()
        check_image_command()
    except (AssertionError, subprocess.CalledProcessError) as error:
        print(f"deploy-check FAILED: {error}", file=sys.stderr)
        return 1
    print("deploy-check: ok (the image itself was not built: no container runtime here)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
