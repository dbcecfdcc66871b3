"""The notes outbox owns its rows: only `tickets.outbox` creates, claims or changes a PendingNote,
and only `tickets.outbox_selectors` reads them; everything else goes through their functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import timezone

from tickets import outbox
from tickets.models import PendingNote

ROOT = Path(__file__).resolve().parents[2]
OWNERS = {"tickets/outbox.py", "tickets/outbox_selectors.py"}


def _touches_rows(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id == "PendingNote"
        for node in ast.walk(tree)
    )


def test_no_product_module_but_the_outbox_queries_pending_notes() -> None:
    product = [
        p
        for app in ("tickets", "assistant", "psa", "resolutionflow")
        for p in (ROOT / app).rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts
    ]
    assert product
    strays = sorted(
        str(p.relative_to(ROOT))
        for p in product
        if str(p.relative_to(ROOT)) not in OWNERS and _touches_rows(p)
    )
    assert strays == []


@pytest.mark.django_db
def test_retry_now_makes_only_queued_notes_due(demo) -> None:
    later = timezone.now() + timezone.timedelta(hours=1)

    def row(key: str, state: str) -> PendingNote:
        return PendingNote.objects.create(
            account=demo.bayside,
            user=demo.jordan,
            ticket_id=1000,
            text=key,
            note_type="internal",
            client_key=key,
            state=state,
            next_attempt_at=later,
        )

    queued, refused, posting = row("a", "pending"), row("b", "failed"), row("c", "posting")

    assert outbox.pending_notes_retry_now(ids=[queued.pk, refused.pk, posting.pk]) == 1

    for note in (queued, refused, posting):
        note.refresh_from_db()
    assert queued.next_attempt_at <= timezone.now()
    assert refused.next_attempt_at == later and posting.next_attempt_at == later
