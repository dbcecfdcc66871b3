"""Redis or the broker down: pages and the API keep answering; /healthz says what is down."""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import cache

from psa.cooldown import CacheCooldown

pytestmark = pytest.mark.django_db

# Nothing listens on port 1 of loopback: every Redis call is refused at once.
DEAD_REDIS = {
    "default": {
        "BACKEND": "resolutionflow.cache.RedisWithLocalFallback",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "rf-test",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
}


@pytest.fixture
def redis_down(settings, demo):
    settings.CACHES = DEAD_REDIS
    yield
    cache.clear()


@pytest.fixture
def jordan(client, demo):
    client.force_login(demo.jordan)
    return client


def test_ticket_pages_and_api_answer_with_redis_down(jordan, redis_down, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="resolutionflow.cache")

    page = jordan.get("/tickets/")
    fragment = jordan.get(
        "/tickets/?board=2", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    api = jordan.get("/api/integrations/psa/tickets/search")

    assert page.status_code == 200 and 'id="ticket-row-' in page.content.decode()
    assert fragment.status_code == 200 and 'id="ticket-row-' in fragment.content.decode()
    assert api.status_code == 200 and api.json()["items"]
    assert any("Redis cache unreachable" in r.getMessage() for r in caplog.records)


def test_the_cache_serves_from_process_memory_while_redis_is_down(redis_down) -> None:
    cache.set("k", "v", timeout=60)
    assert cache.get("k") == "v"
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    cache.delete("a")
    assert cache.get("a") is None


def test_the_429_cooldown_still_holds_within_the_process(redis_down) -> None:
    cooldown = CacheCooldown("psa:cooldown:test")
    cooldown.start(30)
    assert 29 < cooldown.remaining() <= 30


def test_redis_is_tried_again_after_a_pause(redis_down, monkeypatch) -> None:
    from django.core.cache import caches

    backend = caches["default"]
    cache.get("x")  # refused: served from memory, Redis left alone for a moment
    assert backend.redis_down
    backend._down_until = time.monotonic() - 1  # the pause is over
    calls = []
    monkeypatch.setattr(backend.local, "get", lambda *a, **k: calls.append(a))
    cache.get("x")  # Redis is asked (and refuses) before memory answers again
    assert backend.redis_down and calls


@pytest.fixture
def operator(client, settings):
    """Monitoring with the health token (details are for operators only)."""
    settings.HEALTHZ_TOKEN = "monitoring-token-0123456789"
    client.defaults["HTTP_X_HEALTH_TOKEN"] = settings.HEALTHZ_TOKEN
    return client


def test_healthz_tells_strangers_only_up_or_down(client, demo) -> None:
    from psa.models import PSAConnection

    PSAConnection.objects.filter(account=demo.bayside).update(last_error="HTTP 401 from site")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert b"bayside" not in response.content and b"401" not in response.content
    wrong = client.get("/healthz", HTTP_X_HEALTH_TOKEN="guess")
    assert wrong.json() == {"ok": True}


def test_a_superuser_sees_the_details(client, demo) -> None:
    client.force_login(demo.admin)
    body = client.get("/healthz").json()
    assert {c["account"] for c in body["psa"]} == {"bayside", "northshore"}


def test_healthz_reports_each_dependency(operator, demo) -> None:
    client = operator
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200 and body["ok"] is True
    assert body["database"]["ok"] and body["cache"]["ok"] and body["broker"]["ok"]
    accounts = {c["account"]: c for c in body["psa"]}
    assert set(accounts) == {"bayside", "northshore"}
    assert all("last_checked_at" in c and "last_error" in c for c in accounts.values())
    assert {c["provider"] for c in accounts.values()} == {"connectwise"}


def test_healthz_is_503_with_redis_down_and_live_still_200(operator, redis_down) -> None:
    client = operator
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"]["ok"] is False
    assert "unreachable" in response.json()["cache"]["error"]
    live = client.get("/healthz?live")
    assert live.status_code == 200 and live.json() == {"ok": True, "live": True}


def test_healthz_is_503_when_the_broker_is_down(operator, db) -> None:
    client = operator
    from resolutionflow.celery import app

    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous

    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert elapsed < 10


def test_healthz_reports_a_failed_connectwise_check_without_failing(operator, demo) -> None:
    client = operator
    from psa.models import PSAConnection

    PSAConnection.objects.filter(account=demo.bayside).update(last_error="HTTP 401")

    response = client.get("/healthz")

    assert response.status_code == 200
    bayside = next(c for c in response.json()["psa"] if c["account"] == "bayside")
    assert bayside["ok"] is False and bayside["last_error"] == "HTTP 401"
