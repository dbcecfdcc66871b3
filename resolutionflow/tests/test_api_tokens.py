"""API tokens: hashed at rest, named, expiring, revocable by their owner only."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from resolutionflow.api_tokens import api_token_create
from resolutionflow.models import ApiToken

URL = "/api/integrations/psa/member-mappings"


@pytest.fixture
def jordan_client(demo: Any) -> Client:
    client = Client()
    client.force_login(demo.jordan)
    return client


def _api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_stored_only_as_a_digest(demo) -> None:
    token, key = api_token_create(user=demo.jordan, name="billing script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in {stored.digest, stored.prefix, stored.name}
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert _api(key).get(URL).status_code == 200


def test_an_expired_token_is_refused(demo) -> None:
    token, key = api_token_create(user=demo.jordan, name="old", expires_days=1)
    assert _api(key).get(URL).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _api(key).get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_the_owner_creates_and_revokes_a_token_on_the_page(jordan_client, demo) -> None:
    created = jordan_client.post("/account/tokens/", {"name": "n8n", "expires_days": "30"})
    assert created.status_code == 302 and created["Location"] == "/account/tokens/"
    page = jordan_client.get(created["Location"])
    assert page["Cache-Control"] == "no-store"
    key = page.context["new_key"]
    assert key and key in page.content.decode()
    token = ApiToken.objects.get(user=demo.jordan, name="n8n")
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    assert _api(key).get(URL).status_code == 200

    # Shown once: the list afterwards has the name and prefix, never the key.
    listing = jordan_client.get("/account/tokens/").content.decode()
    assert "n8n" in listing and token.prefix in listing and key not in listing

    jordan_client.post(f"/account/tokens/{token.pk}/revoke/")
    assert _api(key).get(URL).status_code == 401


def test_nobody_revokes_someone_elses_token(demo) -> None:
    token, key = api_token_create(user=demo.jordan, name="mine")
    morgan = Client()
    morgan.force_login(demo.morgan)
    morgan.post(f"/account/tokens/{token.pk}/revoke/")
    assert _api(key).get(URL).status_code == 200
    assert "mine" not in morgan.get("/account/tokens/").content.decode()


def test_a_deactivated_users_token_stops_working(demo) -> None:
    _, key = api_token_create(user=demo.jordan, name="x")
    get_user_model().objects.filter(pk=demo.jordan.pk).update(is_active=False)
    assert _api(key).get(URL).status_code == 401


def test_the_command_prints_a_working_named_expiring_token(demo) -> None:
    out = StringIO()
    call_command("api_token_create", "jordan", "--name", "demo", "--expires-days", "7", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=demo.jordan, name="demo")
    assert 6 <= (token.expires_at - timezone.now()).days <= 7
    assert _api(key).get(URL).status_code == 200
    call_command("api_token_create", "jordan", "--expires-days", "0", stdout=StringIO())
    assert ApiToken.objects.filter(user=demo.jordan, expires_at__isnull=True).exists()


def test_creating_and_revoking_a_token_goes_to_the_accounts_activity_log(
    jordan_client, demo
) -> None:
    from resolutionflow.activity import ActivityEvent

    jordan_client.post("/account/tokens/", {"name": "zapier", "expires_days": "30"})
    token = ApiToken.objects.get(user=demo.jordan, name="zapier")
    jordan_client.post(f"/account/tokens/{token.pk}/revoke/")

    events = ActivityEvent.objects.filter(account=demo.bayside, actor=demo.jordan).order_by("pk")
    actions = [e.action for e in events if "zapier" in e.target]
    assert actions == [ActivityEvent.Action.TOKEN_CREATED, ActivityEvent.Action.TOKEN_REVOKED]
    assert all(e.ip == "127.0.0.1" for e in events if "zapier" in e.target)


def test_reloading_after_creating_a_token_creates_no_second_one(jordan_client, demo) -> None:
    created = jordan_client.post("/account/tokens/", {"name": "n8n", "expires_days": "30"})
    shown = jordan_client.get(created["Location"])
    assert shown.context["new_key"]
    reloaded = jordan_client.get(created["Location"])  # what the browser's reload repeats
    assert reloaded.context["new_key"] is None
    assert ApiToken.objects.filter(user=demo.jordan, name="n8n").count() == 1
