"""`make run` is production-shaped: DEBUG off with this checkout's own secrets (written once into
var/demo.env and read by every manage.py command), SQLite in WAL mode where concurrent writes
wait instead of failing, and the loopback simulator allowance limited to the simulator's port."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from psa.security import validate_site_url
from resolutionflow import local_env

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, threading, time
import django
django.setup()
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

out = {"debug": settings.DEBUG}
response = Client().get("/no-such-page/")
out["status_404"] = response.status_code
out["yellow_page"] = b"URLconf" in response.content or b"Traceback" in response.content
with connection.cursor() as cursor:
    out["journal_mode"] = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (n integer)")
connection.close()

errors = []
def write(n):
    from django.db import connection as conn
    try:
        with transaction.atomic():
            with conn.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM probe")
                time.sleep(0.05)  # a slow request holding its write
                cursor.execute("INSERT INTO probe VALUES (%s)", [n])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        conn.close()
threads = [threading.Thread(target=write, args=(n,)) for n in range(12)]
for t in threads: t.start()
for t in threads: t.join()
with connection.cursor() as cursor:
    out["rows"] = cursor.execute("SELECT count(*) FROM probe").fetchone()[0]
out["errors"] = errors
print(json.dumps(out))
"""


def _demo_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DEBUG",
            "SECRET_KEY",
            "FIELD_ENCRYPTION_KEY",
            "REDIS_URL",
            "PSA_INSECURE_PORTS",
            "SQLITE_TRANSACTION_MODE",
        )
    }
    env.update(
        {
            "RF_DEMO_ENV_FILE": str(tmp_path / "demo.env"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "resolutionflow.settings",
        }
    )
    return env


def test_the_demo_secrets_are_written_once_and_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RF_DEMO_ENV_FILE", str(tmp_path / "demo.env"))
    path = local_env.ensure()
    assert path is not None
    first = path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = local_env.read(path)
    assert len(values["SECRET_KEY"]) >= 50 and values["RF_DEMO"] == "1"
    local_env.ensure()
    assert path.read_text() == first  # never regenerated: stored keys stay readable


def test_make_run_serves_with_debug_off_and_sqlite_writes_wait(tmp_path: Path) -> None:
    env = _demo_env(tmp_path)
    # What `make run` does first; then any manage.py command needs no variables.
    subprocess.run(
        [sys.executable, "-m", "resolutionflow.local_env"], cwd=ROOT, env=env, check=True
    )
    checked = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["debug"] is False
    assert out["status_404"] == 404 and not out["yellow_page"]
    assert out["journal_mode"] == "wal"
    assert out["errors"] == [] and out["rows"] == 12


def test_the_makefile_keeps_debug_off_for_run_only() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export DEBUG = 0" in makefile
    assert "export DEBUG ?= 1\n" not in makefile.split("dev test")[0]


def test_the_demo_allowance_reaches_only_the_simulators_port(settings) -> None:
    settings.PSA_INSECURE_HOSTS = ["127.0.0.1"]
    settings.PSA_INSECURE_PORTS = [8765]
    assert validate_site_url("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    messages = set()
    for port in (22, 5432, 6379, 8000):
        with pytest.raises(ValidationError) as refused:
            validate_site_url(f"http://127.0.0.1:{port}")
        messages.add(refused.value.messages[0].replace(str(port), "N"))
    # Refused before connecting, in the same words: open and closed ports look alike.
    assert messages == {"127.0.0.1 is allowed for the local simulator on port 8765 only."}
