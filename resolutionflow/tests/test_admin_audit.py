"""Django admin, attacked from inside: every change reaches the account activity log, password
and second-factor changes obey rank, and ticket audit entries are append-only for everyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from resolutionflow.activity import ActivityEvent
from resolutionflow.models import Membership
from tickets.models import TicketAuditEntry

User = get_user_model()
NEW_PASSWORD = "Taken-Over-12345"


def _person(demo: Any, name: str, role: str) -> Any:
    user = User.objects.create_user(name, password="x-long-password-1")
    Membership.objects.create(user=user, account=demo.bayside, role=role)
    return user


@pytest.fixture
def morgan_admin(demo: Any) -> Client:
    """Bayside's admin (not its owner), let into Django admin with every model permission."""
    demo.morgan.is_staff = True
    demo.morgan.save()
    demo.morgan.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(demo.morgan)
    return client


def _set_password(client: Client, user: Any) -> Any:
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    return client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_an_admin_cannot_set_a_peer_admins_password(demo, morgan_admin) -> None:
    peer = _person(demo, "pat", Membership.Role.ADMIN)
    assert _set_password(morgan_admin, peer).status_code == 403
    peer.refresh_from_db()
    assert not peer.check_password(NEW_PASSWORD)


def test_a_password_set_in_admin_is_in_the_activity_log(demo, morgan_admin) -> None:
    assert _set_password(morgan_admin, demo.jordan).status_code == 302
    demo.jordan.refresh_from_db()
    assert demo.jordan.check_password(NEW_PASSWORD)
    event = ActivityEvent.objects.get(account=demo.bayside, action="admin.changed")
    assert event.actor == demo.morgan and "jordan" in event.target
    assert "password" in event.detail.lower()


def test_an_admin_cannot_remove_or_plant_an_owners_second_factor(demo, morgan_admin) -> None:
    owner = _person(demo, "olive", Membership.Role.OWNER)
    totp = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    removed = morgan_admin.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[totp.pk]), {"post": "yes"}
    )
    assert removed.status_code == 403
    assert TOTPDevice.objects.filter(pk=totp.pk).exists()

    planted = morgan_admin.post(
        reverse("admin:otp_static_staticdevice_add"),
        {
            "user": owner.pk,
            "name": "Recovery codes",
            "confirmed": "on",
            "token_set-TOTAL_FORMS": "1",
            "token_set-INITIAL_FORMS": "0",
            "token_set-MIN_NUM_FORMS": "0",
            "token_set-MAX_NUM_FORMS": "1000",
            "token_set-0-token": "planted1",
        },
    )
    assert planted.status_code == 403
    assert not StaticDevice.objects.filter(user=owner).exists()


def test_removing_an_engineers_device_is_allowed_and_logged(demo, morgan_admin) -> None:
    totp = TOTPDevice.objects.create(user=demo.jordan, name="old phone", confirmed=True)
    response = morgan_admin.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[totp.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=totp.pk).exists()
    event = ActivityEvent.objects.get(account=demo.bayside, action="admin.deleted")
    assert event.actor == demo.morgan and "old phone" in event.target


def test_a_connection_change_in_admin_is_in_the_activity_log(demo) -> None:
    from psa.models import PSAConnection

    client = Client()
    client.force_login(demo.admin)
    connection = PSAConnection.objects.get(account=demo.bayside)
    url = reverse("admin:psa_psaconnection_change", args=[connection.pk])
    page = client.get(url)
    assert page.status_code == 200, (page.status_code, page.get("Location"))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["api_version"] = "2025.9"
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    event = ActivityEvent.objects.get(account=demo.bayside, action="admin.changed")
    assert event.actor == demo.admin and "connection" in event.target.lower()


def test_ticket_audit_entries_cannot_be_deleted_even_by_a_superuser(demo) -> None:
    entry = TicketAuditEntry.objects.create(
        account=demo.bayside, user=demo.jordan, ticket_id=1000, action="note", outcome="success"
    )
    client = Client()
    client.force_login(demo.admin)
    url = reverse("admin:tickets_ticketauditentry_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:tickets_ticketauditentry_changelist"))
    action_form = changelist.context["action_form"]
    choices = [value for value, _ in action_form.fields["action"].choices] if action_form else []
    assert "delete_selected" not in choices
    bulk = client.post(
        reverse("admin:tickets_ticketauditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert TicketAuditEntry.objects.filter(pk=entry.pk).exists()
