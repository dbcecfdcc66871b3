"""Django admin's people pages, attacked by an MSP's own staff: no other account's people, no
operator, no way to make themselves a superuser or grant themselves global permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from resolutionflow.models import Membership

User = get_user_model()


@pytest.fixture
def casey_admin(demo: Any) -> Client:
    """Northshore's own admin, let into Django admin with every model permission."""
    demo.casey.is_staff = True
    demo.casey.save()
    demo.casey.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(demo.casey)
    return client


def _change_url(user: Any) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def test_staff_list_only_their_accounts_people_and_no_operator(demo, casey_admin) -> None:
    changelist = casey_admin.get(reverse("admin:auth_user_changelist"))
    shown = {user.pk for user in changelist.context["cl"].result_list}
    assert demo.casey.pk in shown
    assert demo.jordan.pk not in shown  # Bayside's engineer
    assert demo.admin.pk not in shown  # the installation's superuser
    assert casey_admin.get(_change_url(demo.jordan)).status_code == 302
    assert casey_admin.get(_change_url(demo.admin)).status_code == 302


def test_staff_cannot_reset_another_accounts_password(demo, casey_admin) -> None:
    url = reverse("admin:auth_user_password_change", args=[demo.jordan.pk])
    casey_admin.post(url, {"password1": "Taken-Over-123", "password2": "Taken-Over-123"})
    demo.jordan.refresh_from_db()
    assert not demo.jordan.check_password("Taken-Over-123")


def test_staff_cannot_make_themselves_superuser_or_grant_permissions(demo, casey_admin) -> None:
    demo.casey.user_permissions.clear()
    demo.casey.user_permissions.set(Permission.objects.filter(codename__endswith="_user"))
    page = casey_admin.get(_change_url(demo.casey))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert not {"is_superuser", "groups", "user_permissions"} & set(form.fields)
    everything = list(Permission.objects.values_list("pk", flat=True))
    casey_admin.post(
        _change_url(demo.casey),
        {
            "username": demo.casey.username,
            "email": demo.casey.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "user_permissions": everything,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    demo.casey.refresh_from_db()
    assert not demo.casey.is_superuser
    assert demo.casey.user_permissions.count() < len(everything)


def test_someone_staff_add_joins_their_account(demo, casey_admin) -> None:
    response = casey_admin.post(
        reverse("admin:auth_user_add"),
        {"username": "newtech", "password1": "Nw-Tech-2026!x", "password2": "Nw-Tech-2026!x"},
    )
    assert response.status_code == 302
    newtech = User.objects.get(username="newtech")
    membership = Membership.objects.get(user=newtech)
    assert membership.account == demo.northshore
    assert membership.role == Membership.Role.ENGINEER
    assert casey_admin.get(_change_url(newtech)).status_code == 200


def test_superusers_still_manage_everyone(demo) -> None:
    client = Client()
    client.force_login(demo.admin)
    changelist = client.get(reverse("admin:auth_user_changelist"))
    shown = {user.pk for user in changelist.context["cl"].result_list}
    assert {demo.casey.pk, demo.jordan.pk, demo.admin.pk} <= shown
    form = client.get(_change_url(demo.casey)).context["adminform"].form
    assert {"is_superuser", "groups", "user_permissions"} <= set(form.fields)


def _staff(user: Any) -> Client:
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(user)
    return client


def test_staff_cannot_pull_an_operator_or_a_stranger_into_their_account(demo, casey_admin) -> None:
    operator = User.objects.create_superuser("ops", password="Ops-Long-Password-1")
    stranger = User.objects.create_user("stranger", password="Str-Long-Password-1")
    for person in (operator, stranger):
        response = casey_admin.post(
            reverse("admin:resolutionflow_membership_add"),
            {"user": person.pk, "account": demo.northshore.pk, "role": "engineer"},
        )
        assert response.status_code == 200  # the form again, with its error
        assert "user" in response.context["adminform"].form.errors
        assert not Membership.objects.filter(user=person).exists()
    # Nor through the account page's memberships inline, which is not theirs.
    page = casey_admin.get(
        reverse("admin:resolutionflow_account_change", args=[demo.northshore.pk])
    )
    assert page.context["inline_admin_formsets"] == []


def test_an_operator_who_belongs_to_an_account_is_still_out_of_its_staffs_reach(demo) -> None:
    # The demo's superuser is also Bayside's owner; Bayside's admin must not touch them.
    morgan = _staff(demo.morgan)
    own = Membership.objects.get(user=demo.admin)
    assert (
        morgan.get(reverse("admin:resolutionflow_membership_change", args=[own.pk])).status_code
        == 302
    )
    shown = morgan.get(reverse("admin:resolutionflow_membership_changelist")).context["cl"]
    assert own.pk not in {m.pk for m in shown.result_list}


def test_an_engineer_let_into_admin_cannot_take_over_an_admin_or_promote_themselves(demo) -> None:
    jordan = _staff(demo.jordan)  # an engineer of Bayside
    url = reverse("admin:auth_user_password_change", args=[demo.morgan.pk])  # Bayside's admin
    jordan.post(url, {"password1": "Taken-Over-123", "password2": "Taken-Over-123"})
    demo.morgan.refresh_from_db()
    assert not demo.morgan.check_password("Taken-Over-123")
    mine = Membership.objects.get(user=demo.jordan)
    page = jordan.get(reverse("admin:resolutionflow_membership_change", args=[mine.pk]))
    assert [v for v, _ in page.context["adminform"].form.fields["role"].choices] == ["engineer"]
    jordan.post(
        reverse("admin:resolutionflow_membership_change", args=[mine.pk]),
        {"user": demo.jordan.pk, "account": demo.bayside.pk, "role": "owner"},
    )
    mine.refresh_from_db()
    assert mine.role == "engineer"
