"""The panel's queued notes (the notes outbox): listed under the composer until they reach
the PSA, refreshed by polling while any wait, and moved into the feed once posted."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from resolutionflow.tenancy import account_required

from .limits import MAX_ID
from .outbox import pending_note_dismiss
from .outbox_selectors import pending_notes_list, pending_notes_posted

POLL_SECONDS = 10


def outbox_context(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """What the composer's outbox list shows: this ticket's queued notes, the user's refused
    ones, and (for the feed) the ones that reached the PSA since the page last looked."""
    account = request.membership.account  # type: ignore[attr-defined]
    rows = pending_notes_list(account=account, ticket_id=ticket_id, user=request.user)
    shown = _ids(request.GET.get("shown", ""))
    just_posted = pending_notes_posted(account=account, ticket_id=ticket_id, ids=shown)
    return {
        "ticket_id": ticket_id,
        "outbox": rows,
        "outbox_shown": ",".join(str(r.pk) for r in rows if r.queued),
        "outbox_polling": any(r.queued for r in rows),
        "outbox_poll_seconds": POLL_SECONDS,
        "just_posted": just_posted,
    }


def _ids(raw: str) -> list[int]:
    ids = []
    for part in raw.split(",")[:100]:
        if part.strip().isdigit() and 0 < int(part) <= MAX_ID:
            ids.append(int(part))
    return ids


@require_GET
@account_required
def notes_outbox(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return render(request, "tickets/panel.html#outbox", outbox_context(request, ticket_id))


@require_POST
@account_required
def notes_outbox_dismiss(request: HttpRequest, ticket_id: int, pending_id: int) -> HttpResponse:
    pending_note_dismiss(
        account=request.membership.account,  # type: ignore[attr-defined]
        user=request.user,
        pending_id=pending_id,
    )
    return render(request, "tickets/panel.html#outbox", outbox_context(request, ticket_id))
