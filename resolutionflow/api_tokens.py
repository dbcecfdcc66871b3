"""API tokens: created with a name and an expiry, stored as a digest, revoked by their owner."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .activity import ActivityEvent, activity_record
from .models import ApiToken, Membership
from .tenancy import membership_for_user
from .throttling import bad_token_check, bad_token_record

logger = logging.getLogger("resolutionflow.security")

KEY_PREFIX = "rf_"
DEFAULT_EXPIRY_DAYS = 90
# Touch last_used_at at most this often: an API burst must not write the row on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _activity(*, user: Any, action: str, token: ApiToken, request: HttpRequest | None) -> None:
    # Token events go to the account's activity log beside connection and sign-in events.
    membership = membership_for_user(user=user)
    activity_record(
        account=membership.account if membership else None,
        actor=user,
        action=action,
        target=f"API token “{token.name}” ({token.prefix}…)",
        request=request,
    )


def api_token_create(
    *,
    user: Any,
    name: str,
    expires_days: int | None = DEFAULT_EXPIRY_DAYS,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user` and its key (the only time the key exists in clear).

    `expires_days=None` (or 0) makes a token that never expires.
    """
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API token",
        digest=_digest(key),
        prefix=key[:10],
        expires_at=expires_at,
    )
    logger.info("api token created: user=%s token=%s name=%r", user.pk, token.pk, token.name)
    _activity(user=user, action=ActivityEvent.Action.TOKEN_CREATED, token=token, request=request)
    return token, key


def api_token_revoke(*, user: Any, token_id: int, request: HttpRequest | None = None) -> bool:
    """Revoke one of `user`'s own tokens; False when they have no such live token."""
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        return False
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        logger.info("api token revoked: user=%s token=%s", user.pk, token_id)
        _activity(
            user=user, action=ActivityEvent.Action.TOKEN_REVOKED, token=token, request=request
        )
    return bool(revoked)


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_user(*, key: str) -> tuple[Any, ApiToken] | None:
    """The (user, token) a key authenticates, or None: unknown, revoked, expired, inactive user."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


def two_factor_refusal(user: Any) -> str:
    """Why `user`'s tokens may not be used now ("" when they may): an owner or admin of an
    account that requires two-factor sign-in, without a confirmed second factor, is refused by
    token just as their session is stopped at enrolment, tokens made before the rule included."""
    from django_otp import user_has_device

    bound = Membership.objects.filter(
        user=user,
        account__require_two_factor=True,
        role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
    ).exists()
    if not bound or user_has_device(user, confirmed=True):
        return ""
    return (
        "Your account requires two-factor sign-in for owners and admins, and you have not set "
        "it up. Sign in on the website and set up an authenticator app; your API tokens work "
        "again once it is confirmed."
    )


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` against the hashed tokens. An address that sends too many
    invalid tokens is throttled (429) for invalid ones; a valid token is never held back by
    others' guesses. Required two-factor applies to tokens too (`two_factor_refusal`)."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = auth[1].decode()
        except UnicodeError:
            key = ""
        found = api_token_user(key=key) if key else None
        if found is None:
            # Only refused tokens are limited: someone guessing from an office's address must
            # not stop the scripts there that hold valid tokens.
            bad_token_check(request)
            bad_token_record(request)
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        refusal = two_factor_refusal(found[0])
        if refusal:
            raise exceptions.PermissionDenied(refusal, code="two_factor_required")
        return found

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How drf-spectacular documents `ApiTokenAuthentication` (as DRF's own token scheme)."""

    target_class = "resolutionflow.api_tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API token with the prefix "Token", e.g. `Token rf_…`.',
        }
