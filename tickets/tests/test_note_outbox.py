"""The notes outbox: a note written while ConnectWise is down, slow or limiting requests is kept,
shown as queued, and reaches ConnectWise exactly once after it recovers, with nobody acting."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from psa.providers.base import PSAUnavailable
from psa.registry import reset_provider_cache
from psa.selectors import provider_for_account
from tickets import outbox, services, tasks
from tickets.models import PendingNote, TicketAuditEntry

from .conftest import api_client_for

pytestmark = pytest.mark.django_db

BASE = "/api/integrations/psa"
HX = {"HX-Request": "true"}
NOTE_POSTS = "POST /service/tickets/{id}/notes"
LATER = timedelta(minutes=10)  # past any backoff or settling delay


def _later() -> Any:
    return timezone.now() + LATER


def _posts(sim_stats: Any) -> int:
    return sim_stats()["routes"].get(NOTE_POSTS, 0)


def _notes_in_connectwise(account: Any, text: str, ticket_id: int = 1000) -> list[Any]:
    provider = provider_for_account(account=account)
    return [n for n in provider.list_ticket_notes(ticket_id=ticket_id) if text in n.text]


@pytest.fixture
def jordan(client, demo):
    client.force_login(demo.jordan)
    return client


# --- the API -----------------------------------------------------------------------------------


def test_a_note_written_while_connectwise_fails_lands_once_after_it_recovers(
    demo, jordan_api, sim_config, sim_stats
) -> None:
    sim_config(fail_rate=1.0)
    response = jordan_api.post(
        f"{BASE}/tickets/1000/notes",
        {"text": "Swapped the switch PSU.", "type": "internal"},
        format="json",
    )
    assert response.status_code == 202
    body = response.json()
    assert body["queued"] is True and body["state"] == "queued"
    assert body["text"] == "Swapped the switch PSU." and body["last_error"]

    # Listed as pending while ConnectWise cannot even be read.
    listed = jordan_api.get(f"{BASE}/tickets/1000/notes").json()
    assert [p["text"] for p in listed["pending"]] == ["Swapped the switch PSU."]
    assert listed["notes"] == [] and listed["notes_unavailable"]

    # Still failing: the drain tries, keeps the note and posts nothing that sticks.
    assert outbox.outbox_drain(now=_later())["queued"] == 1
    sim_config(fail_rate=0.0)
    assert outbox.outbox_drain(now=_later() + LATER) == {"posted": 1, "failed": 0, "queued": 0}

    landed = _notes_in_connectwise(demo.bayside, "Swapped the switch PSU.")
    assert len(landed) == 1 and landed[0].author_identifier == "jsmith"
    assert landed[0].type == "internal"
    row = PendingNote.objects.get()
    assert row.state == "posted" and row.psa_note_id == landed[0].id
    listed = jordan_api.get(f"{BASE}/tickets/1000/notes").json()
    assert listed["pending"] == []
    assert [n["id"] for n in listed["notes"] if "switch PSU" in n["text"]] == [landed[0].id]
    # Nothing is left to do: another pass posts nothing more.
    assert outbox.outbox_drain(now=_later() + 2 * LATER) == {"posted": 0, "failed": 0, "queued": 0}
    assert len(_notes_in_connectwise(demo.bayside, "Swapped the switch PSU.")) == 1


def test_a_note_posted_at_once_answers_201_with_its_key(jordan_api) -> None:
    response = jordan_api.post(
        f"{BASE}/tickets/1000/notes",
        {"text": "Rebooted the AP."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="note-201",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["queued"] is False and body["client_key"] == "note-201" and body["id"]


def test_the_same_request_twice_posts_once(demo, jordan_api, sim_stats) -> None:
    """A double click or a client retry of a request whose answer it never saw."""
    send = lambda: jordan_api.post(  # noqa: E731
        f"{BASE}/tickets/1000/notes",
        {"text": "Cleared the print queue."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="retry-me",
    )
    first, second = send(), send()

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert _posts(sim_stats) == 1
    assert len(_notes_in_connectwise(demo.bayside, "Cleared the print queue.")) == 1


def test_the_same_request_twice_while_connectwise_fails_queues_one_note(
    demo, jordan_api, sim_config, sim_stats
) -> None:
    sim_config(fail_rate=1.0)
    for _ in range(2):
        response = jordan_api.post(
            f"{BASE}/tickets/1000/notes",
            {"text": "Escalated to the ISP."},
            format="json",
            HTTP_IDEMPOTENCY_KEY="queued-twice",
        )
        assert response.status_code == 202
    assert PendingNote.objects.count() == 1 and _posts(sim_stats) == 1

    sim_config(fail_rate=0.0)
    outbox.outbox_drain(now=_later())
    assert len(_notes_in_connectwise(demo.bayside, "Escalated to the ISP.")) == 1


def test_a_key_reused_for_another_note_is_refused(jordan_api) -> None:
    first = jordan_api.post(
        f"{BASE}/tickets/1000/notes", {"text": "One"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    second = jordan_api.post(
        f"{BASE}/tickets/1000/notes", {"text": "Two"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201 and second.status_code == 400
    assert "Idempotency-Key" in second.json()["error"]["fields"]


# --- lost answers and dead workers ---------------------------------------------------------------


def test_a_note_whose_answer_was_lost_is_adopted_not_posted_again(
    demo, sim_stats, monkeypatch
) -> None:
    provider = provider_for_account(account=demo.bayside)
    real_add = provider.add_note

    def post_then_lose_the_answer(**kwargs: Any) -> Any:
        real_add(**kwargs)  # ConnectWise stored it ...
        raise PSAUnavailable("ConnectWise did not answer (HTTP 502).")  # ... the answer was lost

    monkeypatch.setattr(provider, "add_note", post_then_lose_the_answer)
    submission = services.ticket_note_add(
        account=demo.bayside,
        user=demo.jordan,
        ticket_id=1000,
        text="Replaced the UPS battery.",
        note_type="discussion",
    )
    monkeypatch.undo()
    assert submission.queued and submission.outbox.outcome_unknown

    row = outbox.pending_note_deliver(pending_id=submission.outbox.pk, now=_later())
    assert row is not None and row.state == "posted"
    landed = _notes_in_connectwise(demo.bayside, "Replaced the UPS battery.")
    assert len(landed) == 1 and row.psa_note_id == landed[0].id
    assert _posts(sim_stats) == 1
    assert "not posted again" in TicketAuditEntry.objects.filter(outcome="success").get().message


def test_a_timed_out_post_that_landed_later_is_found_through_the_simulator(
    demo, settings, sim_config, sim_stats
) -> None:
    """The simulator stalls the POST past our read timeout and stores the note afterwards."""
    settings.PSA_READ_TIMEOUT = 0.5
    reset_provider_cache()
    sim_config(hang_rate=1.0, hang_seconds=1.5)
    submission = services.ticket_note_add(
        account=demo.bayside,
        user=demo.jordan,
        ticket_id=1000,
        text="Firmware updated on the core switch.",
        note_type="discussion",
    )
    sim_config(hang_rate=0.0)
    assert submission.queued
    row = PendingNote.objects.get()
    # No answer at all: the next look waits until ConnectWise surely finished writing.
    assert row.next_attempt_at >= timezone.now() + timedelta(seconds=30)
    assert outbox.pending_note_deliver(pending_id=row.pk) is not None  # not due: untouched
    assert PendingNote.objects.get().attempts == 1

    time.sleep(1.5)  # the stalled POST completes in the simulator
    assert outbox.outbox_drain(now=_later())["posted"] == 1
    assert len(_notes_in_connectwise(demo.bayside, "Firmware updated on the core switch.")) == 1
    assert _posts(sim_stats) == 1


@pytest.mark.parametrize("landed", [True, False], ids=["post-landed", "post-never-sent"])
def test_a_worker_killed_mid_post_is_settled_by_the_next_one(demo, sim_stats, landed: bool) -> None:
    text = "Moved the printer to VLAN 20."
    now = timezone.now()
    if landed:
        provider_for_account(account=demo.bayside).add_note(
            ticket_id=1000, text=text, note_type="discussion", member_id=17
        )
    row = PendingNote.objects.create(
        account=demo.bayside,
        user=demo.jordan,
        ticket_id=1000,
        member_id=17,
        member_identifier="jsmith",
        text=text,
        note_type="discussion",
        client_key="dead-worker",
        state=PendingNote.State.POSTING,
        attempts=1,
        next_attempt_at=now,
        first_attempt_at=now,
        lease_expires_at=now + timedelta(seconds=150),
    )
    # While the dead worker's lease runs, nobody else touches the note.
    assert outbox.outbox_drain(now=now + timedelta(seconds=10))["posted"] == 0

    assert outbox.outbox_drain(now=now + timedelta(minutes=5))["posted"] == 1
    assert len(_notes_in_connectwise(demo.bayside, text)) == 1
    assert _posts(sim_stats) == 1
    row.refresh_from_db()
    # The expired lease made the outcome unknown: the note was looked for before any post.
    assert row.state == "posted" and row.outcome_unknown


def test_two_workers_never_claim_the_same_note(demo, sim_config) -> None:
    sim_config(fail_rate=1.0)
    submission = services.ticket_note_add(
        account=demo.bayside,
        user=demo.jordan,
        ticket_id=1000,
        text="Claimed once.",
        note_type="discussion",
    )
    now = _later()
    first = outbox._claim(submission.outbox.pk, now)
    second = outbox._claim(submission.outbox.pk, now)
    assert first is not None and second is None
    assert outbox.pending_note_deliver(pending_id=submission.outbox.pk, now=now).state == "posting"


def test_identical_notes_each_adopt_their_own(demo, sim_config, monkeypatch) -> None:
    """Two notes with the same text, both with an unknown outcome, only the first of which
    reached ConnectWise: the second must not adopt the first one's note, so it posts its own."""
    provider = provider_for_account(account=demo.bayside)
    real_add = provider.add_note

    def post_then_lose_the_answer(**kwargs: Any) -> Any:
        real_add(**kwargs)
        raise PSAUnavailable("lost")

    def submit() -> Any:
        return services.ticket_note_add(
            account=demo.bayside,
            user=demo.jordan,
            ticket_id=1000,
            text="Ping OK.",
            note_type="discussion",
        )

    monkeypatch.setattr(provider, "add_note", post_then_lose_the_answer)
    first = submit()  # landed, answer lost
    monkeypatch.undo()
    second = submit()  # written behind the first: queued in order, not tried yet
    assert first.outbox.outcome_unknown and second.queued and second.outbox.attempts == 0
    # As if its own earlier attempt had lost its answer too (it never reached ConnectWise).
    PendingNote.objects.filter(pk=second.outbox.pk).update(outcome_unknown=True)

    assert outbox.outbox_drain(now=_later())["posted"] == 2
    landed = _notes_in_connectwise(demo.bayside, "Ping OK.")
    ids = set(PendingNote.objects.values_list("psa_note_id", flat=True))
    assert len(landed) == 2 and ids == {n.id for n in landed}


# --- refusals, rate limits ------------------------------------------------------------------------


def test_a_note_connectwise_refuses_for_good_is_kept_as_failed(
    demo, jordan_api, sim_config, cw_sim
) -> None:
    sim_config(fail_rate=1.0)
    assert (
        jordan_api.post(
            f"{BASE}/tickets/1000/notes", {"text": "Lost cause."}, format="json"
        ).status_code
        == 202
    )
    sim_config(fail_rate=0.0)
    provider_for_account(account=demo.bayside).client.delete("/service/tickets/1000")

    assert outbox.outbox_drain(now=_later())["failed"] == 1
    row = PendingNote.objects.get()
    assert row.state == "failed" and "not found" in row.last_error.lower()
    pending = jordan_api.get(f"{BASE}/tickets/1001/notes").json()["pending"]
    assert pending == []  # another ticket
    assert TicketAuditEntry.objects.filter(outcome="failed", message=row.last_error).exists()


def test_a_rate_limited_note_waits_for_retry_after(demo, jordan_api, sim_config) -> None:
    sim_config(rate_limit=1)
    jordan_api.get(f"{BASE}/tickets/1000")  # spends the minute's only request
    response = jordan_api.post(f"{BASE}/tickets/1000/notes", {"text": "Later."}, format="json")

    assert response.status_code == 202
    row = PendingNote.objects.get()
    assert row.error_code == "psa_rate_limited" and not row.outcome_unknown
    assert row.next_attempt_at >= timezone.now() + timedelta(seconds=30)


# --- delivery without anyone acting: the Celery task, the sweep, the drain command ------------------


def _queue_one(demo: Any, sim_config: Any, text: str) -> PendingNote:
    sim_config(fail_rate=1.0)
    submission = services.ticket_note_add(
        account=demo.bayside, user=demo.jordan, ticket_id=1000, text=text, note_type="discussion"
    )
    sim_config(fail_rate=0.0)
    PendingNote.objects.filter(pk=submission.outbox.pk).update(next_attempt_at=timezone.now())
    return submission.outbox


def test_the_celery_task_delivers_a_due_note(demo, sim_config) -> None:
    row = _queue_one(demo, sim_config, "Delivered by the task.")
    assert tasks.deliver_pending_note.delay(row.pk).get() == "posted"
    assert len(_notes_in_connectwise(demo.bayside, "Delivered by the task.")) == 1


def test_the_beat_sweep_delivers_due_notes(demo, sim_config) -> None:
    _queue_one(demo, sim_config, "Delivered by the sweep.")
    assert tasks.sweep_note_outbox.delay().get() == 1
    assert PendingNote.objects.get().state == "posted"
    assert len(_notes_in_connectwise(demo.bayside, "Delivered by the sweep.")) == 1


def test_with_a_broker_a_queued_note_is_enqueued_on_commit(
    demo, sim_config, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from resolutionflow.celery import app

    sent: list[tuple[Any, Any]] = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(
        tasks.deliver_pending_note, "apply_async", lambda args, eta: sent.append((args, eta))
    )
    sim_config(fail_rate=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.ticket_note_add(
            account=demo.bayside, user=demo.jordan, ticket_id=1000, text="x", note_type="internal"
        )
    assert sent == [((submission.outbox.pk,), submission.outbox.next_attempt_at)]


def test_the_drain_command_delivers_due_notes(demo, sim_config, capsys) -> None:
    _queue_one(demo, sim_config, "Delivered by outbox_drain.")
    call_command("outbox_drain")
    assert "1 posted" in capsys.readouterr().out
    assert len(_notes_in_connectwise(demo.bayside, "Delivered by outbox_drain.")) == 1


# --- the panel -----------------------------------------------------------------------------------


def test_the_panel_shows_a_queued_note_and_moves_it_to_the_feed_once_posted(
    demo, jordan, sim_config
) -> None:
    sim_config(fail_rate=1.0)
    response = jordan.post(
        "/tickets/1000/notes/",
        {"text": "Patched the firewall.", "type": "discussion", "client_key": "panel-1"},
        headers=HX,
    )
    html = response.content.decode()
    assert "Queued — will post when ConnectWise answers" in html and "Patched the firewall." in html
    assert 'hx-trigger="every 10s"' in html  # it keeps looking until the note lands
    assert 'name="client_key" value="panel-1"' not in html  # the composer is ready for a new note
    assert "queued" in response.headers["HX-Trigger"]

    sim_config(fail_rate=0.0)
    outbox.outbox_drain(now=_later())
    row = PendingNote.objects.get()
    polled = jordan.get(f"/tickets/1000/notes/outbox/?shown={row.pk}", headers=HX)
    html = polled.content.decode()
    assert "Queued" not in html and 'hx-swap-oob="beforeend:#notes-feed"' in html
    assert "Patched the firewall." in html and "every 10s" not in html


def test_the_panel_resent_with_the_same_key_posts_once(demo, jordan, sim_stats) -> None:
    form = {"text": "Checked the DHCP scope.", "type": "discussion", "client_key": "panel-2"}
    assert jordan.post("/tickets/1000/notes/", form, headers=HX).status_code == 200
    assert jordan.post("/tickets/1000/notes/", form, headers=HX).status_code == 200
    assert _posts(sim_stats) == 1


def test_a_refused_queued_note_is_shown_failed_with_its_text_to_copy(
    demo, jordan, sim_config
) -> None:
    sim_config(fail_rate=1.0)
    jordan.post("/tickets/1000/notes/", {"text": "Keep this text.", "type": "internal"}, headers=HX)
    sim_config(fail_rate=0.0)
    provider_for_account(account=demo.bayside).client.delete("/service/tickets/1000")
    outbox.outbox_drain(now=_later())

    html = jordan.get("/tickets/1000/notes/outbox/", headers=HX).content.decode()
    assert "Not posted" in html and "was not found" in html
    assert re.search(r"<textarea[^>]*readonly>Keep this text.</textarea>", html)
    row = PendingNote.objects.get()
    dismissed = jordan.post(f"/tickets/1000/notes/outbox/{row.pk}/dismiss/", headers=HX)
    assert "Keep this text." not in dismissed.content.decode()
    assert not PendingNote.objects.exists()


def test_the_composer_answers_without_connectwise_even_for_an_uncached_ticket(
    demo, jordan, sim_config
) -> None:
    """The note view used to look the ticket up before its `try`: a 500 once the row cache
    had expired and ConnectWise was down."""
    sim_config(fail_rate=1.0)
    response = jordan.post("/tickets/1042/notes/", {"text": "Still here."}, headers=HX)
    assert response.status_code == 200 and "Queued" in response.content.decode()


def test_unmapped_engineers_queued_notes_are_signed_and_land_once(demo, sim_config) -> None:
    client = api_client_for(demo.riley)
    sim_config(fail_rate=1.0)
    assert (
        client.post(
            f"{BASE}/tickets/1000/notes", {"text": "Cabling OK."}, format="json"
        ).status_code
        == 202
    )
    sim_config(fail_rate=0.0)
    outbox.outbox_drain(now=_later())
    landed = _notes_in_connectwise(demo.bayside, "Cabling OK.")
    assert len(landed) == 1 and landed[0].text.endswith("— via ResolutionFlow, Riley Quinn")


def test_a_reopened_panel_still_shows_the_queued_note(demo, jordan, sim_config) -> None:
    sim_config(fail_rate=1.0)
    jordan.post("/tickets/1000/notes/", {"text": "Left a voicemail."}, headers=HX)
    sim_config(fail_rate=0.0)

    panel = jordan.get("/tickets/1000/panel/", headers=HX).content.decode()
    assert 'hx-get="/tickets/1000/notes/outbox/"' in panel  # the composer loads the outbox
    listed = jordan.get("/tickets/1000/notes/outbox/", headers=HX).content.decode()
    assert "Queued — will post when ConnectWise answers" in listed and "Left a voicemail." in listed


def test_the_schema_documents_201_and_202_for_a_note() -> None:
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(request=None, public=True)
    responses = spec["paths"]["/api/integrations/psa/tickets/{ticket_id}/notes"]["post"][
        "responses"
    ]
    assert {"201", "202"} <= set(responses)
    queued = responses["202"]["content"]["application/json"]["schema"]["$ref"]
    assert queued.endswith("/QueuedNote")


def test_without_a_usable_connection_a_note_is_refused_not_queued(demo, jordan_api) -> None:
    """Nothing to post to until an owner connects ConnectWise: say so (409), keep nothing."""
    from psa.models import PSAConnection

    PSAConnection.objects.filter(account=demo.bayside).update(is_active=False)
    response = jordan_api.post(f"{BASE}/tickets/1000/notes", {"text": "Nowhere."}, format="json")

    assert response.status_code == 409 and not PendingNote.objects.exists()


# --- bound to the tenant it was written for ------------------------------------------------------


def _repoint(account: Any, *, to: Any) -> None:
    """What an admin does on the integrations page: same account, another tenant's details."""
    from psa.models import PSAConnection
    from psa.selectors import psa_caches_invalidate

    connection = PSAConnection.objects.get(account=account)
    source = PSAConnection.objects.get(account=to)
    connection.company_id = source.company_id
    connection.public_key = source.public_key
    connection.private_key = source.private_key
    connection.private_key_for = ""
    connection.save()
    psa_caches_invalidate(account=account)
    reset_provider_cache()


def test_notes_queued_for_one_tenant_are_never_posted_to_another_after_a_repoint(
    demo, jordan, sim_config, sim_stats
) -> None:
    # Both tenants have a ticket #1000: the note's number alone would fit either.
    assert provider_for_account(account=demo.northshore).get_ticket(ticket_id=1000).id == 1000
    sim_config(fail_rate=1.0)
    for text in ("Bayside: replaced the UPS battery.", "Bayside: rebooted the core switch."):
        jordan.post("/tickets/1000/notes/", {"text": text, "type": "internal"}, headers=HX)
    assert PendingNote.objects.filter(state=PendingNote.State.PENDING).count() == 2
    _repoint(demo.bayside, to=demo.northshore)
    sim_config(fail_rate=0.0)
    posts_before = _posts(sim_stats)

    outbox.outbox_drain(now=_later())
    outbox.outbox_drain(now=_later() + LATER)

    assert _posts(sim_stats) == posts_before  # nothing was sent anywhere
    assert _notes_in_connectwise(demo.northshore, "Bayside:") == []
    rows = list(PendingNote.objects.order_by("pk"))
    assert [row.state for row in rows] == [PendingNote.State.HELD] * 2
    html = jordan.get("/tickets/1000/notes/outbox/", headers=HX).content.decode()
    assert "The connection changed" in html
    assert re.search(r"<textarea[^>]*readonly>Bayside: replaced the UPS battery.</textarea>", html)
    dismissed = jordan.post(f"/tickets/1000/notes/outbox/{rows[0].pk}/dismiss/", headers=HX)
    assert "replaced the UPS battery" not in dismissed.content.decode()


def test_a_create_key_is_not_replayed_against_a_repointed_connection(demo, jordan_api) -> None:
    from tickets.models import TicketCreateRequest

    account = demo.bayside
    TicketCreateRequest.objects.create(
        account=account, user=demo.jordan, key="draft-1", state="done", ticket_id=1000
    )
    _repoint(account, to=demo.northshore)
    board = provider_for_account(account=account).list_boards()[0]
    company = provider_for_account(account=account).search_companies(query="")[0]
    response = jordan_api.post(
        f"{BASE}/tickets",
        {"summary": "Printer jam", "company_id": company.id, "board_id": board.id},
        format="json",
        HTTP_IDEMPOTENCY_KEY="draft-1",
    )
    assert response.status_code == 400
    assert "connection changed" in response.json()["error"]["message"]


def test_queued_notes_of_one_ticket_post_in_the_order_they_were_written(
    demo, jordan, sim_config
) -> None:
    sim_config(fail_rate=1.0)
    texts = [f"Step {n} of the fix." for n in range(4)]
    for text in texts:
        jordan.post("/tickets/1000/notes/", {"text": text, "type": "internal"}, headers=HX)
    # Backoff jitter makes later notes due before earlier ones; the order must hold anyway.
    rows = list(PendingNote.objects.order_by("pk"))
    for row, minutes in zip(rows, (9, 3, 1, 5), strict=True):
        PendingNote.objects.filter(pk=row.pk).update(
            next_attempt_at=timezone.now() + timedelta(minutes=minutes)
        )
    sim_config(fail_rate=0.0)
    for minutes in (2, 4, 6, 10, 11):
        outbox.outbox_drain(now=timezone.now() + timedelta(minutes=minutes))
    posted = PendingNote.objects.order_by("psa_note_id")
    assert [row.text.split("\n")[0] for row in posted] == texts
    landed = [
        n.text
        for n in provider_for_account(account=demo.bayside).list_ticket_notes(ticket_id=1000)
        if n.text.startswith("Step ")
    ]
    assert landed == texts


def test_a_note_written_behind_queued_ones_waits_its_turn(demo, jordan, sim_config) -> None:
    sim_config(fail_rate=1.0)
    jordan.post("/tickets/1000/notes/", {"text": "First.", "type": "internal"}, headers=HX)
    sim_config(fail_rate=0.0)
    jordan.post("/tickets/1000/notes/", {"text": "Second.", "type": "internal"}, headers=HX)
    first, second = PendingNote.objects.order_by("pk")
    assert first.state == second.state == PendingNote.State.PENDING  # not posted ahead of it
    outbox.outbox_drain(now=_later())
    outbox.outbox_drain(now=_later())
    landed = [
        n.text
        for n in provider_for_account(account=demo.bayside).list_ticket_notes(ticket_id=1000)
        if n.text in ("First.", "Second.")
    ]
    assert landed == ["First.", "Second."]
