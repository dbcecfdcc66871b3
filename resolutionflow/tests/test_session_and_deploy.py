"""DEBUG off unless set, the session idle timeout, and `check --deploy` under production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.contrib.sessions.models import Session
from django.utils import timezone

from psa.tests.factories import UserFactory
from resolutionflow import session_idle

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "REDIS_URL", "DATABASE_URL")}
    env.update(
        {
            "SECRET_KEY": "x" * 20 + Fernet.generate_key().decode(),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "rf.example.com",
            "RF_QUIET_DEV_WARNINGS": "1",
        }
    )
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_unless_set_so_the_dev_key_is_refused() -> None:
    env = _production_env()
    del env["SECRET_KEY"]
    done = _manage("check", env=env)
    assert done.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in done.stderr


def test_check_deploy_is_clean_under_production_settings() -> None:
    done = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_request_pushes_the_idle_timeout_back_at_most_once_per_interval(
    client, settings, monkeypatch
) -> None:
    settings.SESSION_COOKIE_AGE = 3600
    settings.SESSION_IDLE_REFRESH_SECONDS = 300
    now = [1_000_000.0]
    monkeypatch.setattr(session_idle, "clock", lambda: now[0])
    client.force_login(UserFactory())

    first = client.get("/")
    assert first.cookies["sessionid"]["max-age"] == 3600
    expiry = _session_row(client).expire_date
    assert timedelta(minutes=59) < expiry - timezone.now() <= timedelta(hours=1)

    now[0] += 60  # within the interval: no session write, no new cookie
    quiet = client.get("/")
    assert "sessionid" not in quiet.cookies
    assert _session_row(client).expire_date == expiry

    now[0] += 300  # the interval has passed: the expiry moves forward again
    Session.objects.filter(pk=_session_row(client).pk).update(
        expire_date=timezone.now() + timedelta(minutes=10)
    )
    refreshed = client.get("/")
    assert refreshed.cookies["sessionid"]["max-age"] == 3600
    assert _session_row(client).expire_date - timezone.now() > timedelta(minutes=59)


def test_an_idle_session_has_ended(client) -> None:
    client.force_login(UserFactory())
    client.get("/")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_check_deploy_fails_on_a_weak_secret_key() -> None:
    done = _manage("check", "--deploy", env=_production_env(SECRET_KEY="x"))
    assert done.returncode != 0
    assert "resolutionflow.E001" in done.stderr and "too weak" in done.stderr


def test_a_malformed_encryption_key_is_refused_at_start() -> None:
    done = _manage("check", env=_production_env(FIELD_ENCRYPTION_KEY="not-a-fernet-key"))
    assert done.returncode != 0
    assert "FIELD_ENCRYPTION_KEY #1 is not a Fernet key" in done.stderr


def test_check_deploy_warns_when_several_workers_share_no_cache(settings, monkeypatch) -> None:
    from resolutionflow.checks import check_shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    assert [w.id for w in check_shared_cache()] == ["resolutionflow.W001"]
    settings.CACHES = {"default": {"BACKEND": "diskcache.DjangoCache", "LOCATION": "/tmp/x"}}
    assert check_shared_cache() == []
