"""Django admin scoped by account: an MSP's staff see and edit only their own account's rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistant.models import ChatMessage, ChatSession
from psa.models import PSAConnection, PSAMemberMapping
from resolutionflow.models import Account, Membership
from tickets.models import PendingNote, TicketAuditEntry


@pytest.fixture
def rows(demo: Any) -> dict[str, dict[str, Any]]:
    """One row of every scoped model in each account."""
    made: dict[str, dict[str, Any]] = {}
    for account, user in ((demo.bayside, demo.jordan), (demo.northshore, demo.casey)):
        session = ChatSession.objects.create(
            account=account, user=user, title=f"{account.slug} chat"
        )
        made[account.slug] = {
            "connection": PSAConnection.objects.get(account=account),
            "mapping": PSAMemberMapping.objects.filter(account=account).first(),
            "session": session,
            "message": ChatMessage.objects.create(session=session, role="user", content="hi"),
            "audit": TicketAuditEntry.objects.create(
                account=account,
                user=user,
                ticket_id=1,
                action="status",
                outcome="ok",
                message=f"{account.slug} audit",
            ),
            "note": PendingNote.objects.create(
                account=account,
                user=user,
                ticket_id=1,
                text="x",
                note_type="internal",
                client_key=f"{account.slug}-key",
                next_attempt_at=timezone.now(),
            ),
            "membership": Membership.objects.get(user=user),
            "account": account,
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


MODELS = ["connection", "mapping", "session", "message", "audit", "note", "membership", "account"]


def _admin_url(obj: Any, view: str) -> str:
    meta = obj._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{view}"
    return reverse(name, args=[obj.pk]) if view == "change" else reverse(name)


@pytest.mark.parametrize("kind", MODELS)
def test_staff_see_only_their_accounts_rows(rows, casey_admin, kind) -> None:
    own, other = rows["northshore"][kind], rows["bayside"][kind]
    assert own is not None and other is not None
    changelist = casey_admin.get(_admin_url(own, "changelist"))
    assert changelist.status_code == 200
    shown = {obj.pk for obj in changelist.context["cl"].result_list}
    assert own.pk in shown
    assert other.pk not in shown
    assert casey_admin.get(_admin_url(own, "change")).status_code == 200
    # Another account's row is "not found": a redirect to the admin index, never its page.
    assert casey_admin.get(_admin_url(other, "change")).status_code == 302


@pytest.mark.parametrize("kind", MODELS)
def test_superusers_see_every_account(rows, demo, kind) -> None:
    client = Client()
    client.force_login(demo.admin)
    own = rows["northshore"][kind]
    changelist = client.get(_admin_url(own, "changelist"))
    shown = {obj.pk for obj in changelist.context["cl"].result_list}
    assert {rows["northshore"][kind].pk, rows["bayside"][kind].pk} <= shown


def test_staff_cannot_delete_or_change_another_accounts_row(rows, casey_admin) -> None:
    other = rows["bayside"]["session"]
    response = casey_admin.post(
        reverse("admin:assistant_chatsession_delete", args=[other.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert ChatSession.objects.filter(pk=other.pk).exists()
    response = casey_admin.post(
        reverse("admin:assistant_chatsession_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert ChatSession.objects.filter(pk=other.pk).exists()


def test_foreign_key_choices_and_saves_stay_in_the_account(rows, demo, casey_admin) -> None:
    page = casey_admin.get(reverse("admin:assistant_chatsession_add"))
    account_choices = {c.pk for c in page.context["adminform"].form.fields["account"].queryset}
    assert account_choices == {demo.northshore.pk}
    form = {
        "user": demo.casey.pk,
        "title": "forged",
        "messages-TOTAL_FORMS": 0,
        "messages-INITIAL_FORMS": 0,
        "actions-TOTAL_FORMS": 0,
        "actions-INITIAL_FORMS": 0,
    }
    # A forged post naming the other account is refused...
    url = reverse("admin:assistant_chatsession_add")
    refused = casey_admin.post(url, {**form, "account": demo.bayside.pk})
    assert "account" in refused.context["adminform"].form.errors
    assert not ChatSession.objects.filter(title="forged").exists()
    # ...and their own is what they can save.
    assert casey_admin.post(url, {**form, "account": demo.northshore.pk}).status_code == 302
    assert ChatSession.objects.get(title="forged").account == demo.northshore


def test_the_mapping_form_offers_only_their_connectwise_members(rows, casey_admin) -> None:
    page = casey_admin.get(reverse("admin:psa_psamembermapping_add"))
    groups = [label for label, _ in page.context["adminform"].form.fields["member"].choices[1:]]
    assert groups == ["Northshore Networks"]


def test_staff_without_an_account_see_no_rows(rows, demo) -> None:
    demo.riley.is_staff = True
    demo.riley.save()
    demo.riley.user_permissions.set(Permission.objects.all())
    Membership.objects.filter(user=demo.riley).delete()
    client = Client()
    client.force_login(demo.riley)
    changelist = client.get(reverse("admin:psa_psaconnection_changelist"))
    assert list(changelist.context["cl"].result_list) == []
    assert client.get(reverse("admin:psa_psaconnection_add")).status_code == 403
    assert Account.objects.count() == 2
