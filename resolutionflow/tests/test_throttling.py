"""Throttling: sign-in lockout (django-axes), API throttles, and the AI usage meters."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from resolutionflow.models import Account, Membership

PASSWORD = "a-long-correct-password"
BASE = "/api/integrations/psa"


@pytest.fixture
def alex(db: Any) -> Any:
    account = Account.objects.create(name="Acme MSP", slug="acme-msp")
    user = get_user_model().objects.create_user("alex", password=PASSWORD, is_staff=True)
    Membership.objects.create(user=user, account=account, role=Membership.Role.OWNER)
    return user


def _sign_in(client: Client, username: str, password: str, *, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_forty_wrong_passwords_then_the_right_one_does_not_sign_in(alex) -> None:
    client = Client()
    for _ in range(40):
        _sign_in(client, "alex", "wrong")
    response = _sign_in(client, "alex", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert not _signed_in(client)


def test_admin_login_is_locked_out_too(alex) -> None:
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "alex", "wrong", path="/admin/login/")
    response = _sign_in(client, "alex", PASSWORD, path="/admin/login/")
    assert response.status_code == 429
    assert not _signed_in(client)


def test_a_few_typos_then_the_right_password_signs_in(alex) -> None:
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "alex", "wrong").status_code == 200
    response = _sign_in(client, "alex", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


# --- API ------------------------------------------------------------------------------------------


def test_bogus_api_tokens_are_slowed_per_address(db) -> None:
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    limit = int(django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["bad_token"].split("/")[0])
    statuses = [
        client.get(f"{BASE}/boards", HTTP_AUTHORIZATION=f"Token bogus{n:04d}").status_code
        for n in range(limit + 1)
    ]
    assert statuses[:limit] == [401] * limit
    assert statuses[-1] == 429
    response = client.get(f"{BASE}/boards", HTTP_AUTHORIZATION="Token another")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"


def test_drf_throttles_cover_users_tokens_and_addresses() -> None:
    classes = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    rates = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"anon", "user", "token"} <= set(rates)
    assert "resolutionflow.throttling.TokenRateThrottle" in classes
    assert "rest_framework.throttling.UserRateThrottle" in classes


def test_ai_parses_default_to_thirty_per_user_a_minute() -> None:
    assert django_settings.METER_LIMITS["ai_parse"]["user"] <= 30
    assert django_settings.METER_WINDOW_SECONDS == 60


# --- AI usage meters ------------------------------------------------------------------------------


@pytest.fixture
def small_meters(settings: Any) -> None:
    # A long window: the burst cannot straddle two windows on a slow machine.
    settings.METER_WINDOW_SECONDS = 3600
    settings.METER_LIMITS = {
        "ai_parse": {"user": 3, "account": 5},
        "assistant_message": {"user": 2, "account": 10},
    }


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_burst_of_ai_parses_gets_429_with_retry_after(demo, small_meters) -> None:
    client = _api(demo.jordan)
    prompt = {"prompt": "Acme Corp: Outlook not syncing"}
    statuses = [
        client.post(f"{BASE}/tickets/ai-parse", prompt, format="json").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    response = client.post(f"{BASE}/tickets/ai-parse", prompt, format="json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert "limit of 3 AI parses" in error["message"]


def test_the_account_budget_is_shared_by_its_engineers(demo, small_meters) -> None:
    prompt = {"prompt": "Acme Corp: Outlook not syncing"}
    for user in (demo.jordan, demo.morgan):  # 3 + 2 = the account's 5
        for _ in range(3 if user is demo.jordan else 2):
            assert (
                _api(user).post(f"{BASE}/tickets/ai-parse", prompt, format="json").status_code
                == 200
            )
    refused = _api(demo.morgan).post(f"{BASE}/tickets/ai-parse", prompt, format="json")
    assert refused.status_code == 429
    assert "account's limit" in refused.json()["error"]["message"]
    # Another account's engineer is not affected.
    assert (
        _api(demo.casey).post(f"{BASE}/tickets/ai-parse", prompt, format="json").status_code == 200
    )


def test_quick_create_past_the_limit_says_so_in_a_toast(demo, small_meters) -> None:
    client = Client()
    client.force_login(demo.jordan)
    post = {"prompt": "Acme Corp: Outlook not syncing"}
    for _ in range(3):
        assert client.post("/tickets/new/parse/", post, HTTP_HX_REQUEST="true").status_code == 200
    response = client.post("/tickets/new/parse/", post, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert response["HX-Reswap"] == "none"  # the typed prompt stays
    assert int(response["Retry-After"]) > 0
    assert "limit of 3 AI parses" in response["HX-Trigger"]
    assert '"level": "warning"' in response["HX-Trigger"]


def test_assistant_messages_are_metered_and_the_draft_survives(
    demo, small_meters, django_capture_on_commit_callbacks
) -> None:
    from assistant.models import ChatSession

    session = ChatSession.objects.create(account=demo.bayside, user=demo.jordan)
    client = Client()
    client.force_login(demo.jordan)
    url = f"/assistant/{session.pk}/messages/"
    for n in range(2):
        # Each reply is written before the next message (one message at a time), so both count.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"content": f"hello {n}"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "still answering" not in response.content.decode()
    response = client.post(url, {"content": "keep this draft"}, HTTP_HX_REQUEST="true")
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "keep this draft" in html
    assert "limit of 2 assistant messages" in html
    assert session.messages.filter(content="keep this draft").count() == 0


def test_behind_a_proxy_the_clients_own_address_is_locked_out(alex, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.50")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        _sign_in(attacker, "alex", "wrong")
    assert _sign_in(attacker, "alex", PASSWORD).status_code == 429
    # The same user from another client behind the same proxy still signs in.
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert _sign_in(colleague, "alex", PASSWORD).status_code == 302
