from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from resolutionflow.models import Account

from .fields import EncryptedTextField
from .security import validate_site_url


class PSAConnection(models.Model):
    class Provider(models.TextChoices):
        CONNECTWISE = "connectwise", "ConnectWise Manage"
        AUTOTASK = "autotask", "Autotask"

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="psa_connection")
    provider = models.CharField(
        max_length=32, choices=Provider.choices, default=Provider.CONNECTWISE
    )
    # ConnectWise: the site. Autotask: where zone discovery is asked (webservices.autotask.net).
    site = models.CharField(
        max_length=255,
        help_text="ConnectWise site host, e.g. na.myconnectwise.net (HTTPS is implied).",
    )
    company_id = models.CharField("company id", max_length=100, blank=True)
    public_key = models.CharField(max_length=100, blank=True)
    # ConnectWise's private key, or Autotask's Secret: the one secret, bound by `private_key_for`.
    private_key = EncryptedTextField()
    # What the private key was entered for ("site|company id|public key"): the stored key goes to
    # that site only. Changing any of them needs the key typed again, which rebinds it.
    private_key_for = models.CharField(max_length=500, blank=True, editable=False)
    client_id = models.CharField(
        "client id",
        max_length=100,
        blank=True,
        help_text="Your clientId from the ConnectWise developer portal.",
    )
    # Autotask only: the API user, its integration (tracking) code, and a zone for private zones
    # (blank: discovered from the user name). Engineers sign writes through their member mapping.
    username = models.CharField("API user name", max_length=150, blank=True)
    integration_code = models.CharField("API integration code", max_length=100, blank=True)
    zone_override = models.CharField(
        "zone override",
        max_length=255,
        blank=True,
        help_text="Autotask private zones only, e.g. webservices5.autotask.net. Blank: discovered.",
    )
    codebase = models.CharField(max_length=50, default="v4_6_release/")
    api_version = models.CharField("API version", max_length=20, default="2025.8")
    is_active = models.BooleanField("active", default=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "PSA connection"

    def __str__(self) -> str:
        return f"{self.get_provider_display()} for {self.account}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Created in code (seed, tests): the key is bound to what the row was made with.
        if not self.private_key_for:
            self.private_key_for = self.key_identity
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_autotask(self) -> bool:
        return self.provider == self.Provider.AUTOTASK

    @property
    def vendor_name(self) -> str:
        """The PSA's short name for messages ("ConnectWise refused ...")."""
        return "Autotask" if self.is_autotask else "ConnectWise"

    @property
    def tenant_description(self) -> str:
        """Which tenant this connection reaches, in that PSA's own terms (for an operator)."""
        if self.is_autotask:
            return f"Autotask user {self.username} (discovery {self.site})"
        return f"ConnectWise {self.site} (company {self.company_id})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            self.site = validate_site_url(self.site)
        except ValidationError as exc:
            errors["site"] = exc.messages
        if self.zone_override:
            # The zone receives the Secret like the site receives the key: the same egress rules.
            try:
                self.zone_override = validate_site_url(self.zone_override)
            except ValidationError as exc:
                errors["zone_override"] = exc.messages
        if errors:
            raise ValidationError(errors)
        if self.codebase and not self.codebase.endswith("/"):
            self.codebase += "/"

    @property
    def key_identity(self) -> str:
        if self.is_autotask:
            # The Secret goes where it was typed for: the discovery host, the zone, the user.
            return "|".join(
                (
                    "autotask",
                    self.site.strip().lower().rstrip("/"),
                    self.zone_override.strip().lower().rstrip("/"),
                    self.username.strip().lower(),
                    self.integration_code.strip(),
                )
            )
        return "|".join(
            (
                self.site.strip().lower().rstrip("/"),
                self.company_id.strip().lower(),
                self.public_key,
            )
        )

    @property
    def key_identity_fields(self) -> tuple[str, ...]:
        """The fields whose change needs the secret typed again (it is bound to them)."""
        if self.is_autotask:
            return ("provider", "site", "zone_override", "username", "integration_code")
        return ("site", "company_id", "public_key")

    @property
    def key_reentry_message(self) -> str:
        """Why the secret must be typed again when `key_identity_fields` changed."""
        if self.is_autotask:
            return (
                "Re-enter the Secret: changing the PSA, user name, integration code or zone "
                "needs it, so a stored secret is only ever sent to the tenant it was saved for."
            )
        return (
            "Re-enter the private key: changing the site, company id or public key needs it, so "
            "a stored key is only ever sent to the site it was saved for."
        )

    @property
    def key_is_bound_here(self) -> bool:
        """Whether the stored private key was entered for this very site, company and public key."""
        return self.private_key_for == self.key_identity

    @property
    def healthy(self) -> bool:
        return self.last_checked_at is not None and not self.last_error


class PSAMemberMapping(models.Model):
    """Which PSA member (or resource) a ResolutionFlow user is, within one account."""

    class MatchMethod(models.TextChoices):
        MANUAL = "manual", "Chosen by hand"
        EMAIL = "email", "Matched by email"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="member_mappings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="psa_member_mappings"
    )
    # The PSA's member or resource (whose id signs the engineer's writes).
    member_id = models.PositiveIntegerField("PSA member id")
    member_identifier = models.CharField("PSA identifier", max_length=100)
    member_name = models.CharField("PSA name", max_length=200, blank=True)
    match_method = models.CharField(
        max_length=16, choices=MatchMethod.choices, default=MatchMethod.MANUAL
    )
    # Set when the connection is pointed at another PSA tenant (site, company, user): the member
    # named here belongs to the old tenant until an admin confirms it against the new one.
    needs_confirming = models.BooleanField(
        default=False,
        help_text="The connection changed tenant since this mapping was made; confirm the member.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "PSA member mapping"
        ordering = ["account", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="psa_mapping_one_per_user"),
            models.UniqueConstraint(
                fields=["account", "member_id"], name="psa_mapping_one_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.member_identifier}"

    def clean(self) -> None:
        membership = getattr(self.user, "membership", None) if self.user_id else None
        if self.user_id and (membership is None or membership.account_id != self.account_id):
            raise ValidationError({"user": "This user is not a member of the mapping's account."})

    @classmethod
    def member_holder(
        cls, *, account_id: int | None, member_id: int | None, user_id: int | None
    ) -> PSAMemberMapping | None:
        """Another user's mapping to this PSA member in this account, if any: one member
        is one person (the `psa_mapping_one_per_member` constraint)."""
        if account_id is None or member_id is None:
            return None
        return (
            cls.objects.filter(account_id=account_id, member_id=member_id)
            .exclude(user_id=user_id)
            .select_related("user")
            .first()
        )

    def taken_message(self, member_label: str) -> str:
        """Why `member_label` cannot be mapped again, naming who has it (this mapping)."""
        from .selectors import capabilities_for_account  # selectors reads these models

        psa = capabilities_for_account(account=self.account)
        full_name = self.user.get_full_name()
        who = f"{self.user.username} ({full_name})" if full_name else self.user.username
        return (
            f"{member_label} is already mapped to {who}. One {psa.name} {psa.member_label} is "
            f"one person: remove {self.user.username}'s mapping first, or choose another "
            f"{psa.member_label}."
        )
