"""The dashboard's ticket widgets (spec section 4): My Queue, Unassigned on your boards and
Recently updated, yours.

Every widget has the same states and one template (`tickets/widget.html`): hidden (no PSA
connection), prompt (no member mapping), load (the skeleton the dashboard renders without
calling the PSA; it asks for the widget on load), populated, empty and error (with a Retry), and
paused (the PSA's hourly request budget is nearly spent: psa.budget). Each is one provider
search (its round trips are the provider's: README "Speed"), and re-reads itself when a ticket
changes anywhere on the page (`ticketUpdated` / `ticketCreated`), so a ticket shown in two
widgets is never stale in one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from psa.budget import low_priority_budget, paused_message, spent_for_low_priority
from psa.error_responses import shape_of
from psa.htmx_errors import read_or
from psa.selectors import (
    capabilities_for_account,
    connection_get,
    member_for_user,
    reference_data_get,
)
from resolutionflow.models import Account
from resolutionflow.tenancy import account_of, account_required

from . import selectors
from .row_cache import WidgetSnapshot, widget_snapshot_get, widget_snapshot_remember

QUEUE_SIZE = 5
WIDGET_SIZE = 5


@dataclass(frozen=True)
class Widget:
    """What differs between the widgets; the states and rows are shared."""

    dom_id: str
    title: str
    url_name: str
    empty: str
    later: str  # after the error's headline: what the widget will show once the PSA answers
    prompt: str = "Map your PSA {member} to see your queue"
    timed: bool = False  # rows show when the ticket was last updated

    def worded_for(self, account: Any) -> Widget:
        """The widget in the account's PSA's words ({boards}: "boards" or "queues", {member}:
        "member" or "resource"), from its capabilities, without a call to it."""
        caps = capabilities_for_account(account=account)
        words = {"boards": caps.board_label_plural.lower(), "member": caps.member_label}
        return replace(
            self,
            title=self.title.format(**words),
            empty=self.empty.format(**words),
            prompt=self.prompt.format(**words),
        )

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Loaded:
    """A widget's answer: its rows, the links in its header and a line under the rows."""

    items: tuple[Any, ...]
    links: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""


MY_QUEUE = Widget(
    dom_id="my-queue",
    title="My Queue",
    url_name="tickets:queue",
    empty="No open tickets assigned to you.",
    later="Your queue will show here when it is back.",
)
UNASSIGNED = Widget(
    dom_id="unassigned",
    title="Unassigned on your {boards}",
    url_name="tickets:widget-unassigned",
    empty="Nothing unassigned on your {boards}.",
    later="Unassigned tickets will show here when it is back.",
    prompt="Map your PSA {member} to see the unassigned tickets on your {boards}",
)
RECENT = Widget(
    dom_id="recent",
    title="Recently updated, yours",
    url_name="tickets:widget-recent",
    empty="None of your tickets changed in the last 24 hours.",
    later="Your recent updates will show here when it is back.",
    prompt="Map your PSA {member} to see your recently updated tickets",
    timed=True,
)
# Under My Queue on the dashboard, side by side.
DASHBOARD_SECTION = (UNASSIGNED, RECENT)


def queue_state(*, account: object, user: object) -> str:
    """hidden (no connection), prompt (no usable mapping) or load — decided without calling
    the PSA. A mapping that needs confirming (the connection now points at another tenant) is no
    usable mapping: the widgets ask for it rather than fail."""
    connection = connection_get(account=account)  # type: ignore[arg-type]
    if connection is None or not connection.is_active:
        return "hidden"
    if member_for_user(account=account, user=user) is None:  # type: ignore[arg-type]
        return "prompt"
    return "load"


def _render(
    request: HttpRequest, widget: Widget, load: Callable[[Account, Any], Loaded]
) -> HttpResponse:
    account = account_of(request)
    state = queue_state(account=account, user=request.user)
    context: dict[str, Any] = {"widget": widget.worded_for(account), "state": state}
    budget = low_priority_budget(account=account, resync=True) if state == "load" else None
    if spent_for_low_priority(budget):
        # Near the PSA's hourly request cap the widgets stand down first (psa.budget), leaving
        # the rest to the ticket list, the panel and writes. Calm, not an error: nothing failed;
        # the rows the engineer last saw here stay, said to be from then.
        last = widget_snapshot_get(account=account, user_id=request.user.pk, widget=widget.dom_id)
        context.update({"state": "paused", "paused": paused_message(account=account)})
        if last is not None:
            context.update(
                {
                    "items": last.items,
                    "links": last.links,
                    "footer": last.footer,
                    "as_of": last.taken_at,
                }
            )
    elif state == "load":

        def populated() -> dict[str, Any]:
            loaded = load(account, request.user)
            selectors.ticket_rows_remember(account=account, tickets=loaded.items)
            if budget is not None:  # kept only where a budget can pause the widget
                widget_snapshot_remember(
                    account=account,
                    user_id=request.user.pk,
                    widget=widget.dom_id,
                    snapshot=WidgetSnapshot(
                        items=loaded.items, links=loaded.links, footer=loaded.footer
                    ),
                )
            return {
                "state": "populated" if loaded.items else "empty",
                "items": loaded.items,
                "links": loaded.links,
                "footer": loaded.footer,
            }

        # The dashboard must never nag: no toast, an honest muted line and a Retry, in the same
        # words as everywhere else (an outage, a 500, a rate limit, refused keys).
        context.update(
            read_or(
                populated,
                otherwise=lambda exc: {
                    "state": "error",
                    "error": shape_of(exc).named(capabilities_for_account(account=account).name),
                },
            )
        )
    return render(request, "tickets/widget.html", context)


def _my_queue(account: Account, user: Any) -> Loaded:
    result = selectors.my_queue(account=account, user=user, limit=QUEUE_SIZE)
    more = result.total > len(result.items)
    return Loaded(
        items=result.items,
        links=[("View all tickets →", f"{reverse('tickets:list')}?assigned=me")],
        footer=f"{result.total} open in total." if more else "",
    )


def _unassigned_links(account: Account, board_ids: tuple[int, ...]) -> list[tuple[str, str]]:
    """The Tickets list filters one board at a time: one link when the widget covers one board
    or every board, else one link per board (named from the cached reference data)."""
    base = f"{reverse('tickets:list')}?assigned=unassigned"
    active = [b for b in reference_data_get(account=account).boards if not b.inactive]
    if not board_ids or {b.id for b in active} <= set(board_ids):
        return [("View all →", base)]
    if len(board_ids) == 1:
        return [("View all →", f"{base}&board={board_ids[0]}")]
    names = {b.id: b.name for b in active}
    return [(names.get(b, f"Board {b}"), f"{base}&board={b}") for b in board_ids]


def _unassigned(account: Account, user: Any) -> Loaded:
    result = selectors.unassigned_on_my_boards(account=account, user=user, limit=WIDGET_SIZE)
    boards = capabilities_for_account(account=account).board_label_plural.lower()
    where = f"on your {boards}" if result.board_ids else f"on all {boards}"
    count = f"At least {result.total}" if result.total_at_least else f"{result.total}"
    return Loaded(
        items=result.items,
        links=_unassigned_links(account, result.board_ids),
        footer=f"{count} unassigned {where}." if result.items else "",
    )


def _recent(account: Account, user: Any) -> Loaded:
    result = selectors.recently_updated_mine(account=account, user=user, limit=WIDGET_SIZE)
    more = result.total > len(result.items)
    return Loaded(
        items=result.items,
        footer=f"{result.total} updated in the last 24 hours." if more else "",
    )


@require_GET
@account_required
def my_queue(request: HttpRequest) -> HttpResponse:
    return _render(request, MY_QUEUE, _my_queue)


@require_GET
@account_required
def unassigned(request: HttpRequest) -> HttpResponse:
    return _render(request, UNASSIGNED, _unassigned)


@require_GET
@account_required
def recent(request: HttpRequest) -> HttpResponse:
    return _render(request, RECENT, _recent)
