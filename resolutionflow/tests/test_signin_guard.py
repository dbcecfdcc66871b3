"""Sign-in throttling, attacked: nobody can lock out people who did nothing wrong, and a guess at
one username spread over many addresses is slowed and then stopped."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from resolutionflow import signin_guard
from resolutionflow.models import Account, Membership

PASSWORD = "a-long-correct-password"


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    bayside = Account.objects.create(name="Bayside", slug="bayside")
    northshore = Account.objects.create(name="Northshore", slug="northshore")
    users = {}
    for name, account in (("jordan", bayside), ("morgan", bayside), ("casey", northshore)):
        users[name] = get_user_model().objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=users[name], account=account, role=Membership.Role.ADMIN)
    users["root"] = get_user_model().objects.create_superuser("root", password=PASSWORD)
    return users


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The guard's clock (the delays are seconds to minutes; tests move time, not wait)."""
    fake = Clock()
    monkeypatch.setattr(signin_guard, "_now", fake)
    return fake


def _sign_in(client: Client, username: str, password: str, *, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_unknown_usernames_from_one_address_lock_out_nobody(people) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(40):
        _sign_in(attacker, f"nobody{n % 8}", "wrong")
    # Every real user, of every account, and the superuser, still sign in - on both sign-in pages,
    # from the attacker's own address too (an office sharing it) and from anywhere else.
    for name in ("jordan", "casey"):
        colleague = Client(REMOTE_ADDR="203.0.113.7")
        assert _sign_in(colleague, name, PASSWORD).status_code == 302
        assert _signed_in(colleague)
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")
    assert _sign_in(elsewhere, "root", PASSWORD, path="/admin/login/").status_code == 302
    assert _signed_in(elsewhere)


def test_one_mistyping_colleague_behind_the_office_nat_locks_only_themselves(people) -> None:
    office = "192.0.2.10"
    typist = Client(REMOTE_ADDR=office)
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        _sign_in(typist, "jordan", "wrong")
    locked = _sign_in(typist, "jordan", PASSWORD)
    assert locked.status_code == 429
    assert "this username from this address" in locked.content.decode()
    assert not _signed_in(typist)
    colleague = Client(REMOTE_ADDR=office)
    assert _sign_in(colleague, "morgan", PASSWORD).status_code == 302
    # Jordan from home (another address) is not locked by the office lock either.
    home = Client(REMOTE_ADDR="198.51.100.30")
    assert _sign_in(home, "jordan", PASSWORD).status_code == 302


def test_a_guess_at_one_username_from_many_addresses_is_slowed_then_locked(people, clock) -> None:
    delay_after = django_settings.SIGNIN_USERNAME_DELAY_AFTER
    lock_after = django_settings.SIGNIN_USERNAME_LOCK_AFTER
    address = iter(f"10.{n // 250}.{n % 250}.1" for n in range(10_000))

    def attempt(password: str = "wrong") -> Any:
        return _sign_in(Client(REMOTE_ADDR=next(address)), "jordan", password)

    for _ in range(delay_after):
        assert attempt().status_code == 200  # an ordinary "wrong password"
    # From now on each try must wait, and the wait grows.
    refused = attempt(PASSWORD)
    assert refused.status_code == 429
    assert "Wait 1 s" in refused.content.decode()
    waits = []
    for _ in range(lock_after - delay_after):
        response = attempt()
        assert response.status_code == 429  # refused: not even checked, not counted
        waits.append(int(response["Retry-After"]))
        clock.now += waits[-1]
        assert attempt().status_code == 200  # checked after the wait, and wrong
    assert waits[:4] == [1, 2, 4, 8]
    assert max(waits) == django_settings.SIGNIN_USERNAME_DELAY_MAX
    # Locked now, even with the right password and after the longest delay.
    clock.now += django_settings.SIGNIN_USERNAME_DELAY_MAX
    locked = attempt(PASSWORD)
    assert locked.status_code == 429
    assert "paused for" in locked.content.decode()
    # Other users are untouched; the lock ends with its window.
    assert _sign_in(Client(REMOTE_ADDR=next(address)), "morgan", PASSWORD).status_code == 302
    clock.now += django_settings.SIGNIN_WINDOW_SECONDS
    client = Client(REMOTE_ADDR=next(address))
    assert _sign_in(client, "jordan", PASSWORD).status_code == 302


def test_a_few_failures_elsewhere_do_not_slow_the_real_user(people) -> None:
    for n in range(django_settings.SIGNIN_USERNAME_DELAY_AFTER - 1):
        _sign_in(Client(REMOTE_ADDR=f"10.9.0.{n + 1}"), "jordan", "wrong")
    client = Client(REMOTE_ADDR="198.51.100.40")
    assert _sign_in(client, "jordan", PASSWORD).status_code == 302
    # The right password ends the slow-down: ten more failures are needed to slow it again.
    assert signin_guard.refusal_for(username="jordan", address="10.9.9.9") is None
    _sign_in(Client(REMOTE_ADDR="10.9.1.1"), "jordan", "wrong")
    assert signin_guard.refusal_for(username="jordan", address="10.9.9.9") is None


def test_an_address_is_locked_only_at_a_count_no_office_reaches(people, settings) -> None:
    settings.SIGNIN_ADDRESS_LOCK_AFTER = 12
    attacker = Client(REMOTE_ADDR="203.0.113.99")
    for n in range(12):
        assert _sign_in(attacker, f"user{n}", "wrong").status_code == 200
    colleague = Client(REMOTE_ADDR="203.0.113.99")
    response = _sign_in(colleague, "morgan", PASSWORD)
    assert response.status_code == 429
    assert "from your network" in response.content.decode()
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.41"), "morgan", PASSWORD).status_code == 302


def test_the_default_limits_keep_their_order() -> None:
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert (
        django_settings.AXES_FAILURE_LIMIT
        < django_settings.SIGNIN_USERNAME_DELAY_AFTER
        < django_settings.SIGNIN_USERNAME_LOCK_AFTER
        < django_settings.SIGNIN_ADDRESS_LOCK_AFTER
    )
