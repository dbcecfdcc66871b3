"""Two-factor sign-in in the browser: an owner whose account requires it enrols an authenticator
(the key read from the page, the code generated in the test), then signs in again with a code."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from resolutionflow.models import Account, Membership
from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.e2e


def _code(secret_text: str, *, drift: int = 0) -> str:
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6, drift=drift):06d}"


def _checks_codes(device: TOTPDevice) -> bool:
    device.refresh_from_db()
    return device.verify_is_allowed()[0]


def _password(page) -> None:
    page.fill("input[name=username]", "jordan")
    page.fill("input[name=password]", "resolutionflow")
    page.click("button[type=submit]")


def test_an_owner_enrols_then_signs_in_with_a_totp_code(page, e2e_demo) -> None:
    Account.objects.filter(pk=e2e_demo.bayside.pk).update(require_two_factor=True)
    Membership.objects.filter(user=e2e_demo.jordan).update(role=Membership.Role.OWNER)

    page.goto("/tickets/")
    _password(page)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    secret = page.locator("#totp-secret").inner_text()
    page.fill("input[name=code]", _code(secret))
    page.click("button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.click("text=Continue")
    expect(page).to_have_url(re.compile(r"/tickets/"))

    # Sign out, sign in again: the password alone is not enough.
    page.click("text=Sign out")
    page.goto("/tickets/")
    _password(page)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?"))
    page.fill("input[name=code]", "000000")
    page.click("button[type=submit]")
    expect(page.locator(".alert-error")).to_contain_text("not valid")
    # django-otp now refuses every code, the right one too, until its back-off ends: wait until
    # the device would check a code again (asking it, as the sign-in view does).
    device = TOTPDevice.objects.get(user=e2e_demo.jordan, confirmed=True)
    assert device.throttling_failure_count == 1  # the wrong code counted
    wait_until(lambda: _checks_codes(device), what="the back-off after a wrong code to end")
    page.fill("input[name=code]", _code(secret, drift=1))  # the enrolment code is spent
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/tickets/"))
    expect(page.locator("#results")).to_be_visible()
