"""The sign-in lockout (django-axes) and two-factor device (django-otp) admins are scoped by
account too: an MSP's staff must not read another MSP's users' sign-in attempts, addresses,
authenticator secrets or recovery codes."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from resolutionflow.models import Membership


def _access(model: Any, username: str, **extra: Any) -> Any:
    return model.objects.create(
        username=username,
        ip_address="198.51.100.9",
        user_agent=f"{username}-agent",
        http_accept="*/*",
        path_info="/accounts/login/",
        attempt_time=timezone.now(),
        **extra,
    )


@pytest.fixture
def rows(demo: Any) -> dict[str, dict[str, Any]]:
    """Per account, one row of each security model for one of its users; plus attempts under a
    name nobody has (an attacker guessing), which belong to no account."""
    made: dict[str, dict[str, Any]] = {}
    # Devices belong to another Northshore member: Casey, signed in to admin, has none (else
    # the second sign-in step would stand in front of every page).
    nina = get_user_model().objects.create_user("nina", password="x-long-password-1")
    Membership.objects.create(user=nina, account=demo.northshore, role=Membership.Role.ENGINEER)
    for slug, user in (("bayside", demo.jordan), ("northshore", nina)):
        name = user.get_username()
        recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        StaticToken.objects.create(device=recovery, token=f"{slug[:4]}code1")
        made[slug] = {
            "attempt": _access(
                AccessAttempt, name, get_data="", post_data="", failures_since_start=2
            ),
            "log": _access(AccessLog, name),
            "failure": _access(AccessFailureLog, name, locked_out=False),
            "totp": TOTPDevice.objects.create(user=user, name="Authenticator app"),
            "static": recovery,
        }
    made["nobody"] = {
        "attempt": _access(
            AccessAttempt, "no-such-user", get_data="", post_data="", failures_since_start=4
        ),
        "log": _access(AccessLog, "no-such-user"),
        "failure": _access(AccessFailureLog, "no-such-user", locked_out=True),
    }
    return made


@pytest.fixture
def casey_admin(demo: Any) -> Client:
    """Northshore's own admin, let into Django admin with every model permission."""
    demo.casey.is_staff = True
    demo.casey.save()
    demo.casey.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(demo.casey)
    return client


KINDS = ["attempt", "log", "failure", "totp", "static"]


def _url(obj: Any, view: str) -> str:
    meta = obj._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{view}"
    return reverse(name, args=[obj.pk]) if view in {"change", "delete"} else reverse(name)


def _listed(client: Client, obj: Any) -> set[int]:
    page = client.get(_url(obj, "changelist"))
    assert page.status_code == 200
    return {row.pk for row in page.context["cl"].result_list}


@pytest.mark.parametrize("kind", KINDS)
def test_staff_list_and_open_only_their_accounts_users_rows(rows, casey_admin, kind) -> None:
    own, other = rows["northshore"][kind], rows["bayside"][kind]
    shown = _listed(casey_admin, own)
    assert own.pk in shown
    assert other.pk not in shown
    assert casey_admin.get(_url(own, "change")).status_code == 200
    # Another account's row: "not found" (a redirect to the admin index), never its page.
    opened = casey_admin.get(_url(other, "change"))
    assert opened.status_code == 302
    assert "jordan" not in casey_admin.get(opened["Location"]).content.decode()


@pytest.mark.parametrize("kind", ["attempt", "log", "failure"])
def test_attempts_under_names_no_account_has_are_the_operators_only(
    rows, casey_admin, demo, kind
) -> None:
    guessed = rows["nobody"][kind]
    assert guessed.pk not in _listed(casey_admin, guessed)
    operator = Client()
    operator.force_login(demo.admin)
    every = {rows[who][kind].pk for who in ("bayside", "northshore", "nobody")}
    assert every <= _listed(operator, guessed)


@pytest.mark.parametrize("kind", KINDS)
def test_staff_cannot_delete_another_accounts_row(rows, casey_admin, kind) -> None:
    other = rows["bayside"][kind]
    model = type(other)
    casey_admin.post(_url(other, "delete"), {"post": "yes"})
    casey_admin.post(
        _url(other, "changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert model.objects.filter(pk=other.pk).exists()


def test_another_accounts_authenticator_secret_and_qr_code_are_refused(
    rows, casey_admin, settings
) -> None:
    settings.OTP_ADMIN_HIDE_SENSITIVE_DATA = False  # the pages exist only then
    own, other = rows["northshore"]["totp"], rows["bayside"]["totp"]
    for view in ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"):
        # Their own account's device is let through (the QR image is a 503 without the
        # optional qrcode package, which we do not install).
        mine = casey_admin.get(reverse(f"admin:{view}", kwargs={"pk": own.pk}))
        assert mine.status_code in {200, 503}
        refused = casey_admin.get(reverse(f"admin:{view}", kwargs={"pk": other.pk}))
        assert refused.status_code == 403
        assert other.key not in refused.content.decode()


def test_recovery_codes_of_another_account_never_show(rows, casey_admin) -> None:
    own, other = rows["northshore"]["static"], rows["bayside"]["static"]
    page = casey_admin.get(_url(own, "change")).content.decode()
    # OTP_ADMIN_HIDE_SENSITIVE_DATA: not even their own account's codes are shown.
    assert "nortcode1" not in page
    listing = casey_admin.get(_url(own, "changelist")).content.decode()
    assert "bayscode1" not in listing and "bayscode1" not in page
    assert casey_admin.get(_url(other, "change")).status_code == 302


def test_a_device_can_be_added_only_for_a_user_of_their_account(rows, casey_admin, demo) -> None:
    url = reverse("admin:otp_totp_totpdevice_add")
    form = {
        "name": "forged",
        "confirmed": "on",
        "key": "3132333435363738393031323334353637383930",
        "step": 30,
        "t0": 0,
        "digits": 6,
        "tolerance": 1,
        "drift": 0,
        "throttling_failure_count": 0,
    }
    # Jordan is Bayside's; an operator is in no account: neither is Casey's to give a device.
    operator = get_user_model().objects.create_user("ops", password="x-long-password-2")
    for user in (demo.jordan, operator):
        refused = casey_admin.post(url, {**form, "user": user.pk})
        assert "user" in refused.context["adminform"].form.errors
    assert not TOTPDevice.objects.filter(name="forged").exists()
    assert casey_admin.post(url, {**form, "user": demo.casey.pk}).status_code == 302
    assert TOTPDevice.objects.get(name="forged").user == demo.casey


def test_staff_cannot_purge_every_accounts_expired_attempts(rows, casey_admin) -> None:
    """django-axes' "clean up expired attempts" action deletes expired attempts of every account
    (it ignores the selection): only the installation's operators get it."""
    page = casey_admin.get(reverse("admin:axes_accessattempt_changelist"))
    actions = [name for name, _ in page.context["action_form"].fields["action"].choices]
    assert "cleanup_expired_attempts" not in actions
    assert "delete_selected" in actions
