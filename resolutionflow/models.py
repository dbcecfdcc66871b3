"""Tenancy: an Account is one MSP; every user belongs to at most one, with a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Account(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    # Owners and admins hold the PSA keys: the account's owner can make them use a second factor.
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Owners and admins must sign in with an authenticator code (TOTP).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        ENGINEER = "engineer", "Engineer"

    # One account per user keeps "whose PSA is this?" a single join away.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ENGINEER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.account} ({self.role})"

    @property
    def can_manage(self) -> bool:
        """Owners and admins change the PSA connection and other people's mappings."""
        return self.role in {self.Role.OWNER, self.Role.ADMIN}


class ApiToken(models.Model):
    """A named API token. Only a SHA-256 digest of the key is stored: the key is shown once, at
    creation, and a database leak gives no usable token. Keys are 256 random bits, so a fast
    hash is enough (nothing to brute-force, unlike a password)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    # The key's first characters, shown on the tokens page so an owner can tell tokens apart.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"


# The activity log lives in its own module; imported here so Django registers the model.
from .activity import ActivityEvent  # noqa: E402, F401
