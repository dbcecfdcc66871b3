"""Two-factor sign-in: TOTP enrolment, the second step, recovery codes, the account's rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from resolutionflow.models import Account, Membership

PASSWORD = "a-long-correct-password"


@pytest.fixture
def account(db: Any) -> Account:
    return Account.objects.create(name="Acme MSP", slug="acme-msp", require_two_factor=True)


def _member(account: Account, username: str, role: str) -> Any:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, account=account, role=role)
    return user


def _sign_in(client: Client, username: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def _code(device: TOTPDevice, *, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=page.context["user"], confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url  # shown as text
    done = client.post("/accounts/two-factor/setup/", {"code": _code(device)})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    return device, done.context["recovery_codes"]


def test_an_owner_of_an_account_that_requires_it_must_enrol_first(account) -> None:
    _member(account, "olive", Membership.Role.OWNER)
    client = Client()
    assert _sign_in(client, "olive")["Location"] == "/"
    blocked = client.get("/tickets/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/accounts/two-factor/setup/")
    assert client.get("/api/integrations/psa/boards").status_code == 403
    _, codes = _enrol(client)
    assert len(codes) == 10
    assert client.get("/account/tokens/").status_code == 200


def test_sign_in_needs_a_code_from_the_authenticator(account) -> None:
    _member(account, "olive", Membership.Role.OWNER)
    client = Client()
    _sign_in(client, "olive")
    device, _ = _enrol(client)
    client.post("/accounts/logout/")

    client = Client()
    _sign_in(client, "olive")
    assert client.get("/account/tokens/")["Location"].startswith("/accounts/two-factor/?")
    wrong = client.post("/accounts/two-factor/", {"code": "000000"})
    assert "not valid" in wrong.content.decode()
    assert client.get("/account/tokens/").status_code == 302
    # django-otp slows guessing (a wait after each wrong code); skip that wait here.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    # The enrolment code was used: the next one (the app's next 30 s step) signs in.
    ok = client.post(
        "/accounts/two-factor/", {"code": _code(device, drift=1), "next": "/account/tokens/"}
    )
    assert ok["Location"] == "/account/tokens/"
    assert client.get("/account/tokens/").status_code == 200


def test_a_recovery_code_signs_in_once(account) -> None:
    _member(account, "olive", Membership.Role.OWNER)
    client = Client()
    _sign_in(client, "olive")
    _, codes = _enrol(client)
    for attempt in range(2):
        client = Client()
        _sign_in(client, "olive")
        response = client.post("/accounts/two-factor/", {"code": codes[0]})
        if attempt == 0:
            assert response.status_code == 302 and client.get("/account/tokens/").status_code == 200
        else:
            assert "not valid" in response.content.decode()


def test_engineers_and_accounts_without_the_rule_are_not_asked(account) -> None:
    _member(account, "eddie", Membership.Role.ENGINEER)
    relaxed = Account.objects.create(name="Relaxed", slug="relaxed")
    _member(relaxed, "rob", Membership.Role.OWNER)
    for username in ("eddie", "rob"):
        client = Client()
        _sign_in(client, username)
        assert client.get("/account/tokens/").status_code == 200


def test_anyone_who_enrolled_is_asked_even_without_the_rule(db) -> None:
    relaxed = Account.objects.create(name="Relaxed", slug="relaxed")
    _member(relaxed, "rob", Membership.Role.ENGINEER)
    client = Client()
    _sign_in(client, "rob")
    client.get("/accounts/two-factor/setup/")  # voluntary enrolment
    _enrol(client)
    client = Client()
    _sign_in(client, "rob")
    assert client.get("/account/tokens/")["Location"].startswith("/accounts/two-factor/?")


def test_the_demo_accounts_do_not_require_it(demo) -> None:
    assert not Account.objects.filter(require_two_factor=True).exists()


def test_only_an_owner_sets_the_accounts_rule(db) -> None:
    relaxed = Account.objects.create(name="Relaxed", slug="relaxed")
    _member(relaxed, "rob", Membership.Role.OWNER)
    _member(relaxed, "ada", Membership.Role.ADMIN)
    admin = Client()
    _sign_in(admin, "ada")
    assert admin.post("/account/two-factor-rule/", {"require": "on"}).status_code == 403
    owner = Client()
    _sign_in(owner, "rob")
    assert "Owners and admins of Relaxed" in owner.get("/account/tokens/").content.decode()
    owner.post("/account/two-factor-rule/", {"require": "on"})
    relaxed.refresh_from_db()
    assert relaxed.require_two_factor
    # From now on the owner and admins are sent to enrol; the owner's own session included.
    assert owner.get("/account/tokens/")["Location"].startswith("/accounts/two-factor/setup/")


def _second_step(client: Client, code: str) -> Any:
    return client.post("/accounts/two-factor/", {"code": code, "next": "/account/tokens/"})


def test_a_right_code_refused_after_a_wrong_one_says_it_was_throttled(account) -> None:
    _member(account, "tess", Membership.Role.ENGINEER)
    client = Client()
    _sign_in(client, "tess")
    device, _ = _enrol(client)
    client.logout()
    _sign_in(client, "tess")
    wrong = _second_step(client, "000000" if _code(device) != "000000" else "111111")
    assert "not valid" in wrong.content.decode()
    # At once, the right code: django-otp's back-off refuses it unchecked. Say that.
    refused = _second_step(client, _code(device, drift=1))
    text = refused.content.decode()
    assert "Too many wrong codes just now" in text and "not valid" not in text


def test_a_reused_code_says_it_was_already_used(account) -> None:
    _member(account, "uma", Membership.Role.ENGINEER)
    client = Client()
    _sign_in(client, "uma")
    device, _ = _enrol(client)  # signs in with the current code
    client.logout()
    _sign_in(client, "uma")
    again = _second_step(client, _code(device))  # the same code, still on the app's screen
    text = again.content.decode()
    assert "already used" in text and "not valid" not in text


def test_setting_up_shows_the_key_as_an_inline_svg_qr_code(account) -> None:
    _member(account, "vic", Membership.Role.ENGINEER)
    client = Client()
    _sign_in(client, "vic")
    page = client.get("/accounts/two-factor/setup/").content.decode()
    svg = page[page.index('<figure id="totp-qr"') :]
    assert "<svg" in svg.split("</figure>")[0] and "<path" in svg
    assert "style=" not in svg.split("</figure>")[0] and "<script" not in svg.split("</figure>")[0]


def test_requiring_two_factor_is_confirmed_to_the_owner(db) -> None:
    relaxed = Account.objects.create(name="Relaxed", slug="relaxed")
    _member(relaxed, "rob", Membership.Role.OWNER)
    owner = Client()
    _sign_in(owner, "rob")
    done = owner.post("/account/two-factor-rule/", {"require": "on"}, follow=True)
    assert "Two-factor sign-in is now required" in done.content.decode()
