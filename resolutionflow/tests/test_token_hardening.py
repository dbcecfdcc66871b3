"""API tokens, attacked: others' guesses never block a valid token, and a token does not get
round an account's required two-factor sign-in."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from resolutionflow.api_tokens import api_token_create

URL = "/api/integrations/psa/member-mappings"


def _api(key: str, address: str = "203.0.113.20") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_guessing_from_an_address_never_blocks_its_valid_tokens(demo: Any) -> None:
    _, key = api_token_create(user=demo.jordan, name="office script")
    limit = int(django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["bad_token"].split("/")[0])
    for n in range(limit + 5):
        _api(f"guess-{n:04d}").get(URL)
    assert _api("guess-more").get(URL).status_code == 429  # guessing is still slowed
    assert _api(key).get(URL).status_code == 200  # the office's real script is not


def test_a_token_is_refused_while_required_two_factor_is_not_set_up(demo: Any) -> None:
    _, key = api_token_create(user=demo.casey, name="made before the rule")
    assert _api(key).get(URL).status_code == 200
    demo.northshore.require_two_factor = True
    demo.northshore.save()

    response = _api(key).get(URL)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "two_factor_required"
    assert "set up an authenticator" in error["message"]

    TOTPDevice.objects.create(user=demo.casey, name="phone", confirmed=True)
    assert _api(key).get(URL).status_code == 200


def test_engineers_tokens_are_not_affected_by_the_owner_and_admin_rule(demo: Any) -> None:
    demo.bayside.require_two_factor = True
    demo.bayside.save()
    _, key = api_token_create(user=demo.jordan, name="engineer script")
    assert _api(key).get(URL).status_code == 200
