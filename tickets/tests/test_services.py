"""Service guarantees that the API and HTML tests don't reach: lost answers, ignored writes."""

from __future__ import annotations

import pytest

from psa.providers.base import PSAChangeNotApplied, PSAUnavailable, TicketCreatePayload
from psa.selectors import provider_for_account
from tickets import services
from tickets.models import TicketAuditEntry, TicketCreateRequest
from tickets.ticket_create import CreateInProgress, ticket_create

pytestmark = pytest.mark.django_db

PAYLOAD = TicketCreatePayload(summary="Wi-Fi drops in the warehouse", company_id=252, board_id=2)


def test_a_create_whose_answer_was_lost_is_found_not_filed_twice(demo, sim_stats, monkeypatch):
    provider = provider_for_account(account=demo.bayside)
    real_create = provider.create_ticket

    def create_then_lose_the_answer(*, payload):
        real_create(payload=payload)
        raise PSAUnavailable("ConnectWise did not answer in time.")

    monkeypatch.setattr(provider, "create_ticket", create_then_lose_the_answer)
    ticket = ticket_create(
        account=demo.bayside, user=demo.jordan, payload=PAYLOAD, idempotency_key="lost-1"
    )
    monkeypatch.undo()
    again = ticket_create(
        account=demo.bayside, user=demo.jordan, payload=PAYLOAD, idempotency_key="lost-1"
    )

    assert ticket.summary == PAYLOAD.summary and again.id == ticket.id
    assert sim_stats()["routes"]["POST /service/tickets"] == 1


def test_a_create_that_never_reached_connectwise_can_be_retried(demo, sim_stats, monkeypatch):
    provider = provider_for_account(account=demo.bayside)

    def unreachable(*, payload):
        raise PSAUnavailable("ConnectWise did not answer.")

    monkeypatch.setattr(provider, "create_ticket", unreachable)
    with pytest.raises(PSAUnavailable):
        ticket_create(
            account=demo.bayside, user=demo.jordan, payload=PAYLOAD, idempotency_key="retry-1"
        )
    monkeypatch.undo()

    # The key is kept until the retry has looked for the ticket (and found none) ...
    assert TicketCreateRequest.objects.get(key="retry-1").outcome_unknown
    ticket = ticket_create(
        account=demo.bayside, user=demo.jordan, payload=PAYLOAD, idempotency_key="retry-1"
    )
    # ... then it creates the ticket, once.
    assert ticket.id and sim_stats()["routes"]["POST /service/tickets"] == 1
    assert TicketCreateRequest.objects.get(key="retry-1").ticket_id == ticket.id


def test_a_draft_being_created_is_not_sent_again(demo):
    TicketCreateRequest.objects.create(account=demo.bayside, user=demo.jordan, key="busy")
    with pytest.raises(CreateInProgress):
        ticket_create(
            account=demo.bayside, user=demo.jordan, payload=PAYLOAD, idempotency_key="busy"
        )


def test_a_status_change_connectwise_ignored_is_reported_honestly(demo, monkeypatch):
    provider = provider_for_account(account=demo.bayside)
    monkeypatch.setattr(provider, "update_status", lambda **kwargs: None)  # 200, nothing changed

    with pytest.raises(PSAChangeNotApplied, match="still"):
        services.ticket_status_update(
            account=demo.bayside, user=demo.jordan, ticket_id=1000, status_id=110
        )
    entry = TicketAuditEntry.objects.get(action="status")
    assert entry.outcome == "failed" and entry.before["status"] == "Scheduled"


def test_a_resource_connectwise_dropped_is_reported_honestly(demo, monkeypatch):
    provider = provider_for_account(account=demo.bayside)
    monkeypatch.setattr(provider, "add_resource", lambda **kwargs: None)

    with pytest.raises(PSAChangeNotApplied):
        services.ticket_resource_add(
            account=demo.bayside, user=demo.jordan, ticket_id=1000, member_id=18
        )


def test_a_lost_create_at_a_busy_company_is_found_newest_first(demo, sim_stats, monkeypatch):
    # A company with more than 50 open tickets, all more urgent than the one being created:
    # "50 open tickets, most urgent first" would never reach it.
    provider = provider_for_account(account=demo.bayside)
    for n in range(55):
        provider.create_ticket(
            payload=TicketCreatePayload(
                summary=f"Urgent outage {n}", company_id=271, board_id=1, priority_id=8
            )
        )
    payload = TicketCreatePayload(
        summary="Printer tray 2 jams", company_id=271, board_id=1, priority_id=4
    )
    real_create = provider.create_ticket
    made: list[int] = []

    def create_then_lose_the_answer(*, payload):
        made.append(real_create(payload=payload).id)  # ConnectWise stored it ...
        raise PSAUnavailable("ConnectWise did not answer in time.")  # ... the answer was lost

    monkeypatch.setattr(provider, "create_ticket", create_then_lose_the_answer)
    ticket = ticket_create(
        account=demo.bayside, user=demo.jordan, payload=payload, idempotency_key="busy-co"
    )
    monkeypatch.undo()

    assert ticket.id == made[0]
    assert ticket.id not in {t.id for t in provider.find_open_tickets(company_id=271, limit=50)}
    assert sim_stats()["routes"]["POST /service/tickets"] == 56
    again = ticket_create(
        account=demo.bayside, user=demo.jordan, payload=payload, idempotency_key="busy-co"
    )
    assert again.id == ticket.id
    assert sim_stats()["routes"]["POST /service/tickets"] == 56
