"""Issue 19 items 2 and 11: a status write is reported by what happened to it, a change from a
stale view asks before overwriting a newer status, and members are named, never numbered."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from psa.providers.base import PSARateLimited, PSAServerError
from psa.selectors import provider_for_account
from tickets import services
from tickets.models import TicketAuditEntry

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
SCHEDULED, IN_PROGRESS = 112, 110


@pytest.fixture
def jordan(client: Any, demo: Any) -> Any:
    client.force_login(demo.jordan)
    return client


def _trigger(response: Any) -> dict[str, Any]:
    return json.loads(response.headers.get("HX-Trigger", "{}"))


def _read_back_fails(monkeypatch: Any, demo: Any, exc: Exception) -> list[int]:
    """The ticket reads fine before the write; every read after ConnectWise took it fails."""
    provider = provider_for_account(account=demo.bayside)
    real_get, real_update = provider.get_ticket, provider.update_status
    written: list[int] = []

    def get_ticket(*, ticket_id: int) -> Any:
        if written:
            raise exc
        return real_get(ticket_id=ticket_id)

    def update_status(*, ticket_id: int, status_id: int) -> None:
        real_update(ticket_id=ticket_id, status_id=status_id)
        written.append(status_id)

    monkeypatch.setattr(provider, "get_ticket", get_ticket)
    monkeypatch.setattr(provider, "update_status", update_status)
    return written


def test_a_change_taken_but_not_read_back_is_reported_as_taken(jordan, demo, monkeypatch) -> None:
    written = _read_back_fails(monkeypatch, demo, PSARateLimited("Slow down.", retry_after=60))

    response = jordan.post(
        "/tickets/1000/status/", {"status_id": IN_PROGRESS, "seen_status_id": SCHEDULED}, headers=HX
    )

    assert written == [IN_PROGRESS]
    html = response.content.decode()
    toast = _trigger(response)["toast"]
    assert toast["level"] == "warning"
    assert "not changed" not in toast["message"].lower()
    assert "“In Progress”" in toast["message"] and "could not confirm" in toast["message"]
    # The control shows what was written, and says it is not confirmed.
    assert re.search(rf'<option value="{IN_PROGRESS}"\s+selected', html)
    assert "could not confirm" in html
    entry = TicketAuditEntry.objects.get(action="status")
    assert entry.outcome == "success" and entry.after["confirmed"] is False


def test_a_lost_answer_to_a_write_that_landed_counts_as_changed(demo, monkeypatch) -> None:
    provider = provider_for_account(account=demo.bayside)
    real_update = provider.update_status

    def update_then_lose_the_answer(*, ticket_id: int, status_id: int) -> None:
        real_update(ticket_id=ticket_id, status_id=status_id)
        raise PSAServerError("ConnectWise had a problem.")

    monkeypatch.setattr(provider, "update_status", update_then_lose_the_answer)
    change = services.ticket_status_update(
        account=demo.bayside, user=demo.jordan, ticket_id=1000, status_id=IN_PROGRESS
    )
    assert change.confirmed and change.new_status == "In Progress"


def test_a_refused_change_still_says_not_changed_and_why(jordan, demo, monkeypatch) -> None:
    provider = provider_for_account(account=demo.bayside)
    monkeypatch.setattr(provider, "update_status", lambda **kwargs: None)  # 200, ignored

    response = jordan.post("/tickets/1000/status/", {"status_id": IN_PROGRESS}, headers=HX)

    toast = _trigger(response)["toast"]
    assert toast["level"] == "error" and toast["message"].startswith("Status not changed")
    assert "workflow rule" in toast["message"]
    assert re.search(rf'<option value="{SCHEDULED}"\s+selected', response.content.decode())


def test_a_change_from_a_stale_view_asks_before_overwriting(jordan, demo) -> None:
    provider = provider_for_account(account=demo.bayside)
    provider.update_status(ticket_id=1000, status_id=IN_PROGRESS)  # another tab, meanwhile

    statuses = {
        s.name: s.id
        for s in provider.reference_data().statuses_for(
            provider.get_ticket(ticket_id=1000).board_id
        )
    }
    waiting = next(v for k, v in statuses.items() if k not in ("In Progress", "Scheduled"))
    response = jordan.post(
        "/tickets/1000/status/", {"status_id": waiting, "seen_status_id": SCHEDULED}, headers=HX
    )

    assert provider.get_ticket(ticket_id=1000).status_id == IN_PROGRESS  # nothing overwritten
    html = response.content.decode()
    assert "is now “In Progress”" in html and "anyway" in html
    assert re.search(rf'<option value="{IN_PROGRESS}"\s+selected', html)
    assert f'name="status_id" value="{waiting}"' in html  # the overwrite, if confirmed
    assert "toast" not in _trigger(response) or _trigger(response)["toast"]["level"] != "success"

    confirmed = jordan.post(
        "/tickets/1000/status/", {"status_id": waiting, "seen_status_id": IN_PROGRESS}, headers=HX
    )
    assert _trigger(confirmed)["toast"]["level"] == "success"
    assert provider.get_ticket(ticket_id=1000).status_id == waiting


def test_the_api_reports_an_unconfirmed_write(jordan_api, demo, monkeypatch) -> None:
    _read_back_fails(monkeypatch, demo, PSAServerError("ConnectWise had a problem."))
    response = jordan_api.patch(
        "/api/integrations/psa/tickets/1000/status", {"status_id": IN_PROGRESS}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["confirmed"] is False
    assert response.json()["new_status"] == "In Progress"


def test_removing_someone_already_removed_names_them(jordan, demo) -> None:
    provider = provider_for_account(account=demo.bayside)
    assigned = provider.list_resources(ticket_id=1000)[0]
    provider.remove_resource(ticket_id=1000, member_id=assigned.member_id)  # another tab

    response = jordan.post(f"/tickets/1000/resources/{assigned.member_id}/remove/", {}, headers=HX)

    message = _trigger(response)["toast"]["message"]
    assert message.startswith("Could not remove")
    assert assigned.member_name in message and "no longer assigned" in message
    assert f"{assigned.member_id}" not in message.replace("#1000", "")
