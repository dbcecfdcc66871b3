"""Create idempotency that cannot wedge: a double click, a network retry, an answer lost after
ConnectWise made the ticket, and a worker killed mid-request each end with exactly one ticket,
and no key answers 409 forever."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from psa.providers.base import PSAUnavailable, TicketCreatePayload
from psa.registry import reset_provider_cache
from psa.selectors import provider_for_account
from tickets.models import TicketCreateRequest
from tickets.ticket_create import (
    CREATE_LEASE,
    CreateInProgress,
    api_member_identifier,
    ticket_create,
)

pytestmark = pytest.mark.django_db

BASE = "/api/integrations/psa"
HX = {"HX-Request": "true"}
POSTS = "POST /service/tickets"
PAYLOAD = TicketCreatePayload(summary="VPN drops every hour", company_id=250, board_id=1)
BODY = {"summary": PAYLOAD.summary, "company_id": 250, "board_id": 1}


def _posts(sim_stats: Any) -> int:
    return sim_stats()["routes"].get(POSTS, 0)


def _tickets_named(demo: Any, summary: str) -> list[Any]:
    provider = provider_for_account(account=demo.bayside)
    found = provider.find_recent_tickets(
        company_id=250, board_id=None, since=timezone.now() - timedelta(hours=1), limit=200
    )
    return [t for t in found if t.summary == summary]


def _create(demo: Any, key: str, payload: TicketCreatePayload = PAYLOAD) -> Any:
    return ticket_create(
        account=demo.bayside, user=demo.jordan, payload=payload, idempotency_key=key
    )


def test_a_double_click_while_the_first_is_in_flight_is_a_409_and_one_ticket(
    demo, sim_stats, monkeypatch
) -> None:
    provider = provider_for_account(account=demo.bayside)
    real_create = provider.create_ticket
    second: list[Exception] = []

    def clicked_again_meanwhile(*, payload: Any) -> Any:
        try:
            _create(demo, "double")
        except CreateInProgress as exc:
            second.append(exc)
        return real_create(payload=payload)

    monkeypatch.setattr(provider, "create_ticket", clicked_again_meanwhile)
    ticket = _create(demo, "double")

    assert len(second) == 1 and "Try again in" in second[0].message
    assert _posts(sim_stats) == 1 and len(_tickets_named(demo, PAYLOAD.summary)) == 1
    assert TicketCreateRequest.objects.get(key="double").ticket_id == ticket.id


def test_a_network_retry_after_success_returns_the_first_ticket(
    demo, jordan_api, sim_stats
) -> None:
    first = jordan_api.post(f"{BASE}/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="net")
    again = jordan_api.post(f"{BASE}/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="net")

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and _posts(sim_stats) == 1


@pytest.mark.parametrize("identity_known", [True, False], ids=["api-member-known", "first-create"])
def test_the_answer_lost_while_connectwise_hangs_then_create_again_files_one_ticket(
    demo, settings, sim_config, sim_stats, identity_known: bool
) -> None:
    """The browser bug: Create while ConnectWise hangs -> "try again"; after it recovers,
    Create again with the same draft -> it used to file a second ticket."""
    settings.PSA_READ_TIMEOUT = 0.5
    settings.PSA_MAX_RETRIES = 0
    reset_provider_cache()
    if identity_known:  # an earlier create through this connection showed its API member
        _create(demo, "earlier", TicketCreatePayload(summary="Earlier", company_id=250, board_id=1))
    before = _posts(sim_stats)
    sim_config(hang_rate=1.0, hang_seconds=1.5)
    with pytest.raises(PSAUnavailable):
        _create(demo, "hung-draft")
    sim_config(hang_rate=0.0)
    request = TicketCreateRequest.objects.get(key="hung-draft")
    assert request.state == "pending" and request.outcome_unknown

    time.sleep(1.6)  # ConnectWise finishes the stalled POST and stores the ticket
    again = _create(demo, "hung-draft")

    assert _posts(sim_stats) - before == 1
    assert [t.id for t in _tickets_named(demo, PAYLOAD.summary)] == [again.id]
    assert TicketCreateRequest.objects.get(key="hung-draft").ticket_id == again.id


def test_a_retry_before_connectwise_could_have_finished_waits_instead_of_filing(
    demo, monkeypatch, sim_stats
) -> None:
    provider = provider_for_account(account=demo.bayside)

    def no_answer(*, payload: Any) -> Any:
        try:
            raise TimeoutError("read timed out")
        except TimeoutError as exc:
            raise PSAUnavailable("ConnectWise did not answer within 20 seconds.") from exc

    monkeypatch.setattr(provider, "create_ticket", no_answer)
    with pytest.raises(PSAUnavailable):
        _create(demo, "too-soon")
    monkeypatch.undo()

    with pytest.raises(CreateInProgress, match=r"Try again in \d+ seconds"):
        _create(demo, "too-soon")
    assert _posts(sim_stats) == 0
    # Once ConnectWise would surely have finished and nothing was found, the key is free.
    TicketCreateRequest.objects.filter(key="too-soon").update(settle_after=timezone.now())
    assert _create(demo, "too-soon").id and _posts(sim_stats) == 1


@pytest.mark.parametrize("landed", [True, False], ids=["ticket-landed", "never-sent"])
def test_a_worker_killed_mid_create_does_not_wedge_its_key(
    demo, jordan_api, sim_stats, landed: bool
) -> None:
    provider = provider_for_account(account=demo.bayside)
    provider.create_ticket(
        payload=TicketCreatePayload(summary="Warm-up", company_id=251, board_id=1)
    )
    made = provider.create_ticket(payload=PAYLOAD).id if landed else None
    started = timezone.now() - timedelta(minutes=3)
    TicketCreateRequest.objects.create(
        account=demo.bayside,
        user=demo.jordan,
        key="dead-worker",
        summary=PAYLOAD.summary,
        company_id=250,
        board_id=1,
        attempt_started_at=started,
        settle_after=started + CREATE_LEASE,  # the dead worker's lease ran out
    )
    before = _posts(sim_stats)

    response = jordan_api.post(
        f"{BASE}/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="dead-worker"
    )

    assert response.status_code == 201
    if landed:
        assert response.json()["id"] == made and _posts(sim_stats) == before
    else:
        assert _posts(sim_stats) == before + 1
    assert len(_tickets_named(demo, PAYLOAD.summary)) == 1


def test_reconciliation_adopts_only_what_our_api_member_entered(
    demo, cw_sim, monkeypatch, sim_stats
) -> None:
    """An engineer typed the same summary into ConnectWise meanwhile: not ours to adopt."""
    provider = provider_for_account(account=demo.bayside)
    _create(demo, "teach", TicketCreatePayload(summary="Teach", company_id=250, board_id=1))
    theirs = provider.create_ticket(payload=PAYLOAD)
    store = cw_sim.app.registry.store("baysideit")
    with store.lock:
        store.get("tickets", theirs.id)["_info"]["enteredBy"] = "mlee"

    def unreachable(*, payload: Any) -> Any:
        raise PSAUnavailable("ConnectWise did not answer (HTTP 503).")

    monkeypatch.setattr(provider, "create_ticket", unreachable)
    with pytest.raises(PSAUnavailable):
        _create(demo, "mine")
    monkeypatch.undo()
    mine = _create(demo, "mine")

    assert mine.id != theirs.id and mine.entered_by == "rfapi"
    assert {t.id for t in _tickets_named(demo, PAYLOAD.summary)} == {theirs.id, mine.id}


def test_a_ticket_another_key_owns_is_never_adopted_twice(demo, monkeypatch) -> None:
    """The same summary filed on purpose twice (two drafts, two keys): each keeps its own."""
    first = _create(demo, "draft-a")
    provider = provider_for_account(account=demo.bayside)

    def unreachable(*, payload: Any) -> Any:
        raise PSAUnavailable("ConnectWise did not answer (HTTP 502).")

    monkeypatch.setattr(provider, "create_ticket", unreachable)
    with pytest.raises(PSAUnavailable):
        _create(demo, "draft-b")
    monkeypatch.undo()
    second = _create(demo, "draft-b")
    assert second.id != first.id


def test_the_form_keeps_its_key_when_a_create_fails(jordan, sim_config) -> None:
    """The New Ticket form's retry must send the same key, or the server cannot settle it."""
    html = jordan.get("/tickets/new/", headers=HX).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)
    sim_config(fail_rate=1.0)
    failed = jordan.post(
        "/tickets/new/create/", {**BODY, "idempotency_key": key}, headers=HX
    ).content.decode()

    assert f'name="idempotency_key" value="{key}"' in failed
    sim_config(fail_rate=0.0)
    created = jordan.post("/tickets/new/create/", {**BODY, "idempotency_key": key}, headers=HX)
    assert created.status_code == 204


@pytest.fixture
def jordan(client, demo):
    client.force_login(demo.jordan)
    return client


def test_the_api_member_is_remembered_beyond_the_process(demo) -> None:
    """Another worker (a fresh provider, an empty cache) still knows whose tickets are ours."""
    from django.core.cache import cache

    _create(demo, "remember")
    reset_provider_cache()
    cache.clear()
    fresh = provider_for_account(account=demo.bayside)

    assert fresh.api_member_identifier == ""
    assert api_member_identifier(account=demo.bayside, provider=fresh) == "rfapi"
