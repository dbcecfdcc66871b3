"""Two-factor sign-in: TOTP (an authenticator app) with one-use recovery codes, via django-otp.

Who must pass the second step: anyone who enrolled a device, and the owners and admins of an
account that requires it (`Account.require_two_factor`) - the people who hold the PSA keys. Such
a person who has no device yet is sent to enrol before anything else. Until the second step is
done, a signed-in session reaches only these pages and sign-out; session calls to the JSON API
get 403. API tokens are a separate credential (created by a signed-in, verified user).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

import django_otp
import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .activity import ActivityEvent, activity_record
from .models import Membership
from .tenancy import membership_for_user, request_membership

logger = logging.getLogger("resolutionflow.security")

RECOVERY_CODES = 10


def _activity(
    *, user: Any, action: str, request: HttpRequest | None, target: str = "", detail: str = ""
) -> None:
    # Two-factor events go to the account's activity log beside sign-ins and token events, so
    # the owners and admins see them; the security logger keeps its own line for operators.
    membership = membership_for_user(user=user)
    activity_record(
        account=membership.account if membership else None,
        actor=user,
        action=action,
        target=target or user.get_username(),
        detail=detail,
        request=request,
    )


def totp_device_start(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator (a new secret each time enrolment starts over)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, request: HttpRequest | None = None) -> list[str]:
    """Confirm an enrolled authenticator; replace the user's other devices and recovery codes.

    Returns the new recovery codes (the only time they are shown). `request` gives the address
    the account's activity log records.
    """
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    logger.info("two-factor enrolled: user=%s", user.pk)
    _activity(
        user=user,
        action=ActivityEvent.Action.TWO_FACTOR_ENROLLED,
        request=request,
        detail="Authenticator app confirmed; any earlier one no longer works.",
    )
    _activity(
        user=user,
        action=ActivityEvent.Action.RECOVERY_CODES_CREATED,
        request=request,
        detail=f"{len(codes)} new one-use codes; earlier codes no longer work.",
    )
    return codes


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


EXEMPT_NAMES = ("two-factor-verify", "two-factor-enrol", "logout", "login")


class TwoFactorMiddleware:
    """After the password, before anything else: the second step (or enrolment) if required."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not self._exempt(request.path)
            and _second_step_due(request, user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": {
                            "code": "two_factor_required",
                            "message": "Finish two-factor sign-in first, or use an API token.",
                        }
                    },
                    status=403,
                )
            target = "two-factor-verify" if _has_device(user) else "two-factor-enrol"
            url = f"{reverse(target)}?next={request.get_full_path()}"
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        from django.conf import settings

        if path.startswith("/" + settings.STATIC_URL.lstrip("/")) or path == reverse("healthz"):
            return True
        return any(path == reverse(name) for name in EXEMPT_NAMES)


# The session remembers "this user had no device at sign-in", so a user without 2FA costs no
# device queries on any request. Enrolling happens in a session that is then verified, and a
# new sign-in starts a new check (sign-out flushes the session).
NO_DEVICE_KEY = "_rf_no_2fa_device"


@receiver(user_logged_in)
def _remember_device_state(sender: Any, request: HttpRequest | None, user: Any, **_: Any) -> None:
    if request is not None and hasattr(request, "session"):
        if _has_device(user):
            request.session.pop(NO_DEVICE_KEY, None)
        else:
            request.session[NO_DEVICE_KEY] = user.pk


def _second_step_due(request: HttpRequest, user: Any) -> bool:
    membership = request_membership(request)  # cached for the request; views read it anyway
    if (
        membership is not None
        and membership.account.require_two_factor
        and membership.role in {Membership.Role.OWNER, Membership.Role.ADMIN}
    ):
        return True
    if request.session.get(NO_DEVICE_KEY) == user.pk:
        return False
    if _has_device(user):
        return True
    request.session[NO_DEVICE_KEY] = user.pk
    return False


def _has_device(user: Any) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url("dashboard")


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or one recovery code."""
    if not _has_device(request.user):
        return redirect("two-factor-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Asked before matching: a refusal then was the back-off's, not the code's.
        held_back = throttled_message(request.user, form.cleaned_data["code"])
        device = django_otp.match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                _recovery_code_used(request, device)
            return redirect(_next_url(request))
        form.add_error("code", held_back or code_refusal(request.user, form.cleaned_data["code"]))
        logger.warning("two-factor failed: user=%s", request.user.pk)
        _activity(
            user=request.user,
            action=ActivityEvent.Action.TWO_FACTOR_FAILED,
            request=request,
            detail="At sign-in, after a correct password.",
        )
    return render(
        request, "account/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def throttled_message(user: Any, code: str) -> str:
    """What to say when django-otp's back-off (after wrong codes) will refuse an authenticator
    code now, the right one included, without checking it ("" when it is checked). Recovery
    codes are checked by their own device, so they are never "held back" here."""
    code = code.replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if not (code.isdigit() and len(code) == device.digits):
            continue
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            wait = max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
            return (
                f"Too many wrong codes just now: wait {wait} s, then enter the code the app "
                "shows (this one was not checked)."
            )
    return ""


def code_refusal(user: Any, code: str) -> str:
    """Why a checked code was refused, truthfully: a right code that was already used (each
    code signs in once, and stays on the app's screen for up to 30 s) is not "not valid"."""
    code = code.replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if code.isdigit() and _used_already(device, int(code)):
            return (
                "That code was already used to sign in. Wait for the app to show the next one "
                "(codes change every 30 seconds) and enter it."
            )
    return "That code is not valid. Codes change every 30 seconds."


def _used_already(device: TOTPDevice, token: int) -> bool:
    """Whether `token` is the device's code for a time step it has already accepted."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.token() == token and totp.t() <= (device.last_t or -1):
            return True
    return False


def _recovery_code_used(request: HttpRequest, device: StaticDevice) -> None:
    # A used code is gone (django-otp deletes it), so what is left is what the user still has.
    left = device.token_set.count()
    logger.info("two-factor recovery code used: user=%s left=%s", request.user.pk, left)
    _activity(
        user=request.user,
        action=ActivityEvent.Action.RECOVERY_CODE_USED,
        request=request,
        detail=f"{left} left.",
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: the secret shown as text and as an otpauth:// link; a code
    from the app confirms it. A user already verified with a device can enrol a new one."""
    if _has_device(request.user) and not request.user.is_verified():
        return redirect("two-factor-verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            codes = totp_device_confirm(device=device, request=request)
            django_otp.login(request, device)
            return render(
                request,
                "account/two_factor_enrol.html",
                {"recovery_codes": codes, "next": _next_url(request)},
            )
        form.add_error("code", "That code is not valid: check the app shows ResolutionFlow.")
    if device is None or request.method == "GET":
        device = totp_device_start(user=request.user)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "config_url": device.config_url,
        "qr_svg": otpauth_qr_svg(device.config_url),
        "next": _next_url(request),
    }
    return render(request, "account/two_factor_enrol.html", context)


def otpauth_qr_svg(url: str) -> SafeString:
    """The otpauth:// link as a QR code, inline SVG markup (segno): no image request, no
    script, no style attribute, so the CSP stays as strict as it is."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=4, border=2, light="#fff", title="QR code of the authenticator key")
    return mark_safe(svg)  # noqa: S308 - segno's own markup of a URL it encoded, no user HTML


@require_http_methods(["POST"])
def account_two_factor_policy(request: HttpRequest) -> HttpResponse:
    """An account's owner turns "owners and admins must use two-factor sign-in" on or off."""
    membership = membership_for_user(user=request.user)
    if membership is None or membership.role != Membership.Role.OWNER:
        return HttpResponse("Only an owner of the account can change this.", status=403)
    account = membership.account
    account.require_two_factor = request.POST.get("require") == "on"
    account.save(update_fields=["require_two_factor"])
    state = "on" if account.require_two_factor else "off"
    logger.info("two-factor rule %s: account=%s by user=%s", state, account.pk, request.user.pk)
    activity_record(
        account=account,
        actor=request.user,
        action=ActivityEvent.Action.TWO_FACTOR_RULE,
        target=account.name,
        detail=(
            "on: owners and admins must use two-factor sign-in"
            if account.require_two_factor
            else "off: two-factor sign-in is up to each person"
        ),
        request=request,
    )
    if account.require_two_factor:
        messages.success(
            request,
            f"Two-factor sign-in is now required for the owners and admins of {account.name}. "
            "Anyone of them without it is asked to set it up at their next page.",
        )
    else:
        messages.info(request, f"Two-factor sign-in is now up to each person in {account.name}.")
    return redirect("api-tokens")
