"""Two-factor events reach the account activity log the owners and admins read on the
integrations page: enrolment, recovery codes generated and used, wrong codes, the account's rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from resolutionflow.activity import ActivityEvent

PASSWORD = "resolutionflow"  # the demo users' password (DESIGN.md)
ADDRESS = "203.0.113.44"


def _sign_in(username: str) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(device: TOTPDevice, *, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _enrol(client: Client, user: Any) -> tuple[TOTPDevice, list[str]]:
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/accounts/two-factor/setup/", {"code": _code(device)})
    assert done.status_code == 200
    device.refresh_from_db()
    return device, done.context["recovery_codes"]


def _events(account: Any, *actions: str) -> list[ActivityEvent]:
    return list(
        ActivityEvent.objects.filter(account=account, action__in=actions).order_by("created", "pk")
    )


TWO_FACTOR = (
    ActivityEvent.Action.TWO_FACTOR_ENROLLED,
    ActivityEvent.Action.RECOVERY_CODES_CREATED,
    ActivityEvent.Action.RECOVERY_CODE_USED,
    ActivityEvent.Action.TWO_FACTOR_FAILED,
    ActivityEvent.Action.TWO_FACTOR_RULE,
)


@pytest.fixture
def integrations_page(demo: Any) -> Any:
    """The activity section as Bayside's admin (Morgan) sees it."""

    def read() -> str:
        client = Client()
        client.force_login(demo.morgan)
        page = client.get("/account/integrations/")
        assert page.status_code == 200
        return page.content.decode()

    return read


def test_enrolment_and_its_recovery_codes_are_logged(demo, integrations_page) -> None:
    client = _sign_in("jordan")
    _, codes = _enrol(client, demo.jordan)

    enrolled, created = _events(demo.bayside, *TWO_FACTOR)
    assert (enrolled.action, enrolled.actor, enrolled.ip) == (
        ActivityEvent.Action.TWO_FACTOR_ENROLLED,
        demo.jordan,
        ADDRESS,
    )
    assert (created.action, created.actor, created.ip) == (
        ActivityEvent.Action.RECOVERY_CODES_CREATED,
        demo.jordan,
        ADDRESS,
    )
    assert str(len(codes)) in created.detail
    # The codes themselves are secrets: never in the log.
    assert not any(code in f"{e.target} {e.detail}" for e in (enrolled, created) for code in codes)
    page = integrations_page()
    assert "Two-factor sign-in set up" in page and "Recovery codes generated" in page
    assert not any(code in page for code in codes)


def test_a_wrong_code_and_a_recovery_code_at_sign_in_are_logged(
    demo, integrations_page, settings
) -> None:
    # django-otp's wait after a wrong code is not what this test is about.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    _, codes = _enrol(_sign_in("jordan"), demo.jordan)

    client = _sign_in("jordan")
    wrong = client.post("/accounts/two-factor/", {"code": "000000"})
    assert "not valid" in wrong.content.decode()
    assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302

    failed, used = _events(
        demo.bayside,
        ActivityEvent.Action.TWO_FACTOR_FAILED,
        ActivityEvent.Action.RECOVERY_CODE_USED,
    )
    assert (failed.action, failed.actor, failed.ip) == (
        ActivityEvent.Action.TWO_FACTOR_FAILED,
        demo.jordan,
        ADDRESS,
    )
    assert "000000" not in failed.detail
    assert (used.action, used.actor, used.ip) == (
        ActivityEvent.Action.RECOVERY_CODE_USED,
        demo.jordan,
        ADDRESS,
    )
    assert f"{len(codes) - 1} left" in used.detail and codes[0] not in used.detail
    page = integrations_page()
    assert "Wrong two-factor code" in page and "Recovery code used" in page


def test_a_code_from_the_app_is_not_a_recovery_code(demo) -> None:
    device, _ = _enrol(_sign_in("jordan"), demo.jordan)
    client = _sign_in("jordan")
    assert client.post("/accounts/two-factor/", {"code": _code(device, drift=1)}).status_code == 302
    assert not _events(
        demo.bayside,
        ActivityEvent.Action.RECOVERY_CODE_USED,
        ActivityEvent.Action.TWO_FACTOR_FAILED,
    )


def test_the_owner_turning_the_rule_on_and_off_is_logged(demo, integrations_page) -> None:
    owner = _sign_in("casey")  # Northshore's owner
    owner.post("/account/two-factor-rule/", {"require": "on"})
    _enrol(owner, demo.casey)  # the rule now applies to the owner too
    owner.post("/account/two-factor-rule/", {})

    rules = _events(demo.northshore, ActivityEvent.Action.TWO_FACTOR_RULE)
    assert [(e.actor, e.ip) for e in rules] == [(demo.casey, ADDRESS)] * 2
    assert [e.detail.split(":")[0] for e in rules] == ["on", "off"]
    # Another account's log does not get them.
    assert not _events(demo.bayside, *TWO_FACTOR)
