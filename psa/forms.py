"""Forms shared by Django admin and the integrations page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from resolutionflow.models import Account

from .models import PSAConnection, PSAMemberMapping
from .providers.base import HealthStatus, PSACapabilities, PSAError, PSAMember
from .security import validate_site_url
from .selectors import capabilities_for_account, reference_data_get
from .services import CREDENTIAL_FIELDS, connection_check

# What each PSA asks for besides the vendor choice, the one secret and "active".
VENDOR_FIELDS = {
    PSAConnection.Provider.CONNECTWISE: (
        "site",
        "company_id",
        "public_key",
        "client_id",
        "codebase",
        "api_version",
    ),
    PSAConnection.Provider.AUTOTASK: ("site", "username", "integration_code", "zone_override"),
}
REQUIRED = {
    PSAConnection.Provider.CONNECTWISE: ("site", "company_id", "public_key", "client_id"),
    PSAConnection.Provider.AUTOTASK: ("site", "username", "integration_code"),
}
# Autotask's one public zone-discovery host (zones are found from the user name).
AUTOTASK_DISCOVERY_HOST = "https://webservices.autotask.net"


class PSAConnectionForm(forms.ModelForm):
    """The private key (or Autotask Secret) is write-only: never rendered back, blank keeps the
    stored one. Saving tests the credentials against the PSA first and shows its own message.

    The integrations page shows only the chosen PSA's fields (`for_vendor_only`); the admin,
    which lays out every field itself, keeps them all.
    """

    private_key = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored encrypted. Leave blank to keep the current key.",
    )

    class Meta:
        model = PSAConnection
        fields = [
            "provider",
            "site",
            "company_id",
            "public_key",
            "private_key",
            "client_id",
            "codebase",
            "api_version",
            "username",
            "integration_code",
            "zone_override",
            "is_active",
        ]
        labels = {"provider": "PSA"}

    # The live check's outcome when clean() made one, so saving need not ask the PSA twice.
    health: HealthStatus | None = None

    def __init__(self, *args: Any, for_vendor_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Forms posted without a PSA choice (older pages, scripts) keep the connection's PSA.
        self.fields["provider"].required = False
        self.vendor = self._chosen_vendor()
        if not (self.instance.pk and self.instance.private_key):
            self.fields["private_key"].required = True
            self.fields["private_key"].help_text = "Stored encrypted."
        if self.vendor == PSAConnection.Provider.AUTOTASK:
            self._as_autotask()
        if for_vendor_only:
            shown = {"provider", "private_key", "is_active", *VENDOR_FIELDS[self.vendor]}
            for name in [n for n in self.fields if n not in shown]:
                del self.fields[name]

    def _chosen_vendor(self) -> str:
        raw = self.data.get(self.add_prefix("provider")) if self.is_bound else None
        raw = raw or self.initial.get("provider") or self.instance.provider
        return raw if raw in VENDOR_FIELDS else PSAConnection.Provider.CONNECTWISE

    def _as_autotask(self) -> None:
        key = self.fields["private_key"]
        key.label = "Secret"
        if not key.required:
            key.help_text = "Stored encrypted. Leave blank to keep the current secret."
        self.fields["site"].label = "Zone discovery host"
        self.fields[
            "site"
        ].help_text = (
            "Where Autotask tells ResolutionFlow your zone; keep the default unless told otherwise."
        )
        if not self.instance.pk or not self.instance.is_autotask:
            self.initial["site"] = AUTOTASK_DISCOVERY_HOST
        self.fields["username"].help_text = "The API-only user's UserName (an email address)."
        self.fields["integration_code"].help_text = "The API user's tracking identifier."

    def clean_provider(self) -> str:
        return self.cleaned_data.get("provider") or self.vendor

    def clean_site(self) -> str:
        return validate_site_url(self.cleaned_data["site"])

    def clean_zone_override(self) -> str:
        value = (self.cleaned_data.get("zone_override") or "").strip()
        return validate_site_url(value) if value else ""

    def clean_private_key(self) -> str:
        value = self.cleaned_data.get("private_key") or ""
        return value or (self.instance.private_key if self.instance.pk else "")

    @property
    def key_typed(self) -> bool:
        return bool((self.data.get(self.add_prefix("private_key")) or "").strip())

    def _identity(self, cleaned: dict[str, Any]) -> PSAConnection:
        """The connection as typed, for what its key binds to."""
        names = ("site", "company_id", "public_key", "username", "integration_code")
        typed = {n: cleaned[n] if n in cleaned else getattr(self.instance, n) for n in names}
        zone = cleaned.get("zone_override", self.instance.zone_override) or ""
        return PSAConnection(provider=self.vendor, zone_override=zone, **typed)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in REQUIRED[self.vendor]:
            if name in self.fields and name not in self.errors and not cleaned.get(name):
                self.add_error(name, "This field is required.")
        if self.instance.pk and not self.key_typed and "site" in cleaned:
            # The stored key goes only where it was entered for: retyping it is the admin
            # saying "this key belongs to that site" (and someone without it cannot redirect it).
            typed = self._identity(cleaned)
            moved = self.vendor != self.instance.provider or [
                name
                for name in typed.key_identity_fields
                if str(getattr(typed, name) or "").strip()
                != str(getattr(self.instance, name)).strip()
            ]
            if moved:
                self.add_error("private_key", typed.key_reentry_message)
        if (self.key_typed or not self.instance.pk) and "site" in cleaned:
            # A key typed now binds to the tenant typed with it.
            self.instance.private_key_for = self._identity(cleaned).key_identity
        if self.errors or not cleaned.get("is_active", True):
            return cleaned
        # Only a change to what reaches the PSA needs a live check.
        if self.instance.pk and not (set(CREDENTIAL_FIELDS) & set(self.changed_data)):
            return cleaned
        candidate = PSAConnection(
            # PSAConnectionForm's own fields: the admin's subclass adds provider and account.
            **{name: cleaned[name] for name in PSAConnectionForm.Meta.fields if name in cleaned},
        )
        for name in PSAConnectionForm.Meta.fields:
            if name not in cleaned and name != "private_key":
                setattr(candidate, name, getattr(self.instance, name))
        candidate.provider = self.vendor
        candidate.private_key_for = self.instance.private_key_for
        status = connection_check(connection=candidate, shared=False)
        if not status.ok:
            raise ValidationError(
                f"{candidate.vendor_name} refused these settings: {status.message}"
            )
        self.health = status
        return cleaned


def member_choices(account: Account) -> list[tuple[str, str]]:
    members = reference_data_get(account=account).members
    return [
        (str(m.id), f"{m.name} ({m.identifier})" + (" — inactive" if m.inactive else ""))
        for m in sorted(members, key=lambda m: (m.inactive, m.name.lower()))
    ]


# The words for a form that may list several accounts' PSAs at once.
_ANY_PSA = PSACapabilities(
    name="PSA",
    product_name="PSA",
    board_label="Board",
    status_scope="board",
    paging="numbered",
    server_sort=True,
    assignee_needs_role=False,
    note_kinds=("discussion", "internal", "resolution"),
)


def member_by_id(account: Account, member_id: int) -> PSAMember | None:
    return next((m for m in reference_data_get(account=account).members if m.id == member_id), None)


class MemberMappingForm(forms.ModelForm):
    """Pick the PSA member from the account's live member list, never typed by hand. With one
    account (an account admin) the words are its PSA's ("Autotask resource")."""

    member = forms.ChoiceField(label="PSA member")

    class Meta:
        model = PSAMemberMapping
        fields = ["account", "user"]

    def __init__(self, *args: Any, account: Account | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account or (self.instance.account if self.instance.pk else None)
        accounts = [self.account] if self.account else list(Account.objects.all())
        if self.account:
            self.fields["account"].initial = self.account
            self.fields["account"].disabled = True
            self.fields["user"].queryset = get_user_model().objects.filter(
                membership__account=self.account
            )
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        self.member_errors: list[str] = []
        for acct in accounts:
            try:
                choices = member_choices(acct)
            except PSAError as exc:
                self.member_errors.append(f"{acct}: {exc.message}")
                continue
            groups.append((acct.name, [(f"{acct.pk}:{v}", label) for v, label in choices]))
        words = self._words(self.account)
        self.fields["member"].label = f"{words.name} {words.member_label}"
        self.fields["member"].choices = [("", f"Choose a {words.member_label}…"), *groups]
        if self.member_errors:
            self.fields["member"].help_text = "Members could not be loaded for " + "; ".join(
                self.member_errors
            )
        if self.instance.pk:
            self.fields["member"].initial = f"{self.instance.account_id}:{self.instance.member_id}"

    @staticmethod
    def _words(account: Account | None) -> PSACapabilities:
        # Several accounts (a superuser) may use different PSAs: then the neutral words.
        return capabilities_for_account(account=account) if account else _ANY_PSA

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        raw = cleaned.get("member") or ""
        account = cleaned.get("account") or self.account
        words = self._words(account)
        try:
            account_pk, member_pk = (int(part) for part in raw.split(":", 1))
        except ValueError:
            raise ValidationError(
                {"member": f"Choose a {words.name} {words.member_label}."}
            ) from None
        if account is None or account_pk != account.pk:
            raise ValidationError(
                {"member": f"That {words.member_label} belongs to another account's PSA."}
            )
        member = member_by_id(account, member_pk)
        if member is None:
            raise ValidationError(
                {"member": f"That {words.member_label} no longer exists in {words.name}."}
            )
        user = cleaned.get("user") or (self.instance.user if self.instance.user_id else None)
        holder = PSAMemberMapping.member_holder(
            account_id=account.pk, member_id=member.id, user_id=user.pk if user else None
        )
        if holder is not None:  # the form leaves member_id out of the constraint check
            raise ValidationError(
                {"member": holder.taken_message(f"{member.name} ({member.identifier})")}
            )
        self.instance.account = account
        self.instance.member_id = member.id
        self.instance.member_identifier = member.identifier
        self.instance.member_name = member.name
        self.instance.match_method = PSAMemberMapping.MatchMethod.MANUAL
        return cleaned
